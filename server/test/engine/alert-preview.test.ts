import { afterEach, describe, expect, inject, it } from 'vitest';
import seedrandom from 'seedrandom';
import {
  definitionOf,
  describeCondition,
  describeFire,
  type Alert,
  type AlertDefinitionInput,
  type AlertPreview,
  type IngestTick,
  type NotificationRecord,
} from '@tickwatch/shared';
import { eventually, startTestServer, type TestServer } from '../support/harness.js';
import { priceAlert, signIn, type TestUser } from '../support/users.js';

const SECOND = 1000;
const MINUTE = 60 * SECOND;

/**
 * A seeded walk around 100, one tick every 6 s over 40 minutes, so 1-minute indicators warm up within it. With
 * `bursts`, some ticks come with two more trades in the same second (and one in the same millisecond).
 */
function walk(symbol: string, seed: string, start: number, bursts: boolean): IngestTick[] {
  const rng = seedrandom(seed);
  const ticks: IngestTick[] = [];
  let price = 100;
  for (let i = 0; i < 400; i++) {
    const at = start + i * 6 * SECOND;
    price = Math.round((price + (rng() - 0.5) * 1.2) * 100) / 100;
    ticks.push({ symbol, timestamp: at, price, volume: 1 + Math.floor(rng() * 10) });
    if (bursts && rng() < 0.2) {
      ticks.push({ symbol, timestamp: at, price: Math.round((price + 0.7) * 100) / 100, volume: 1 });
      ticks.push({ symbol, timestamp: at + 400, price: Math.round((price - 0.6) * 100) / 100, volume: 1 });
    }
  }
  return ticks;
}

const dayBarAlert = (symbol: string, priceType: string, operator: string, threshold: number) =>
  ({
    symbol,
    condition_type: 'price_threshold',
    condition: { operator, threshold, price_type: priceType },
    notification_method: 'websocket',
  }) as AlertDefinitionInput;

const conditionOf = (
  symbol: string,
  conditionType: string,
  condition: Record<string, unknown>,
  extra: Record<string, unknown> = {},
) =>
  ({
    symbol,
    condition_type: conditionType,
    condition,
    notification_method: 'websocket',
    ...extra,
  }) as AlertDefinitionInput;

const indicator = (symbol: string, condition: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
  conditionOf(symbol, 'indicator', condition, extra);

describe(`alert preview on ${inject('dynamoKind')}`, () => {
  const servers: TestServer[] = [];
  afterEach(async () => {
    for (const s of servers.splice(0)) await s.close();
  });

  async function start(overrides: Record<string, string> = {}) {
    const server = await startTestServer(overrides);
    servers.push(server);
    return server;
  }

  async function allNotifications(user: TestUser): Promise<NotificationRecord[]> {
    const records: NotificationRecord[] = [];
    let cursor: string | undefined;
    do {
      const page = await user.notifications(`?limit=200${cursor ? `&cursor=${cursor}` : ''}`);
      records.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor);
    return records;
  }

  const previewOf = async (user: TestUser, definition: unknown) => {
    const res = await user.request('POST', '/api/alerts/preview', definition);
    expect(res.status).toBe(200);
    return (await res.json()) as AlertPreview;
  };

  for (const mode of ['seconds', 'trades'] as const) {
    // Stored seconds of one trade each are that trade; bursts are exact only where each trade is stored.
    const bursts = mode === 'trades';
    it(`gives exactly the fires the live engine gave on the same ticks (TICK_STORE=${mode}${bursts ? ', bursts' : ''})`, async () => {
      const server = await start({ TICK_STORE: mode });
      const user = await signIn(server, `previewer-${mode}`);
      const symbol = mode === 'seconds' ? 'PVS' : 'PVT';
      const alerts: Alert[] = [];
      for (const definition of [
        priceAlert(symbol, 'crosses_above', 100),
        priceAlert(symbol, 'crosses_below', 99.5),
        priceAlert(symbol, '>', 100.5),
        priceAlert(symbol, '<=', 99, { cooldown_seconds: 60 }),
        priceAlert(symbol, 'crosses_below', 100, { cooldown_seconds: 120 }),
        dayBarAlert(symbol, 'high', 'crosses_above', 101),
        dayBarAlert(symbol, 'low', '<', 98.5),
        indicator(symbol, { indicator: 'sma', interval: '1m', period: 5, operator: 'crosses_above' }),
        indicator(symbol, { indicator: 'rsi', interval: '1m', period: 5, operator: '>', threshold: 60 }),
        conditionOf(symbol, 'price_move', { direction: 'up', amount: 1, unit: 'price', window_minutes: 3 }),
        conditionOf(symbol, 'price_move', { direction: 'down', amount: 0.8, unit: 'percent', window_minutes: 5 }),
        conditionOf(symbol, 'price_channel', { event: 'enters', lower: 99.8, upper: 100.2 }),
        conditionOf(symbol, 'price_channel', { event: 'exits', lower: 99, upper: 101 }, { cooldown_seconds: 60 }),
      ])
        alerts.push(await user.createAlert(definition));
      await server.app.engine.idle();

      const ticks = walk(symbol, `preview-${mode}`, Date.now() - 45 * MINUTE, bursts);
      for (let i = 0; i < ticks.length; i += 100)
        expect((await server.ingest(ticks.slice(i, i + 100))).status).toBe(202);
      await server.app.engine.idle();
      await eventually(() => expect(server.app.pipeline.stats().queued).toBe(0), 15_000);

      const records = await allNotifications(user);
      const label = (alert: Alert) => describeCondition(alert);
      let compared = 0;
      for (const alert of alerts) {
        const definition = definitionOf(alert);
        const preview = await previewOf(user, definition);
        expect(preview.ticks_replayed).toBe(ticks.length);
        const live = records
          .filter((r) => r.alert_id === alert.alert_id)
          .sort((a, b) => a.triggered_at - b.triggered_at)
          .map((r) => ({
            time: Math.floor(r.triggered_at),
            price: r.current_price,
            level: r.threshold,
            message: r.message,
          }));
        const replayed = preview.fires.map((f) => ({
          time: f.time,
          price: f.price,
          level: f.level,
          message: describeFire(alert, f),
        }));
        expect(replayed, label(alert)).toEqual(live);
        expect(live.length, `${label(alert)} fired on the walk`).toBeGreaterThan(0);
        expect(preview.fire_count).toBe(live.length);
        compared += live.length;
      }
      // The walk is meant to fire every alert; a walk that fired none would compare nothing.
      expect(compared).toBeGreaterThan(20);
      for (const alert of alerts)
        expect(
          records.some((r) => r.alert_id === alert.alert_id),
          label(alert),
        ).toBe(true);
    }, 120_000);
  }

  it('answers zero ticks for a symbol with nothing stored, 400 with field paths for a bad draft, 401 signed out', async () => {
    const server = await start();
    const user = await signIn(server, 'previewer');
    const empty = await previewOf(user, priceAlert('NONE', '>', 1));
    expect(empty).toMatchObject({ symbol: 'NONE', ticks_replayed: 0, fire_count: 0, fires: [], truncated: false });
    expect(empty.to - empty.from).toBe(86_400 * SECOND);

    const bad = await user.request('POST', '/api/alerts/preview', priceAlert('NONE', 'above', Number.NaN));
    expect(bad.status).toBe(400);
    const { error } = (await bad.json()) as { error: { issues: { path: string }[] } };
    expect(error.issues.map((i) => i.path)).toContain('condition.operator');

    const anonymous = await fetch(`${server.url}/api/alerts/preview`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(priceAlert('NONE', '>', 1)),
    });
    expect(anonymous.status).toBe(401);
  });

  it('stores nothing: no alert, no history, and says when the draft fires on every tick', async () => {
    const server = await start();
    const user = await signIn(server, 'looker');
    const start0 = Date.now() - 10 * MINUTE;
    const prices = [101, 102, 103, 104];
    expect(
      (
        await server.ingest(
          prices.map((price, i) => ({ symbol: 'ALW', timestamp: start0 + i * SECOND, price, volume: 1 })),
        )
      ).status,
    ).toBe(202);
    await eventually(() => expect(server.app.pipeline.stats().queued).toBe(0), 15_000);
    const preview = await previewOf(user, priceAlert('ALW', '>', 50));
    expect(preview).toMatchObject({ ticks_replayed: 4, fire_count: 1, fires_on_every_tick: true });
    expect(preview.fires).toEqual([{ time: start0, price: 101, value: 101, level: 50 }]);
    expect(((await (await user.request('GET', '/api/alerts')).json()) as { items: unknown[] }).items).toEqual([]);
    expect((await user.notifications()).items).toEqual([]);
  });
});
