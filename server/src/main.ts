import { createApp } from './app.js';
import { ConfigError, loadConfig, type Config } from './config.js';
import { createLogger } from './log.js';
import { openStore } from './store/open-store.js';

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
const store = await openStore(config, log);
const app = await createApp(config, { store, log });
const url = await app.listen();
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
  const { ticks, decisions } = report;
  const left =
    ticks.left + decisions.left > 0 ? `; left ${ticks.left} ticks and ${decisions.left} alert decisions` : '';
  log.info(
    report,
    `stopped: stored ${ticks.stored} queued ticks and recorded ${decisions.recorded} queued alert decisions${left}`,
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
