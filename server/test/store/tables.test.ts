import { DescribeTableCommand, DescribeTimeToLiveCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { createDynamoClients } from '../../src/store/client.js';
import { ensureTables } from '../../src/store/provision.js';
import { openStore, type OpenStore } from '../../src/store/open-store.js';
import { silentLog, testEnv } from '../support/harness.js';

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
    attributes: { user_id: 'S', triggered_at: 'N' },
    indexes: {},
  },
} as const;

describe(`tables on ${inject('dynamoKind')}`, () => {
  let store: OpenStore;
  const env = testEnv();

  beforeAll(async () => {
    store = await openStore(loadConfig(env), silentLog);
  });
  afterAll(() => store.close());

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
