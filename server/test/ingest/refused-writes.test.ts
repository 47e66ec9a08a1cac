import { afterEach, describe, expect, inject, it } from 'vitest';
import type { HealthReport, Tick } from '@tickwatch/shared';
import { eventually, startTestServer, type TestServer } from '../support/harness.js';
import { priceAlert, signIn } from '../support/users.js';

/**
 * Values the store can never hold (defect: one of them stalled storage and alert recording for good). They reach the
 * pipeline and the engine directly here, past the API's validation, as a value derived inside the server could.
 */
describe(`writes the store refuses for good, on ${inject('dynamoKind')}`, () => {
  const servers: TestServer[] = [];
  afterEach(async () => {
    for (const s of servers.splice(0)) await s.close();
  });

  const tick = (symbol: string, timestamp: number, price: number): Tick => ({
    symbol,
    timestamp,
    price,
    volume: 1,
    source: 'http_ingest',
  });

  async function health(server: TestServer): Promise<HealthReport> {
    return (await (await fetch(`${server.url}/api/health`)).json()) as HealthReport;
  }

  it('dead-letters a tick the store cannot hold and stores every tick around and after it', async () => {
    const server = await startTestServer({ TICK_STORE: 'trades' });
    servers.push(server);
    const t0 = Date.now() - 10_000;
    server.app.pipeline.ingest([tick('HUGE', t0, 1e16), tick('TINY', t0, 1e-200)]);
    server.app.pipeline.ingest(Array.from({ length: 10 }, (_, i) => tick('GOOD', t0 + i, 100 + i)));
    await eventually(async () => {
      const report = await health(server);
      expect(report.persistence).toMatchObject({ queued: 0, deadLettered: 2 });
    });
    const stored = (await (await fetch(`${server.url}/api/ticks/GOOD?limit=100`)).json()) as { items: Tick[] };
    expect(stored.items).toHaveLength(10);
  });

  it('dead-letters a fire whose record the store cannot hold, and records the alert’s later fires', async () => {
    const server = await startTestServer();
    servers.push(server);
    const user = await signIn(server, 'refused-fire');
    await user.createAlert(priceAlert('DUST', '<', 1));
    const t0 = Date.now() - 10_000;
    server.app.pipeline.ingest([tick('DUST', t0, 5), tick('DUST', t0 + 1, 1e-200)]);
    await server.app.engine.idle();
    expect((await health(server)).alerts).toEqual({ queued: 0, deadLettered: 1 });
    // Back above the level re-arms it; below again fires, and that fire is recorded.
    server.app.pipeline.ingest([tick('DUST', t0 + 2, 2), tick('DUST', t0 + 3, 0.5)]);
    await server.app.engine.idle();
    const { items } = await user.notifications();
    expect(items.map((n) => n.current_price)).toEqual([0.5]);
  });
});
