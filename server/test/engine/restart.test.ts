import { afterEach, describe, expect, inject, it } from 'vitest';
import type { Alert, Tick } from '@tickwatch/shared';
import { AlertsRepository } from '../../src/store/alerts-repository.js';
import { TicksRepository, toTickItem } from '../../src/store/ticks-repository.js';
import { eventually, startTestServer, uniquePrefix, type TestServer } from '../support/harness.js';
import { priceAlert, signIn } from '../support/users.js';

/** What a restarted server makes of what the previous run stored (or failed to store). */
describe(`after a restart, on ${inject('dynamoKind')}`, () => {
  const servers: TestServer[] = [];
  afterEach(async () => {
    for (const s of servers.splice(0)) await s.close();
  });

  async function start(prefix: string) {
    const server = await startTestServer({ TABLE_PREFIX: prefix });
    servers.push(server);
    return server;
  }

  async function restart(server: TestServer, prefix: string) {
    await server.close();
    servers.splice(servers.indexOf(server), 1);
    return start(prefix);
  }

  /** Posts one tick and waits until it is stored and evaluated (202 only means it is queued). */
  async function post(server: TestServer, symbol: string, timestamp: number, price: number) {
    expect((await server.ingest({ symbol, timestamp, price, volume: 1 })).status).toBe(202);
    await eventually(() => expect(server.app.pipeline.stats().queued).toBe(0));
    await server.app.engine.idle();
  }

  it('treats a tick older than the stored latest as late history: stored, never a live move', async () => {
    const prefix = uniquePrefix();
    let server = await start(prefix);
    const user = await signIn(server, 'late');
    await user.createAlert(priceAlert('LATE', '<', 50));
    const t0 = Date.now() - 60_000;
    await post(server, 'LATE', t0 + 5_000, 100);
    server = await restart(server, prefix);
    await post(server, 'LATE', t0 + 1_000, 40);
    expect((await (await signIn(server, user.userId)).notifications()).items).toHaveLength(0);
    const latest = (await (await fetch(`${server.url}/api/ticks/LATE/latest`)).json()) as Tick;
    expect(latest).toMatchObject({ timestamp: t0 + 5_000, price: 100 });
    // Stored all the same: it is history.
    const stored = (await (await fetch(`${server.url}/api/ticks/LATE?limit=10`)).json()) as { items: Tick[] };
    expect(stored.items.map((t) => t.price)).toEqual([100, 40]);
  });

  it('fires a level alert whose re-arm and next fire a crash kept out of the store, once its condition holds', async () => {
    const prefix = uniquePrefix();
    let server = await start(prefix);
    const user = await signIn(server, 'crashed');
    await user.createAlert(priceAlert('CRSH', '>', 100));
    const t0 = Date.now() - 60_000;
    await post(server, 'CRSH', t0, 101);
    expect((await user.notifications()).items).toHaveLength(1);
    await server.close();
    servers.splice(servers.indexOf(server), 1);
    // What a kill -9 can leave: the ticks that re-armed (99) and fired (101) the alert reached the store, but neither
    // decision did. Written straight to the table, as the dead process's write queue did.
    const ticks = new TicksRepository(server.store.clients.doc, server.store.tables.ticks);
    const stored: Tick[] = [
      { symbol: 'CRSH', timestamp: t0 + 1_000, price: 99, volume: 1, source: 'http_ingest' },
      { symbol: 'CRSH', timestamp: t0 + 2_000, price: 101, volume: 1, source: 'http_ingest' },
    ];
    server = await start(prefix);
    expect(await ticks.batchPut(stored.map((t) => toTickItem(t, t.timestamp)))).toEqual([]);
    server = await restart(server, prefix);
    await post(server, 'CRSH', t0 + 3_000, 101.5);
    const { items } = await (await signIn(server, user.userId)).notifications();
    expect(items.map((n) => n.current_price)).toEqual([101.5, 101]);
  });
});

describe(`alert expiry, on ${inject('dynamoKind')}`, () => {
  it('disables an expired alert in the store without waiting for a tick to reach its level', async () => {
    const server = await startTestServer();
    try {
      const user = await signIn(server, 'expiring');
      const expiresAt = Math.floor(Date.now() / 1000) - 1;
      const alert = await user.createAlert(priceAlert('EXPD', '>', 1_000_000, { expires_at: expiresAt }));
      const alerts = new AlertsRepository(server.store.clients.doc, server.store.tables.alerts);
      expect((await alerts.get(alert.alert_id))?.enabled).toBe(true);
      expect(server.app.engine.expireDue()).toBe(1);
      await server.app.engine.idle();
      expect((await alerts.get(alert.alert_id))?.enabled).toBe(false);
      const shown = (await (await user.request('GET', `/api/alerts/${alert.alert_id}`)).json()) as Alert;
      expect(shown.state).toBe('expired');
      // Once disabled it is not expired again.
      expect(server.app.engine.expireDue()).toBe(0);
    } finally {
      await server.close();
    }
  });
});
