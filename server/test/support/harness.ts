import crypto from 'node:crypto';
import { inject } from 'vitest';
import { pino } from 'pino';
import { createApp, type App } from '../../src/app.js';
import { loadConfig, type Config } from '../../src/config.js';
import { AlertEngine } from '../../src/engine/alert-engine.js';
import type { Logger } from '../../src/log.js';
import { MarketState } from '../../src/market/market-state.js';
import type { AlertsRepository } from '../../src/store/alerts-repository.js';
import type { NotificationsRepository } from '../../src/store/notifications-repository.js';
import { openStore, type OpenStore } from '../../src/store/open-store.js';
import { TicksRepository } from '../../src/store/ticks-repository.js';

export const INGEST_KEY = 'test-ingest-key-0123456789';
export const silentLog = pino({ level: 'silent' });

export interface TestServer {
  url: string;
  app: App;
  store: OpenStore;
  config: Config;
  close(): Promise<void>;
  /** POST /api/ticks with the operator key. */
  ingest(body: unknown): Promise<Response>;
}

/** Tables of one test file or case: a fresh prefix on the run's shared DynamoDB server. */
export function uniquePrefix(): string {
  return `t${crypto.randomBytes(4).toString('hex')}_`;
}

export function testEnv(overrides: Record<string, string> = {}): NodeJS.ProcessEnv {
  return {
    NODE_ENV: 'test',
    PORT: '0',
    FEED: 'none',
    LOG_LEVEL: 'silent',
    DYNAMODB_ENDPOINT: inject('dynamoEndpoint'),
    TABLE_PREFIX: uniquePrefix(),
    INGEST_API_KEY: INGEST_KEY,
    AUTH_MODE: 'dev',
    ...overrides,
  };
}

/**
 * The real server, built by createApp on the run's DynamoDB server, listening on a free loopback port.
 * `beforeListen` sees the app and its store before start-up reads anything (to watch the store calls it makes).
 */
export async function startTestServer(
  overrides: Record<string, string> = {},
  options: { clientDist?: string; log?: Logger; beforeListen?: (app: App, store: OpenStore) => void } = {},
): Promise<TestServer> {
  const config = loadConfig(testEnv(overrides));
  const log = options.log ?? silentLog;
  const store = await openStore(config, log);
  const app = await createApp(config, { store, log, clientDist: options.clientDist ?? '/nonexistent' });
  options.beforeListen?.(app, store);
  const url = await app.listen();
  return {
    url,
    app,
    store,
    config,
    async close() {
      await app.close();
      await store.close();
    },
    ingest: (body) =>
      fetch(`${url}/api/ticks`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-api-key': INGEST_KEY },
        body: JSON.stringify(body),
      }),
  };
}

/**
 * A second engine on the test server's tables, started as the next run would: its load finishes the fires a crash
 * left parked on their alerts. Close it when done.
 */
export async function restartedEngine(
  server: TestServer,
  alerts: AlertsRepository,
  notifications: NotificationsRepository,
): Promise<AlertEngine> {
  const engine = new AlertEngine({
    alerts,
    notifications,
    ticks: new TicksRepository(server.store.clients.doc, server.store.tables.ticks),
    market: new MarketState(),
    log: silentLog,
  });
  await engine.load([]);
  await engine.idle();
  return engine;
}

/** Polls until `check` stops throwing, for effects that happen asynchronously (stored ticks, pushed events). */
export async function eventually<T>(check: () => Promise<T> | T, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }
}
