import { ListTablesCommand } from '@aws-sdk/client-dynamodb';
import type { Config } from '../config.js';
import type { Logger } from '../log.js';
import { createDynamoClients, type DynamoClientOptions, type DynamoClients } from './client.js';
import { startEmbeddedStore } from './embedded-store.js';
import { ensureTables } from './provision.js';
import { tableNames, type TableNames } from './tables.js';

export interface OpenStore {
  clients: DynamoClients;
  tables: TableNames;
  /** False when the store never expires items by itself, so the server must sweep expired ticks. */
  ttlSupported: boolean;
  /** Whether the store answers a cheap call within `timeoutMs`: for health checks. */
  reachable(timeoutMs: number): Promise<boolean>;
  close(): Promise<void>;
}

/**
 * Connects to the configured DynamoDB (starting the embedded one when nothing else is configured) and makes sure
 * the three tables exist. Every mode ends in the same SDK client; only the endpoint differs.
 */
export async function openStore(config: Config, log: Logger): Promise<OpenStore> {
  const embedded = config.store.mode === 'embedded' ? await startEmbeddedStore(config.store.dataDir) : undefined;
  const target: Omit<DynamoClientOptions, 'region'> = embedded
    ? { endpoint: embedded.endpoint, credentials: 'placeholder' }
    : config.store.mode === 'external'
      ? { endpoint: config.store.endpoint, credentials: config.store.credentials }
      : { credentials: 'default-chain' };
  const clients = createDynamoClients({ region: config.region, ...target });
  const tables = tableNames(config.tablePrefix);
  try {
    const { created, ttlSupported } = await ensureTables(clients.raw, tables, log);
    log.info(
      {
        mode: config.store.mode,
        ...(config.store.mode === 'embedded' ? { dataDir: config.store.dataDir } : {}),
        created,
      },
      'store ready',
    );
    return {
      clients,
      tables,
      ttlSupported,
      reachable: (timeoutMs) =>
        clients.raw.send(new ListTablesCommand({ Limit: 1 }), { abortSignal: AbortSignal.timeout(timeoutMs) }).then(
          () => true,
          () => false,
        ),
      async close() {
        clients.raw.destroy();
        await embedded?.close();
      },
    };
  } catch (err) {
    clients.raw.destroy();
    await embedded?.close();
    throw err;
  }
}
