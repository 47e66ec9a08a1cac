import { createApp } from './app.js';
import { ConfigError, loadConfig, type Config } from './config.js';
import { createLogger } from './log.js';
import { openStore, StoreUnavailableError } from './store/open-store.js';

let config: Config;
try {
  config = loadConfig();
} catch (err) {
  if (err instanceof ConfigError) {
    console.error(err.message);
    process.exit(1);
  }
  throw err;
}

const log = createLogger(config.logLevel);
// A store that cannot be opened stops the server with one line saying why, never an uncaught exception.
const store = await openStore(config, log).catch((err: unknown) => {
  console.error(storeFailure(config, err));
  process.exit(1);
});
// Cluster mode connects to Redis here: an unreachable Redis or a mismatched cluster stops the start with one line.
const app = await createApp(config, { store, log }).catch((err: unknown) => {
  console.error(`Tickwatch could not start: ${(err as Error).message}`);
  process.exit(1);
});
const url = await app.listen().catch((err: unknown) => {
  const { code, message } = err as NodeJS.ErrnoException;
  const reason =
    code === 'EADDRINUSE'
      ? `port ${config.port} on ${config.host} is already in use (set PORT, or stop the other server)`
      : code === 'EADDRNOTAVAIL' || code === 'EACCES'
        ? `cannot listen on ${config.host}:${config.port} (${code}; check HOST and PORT)`
        : message;
  console.error(`Tickwatch could not start: ${reason}`);
  process.exit(1);
});
log.info(
  { url, feed: config.feed.kind, store: config.store.mode },
  `Tickwatch is live at ${url} (store: ${storeName(config)}, feed: ${config.feed.kind})`,
);

let stopping = false;
async function shutdown(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  log.info({ signal }, 'shutting down');
  const force = setTimeout(() => process.exit(1), 20_000);
  force.unref();
  const report = await app.close();
  await store.close();
  const { ticks, decisions, deliveries } = report;
  const left =
    ticks.left + decisions.left > 0 ? `; left ${ticks.left} ticks and ${decisions.left} alert decisions` : '';
  const outbox = deliveries.leftPending > 0 ? `; ${deliveries.leftPending} deliveries resume at the next start` : '';
  log.info(
    report,
    `stopped: stored ${ticks.stored} queued ticks and recorded ${decisions.recorded} queued alert decisions${left}${outbox}`,
  );
  process.exit(0);
}
process.on('SIGINT', () => void shutdown('SIGINT'));
process.on('SIGTERM', () => void shutdown('SIGTERM'));

function storeName(config: Config): string {
  switch (config.store.mode) {
    case 'embedded':
      return `embedded, in ${config.store.dataDir}`;
    case 'external': {
      // DynamoDB Local keeps one database per access key and region: say which ones this server uses.
      const signer =
        config.store.credentials === 'default-chain'
          ? 'AWS credentials from the environment'
          : 'placeholder credentials';
      return `DynamoDB at ${config.store.endpoint}, region ${config.region}, ${signer}`;
    }
    case 'aws':
      return `AWS DynamoDB in ${config.region}`;
  }
}

/** Why the store could not be opened, in one line: the store's own sentence, or the error's message. */
function storeFailure(config: Config, err: unknown): string {
  if (err instanceof StoreUnavailableError) return err.message;
  const message = (err instanceof Error ? err.message : String(err)).replace(/\s+/g, ' ').trim();
  return `Could not open the store (${storeName(config)}): ${message}`;
}
