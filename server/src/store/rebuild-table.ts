import {
  BatchWriteItemCommand,
  CreateTableCommand,
  DeleteTableCommand,
  ScanCommand,
  waitUntilTableExists,
  waitUntilTableNotExists,
  type AttributeValue,
  type CreateTableCommandInput,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import { backoffDelay, sleep } from '../backoff.js';
import type { Logger } from '../log.js';
import { pages } from './pages.js';

/**
 * Rebuilds a table with a new definition by copying its items through a backup table, for stores that cannot add an
 * index to a live table (dynalite, the embedded store). Every step can be interrupted and resumed at the next start:
 * the backup is only deleted once its items are in the rebuilt table, and `resumeRebuild` finishes a rebuild that a
 * crash cut short. Nothing here is for large tables: AWS and DynamoDB Local add indexes online instead.
 */
export const backupName = (table: string) => `${table}__rebuild`;

/**
 * The embedded store turns a new table ACTIVE a moment after answering CreateTable, usually after the waiter's first
 * look; a second look a whole second later would add a second per table to every fresh start, and to every step of a
 * rebuild. AWS takes seconds to create a table, so starting at 50 ms costs it only a few more DescribeTable calls.
 */
export const TABLE_WAIT = { maxWaitTime: 300, minDelay: 0.05, maxDelay: 5 };
const COPY_RETRY = { baseMs: 100, maxMs: 2_000 };

export async function rebuildTable(
  client: DynamoDBClient,
  table: string,
  definition: Omit<CreateTableCommandInput, 'TableName'>,
  log: Logger,
): Promise<void> {
  const backup = backupName(table);
  log.warn({ table }, 'rebuilding a table to add an index: copying its items through a backup table');
  await client.send(
    new CreateTableCommand({
      TableName: backup,
      AttributeDefinitions: definition.AttributeDefinitions!.filter((a) =>
        definition.KeySchema!.some((k) => k.AttributeName === a.AttributeName),
      ),
      KeySchema: definition.KeySchema,
      BillingMode: 'PAY_PER_REQUEST',
    }),
  );
  await waitUntilTableExists({ client, ...TABLE_WAIT }, { TableName: backup });
  await copyItems(client, table, backup);
  await client.send(new DeleteTableCommand({ TableName: table }));
  await waitUntilTableNotExists({ client, ...TABLE_WAIT }, { TableName: table });
  await resumeRebuild(client, table, definition, log);
}

/**
 * Finishes a rebuild whose backup is still there: creates the table with its new definition if it is gone, copies
 * the backup's items into it (again, if a crash came during the copy: the puts are idempotent) and drops the backup.
 */
export async function resumeRebuild(
  client: DynamoDBClient,
  table: string,
  definition: Omit<CreateTableCommandInput, 'TableName'>,
  log: Logger,
): Promise<void> {
  const backup = backupName(table);
  try {
    await client.send(new CreateTableCommand({ TableName: table, ...definition }));
  } catch (err) {
    if ((err as Error).name !== 'ResourceInUseException') throw err;
  }
  await waitUntilTableExists({ client, ...TABLE_WAIT }, { TableName: table });
  const copied = await copyItems(client, backup, table);
  await client.send(new DeleteTableCommand({ TableName: backup }));
  await waitUntilTableNotExists({ client, ...TABLE_WAIT }, { TableName: backup });
  log.info({ table, items: copied }, 'table rebuilt with its new indexes');
}

/** Drops a backup left by a rebuild that stopped before the original table was deleted (the original is whole). */
export async function dropStaleBackup(client: DynamoDBClient, table: string): Promise<void> {
  await client.send(new DeleteTableCommand({ TableName: backupName(table) }));
  await waitUntilTableNotExists({ client, ...TABLE_WAIT }, { TableName: backupName(table) });
}

async function copyItems(client: DynamoDBClient, from: string, to: string): Promise<number> {
  let copied = 0;
  const read = (startKey: Record<string, AttributeValue> | undefined) =>
    client.send(new ScanCommand({ TableName: from, ExclusiveStartKey: startKey }));
  for await (const page of pages(read)) {
    const items = page.Items ?? [];
    for (let i = 0; i < items.length; i += 25) {
      let requests = items.slice(i, i + 25).map((Item) => ({ PutRequest: { Item } }));
      for (let attempt = 0; requests.length > 0; attempt++) {
        if (attempt > 0) await sleep(backoffDelay(attempt, COPY_RETRY));
        const result = await client.send(new BatchWriteItemCommand({ RequestItems: { [to]: requests } }));
        requests = (result.UnprocessedItems?.[to] ?? []) as typeof requests;
      }
      copied += Math.min(25, items.length - i);
    }
  }
  return copied;
}
