import {
  BatchWriteItemCommand,
  CreateTableCommand,
  DescribeTableCommand,
  DescribeTimeToLiveCommand,
  ListTablesCommand,
  ScanCommand,
  waitUntilTableExists,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { createDynamoClients } from '../../src/store/client.js';
import { ensureTables } from '../../src/store/provision.js';
import { openStore, type OpenStore } from '../../src/store/open-store.js';
import { tableNames } from '../../src/store/tables.js';
import { startDynamoDbLocal, type DynamoDbLocal } from '../support/dynamodb-local.js';
import { silentLog, testEnv, uniquePrefix } from '../support/harness.js';

/** The design from shared/seed/000_*.txt, written out by hand so the test does not just read our own definitions back. */
const SEED = {
  alert_configurations: {
    keys: [['alert_id', 'HASH']],
    attributes: { alert_id: 'S', symbol: 'S', user_id: 'S', created_at: 'N' },
    indexes: {
      SymbolIndex: [
        ['symbol', 'HASH'],
        ['user_id', 'RANGE'],
      ],
      UserIndex: [
        ['user_id', 'HASH'],
        ['created_at', 'RANGE'],
      ],
    },
  },
  realtime_ticks: {
    keys: [
      ['symbol', 'HASH'],
      ['timestamp', 'RANGE'],
    ],
    attributes: { symbol: 'S', timestamp: 'N' },
    indexes: {},
  },
  alert_notifications_history: {
    keys: [
      ['user_id', 'HASH'],
      ['triggered_at', 'RANGE'],
    ],
    // The seed's user_id and triggered_at, plus the documented extension: a sparse index of pending records.
    attributes: { user_id: 'S', triggered_at: 'N', undelivered_user: 'S' },
    indexes: {
      UndeliveredIndex: [
        ['undelivered_user', 'HASH'],
        ['triggered_at', 'RANGE'],
      ],
    },
  },
} as const;

/** The history table as the seed (and an earlier version of Tickwatch) made it: keys only, no index. */
async function createSeedHistoryTable(client: DynamoDBClient, name: string): Promise<void> {
  await client.send(
    new CreateTableCommand({
      TableName: name,
      AttributeDefinitions: [
        { AttributeName: 'user_id', AttributeType: 'S' },
        { AttributeName: 'triggered_at', AttributeType: 'N' },
      ],
      KeySchema: [
        { AttributeName: 'user_id', KeyType: 'HASH' },
        { AttributeName: 'triggered_at', KeyType: 'RANGE' },
      ],
      BillingMode: 'PAY_PER_REQUEST',
    }),
  );
  await waitUntilTableExists({ client, maxWaitTime: 60, minDelay: 1, maxDelay: 2 }, { TableName: name });
}

describe(`tables on ${inject('dynamoKind')}`, () => {
  let store: OpenStore;
  const env = testEnv();

  let privateLocal: DynamoDbLocal | undefined;

  beforeAll(async () => {
    store = await openStore(loadConfig(env), silentLog);
  });
  afterAll(async () => {
    await store.close();
    await privateLocal?.stop();
  });

  /**
   * Where the upgrade tests make their old-style tables. DynamoDB Local builds a new index on a background worker
   * that, on the run's shared instance with hundreds of tables being created and dropped by other test files,
   * can leave it CREATING for minutes; a private instance holds just this test's tables, as a real deployment would.
   */
  async function upgradeEndpoint(): Promise<string> {
    if (inject('dynamoKind') !== 'dynamodb-local') return inject('dynamoEndpoint');
    privateLocal ??= await startDynamoDbLocal();
    return privateLocal.endpoint;
  }

  for (const [name, design] of Object.entries(SEED)) {
    it(`creates ${name} exactly as the seed designs it`, async () => {
      const { Table } = await store.clients.raw.send(new DescribeTableCommand({ TableName: env.TABLE_PREFIX + name }));
      expect(Table?.TableStatus).toBe('ACTIVE');
      expect(Table?.KeySchema?.map((k) => [k.AttributeName, k.KeyType])).toEqual(design.keys);
      expect(
        Object.fromEntries(Table?.AttributeDefinitions?.map((a) => [a.AttributeName, a.AttributeType]) ?? []),
      ).toEqual(design.attributes);
      expect(Table?.BillingModeSummary?.BillingMode).toBe('PAY_PER_REQUEST');
      const indexes = Object.fromEntries(
        (Table?.GlobalSecondaryIndexes ?? []).map((g) => [
          g.IndexName,
          g.KeySchema?.map((k) => [k.AttributeName, k.KeyType]),
        ]),
      );
      expect(indexes).toEqual(design.indexes);
      for (const index of Table?.GlobalSecondaryIndexes ?? []) expect(index.Projection?.ProjectionType).toBe('ALL');
    });
  }

  it('adds symbol_fundamentals, the one table beyond the seed, keyed by symbol', async () => {
    const { Table } = await store.clients.raw.send(
      new DescribeTableCommand({ TableName: env.TABLE_PREFIX + 'symbol_fundamentals' }),
    );
    expect(Table?.KeySchema?.map((k) => [k.AttributeName, k.KeyType])).toEqual([['symbol', 'HASH']]);
    expect(Table?.BillingModeSummary?.BillingMode).toBe('PAY_PER_REQUEST');
  });

  it('turns on TTL by the ttl attribute where the store supports it', async () => {
    const ttl = await store.clients.raw.send(
      new DescribeTimeToLiveCommand({ TableName: env.TABLE_PREFIX + 'realtime_ticks' }),
    );
    if (inject('dynamoKind') === 'dynamodb-local') {
      expect(store.ttlSupported).toBe(true);
      expect(ttl.TimeToLiveDescription).toMatchObject({ TimeToLiveStatus: 'ENABLED', AttributeName: 'ttl' });
    } else {
      // dynalite cannot enable TTL; the server knows and sweeps expired ticks itself.
      expect(store.ttlSupported).toBe(false);
    }
  });

  it('adds an index of the design to a table an earlier version created without it', async () => {
    const clients = createDynamoClients({ region: 'ca-west-1', endpoint: await upgradeEndpoint() });
    const tables = tableNames(uniquePrefix());
    try {
      await createSeedHistoryTable(clients.raw, tables.notifications);
      const stored = Array.from({ length: 60 }, (_, i) => ({
        user_id: { S: `u${i % 3}` },
        triggered_at: { N: String(1_000 + i) },
        message: { S: `fire ${i}` },
      }));
      for (let i = 0; i < stored.length; i += 25) {
        const batch = stored.slice(i, i + 25).map((Item) => ({ PutRequest: { Item } }));
        await clients.raw.send(new BatchWriteItemCommand({ RequestItems: { [tables.notifications]: batch } }));
      }
      await ensureTables(clients.raw, tables, silentLog);
      const { Table } = await clients.raw.send(new DescribeTableCommand({ TableName: tables.notifications }));
      expect(Table?.GlobalSecondaryIndexes?.map((g) => [g.IndexName, g.IndexStatus])).toEqual([
        ['UndeliveredIndex', 'ACTIVE'],
      ]);
      // Whether the store added the index online (DynamoDB) or the table was rebuilt (dynalite), nothing is lost.
      const { Items } = await clients.raw.send(new ScanCommand({ TableName: tables.notifications }));
      expect(Items).toHaveLength(60);
      const { TableNames } = await clients.raw.send(new ListTablesCommand({}));
      expect(TableNames).not.toContain(`${tables.notifications}__rebuild`);
    } finally {
      clients.raw.destroy();
    }
  }, 120_000);

  it('finishes a rebuild that a crash cut short after the original table was dropped', async () => {
    const clients = createDynamoClients({ region: 'ca-west-1', endpoint: await upgradeEndpoint() });
    const tables = tableNames(uniquePrefix());
    const backup = `${tables.notifications}__rebuild`;
    try {
      await createSeedHistoryTable(clients.raw, backup);
      const item = { user_id: { S: 'kept' }, triggered_at: { N: '1000' }, message: { S: 'survived' } };
      await clients.raw.send(
        new BatchWriteItemCommand({ RequestItems: { [backup]: [{ PutRequest: { Item: item } }] } }),
      );
      await ensureTables(clients.raw, tables, silentLog);
      const { Items } = await clients.raw.send(new ScanCommand({ TableName: tables.notifications }));
      expect(Items).toEqual([item]);
      const { TableNames } = await clients.raw.send(new ListTablesCommand({}));
      expect(TableNames).not.toContain(backup);
    } finally {
      clients.raw.destroy();
    }
  }, 120_000);

  it('creates nothing the second time and leaves existing tables alone', async () => {
    const clients = createDynamoClients({ region: 'ca-west-1', endpoint: inject('dynamoEndpoint') });
    try {
      const second = await ensureTables(clients.raw, store.tables, silentLog);
      expect(second.created).toEqual([]);
    } finally {
      clients.raw.destroy();
    }
  });
});
