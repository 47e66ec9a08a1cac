import {
  CreateTableCommand,
  DescribeTableCommand,
  DescribeTimeToLiveCommand,
  ResourceNotFoundException,
  UpdateTimeToLiveCommand,
  waitUntilTableExists,
  type DynamoDBClient,
  type TableDescription,
} from '@aws-sdk/client-dynamodb';
import type { Logger } from '../log.js';
import { TABLE_DEFINITIONS, type TableKey, type TableNames } from './tables.js';

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
    const existing = await describe(client, name);
    if (existing) {
      assertKeysMatch(key, name, existing);
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
    await waitUntilTableExists({ client, maxWaitTime: 300, minDelay: 1, maxDelay: 5 }, { TableName: name });
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
    if (!found) problems.push(`missing index ${index.IndexName}`);
    else if (keys(found.KeySchema) !== keys(index.KeySchema))
      problems.push(`index ${index.IndexName} keys ${keys(found.KeySchema)}`);
  }
  if (problems.length > 0) {
    throw new Error(`Table ${name} exists but does not match the design: ${problems.join('; ')}`);
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
    throw err;
  }
}

function isUnsupportedOperation(err: unknown): boolean {
  const name = (err as Error).name;
  return name === 'UnknownOperationException' || name === 'UnrecognizedClientException';
}
