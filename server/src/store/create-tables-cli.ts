import { ConfigError, loadConfig } from '../config.js';
import { createLogger } from '../log.js';
import { openStore } from './open-store.js';

/**
 * `npm run db:create-tables`: creates whatever of the tables is missing in the configured store (AWS with
 * DYNAMODB_USE_AWS=true, DYNAMODB_ENDPOINT, or the embedded store under DATA_DIR), waits until they are ACTIVE, adds
 * indexes a table made by an earlier version lacks, and turns on TTL. Safe to run again.
 */
try {
  const config = loadConfig();
  const log = createLogger(config.logLevel === 'info' ? 'info' : config.logLevel);
  const store = await openStore(config, log);
  console.log(`Tables ready: ${Object.values(store.tables).join(', ')}`);
  if (!store.ttlSupported) console.log('This store has no TTL; the server sweeps expired ticks itself.');
  await store.close();
} catch (err) {
  console.error(err instanceof ConfigError ? err.message : `Could not create tables: ${(err as Error).message}`);
  process.exit(1);
}
