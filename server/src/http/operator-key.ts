import crypto from 'node:crypto';
import type { RequestHandler } from 'express';
import { unauthorized } from '../errors.js';

/**
 * Routes for operators and market-data vendors take one of the `accepted` keys (ingest and fundamentals: the
 * INGEST_API_KEY; metrics and usage: METRICS_API_KEY as well), in `x-api-key` or as a bearer token
 * (`Authorization: Bearer …`, what Prometheus's `authorization` scrape setting sends).
 */
export function requireOperatorKey(...accepted: string[]): RequestHandler {
  const digests = accepted.map(digest);
  return (req, _res, next) => {
    const given = req.get('x-api-key') ?? /^Bearer (.+)$/.exec(req.get('authorization') ?? '')?.[1];
    // Comparing digests keeps the comparison constant-time whatever the length of what was sent; every key is
    // compared, so the time does not say which one matched.
    const givenDigest = digest(given ?? '');
    let matched = false;
    for (const expected of digests) matched = crypto.timingSafeEqual(givenDigest, expected) || matched;
    if (!given || !matched) throw unauthorized('A valid x-api-key header (or Authorization: Bearer) is required');
    next();
  };
}

function digest(key: string): Buffer {
  return crypto.createHash('sha256').update(key).digest();
}
