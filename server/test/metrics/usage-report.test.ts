import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { UsageReport } from '@tickwatch/shared';
import { tableNames } from '../../src/store/tables.js';
import { startDynamoProxy, type DynamoProxy } from '../support/dynamodb-proxy.js';
import { eventually, INGEST_KEY, startTestServer, type TestServer } from '../support/harness.js';
import { priceAlert, signIn } from '../support/users.js';

/**
 * /api/usage against what the store itself reported for the same run: every DynamoDB call of the server goes through
 * a pass-through proxy that sums the ConsumedCapacity in the store's answers, and refused conditional writes (which
 * DynamoDB bills but answers with an error).
 */
describe(`usage on ${inject('dynamoKind')}`, () => {
  let proxy: DynamoProxy;
  let server: TestServer;
  beforeAll(async () => {
    proxy = await startDynamoProxy(inject('dynamoEndpoint'));
    server = await startTestServer({ DYNAMODB_ENDPOINT: proxy.endpoint, AWS_REGION: 'ca-west-1' });
  });
  afterAll(async () => {
    await server.close();
    await proxy.close();
  });

  const usage = async (headers: Record<string, string> = { 'x-api-key': INGEST_KEY }) => {
    const res = await fetch(`${server.url}/api/usage`, { headers });
    return { status: res.status, body: (await res.json()) as UsageReport };
  };

  it('answers only with the operator key', async () => {
    expect((await usage({})).status).toBe(401);
    expect((await usage({ authorization: `Bearer ${INGEST_KEY}` })).status).toBe(200);
  });

  it('matches, table by table, the units the store reported for the same calls', async () => {
    // A trader's session: alerts created, listed, edited and deleted; ticks in, fires, history and chart reads.
    const user = await signIn(server, 'usage-user');
    const kept = await user.createAlert(priceAlert('USE', '>', 100));
    const dropped = await user.createAlert(priceAlert('USE', '<', 50));
    expect((await user.request('PATCH', `/api/alerts/${kept.alert_id}`, { note: 'breakout' })).status).toBe(200);
    expect((await user.request('DELETE', `/api/alerts/${dropped.alert_id}`)).status).toBe(204);
    const start = Date.now() - 10_000;
    const ticks = Array.from({ length: 60 }, (_, i) => ({
      symbol: i % 2 ? 'USE' : 'USF',
      timestamp: start + i * 100,
      price: 99 + (i % 5),
      volume: 10,
    }));
    expect((await server.ingest(ticks)).status).toBe(202);
    await server.app.engine.idle();
    await eventually(async () => expect((await user.notifications()).items.length).toBeGreaterThan(0));
    expect((await user.request('GET', '/api/alerts')).status).toBe(200);
    expect((await user.request('GET', '/api/ticks/USE?limit=20')).status).toBe(200);
    expect((await user.request('GET', '/api/ticks/USE/candles?interval=1s')).status).toBe(200);

    const names = tableNames(server.config.tablePrefix);
    const report = await eventually(async () => {
      expect(server.app.pipeline.stats().queued).toBe(0);
      const before = proxy.reports();
      const { body } = await usage();
      // Nothing else reached the store meanwhile: the two readings are of the same calls.
      expect(proxy.reports().calls).toBe(before.calls);
      for (const [key, name] of Object.entries(names)) {
        const reported = before.units.get(name) ?? { read: 0, write: 0 };
        const refused = before.conditionalFailures.get(name) ?? 0;
        const seen = body.lastHour.tables[name.slice(server.config.tablePrefix.length)]!;
        expect({ key, read: seen.readUnits, write: seen.writeUnits }).toEqual({
          key,
          read: round(reported.read),
          write: round(reported.write + refused),
        });
      }
      return body;
    });

    expect(report.lastHour.total.writeUnits).toBeGreaterThan(0);
    expect(report.lastHour.tables.realtime_ticks!.writeUnits).toBeGreaterThanOrEqual(1);
    expect(report.lastHour.tables.alert_configurations!.writeUnits).toBeGreaterThan(0);
    expect(report.lastHour.tables.alert_notifications_history!.readUnits).toBeGreaterThan(0);
    expect(report.last24h.total).toMatchObject({
      readUnits: report.lastHour.total.readUnits,
      writeUnits: report.lastHour.total.writeUnits,
    });
    expect(report.scope).toBe('process');
    expect(report.prices).toMatchObject({ region: 'ca-west-1', overridden: [] });
    expect(report.lastHour.total.projectedMonthlyUsd).toBeGreaterThan(0);
    expect(Object.keys(report.storage.tables)).toContain('realtime_ticks');
  });
});

function round(value: number): number {
  return Math.round(value * 1e6) / 1e6;
}
