import { BatchWriteCommand, GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createDynamoClients, type DynamoClients } from '../../src/store/client.js';
import { meterConsumedCapacity, type ConsumedUnits } from '../../src/store/consumed-capacity.js';
import { ensureTables } from '../../src/store/provision.js';
import { tableNames, type TableNames } from '../../src/store/tables.js';
import { silentLog, uniquePrefix } from '../support/harness.js';

/**
 * The meter reads what the store itself reports. DynamoDB Local reports index units; dynalite (the embedded store)
 * does not, so there the meter is told to compute them, and an alert write costs the same on both.
 */
describe(`consumed capacity on ${inject('dynamoKind')}`, () => {
  const reportsIndexes = inject('dynamoKind') === 'dynamodb-local';
  let clients: DynamoClients;
  let tables: TableNames;
  let seen: ConsumedUnits[] = [];

  beforeAll(async () => {
    clients = createDynamoClients({ region: 'us-east-1', endpoint: inject('dynamoEndpoint') });
    tables = tableNames(uniquePrefix());
    await ensureTables(clients.raw, tables, silentLog);
    meterConsumedCapacity(clients.raw, { tables, computeIndexUnits: !reportsIndexes }, (c) => seen.push(c));
  });
  afterAll(() => clients.raw.destroy());

  /** Runs `call` and returns what the meter saw during it. */
  async function during(call: () => Promise<unknown>): Promise<ConsumedUnits[]> {
    seen = [];
    await call().catch(() => undefined);
    return seen;
  }
  const total = (units: ConsumedUnits[]) => units.reduce((sum, c) => sum + c.units, 0);

  const tick = (timestamp: number) => ({
    symbol: 'CAP',
    timestamp,
    price: 10.5,
    volume: 100,
    source: 'http',
    ttl: 9e9,
  });

  it('counts a small item written as one write unit, reported by the store', async () => {
    expect(await during(() => clients.doc.send(new PutCommand({ TableName: tables.ticks, Item: tick(1) })))).toEqual([
      { table: 'ticks', operation: 'PutItem', kind: 'write', source: 'reported', units: 1 },
    ]);
  });

  it('counts a batch write per item', async () => {
    const items = [2, 3, 4].map((t) => ({ PutRequest: { Item: tick(t) } }));
    const units = await during(() =>
      clients.doc.send(new BatchWriteCommand({ RequestItems: { [tables.ticks]: items } })),
    );
    expect(units).toEqual([
      { table: 'ticks', operation: 'BatchWriteItem', kind: 'write', source: 'reported', units: 3 },
    ]);
  });

  it('counts an item over 1 KB as more than one write unit', async () => {
    const big = { ...tick(5), note: 'x'.repeat(2_500) };
    const units = await during(() => clients.doc.send(new PutCommand({ TableName: tables.ticks, Item: big })));
    expect(total(units)).toBe(3);
  });

  it('counts reads as read units: half a unit per 4 KB read eventually consistent', async () => {
    const get = await during(() =>
      clients.doc.send(new GetCommand({ TableName: tables.ticks, Key: { symbol: 'CAP', timestamp: 1 } })),
    );
    expect(get).toEqual([{ table: 'ticks', operation: 'GetItem', kind: 'read', source: 'reported', units: 0.5 }]);
    const query = await during(() =>
      clients.doc.send(
        new QueryCommand({
          TableName: tables.ticks,
          KeyConditionExpression: 'symbol = :s',
          ExpressionAttributeValues: { ':s': 'CAP' },
        }),
      ),
    );
    expect(query.map((c) => [c.operation, c.kind])).toEqual([['Query', 'read']]);
    expect(total(query)).toBeGreaterThan(0);
  });

  it('counts a failed conditional write, which DynamoDB bills, as one computed write unit', async () => {
    const units = await during(() =>
      clients.doc.send(
        new UpdateCommand({
          TableName: tables.ticks,
          Key: { symbol: 'CAP', timestamp: 1 },
          UpdateExpression: 'SET price = :p',
          ConditionExpression: 'attribute_not_exists(symbol)',
          ExpressionAttributeValues: { ':p': 11 },
        }),
      ),
    );
    expect(units).toEqual([{ table: 'ticks', operation: 'UpdateItem', kind: 'write', source: 'computed', units: 1 }]);
  });

  it("counts an alert's write with its two indexes' writes: three units on either store", async () => {
    const alert = { alert_id: 'a1', symbol: 'CAP', user_id: 'u1', created_at: 1, version: 1 };
    const units = await during(() => clients.doc.send(new PutCommand({ TableName: tables.alerts, Item: alert })));
    expect(total(units)).toBe(3);
    expect(units.every((c) => c.table === 'alerts' && c.kind === 'write')).toBe(true);
    expect(units.some((c) => c.source === 'computed')).toBe(!reportsIndexes);
  });

  it('leaves a caller that asked for consumed capacity itself its answer', async () => {
    let answer: unknown;
    await during(async () => {
      answer = await clients.doc.send(
        new PutCommand({ TableName: tables.ticks, Item: tick(6), ReturnConsumedCapacity: 'TOTAL' }),
      );
    });
    expect((answer as { ConsumedCapacity?: { CapacityUnits?: number } }).ConsumedCapacity?.CapacityUnits).toBe(1);
  });
});
