import crypto from 'node:crypto';
import { afterEach, describe, expect, inject, it } from 'vitest';
import type { Alert, NotificationRecord, Tick } from '@tickwatch/shared';
import { AlertEngine } from '../../src/engine/alert-engine.js';
import { MarketState } from '../../src/market/market-state.js';
import { AlertsRepository } from '../../src/store/alerts-repository.js';
import { createDynamoClients } from '../../src/store/client.js';
import { NotificationsRepository } from '../../src/store/notifications-repository.js';
import { TicksRepository } from '../../src/store/ticks-repository.js';
import { eventually, restartedEngine, silentLog, startTestServer, type TestServer } from '../support/harness.js';
import { priceAlert, signIn, type TestUser } from '../support/users.js';

/** A cursor pointing just past the oldest record, i.e. below any `from` inside the listing. */
function firstCursorOf(items: NotificationRecord[]): string {
  const oldest = items.at(-1)!;
  return Buffer.from(JSON.stringify({ user_id: oldest.user_id, triggered_at: oldest.triggered_at - 1 })).toString(
    'base64url',
  );
}

describe(`alert firing on ${inject('dynamoKind')}`, () => {
  const servers: TestServer[] = [];
  afterEach(async () => {
    for (const s of servers.splice(0)) await s.close();
  });

  async function start(overrides: Record<string, string> = {}) {
    const server = await startTestServer(overrides);
    servers.push(server);
    return server;
  }

  /** Sends ticks one request at a time, a millisecond apart, and waits until the engine has recorded everything. */
  async function play(server: TestServer, symbol: string, prices: number[], start = Date.now() - prices.length) {
    for (const [i, price] of prices.entries()) {
      const res = await server.ingest({ symbol, timestamp: start + i, price, volume: 1 });
      expect(res.status).toBe(202);
    }
    await server.app.engine.idle();
    return start + prices.length;
  }

  const alertOf = async (user: TestUser, id: string) =>
    (await (await user.request('GET', `/api/alerts/${id}`)).json()) as Alert;

  it('fires a level alert once per crossing into the condition while the price hovers around the level', async () => {
    const server = await start();
    const user = await signIn(server, 'hover');
    const alert = await user.createAlert(priceAlert('HOV', '>', 100));
    await play(server, 'HOV', [99, 101, 100.5, 102, 101, 99.5, 100, 100.1, 100.2, 99, 101]);
    const { items } = await user.notifications();
    expect(items).toHaveLength(3);
    expect(items.map((n) => n.current_price)).toEqual([101, 100.1, 101]);
    const after = await alertOf(user, alert.alert_id);
    expect(after.trigger_count).toBe(3);
    expect(after.state).toBe('fired');
    expect(after.last_triggered).toBe(Math.floor(items[0]!.triggered_at / 1000));
  });

  it('keeps its armed/fired state through an edit of the note, even with a re-arm still being written', async () => {
    const server = await start();
    const user = await signIn(server, 'noter');
    const alert = await user.createAlert(priceAlert('NOTE', '>', 100));
    const t = await play(server, 'NOTE', [90, 110]);
    // The re-arm is decided now and written in the background while the edit lands.
    await server.ingest({ symbol: 'NOTE', timestamp: t, price: 90, volume: 1 });
    expect((await user.request('PATCH', `/api/alerts/${alert.alert_id}`, { note: 'watch the open' })).status).toBe(200);
    await play(server, 'NOTE', [111], t + 1);
    expect((await user.notifications()).items.map((n) => n.current_price)).toEqual([111, 110]);
  });

  it('fires at the first tick after creation when the condition is already true', async () => {
    const server = await start();
    const user = await signIn(server, 'already');
    await play(server, 'ALR', [150]);
    await user.createAlert(priceAlert('ALR', '>=', 120));
    await play(server, 'ALR', [151]);
    const { items } = await user.notifications();
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({
      user_id: 'already',
      symbol: 'ALR',
      current_price: 151,
      threshold: 120,
      notification_method: 'websocket',
      delivery_status: 'pending',
      message_id: null,
      condition_type: 'price_threshold',
      message: 'ALR last price 151.00 is at or above 120.00',
    });
  });

  it('fires crossings only when consecutive prices cross, including gaps over the level', async () => {
    const server = await start();
    const user = await signIn(server, 'crosser');
    await play(server, 'CRS', [95]);
    await user.createAlert(priceAlert('CRS', 'crosses_above', 100));
    await user.createAlert(priceAlert('CRS', 'crosses_below', 100));
    await play(server, 'CRS', [96, 100, 100, 130, 140, 70, 100.01, 100]);
    const { items } = await user.notifications();
    // up 100→130, down 140→70, up 70→100.01, down 100.01→100 is not below.
    expect(items.map((n) => n.current_price).reverse()).toEqual([130, 70, 100.01]);
  });

  it('records five history items when one tick fires five alerts of one user', async () => {
    const server = await start();
    const user = await signIn(server, 'five');
    for (let i = 0; i < 5; i++) await user.createAlert(priceAlert('FIVE', '>', 10 + i));
    await play(server, 'FIVE', [5, 50]);
    const { items } = await user.notifications();
    expect(items).toHaveLength(5);
    expect(new Set(items.map((n) => n.triggered_at)).size).toBe(5);
    expect(new Set(items.map((n) => Math.floor(n.triggered_at))).size).toBe(1);
    expect(new Set(items.map((n) => n.alert_id)).size).toBe(5);
  });

  it('neither repeats nor loses a fire across a restart', async () => {
    const env = { TABLE_PREFIX: `t${crypto.randomBytes(4).toString('hex')}_` };
    const first = await start(env);
    const user = await signIn(first, 'restart');
    const alert = await user.createAlert(priceAlert('RST', '>', 100));
    let t = await play(first, 'RST', [90, 110]);
    await first.close();
    servers.splice(servers.indexOf(first), 1);

    const second = await start(env);
    const again = await signIn(second, 'restart');
    t = await play(second, 'RST', [111, 112], t);
    expect((await again.notifications()).items).toHaveLength(1);
    await play(second, 'RST', [95, 105], t);
    const { items } = await again.notifications();
    expect(items.map((n) => n.current_price)).toEqual([105, 110]);
    expect((await alertOf(again, alert.alert_id)).trigger_count).toBe(2);
  });

  it('finishes a fire whose history write a crash interrupted, exactly once', async () => {
    const env = { TABLE_PREFIX: `t${crypto.randomBytes(4).toString('hex')}_` };
    const first = await start(env);
    const user = await signIn(first, 'crash');
    const alert = await user.createAlert(priceAlert('CRA', '>', 10));
    await first.close();
    servers.splice(servers.indexOf(first), 1);

    // What a crash right after the claim leaves behind: the fire counted and parked, no history item.
    const clients = createDynamoClients({ region: 'ca-west-1', endpoint: inject('dynamoEndpoint') });
    const alerts = new AlertsRepository(clients.doc, `${env.TABLE_PREFIX}alert_configurations`);
    const stored = (await alerts.get(alert.alert_id))!;
    const triggeredAt = Date.now() - 1000;
    await alerts.claimFire(alert.alert_id, stored.version, {
      lastTriggered: Math.floor(triggeredAt / 1000),
      lastFiredMs: triggeredAt,
      disarm: true,
      disable: false,
      pending: {
        notification_id: crypto.randomUUID(),
        user_id: 'crash',
        alert_id: alert.alert_id,
        symbol: 'CRA',
        current_price: 11,
        threshold: 10,
        triggered_at: triggeredAt,
        notification_method: 'websocket',
        condition_type: 'price_threshold',
        message: 'CRA last price 11.00 is above 10.00',
      },
    });

    for (let restart = 0; restart < 2; restart++) {
      const server = await start(env);
      const u = await signIn(server, 'crash');
      await server.app.engine.idle();
      const { items } = await u.notifications();
      expect(items).toHaveLength(1);
      expect(items[0]).toMatchObject({ current_price: 11, triggered_at: triggeredAt });
      const after = (await alerts.get(alert.alert_id))!;
      expect(after.pending_notification).toBeUndefined();
      expect(after.trigger_count).toBe(1);
      await play(server, 'CRA', [12]);
      expect((await u.notifications()).items).toHaveLength(1);
      await server.close();
      servers.splice(servers.indexOf(server), 1);
    }
    clients.raw.destroy();
  });

  it('does not duplicate a history item when the crash came after it was written', async () => {
    const server = await start();
    const user = await signIn(server, 'late-crash');
    const alert = await user.createAlert(priceAlert('LCR', '>', 10));
    const alerts = new AlertsRepository(server.store.clients.doc, server.store.tables.alerts);
    const notifications = new NotificationsRepository(server.store.clients.doc, server.store.tables.notifications);
    const stored = (await alerts.get(alert.alert_id))!;
    const pending = {
      notification_id: crypto.randomUUID(),
      user_id: 'late-crash',
      alert_id: alert.alert_id,
      symbol: 'LCR',
      current_price: 11,
      threshold: 10,
      triggered_at: Date.now() - 500,
      notification_method: 'websocket' as const,
      condition_type: 'price_threshold' as const,
      message: 'x',
    };
    const claimed = await alerts.claimFire(alert.alert_id, stored.version, {
      lastTriggered: 1,
      lastFiredMs: pending.triggered_at,
      disarm: true,
      disable: false,
      pending,
    });
    await notifications.writeOnce(pending);
    // The recovery path runs the same idempotent write again.
    await notifications.writeOnce(pending);
    const engine = await restartedEngine(server, alerts, notifications);
    expect((await user.notifications()).items).toHaveLength(1);
    expect((await alerts.get(alert.alert_id))!.pending_notification).toBeUndefined();
    expect(claimed.trigger_count).toBe(1);
    await engine.close();
  });

  it('records one fire when two evaluators race on the same tick', async () => {
    const server = await start();
    const user = await signIn(server, 'race');
    const alert = await user.createAlert(priceAlert('RACE', '>', 100));
    const deps = {
      alerts: new AlertsRepository(server.store.clients.doc, server.store.tables.alerts),
      notifications: new NotificationsRepository(server.store.clients.doc, server.store.tables.notifications),
      ticks: new TicksRepository(server.store.clients.doc, server.store.tables.ticks),
      log: silentLog,
    };
    // Three evaluators as three processes would run them, each with its own market state.
    const markets = [new MarketState(), new MarketState(), new MarketState()];
    const engines = markets.map((market) => new AlertEngine({ ...deps, market }));
    const announced: string[] = [];
    for (const engine of engines) engine.onFired((record) => announced.push(record.notification_id));
    await Promise.all(engines.map((e) => e.load([])));
    const now = Date.now();
    const ticks: Tick[] = [
      { symbol: 'RACE', timestamp: now - 2, price: 90, volume: 1, source: 'http_ingest' },
      { symbol: 'RACE', timestamp: now - 1, price: 120, volume: 1, source: 'http_ingest' },
    ];
    for (const tick of ticks) engines.forEach((engine, i) => engine.onMove(markets[i]!.apply(tick)!));
    await Promise.all(engines.map((e) => e.idle()));
    const { items } = await user.notifications();
    expect(items).toHaveLength(1);
    expect((await deps.alerts.get(alert.alert_id))!.trigger_count).toBe(1);
    // Handed to delivery once, by the winner only: one email, one SMS.
    expect(announced).toEqual([items[0]!.notification_id]);
    await Promise.all(engines.map((e) => e.close()));
  });

  it('records nothing twice when a new owner evaluates ticks already decided, and goes on from the stored state', async () => {
    const server = await start();
    const user = await signIn(server, 'owner');
    await user.createAlert(priceAlert('OWN', '>', 100));
    await user.createAlert(priceAlert('OWN', 'crosses_above', 100));
    const deps = {
      alerts: new AlertsRepository(server.store.clients.doc, server.store.tables.alerts),
      notifications: new NotificationsRepository(server.store.clients.doc, server.store.tables.notifications),
      ticks: new TicksRepository(server.store.clients.doc, server.store.tables.ticks),
      log: silentLog,
    };
    const now = Date.now() - 100;
    const tick = (i: number, price: number): Tick => ({
      symbol: 'OWN',
      timestamp: now + i,
      price,
      volume: 1,
      source: 'http_ingest',
    });
    // As a shard owner works: tick by tick, each tick's decisions recorded before the next.
    const evaluate = async (engine: AlertEngine, market: MarketState, ticks: Tick[]) => {
      for (const t of ticks) await engine.onMove(market.apply(t)!);
      await engine.idle();
    };
    const played = [tick(0, 90), tick(1, 110), tick(2, 95), tick(3, 120), tick(4, 99)];
    const first = new MarketState();
    const previous = new AlertEngine({ ...deps, market: first });
    await previous.loadSymbol('OWN');
    await evaluate(previous, first, played);
    expect((await user.notifications()).items).toHaveLength(4);
    await previous.close();

    // The next owner loads the alerts as they are now (fired twice, re-armed after 99) and is handed the same ticks.
    const second = new MarketState();
    const next = new AlertEngine({ ...deps, market: second });
    await next.loadSymbol('OWN');
    await evaluate(next, second, played);
    expect((await user.notifications()).items).toHaveLength(4);
    await evaluate(next, second, [tick(5, 101), tick(6, 98), tick(7, 102)]);
    const prices = (await user.notifications()).items.map((n) => n.current_price).sort((a, b) => a - b);
    // The level alert fires at 101 (re-armed at 99) and 102 (re-armed at 98); the crossing at 101 and 102.
    expect(prices).toEqual([101, 101, 102, 102, 110, 110, 120, 120]);
    await next.close();
  });

  it('applies cooldown, once and expiry', async () => {
    const server = await start();
    const user = await signIn(server, 'rules');
    const once = await user.createAlert(priceAlert('RUL', '>', 100, { trigger_mode: 'once' }));
    await user.createAlert(priceAlert('RUL', '>', 100, { cooldown_seconds: 3600 }));
    await user.createAlert(priceAlert('RUL', '>', 100, { expires_at: Math.floor(Date.now() / 1000) - 10 }));
    await play(server, 'RUL', [90, 110, 90, 110, 90, 110]);
    const { items } = await user.notifications();
    // once: 1 fire; cooldown: 1 fire (later ones within the hour are held back); expired: none.
    expect(items).toHaveLength(2);
    const afterOnce = await alertOf(user, once.alert_id);
    expect(afterOnce.enabled).toBe(false);
    expect(afterOnce.trigger_count).toBe(1);
  });

  it('sees a disable and a delete at once', async () => {
    const server = await start();
    const user = await signIn(server, 'toggle');
    const alert = await user.createAlert(priceAlert('TGL', '>', 100));
    await user.request('PATCH', `/api/alerts/${alert.alert_id}`, { enabled: false });
    await play(server, 'TGL', [90, 110]);
    expect((await user.notifications()).items).toHaveLength(0);
    await user.request('PATCH', `/api/alerts/${alert.alert_id}`, { enabled: true });
    await play(server, 'TGL', [111]);
    expect((await user.notifications()).items).toHaveLength(1);
    await user.request('DELETE', `/api/alerts/${alert.alert_id}`);
    await play(server, 'TGL', [90, 120]);
    expect((await user.notifications()).items).toHaveLength(1);
  });

  it('evaluates fundamental conditions once fundamentals are loaded, and says why not before', async () => {
    const server = await start();
    const user = await signIn(server, 'value');
    expect((await user.request('PUT', '/api/me/channels', { email: 'value@example.com' })).status).toBe(200);
    const alert = await user.createAlert({
      symbol: 'FUN',
      condition_type: 'fundamental',
      condition: { metric: 'pe_ratio', operator: '<', threshold: 15 },
      notification_method: 'email',
    });
    await play(server, 'FUN', [100]);
    const waiting = await alertOf(user, alert.alert_id);
    expect(waiting.state).toBe('waiting');
    expect(waiting.status_note).toMatch(/no eps_ttm loaded for FUN/);
    const put = await fetch(`${server.url}/api/fundamentals/FUN`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json', 'x-api-key': server.config.ingestApiKey },
      body: JSON.stringify({ eps_ttm: 10, shares_outstanding: 1e9, annual_dividend: 2 }),
    });
    expect(put.status).toBe(200);
    const unauthorized = await user.request('PUT', '/api/fundamentals/FUN', { eps_ttm: 1 });
    expect(unauthorized.status).toBe(401);
    await play(server, 'FUN', [160, 140]);
    const { items } = await user.notifications();
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({ current_price: 140, threshold: 15 });
    expect(items[0]!.message).toBe('FUN P/E 14.00 is below 15.00 (price 140.00)');
  });

  it('evaluates indicator conditions on bars built from ticks', async () => {
    const server = await start();
    const user = await signIn(server, 'chartist');
    const minute = 60_000;
    const base = Math.floor(Date.now() / minute) * minute - 30 * minute;
    // Ten one-minute bars at 100 make SMA(5) 100 before the alert exists.
    await server.ingest(
      Array.from({ length: 10 }, (_, i) => ({ symbol: 'IND', timestamp: base + i * minute, price: 100, volume: 10 })),
    );
    await eventually(async () => {
      const page = (await (await fetch(`${server.url}/api/ticks/IND?limit=100`)).json()) as { items: unknown[] };
      expect(page.items).toHaveLength(10);
    });
    const alert = await user.createAlert({
      symbol: 'IND',
      condition_type: 'indicator',
      condition: { indicator: 'sma', period: 5, interval: '1m', operator: 'crosses_above', threshold: 101 },
      notification_method: 'websocket',
    });
    await server.app.engine.idle();
    expect((await alertOf(user, alert.alert_id)).state).toBe('armed');
    // Bars of 110: the SMA(5) climbs 102, 104… and crosses 101 on the first of them.
    for (let i = 10; i < 13; i++)
      await server.ingest({ symbol: 'IND', timestamp: base + i * minute, price: 110, volume: 10 });
    await server.app.engine.idle();
    const { items } = await user.notifications();
    expect(items).toHaveLength(1);
    expect(items[0]!.threshold).toBe(101);
    expect(items[0]!.message).toMatch(/^IND SMA\(5, 1m\) 102\.00 crossed above 101\.00/);
  });

  it('filters and pages the history, and shows each user only their own', async () => {
    const server = await start();
    const user = await signIn(server, 'history');
    const other = await signIn(server, 'other');
    await user.createAlert(priceAlert('HA', '>', 10));
    await user.createAlert(priceAlert('HB', '>', 10));
    await other.createAlert(priceAlert('HA', '>', 10));
    for (let round = 0; round < 3; round++) {
      await play(server, 'HA', [5, 20]);
      await play(server, 'HB', [5, 20]);
    }
    const all = await user.notifications();
    expect(all.items).toHaveLength(6);
    expect(all.items.every((n) => n.user_id === 'history')).toBe(true);
    const sorted = [...all.items].sort((a, b) => b.triggered_at - a.triggered_at);
    expect(all.items).toEqual(sorted);
    expect((await user.notifications('?symbol=HB')).items.map((n) => n.symbol)).toEqual(['HB', 'HB', 'HB']);
    const middle = all.items[3]!.triggered_at;
    const window = await user.notifications(`?from=${Math.floor(middle)}&to=${Math.floor(all.items[1]!.triggered_at)}`);
    expect(window.items.length).toBeGreaterThanOrEqual(3);
    const pages: NotificationRecord[] = [];
    let cursor: string | undefined;
    for (let i = 0; i < 5; i++) {
      const page = await user.notifications(`?limit=4${cursor ? `&cursor=${cursor}` : ''}`);
      pages.push(...page.items);
      cursor = page.nextCursor;
      if (!cursor) break;
    }
    expect(pages.map((n) => n.notification_id)).toEqual(all.items.map((n) => n.notification_id));
    expect((await other.notifications()).items).toHaveLength(3);
    expect((await user.request('GET', '/api/notifications?cursor=junk')).status).toBe(400);
    // A cursor from outside the requested range ends the listing instead of failing.
    const outside = await user.request(
      'GET',
      `/api/notifications?from=${Math.floor(middle)}&cursor=${pages.length ? firstCursorOf(all.items) : ''}`,
    );
    expect(outside.status).toBe(200);
    expect((await user.request('GET', '/api/notifications?to=1e200')).status).toBe(400);
  });
});
