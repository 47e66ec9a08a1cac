import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  BatchWriteCommand,
  DeleteCommand,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  ScanCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createDynamoClients, type DynamoClients } from '../../src/store/client.js';
import { ensureTables } from '../../src/store/provision.js';
import { tableNames, type TableNames } from '../../src/store/tables.js';
import { silentLog, uniquePrefix } from '../support/harness.js';

/**
 * Our DocumentClient must be a drop-in for lib-dynamodb's DynamoDBDocumentClient, configured as the server had it
 * (`removeUndefinedValues`): every call below is made through both, each against its own symbol or item, and the
 * answers (less the per-call metadata) must be equal.
 */
describe(`DocumentClient on ${inject('dynamoKind')}`, () => {
  let clients: DynamoClients;
  let reference: DynamoDBDocumentClient;
  let tables: TableNames;

  beforeAll(async () => {
    clients = createDynamoClients({ region: 'us-east-1', endpoint: inject('dynamoEndpoint') });
    tables = tableNames(uniquePrefix());
    await ensureTables(clients.raw, tables, silentLog);
    const plain = new DynamoDBClient({
      region: 'us-east-1',
      endpoint: inject('dynamoEndpoint'),
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
    reference = DynamoDBDocumentClient.from(plain, { marshallOptions: { removeUndefinedValues: true } });
  });
  afterAll(() => {
    clients.raw.destroy();
    reference.destroy();
  });

  type Sender = (command: never) => Promise<Record<string, unknown>>;
  /** Runs `call` through ours and the reference, with `id` telling them apart, and returns both answers. */
  async function both(call: (send: Sender, id: string) => Promise<unknown>): Promise<[unknown, unknown]> {
    const ours = (command: never) => clients.doc.send(command) as Promise<Record<string, unknown>>;
    const theirs = (command: never) => reference.send(command) as Promise<Record<string, unknown>>;
    return [strip(await call(ours, 'ours')), strip(await call(theirs, 'ref'))];
  }
  /** The answer without what differs call to call (request ids) or by client (capacity asked by the meter). */
  function strip(value: unknown): unknown {
    if (!value || typeof value !== 'object' || Array.isArray(value)) return value;
    const { $metadata: _metadata, ConsumedCapacity: _capacity, ...rest } = value as Record<string, unknown>;
    return rest;
  }
  /** An alert-like item with every kind of value the repositories store, and some they drop. */
  const alertItem = (id: string) => ({
    alert_id: `doc-${id}`,
    symbol: 'DOC',
    user_id: 'u1',
    created_at: 1_700_000_000_123,
    enabled: true,
    threshold: 101.25,
    message: null,
    note: undefined,
    tags: new Set(['a', 'b']),
    levels: new Set([1, 2.5]),
    pending_notification: {
      notification_id: 'n1',
      current_price: 101.5,
      evidence: { inputs: [1, 'two', { three: 3 }], empty: {}, gone: undefined },
    },
    history: [1, null, true, 'x'],
  });
  const tick = (id: string, timestamp: number) => ({ symbol: `DOC-${id}`, timestamp, price: 10.5, volume: 7 });

  it('puts and gets an item with nested maps, lists, sets and nulls, dropping undefined values', async () => {
    const [ours, ref] = await both(async (send, id) => {
      await send(new PutCommand({ TableName: tables.alerts, Item: alertItem(id) }) as never);
      const got = await send(new GetCommand({ TableName: tables.alerts, Key: { alert_id: `doc-${id}` } }) as never);
      return { ...got, Item: { ...(got.Item as object), alert_id: 'same' } };
    });
    expect(ours).toEqual(ref);
    expect((ours as { Item: Record<string, unknown> }).Item).toMatchObject({
      tags: new Set(['a', 'b']),
      pending_notification: { evidence: { inputs: [1, 'two', { three: 3 }], empty: {} } },
    });
    expect((ours as { Item: Record<string, unknown> }).Item).not.toHaveProperty('note');
  });

  it('answers a missing item with no Item', async () => {
    const [ours, ref] = await both((send) =>
      send(new GetCommand({ TableName: tables.alerts, Key: { alert_id: 'doc-none' } }) as never),
    );
    expect(ours).toEqual(ref);
    expect(ours).not.toHaveProperty('Item', expect.anything());
  });

  it('updates with expression values and returns the new item', async () => {
    const [ours, ref] = await both(async (send, id) => {
      await send(new PutCommand({ TableName: tables.alerts, Item: alertItem(id) }) as never);
      const updated = await send(
        new UpdateCommand({
          TableName: tables.alerts,
          Key: { alert_id: `doc-${id}` },
          UpdateExpression: 'SET threshold = :t, evidence_list = :l REMOVE pending_notification',
          ConditionExpression: 'enabled = :yes',
          ExpressionAttributeValues: { ':t': 99, ':l': [{ a: 1 }], ':yes': true, ':unused': undefined },
          ReturnValues: 'ALL_NEW',
        }) as never,
      );
      return { ...updated, Attributes: { ...(updated.Attributes as object), alert_id: 'same' } };
    });
    expect(ours).toEqual(ref);
    expect((ours as { Attributes: Record<string, unknown> }).Attributes).toMatchObject({ threshold: 99 });
  });

  it('raises the same error for a failed condition', async () => {
    const failing = (send: Sender, id: string) =>
      send(
        new PutCommand({
          TableName: tables.alerts,
          Item: alertItem(`${id}-cond`),
          ConditionExpression: 'attribute_exists(alert_id)',
        }) as never,
      ).catch((err: Error) => err.name);
    const [ours, ref] = await both(failing);
    expect(ours).toBe('ConditionalCheckFailedException');
    expect(ref).toBe(ours);
  });

  it('deletes and returns the old item', async () => {
    const [ours, ref] = await both(async (send, id) => {
      await send(new PutCommand({ TableName: tables.alerts, Item: alertItem(`${id}-del`) }) as never);
      const deleted = await send(
        new DeleteCommand({
          TableName: tables.alerts,
          Key: { alert_id: `doc-${id}-del` },
          ConditionExpression: 'user_id = :u',
          ExpressionAttributeValues: { ':u': 'u1' },
          ReturnValues: 'ALL_OLD',
        }) as never,
      );
      return { ...deleted, Attributes: { ...(deleted.Attributes as object), alert_id: 'same' } };
    });
    expect(ours).toEqual(ref);
  });

  it('writes a batch of puts and deletes, and queries it back a page at a time', async () => {
    const [ours, ref] = await both(async (send, id) => {
      const puts = Array.from({ length: 5 }, (_, i) => ({ PutRequest: { Item: tick(id, 1000 + i) } }));
      const written = await send(new BatchWriteCommand({ RequestItems: { [tables.ticks]: puts } }) as never);
      await send(
        new BatchWriteCommand({
          RequestItems: { [tables.ticks]: [{ DeleteRequest: { Key: { symbol: `DOC-${id}`, timestamp: 1004 } } }] },
        }) as never,
      );
      const items: unknown[] = [];
      const keys: unknown[] = [];
      let startKey: Record<string, unknown> | undefined;
      do {
        const page = await send(
          new QueryCommand({
            TableName: tables.ticks,
            KeyConditionExpression: 'symbol = :s AND #t >= :from',
            ExpressionAttributeNames: { '#t': 'timestamp' },
            ExpressionAttributeValues: { ':s': `DOC-${id}`, ':from': 1001 },
            Limit: 2,
            ExclusiveStartKey: startKey,
          }) as never,
        );
        startKey = page.LastEvaluatedKey as Record<string, unknown> | undefined;
        items.push(
          ...((page.Items ?? []) as { timestamp: number; price: number }[]).map((t) => [t.timestamp, t.price]),
        );
        keys.push(startKey);
      } while (startKey);
      return { written: strip(written), items, firstKey: { ...(keys[0] as object), symbol: 'same' } };
    });
    expect(ours).toEqual(ref);
    expect(ours).toEqual({
      written: { UnprocessedItems: {} },
      items: [
        [1001, 10.5],
        [1002, 10.5],
        [1003, 10.5],
      ],
      // Whether a last page that ends the results still has a key differs by store; the first one must.
      firstKey: { symbol: 'same', timestamp: 1002 },
    });
  });

  it('scans with a filter', async () => {
    const [ours, ref] = await both(async (send, id) => {
      await send(new PutCommand({ TableName: tables.ticks, Item: tick(`${id}-scan`, 5) }) as never);
      const page = await send(
        new ScanCommand({
          TableName: tables.ticks,
          FilterExpression: 'symbol = :s',
          ExpressionAttributeValues: { ':s': `DOC-${id}-scan` },
        }) as never,
      );
      return ((page.Items ?? []) as { symbol: string }[]).map((item) => ({ ...item, symbol: 'same' }));
    });
    expect(ours).toEqual(ref);
    expect(ours).toEqual([{ symbol: 'same', timestamp: 5, price: 10.5, volume: 7 }]);
  });
});
