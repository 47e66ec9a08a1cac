import {
  CreateTableCommand,
  DescribeTableCommand,
  DescribeTimeToLiveCommand,
  ResourceNotFoundException,
  UpdateTableCommand,
  UpdateTimeToLiveCommand,
  waitUntilTableExists,
  type DynamoDBClient,
  type TableDescription,
} from '@aws-sdk/client-dynamodb';
import type { Logger } from '../log.js';
import { TABLE_WAIT, backupName, dropStaleBackup, rebuildTable, resumeRebuild } from './rebuild-table.js';
import { TABLE_DEFINITIONS, type TableKey, type TableNames } from './tables.js';

/** Building an index on a large table takes a while on AWS; the server does not start without it. */
const INDEX_WAIT_SECONDS = 600;

export interface ProvisionResult {
  created: string[];
  /** False when the store cannot expire items itself (dynalite): the server must sweep expired ticks. */
  ttlSupported: boolean;
}

/**
 * Creates whichever of the three tables are missing, waits until each is ACTIVE and turns on TTL. Safe to run on
 * every start and from `npm run db:create-tables`; an existing table whose keys differ from the design is an error
 * rather than something to paper over.
 */
export async function ensureTables(client: DynamoDBClient, names: TableNames, log: Logger): Promise<ProvisionResult> {
  const created: string[] = [];
  let ttlSupported = true;
  for (const key of Object.keys(TABLE_DEFINITIONS) as TableKey[]) {
    const name = names[key];
    const definition = TABLE_DEFINITIONS[key];
    let existing = await describe(client, name);
    if (await describe(client, backupName(name))) {
      // A rebuild (see rebuild-table.ts) was cut short: finish it, or start over if the original is still whole.
      if (!existing || missingIndexes(key, existing).length === 0)
        await resumeRebuild(client, name, definition.create, log);
      else await dropStaleBackup(client, name);
      existing = await describe(client, name);
    }
    if (existing) {
      assertKeysMatch(key, name, existing);
      if (missingIndexes(key, existing).length > 0)
        await waitUntilTableExists({ client, ...TABLE_WAIT }, { TableName: name });
      for (const index of missingIndexes(key, existing)) {
        if (!(await addIndex(client, name, key, index, log))) {
          await rebuildTable(client, name, definition.create, log);
          break;
        }
      }
    } else {
      try {
        await client.send(new CreateTableCommand({ TableName: name, ...definition.create }));
        created.push(name);
        log.info({ table: name }, 'created table');
      } catch (err) {
        // Another server process may have created it between our describe and create.
        if ((err as Error).name !== 'ResourceInUseException') throw err;
      }
    }
    await waitUntilTableExists({ client, ...TABLE_WAIT }, { TableName: name });
    if (definition.ttlAttribute) {
      ttlSupported = (await enableTtl(client, name, definition.ttlAttribute, log)) && ttlSupported;
    }
  }
  return { created, ttlSupported };
}

async function describe(client: DynamoDBClient, name: string): Promise<TableDescription | undefined> {
  try {
    return (await client.send(new DescribeTableCommand({ TableName: name }))).Table;
  } catch (err) {
    if (err instanceof ResourceNotFoundException || (err as Error).name === 'ResourceNotFoundException')
      return undefined;
    throw err;
  }
}

function assertKeysMatch(key: TableKey, name: string, table: TableDescription): void {
  const want = TABLE_DEFINITIONS[key].create;
  const keys = (schema: { AttributeName?: string; KeyType?: string }[] | undefined) =>
    JSON.stringify((schema ?? []).map((k) => [k.AttributeName, k.KeyType]));
  const problems: string[] = [];
  if (keys(table.KeySchema) !== keys(want.KeySchema)) problems.push(`key schema ${keys(table.KeySchema)}`);
  for (const index of want.GlobalSecondaryIndexes ?? []) {
    const found = table.GlobalSecondaryIndexes?.find((g) => g.IndexName === index.IndexName);
    if (found && keys(found.KeySchema) !== keys(index.KeySchema))
      problems.push(`index ${index.IndexName} keys ${keys(found.KeySchema)}`);
  }
  if (problems.length > 0) {
    throw new Error(`Table ${name} exists but does not match the design: ${problems.join('; ')}`);
  }
}

/** Indexes of the design that a table made by an earlier version lacks. */
function missingIndexes(key: TableKey, table: TableDescription): string[] {
  const present = new Set((table.GlobalSecondaryIndexes ?? []).map((g) => g.IndexName));
  return (TABLE_DEFINITIONS[key].create.GlobalSecondaryIndexes ?? [])
    .map((g) => g.IndexName!)
    .filter((name) => !present.has(name));
}

/**
 * Adds an index to an existing table (an upgrade) and waits until it can be queried. False when the store cannot add
 * an index to a live table (dynalite): the table must be rebuilt instead.
 */
async function addIndex(
  client: DynamoDBClient,
  table: string,
  key: TableKey,
  indexName: string,
  log: Logger,
): Promise<boolean> {
  const definition = TABLE_DEFINITIONS[key].create;
  const index = definition.GlobalSecondaryIndexes!.find((g) => g.IndexName === indexName)!;
  const attributes = new Set(index.KeySchema!.map((k) => k.AttributeName));
  try {
    await client.send(
      new UpdateTableCommand({
        TableName: table,
        AttributeDefinitions: definition.AttributeDefinitions!.filter((a) => attributes.has(a.AttributeName)),
        GlobalSecondaryIndexUpdates: [
          { Create: { IndexName: indexName, KeySchema: index.KeySchema, Projection: index.Projection } },
        ],
      }),
    );
    log.info({ table, index: indexName }, 'adding index to an existing table');
  } catch (err) {
    // Another server process may be adding it right now.
    const { name, message } = err as Error;
    // dynalite validates index creation as if every table had provisioned throughput, and cannot build indexes.
    if (name === 'ValidationException' && /provisionedThroughput/i.test(message)) return false;
    if (name !== 'ResourceInUseException' && !(name === 'ValidationException' && /already exists/i.test(message)))
      throw err;
  }
  for (let waited = 0; ; waited += 1) {
    const { Table } = await client.send(new DescribeTableCommand({ TableName: table }));
    const status = Table?.GlobalSecondaryIndexes?.find((g) => g.IndexName === indexName)?.IndexStatus;
    if (status === 'ACTIVE') return true;
    if (waited >= INDEX_WAIT_SECONDS) throw new Error(`index ${indexName} of ${table} is not ACTIVE after ${waited} s`);
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
}

async function enableTtl(client: DynamoDBClient, name: string, attribute: string, log: Logger): Promise<boolean> {
  try {
    const current = await client.send(new DescribeTimeToLiveCommand({ TableName: name }));
    const status = current.TimeToLiveDescription?.TimeToLiveStatus;
    if ((status === 'ENABLED' || status === 'ENABLING') && current.TimeToLiveDescription?.AttributeName === attribute) {
      return true;
    }
    await client.send(
      new UpdateTimeToLiveCommand({
        TableName: name,
        TimeToLiveSpecification: { Enabled: true, AttributeName: attribute },
      }),
    );
    log.info({ table: name, attribute }, 'enabled TTL');
    return true;
  } catch (err) {
    if (isUnsupportedOperation(err)) {
      log.info({ table: name }, 'store has no TTL support; expired ticks are swept by the server');
      return false;
    }
    // Processes of a cluster starting together race to turn TTL on; losing that race is not a failure.
    if ((err as Error).name === 'ValidationException' && /already enabled/i.test((err as Error).message)) return true;
    throw err;
  }
}

function isUnsupportedOperation(err: unknown): boolean {
  const name = (err as Error).name;
  return name === 'UnknownOperationException' || name === 'UnrecognizedClientException';
}
