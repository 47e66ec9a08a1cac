import cors from 'cors';
import type { RequestHandler } from 'express';
import { ipKeyGenerator, rateLimit, type Logger as LimiterLogger, type Store } from 'express-rate-limit';
import helmet from 'helmet';
import { AppError } from '../errors.js';
import type { Logger } from '../log.js';

/** How often a limiter whose store is unreachable says so: every request meanwhile would otherwise log a stack. */
const STORE_ERROR_LOG_MS = 10_000;

function storeLogger(log: Logger, what: string): LimiterLogger {
  let loggedAt = -Infinity;
  const report = (level: 'warn' | 'error') => (err: unknown) => {
    if (Date.now() - loggedAt < STORE_ERROR_LOG_MS) return;
    loggedAt = Date.now();
    log[level]({ err: (err as Error).message }, `rate limit of ${what} cannot be counted (Redis); requests pass`);
  };
  return { error: report('error'), warn: report('warn') };
}

/**
 * Security headers for the API and the dashboard. The dashboard needs its socket (ws:/wss: to itself) and inline
 * styles (Recharts sets them); everything else stays 'self'. Only /widget may be framed by other sites.
 *
 * `upgrade-insecure-requests` goes only on responses to requests that arrived over HTTPS (`req.secure`: a TLS
 * connection, or a trusted proxy's X-Forwarded-Proto when Express's `trust proxy` is set). On a page served over
 * plain HTTP from any host but localhost, it would send every asset request to HTTPS on a port that speaks none,
 * and the dashboard would load blank.
 */
export function securityHeaders(): RequestHandler {
  const base = {
    defaultSrc: ["'self'"],
    connectSrc: ["'self'", 'ws:', 'wss:'],
    styleSrc: ["'self'", "'unsafe-inline'"],
    imgSrc: ["'self'", 'data:'],
    scriptSrc: ["'self'"],
  };
  const page = (frameAncestors: string[], secure: boolean) => ({
    directives: { ...base, frameAncestors, upgradeInsecureRequests: secure ? [] : null },
  });
  const app = (secure: boolean) => helmet({ contentSecurityPolicy: page(["'self'"], secure) });
  const widget = (secure: boolean) =>
    helmet({
      contentSecurityPolicy: page(['*'], secure),
      frameguard: false,
      crossOriginResourcePolicy: { policy: 'cross-origin' },
    });
  const headers = { app: { http: app(false), https: app(true) }, widget: { http: widget(false), https: widget(true) } };
  return (req, res, next) =>
    headers[req.path === '/widget' ? 'widget' : 'app'][req.secure ? 'https' : 'http'](req, res, next);
}

/** Browsers on other origins may call the REST API only from the configured origins. */
export function apiCors(origins: string[]): RequestHandler {
  return cors({ origin: origins.length > 0 ? origins : false, maxAge: 600 });
}

/**
 * A limiter of `perMinute` requests per client address. Credentials are not verified yet at this point, so they
 * cannot tell callers apart (a made-up token per request would get a fresh allowance). The count lives in this
 * process, or with `store` in Redis so a cluster's processes count together; should Redis be away, requests pass
 * rather than fail (ingest then answers 503 on its own, as it cannot make ticks durable).
 */
export function perMinute(perMinute: number, what: string, shared?: { store: Store; log: Logger }): RequestHandler {
  return rateLimit({
    windowMs: 60_000,
    limit: perMinute,
    ...(shared ? { store: shared.store, passOnStoreError: true, logger: storeLogger(shared.log, what) } : {}),
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    keyGenerator: (req) => ipKeyGenerator(req.ip ?? '0.0.0.0'),
    handler: (_req, _res, next) =>
      next(new AppError('rate_limited', 429, `Too many ${what}; slow down and retry in a minute`)),
  });
}
