import { pino } from 'pino';
import { createApp, type AppDeps } from '../app.js';
import { loadConfig } from '../config.js';
import { openStore } from '../store/open-store.js';

/**
 * The real server for an in-process benchmark: the embedded store under `dataDir`, no feed, dev sign-in, on a free
 * loopback port. `env` adds or overrides variables; `deps` adds app parts (a baseline's recorder bound, a logger to
 * read the server's own figures from).
 */
export async function startBenchServer(
  dataDir: string,
  env: Record<string, string> = {},
  deps: Partial<Pick<AppDeps, 'recorderConcurrency' | 'log'>> = {},
) {
  const log = deps.log ?? pino({ level: 'error' });
  const config = loadConfig({
    DATA_DIR: dataDir,
    HOST: '127.0.0.1',
    PORT: '0',
    FEED: 'none',
    LOG_LEVEL: 'error',
    AUTH_MODE: 'dev',
    INGEST_API_KEY: 'bench-ingest-key-0123456789',
    ...env,
  });
  const store = await openStore(config, log);
  const app = await createApp(config, { store, log, clientDist: '/nonexistent', ...deps });
  return { config, store, app };
}
