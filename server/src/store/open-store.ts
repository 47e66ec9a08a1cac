import { ListTablesCommand } from '@aws-sdk/client-dynamodb';
import type { Config } from '../config.js';
import type { Logger } from '../log.js';
import { createDynamoClients, type DynamoClientOptions, type DynamoClients } from './client.js';
import { CapacityMeter, meterConsumedCapacity } from './consumed-capacity.js';
import { startEmbeddedStore } from './embedded-store.js';
import { ensureTables } from './provision.js';
import { tableNames, type TableNames } from './tables.js';

export interface OpenStore {
  clients: DynamoClients;
  tables: TableNames;
  /** The capacity every call of `clients` consumed, as the store reported it or as computed (consumed-capacity.ts). */
  capacity: CapacityMeter;
  /** False when the store never expires items by itself, so the server must sweep expired ticks. */
  ttlSupported: boolean;
  /** Whether the store answers a cheap call within `timeoutMs`: for health checks. */
  reachable(timeoutMs: number): Promise<boolean>;
  close(): Promise<void>;
}

/**
 * The store could not be used at start-up: nothing answered at its address, or there were no credentials to sign
 * with. The message is one line that names the address and the variable that sets it.
 */
export class StoreUnavailableError extends Error {
  override name = 'StoreUnavailableError';
}

/** How long the start-up probe waits for the store's first answer. */
const PROBE_TIMEOUT_MS = 10_000;

/**
 * Connects to the configured DynamoDB (starting the embedded one when nothing else is configured) and makes sure
 * the three tables exist. Every mode ends in the same SDK client; only where its calls go and how they are signed
 * differ.
 */
export async function openStore(config: Config, log: Logger): Promise<OpenStore> {
  const embedded = config.store.mode === 'embedded' ? await startEmbeddedStore(config.store.dataDir) : undefined;
  const target: Omit<DynamoClientOptions, 'region'> = embedded
    ? { embedded: embedded.requestHandler }
    : config.store.mode === 'external'
      ? { endpoint: config.store.endpoint, credentials: config.store.credentials }
      : { credentials: 'default-chain' };
  const clients = createDynamoClients({ region: config.region, ...target });
  // Health checks on a client of their own: a call with options (the check's abort signal) makes an SDK client drop
  // the middleware it cached, which the server's calls would then resolve again.
  const checks = createDynamoClients({ region: config.region, ...target }).raw;
  const tables = tableNames(config.tablePrefix);
  const capacity = new CapacityMeter();
  meterConsumedCapacity(clients.raw, { tables, computeIndexUnits: embedded !== undefined }, capacity.record);
  try {
    await probe({ region: config.region, ...target }, config);
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
      capacity,
      ttlSupported,
      reachable: (timeoutMs) =>
        checks.send(new ListTablesCommand({ Limit: 1 }), { abortSignal: AbortSignal.timeout(timeoutMs) }).then(
          () => true,
          () => false,
        ),
      async close() {
        checks.destroy();
        clients.raw.destroy();
        await embedded?.close();
      },
    };
  } catch (err) {
    checks.destroy();
    clients.raw.destroy();
    await embedded?.close();
    throw err;
  }
}

/**
 * One call, one attempt, bounded in time: is the store there at all? Without it an unreachable store surfaces only
 * after the SDK's retries, as a raw network error. Any answer counts as there, even a refusal (say, an IAM policy
 * without ListTables): provisioning reports those.
 */
async function probe(options: DynamoClientOptions, config: Config): Promise<void> {
  const { raw } = createDynamoClients({ ...options, maxAttempts: 1 });
  try {
    await raw.send(new ListTablesCommand({ Limit: 1 }), { abortSignal: AbortSignal.timeout(PROBE_TIMEOUT_MS) });
  } catch (err) {
    if (typeof (err as { $metadata?: { httpStatusCode?: unknown } }).$metadata?.httpStatusCode === 'number') return;
    throw new StoreUnavailableError(unavailable(config, options.endpoint, err));
  } finally {
    raw.destroy();
  }
}

function unavailable(config: Config, endpoint: string | undefined, err: unknown): string {
  const { name, message, code } = err as { name?: string; message?: string; code?: string };
  const reason =
    name === 'AbortError' || name === 'TimeoutError'
      ? `no answer within ${PROBE_TIMEOUT_MS / 1000} s`
      : (message || code || name || String(err)).replace(/\s+/g, ' ').trim();
  const store =
    config.store.mode === 'external'
      ? { what: `DynamoDB at ${endpoint}`, setBy: 'set by DYNAMODB_ENDPOINT' }
      : config.store.mode === 'aws'
        ? { what: `AWS DynamoDB in ${config.region}`, setBy: 'chosen by DYNAMODB_USE_AWS=true, in AWS_REGION' }
        : { what: 'the embedded store', setBy: `its files are in DATA_DIR (${config.store.dataDir})` };
  if (name === 'CredentialsProviderError') {
    return `No AWS credentials to sign requests to ${store.what} (${reason}); set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or AWS_PROFILE`;
  }
  return `Cannot reach ${store.what} (${reason}); ${store.setBy}`;
}
