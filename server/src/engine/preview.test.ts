import { describe, expect, it } from 'vitest';
import {
  MAX_PREVIEW_FIRES,
  alertDefinitionSchema,
  type AlertDefinitionInput,
  type AlertPreview,
  type Fundamentals,
  type Tick,
} from '@tickwatch/shared';
import { previewAlert } from './preview.js';

const SYMBOL = 'PRV';
/** 2026-01-15 10:00 EST: inside one trading day, so the day bar never resets mid-test. */
const T0 = Date.parse('2026-01-15T15:00:00.000Z');
const SECOND = 1000;

const ticksOf = (prices: number[], start = T0, step = SECOND): Tick[] =>
  prices.map((price, i) => ({ symbol: SYMBOL, timestamp: start + i * step, price, volume: 1, source: 'http_ingest' }));

function definition(condition: Record<string, unknown>, extra: Record<string, unknown> = {}) {
  const input = {
    symbol: SYMBOL,
    condition_type: 'price_threshold',
    condition: { price_type: 'close', ...condition },
    notification_method: 'websocket',
    ...extra,
  } as AlertDefinitionInput;
  return alertDefinitionSchema.parse(input);
}

async function preview(
  def: ReturnType<typeof definition>,
  ticks: Tick[],
  fundamentals?: Fundamentals,
  pageSize = 3,
): Promise<AlertPreview> {
  const pages: Tick[][] = [];
  for (let i = 0; i < ticks.length; i += pageSize) pages.push(ticks.slice(i, i + pageSize));
  return previewAlert({ definition: def, ticks: pages, fundamentals, from: T0 - 86_400_000, to: T0 + 86_400_000 });
}

describe('previewAlert', () => {
  it('fires a crossing at each tick that crosses the level, never on the first tick replayed', async () => {
    const ticks = ticksOf([105, 99, 101, 102, 98, 100.5]);
    const result = await preview(definition({ operator: 'crosses_above', threshold: 100 }), ticks);
    expect(result.ticks_replayed).toBe(6);
    expect(result.fires).toEqual([
      { time: T0 + 2 * SECOND, price: 101, value: 101, level: 100 },
      { time: T0 + 5 * SECOND, price: 100.5, value: 100.5, level: 100 },
    ]);
    expect(result).toMatchObject({ fire_count: 2, truncated: false, fires_on_every_tick: false, symbol: SYMBOL });
  });

  it('fires a level alert once per entry into the condition, re-arming when it stops holding', async () => {
    const ticks = ticksOf([99, 101, 100.5, 102, 99.5, 100, 100.1, 99, 101]);
    const result = await preview(definition({ operator: '>', threshold: 100 }), ticks);
    expect(result.fires.map((f) => f.price)).toEqual([101, 100.1, 101]);
    expect(result.fires_on_every_tick).toBe(false);
  });

  it('fires a level alert already met on the first tick replayed, as a newly saved alert does', async () => {
    const result = await preview(definition({ operator: '>=', threshold: 100 }), ticksOf([150, 90, 120]));
    expect(result.fires.map((f) => f.time)).toEqual([T0, T0 + 2 * SECOND]);
  });

  it('holds a level still met when the cooldown ends until the next tick, and misses crossings inside it', async () => {
    const level = await preview(
      definition({ operator: '>', threshold: 100 }, { cooldown_seconds: 5 }),
      ticksOf([101, 99, 102, 103, 104, 105, 106, 107, 108]),
    );
    // Fired at 0 s; re-armed at 1 s; met again at 2 s inside the cooldown; looked at again at the tick of 5 s.
    expect(level.fires.map((f) => f.time)).toEqual([T0, T0 + 5 * SECOND]);
    const crossing = await preview(
      definition({ operator: 'crosses_above', threshold: 100 }, { cooldown_seconds: 3 }),
      ticksOf([99, 101, 99, 101, 99, 101]),
    );
    expect(crossing.fires.map((f) => f.time)).toEqual([T0 + SECOND, T0 + 5 * SECOND]);
  });

  it('fires once and no more with trigger_mode once', async () => {
    const result = await preview(
      definition({ operator: 'crosses_below', threshold: 50 }, { trigger_mode: 'once' }),
      ticksOf([51, 49, 51, 49]),
    );
    expect(result.fires.map((f) => f.time)).toEqual([T0 + SECOND]);
  });

  it('stops firing at expires_at, by tick time', async () => {
    const result = await preview(
      definition({ operator: 'crosses_above', threshold: 10 }, { expires_at: (T0 + 3 * SECOND) / 1000 }),
      ticksOf([9, 11, 9, 11, 9, 11]),
    );
    expect(result.fires.map((f) => f.time)).toEqual([T0 + SECOND]);
  });

  it('replays a disabled draft as if it were switched on', async () => {
    const result = await preview(definition({ operator: '<', threshold: 10 }, { enabled: false }), ticksOf([11, 9]));
    expect(result.fire_count).toBe(1);
  });

  it('says a level met on every tick fires on every tick, and only then', async () => {
    const always = await preview(definition({ operator: '>', threshold: 1 }), ticksOf([50, 51, 52, 49]));
    expect(always).toMatchObject({ fire_count: 1, fires_on_every_tick: true });
    // The flag does not depend on the draft's own options: with `once` it is removed after its first fire.
    const once = await preview(
      definition({ operator: '>', threshold: 1 }, { trigger_mode: 'once', cooldown_seconds: 60 }),
      ticksOf([50, 51, 52, 49]),
    );
    expect(once.fires_on_every_tick).toBe(true);
    const oncePassing = await preview(
      definition({ operator: '>', threshold: 50 }, { trigger_mode: 'once' }),
      ticksOf([51, 52, 49, 53]),
    );
    expect(oncePassing).toMatchObject({ fire_count: 1, fires_on_every_tick: false });
    expect((await preview(definition({ operator: '>', threshold: 1 }), ticksOf([50]))).fires_on_every_tick).toBe(false);
    expect((await preview(definition({ operator: '>', threshold: 60 }), ticksOf([50, 70]))).fires_on_every_tick).toBe(
      false,
    );
  });

  it('answers zero ticks and no fires for a symbol with nothing stored', async () => {
    const result = await preview(definition({ operator: '>', threshold: 1 }), []);
    expect(result).toMatchObject({ ticks_replayed: 0, fire_count: 0, fires: [], truncated: false });
    expect(result.fires_on_every_tick).toBe(false);
  });

  it('stops reading pages once its signal is aborted', async () => {
    const stop = new AbortController();
    let pagesRead = 0;
    async function* pages(): AsyncGenerator<Tick[]> {
      for (const page of [
        ticksOf([99, 101], T0),
        ticksOf([99, 101], T0 + 10 * SECOND),
        ticksOf([99], T0 + 20 * SECOND),
      ]) {
        pagesRead += 1;
        yield page;
        stop.abort();
      }
    }
    const answer = await previewAlert({
      definition: definition({ operator: 'crosses_above', threshold: 100 }),
      ticks: pages(),
      fundamentals: undefined,
      from: T0,
      to: T0 + 60 * SECOND,
      signal: stop.signal,
    });
    expect([pagesRead, answer.ticks_replayed, answer.fire_count]).toEqual([2, 2, 1]);
  });

  it('lists at most MAX_PREVIEW_FIRES fires, oldest first, and counts them all', async () => {
    const prices = Array.from({ length: 2 * (MAX_PREVIEW_FIRES + 20) + 1 }, (_, i) => (i % 2 === 0 ? 99 : 101));
    const result = await preview(
      definition({ operator: 'crosses_above', threshold: 100 }),
      ticksOf(prices),
      undefined,
      97,
    );
    expect(result.fire_count).toBe(MAX_PREVIEW_FIRES + 20);
    expect(result.fires).toHaveLength(MAX_PREVIEW_FIRES);
    expect(result.truncated).toBe(true);
    expect(result.fires[0]!.time).toBe(T0 + SECOND);
    expect(result.fires.at(-1)!.time).toBe(T0 + (2 * MAX_PREVIEW_FIRES - 1) * SECOND);
  });

  it('does not take an older tick as a move, as the market state does not', async () => {
    const ticks = [...ticksOf([99, 101]), ...ticksOf([99], T0), ...ticksOf([99, 101], T0 + 2 * SECOND)];
    const result = await preview(definition({ operator: 'crosses_above', threshold: 100 }), ticks);
    expect(result.ticks_replayed).toBe(4);
    expect(result.fires.map((f) => f.time)).toEqual([T0 + SECOND, T0 + 3 * SECOND]);
  });

  it('evaluates a fundamental condition with the fundamentals given, and not without them', async () => {
    const pe = alertDefinitionSchema.parse({
      symbol: SYMBOL,
      condition_type: 'fundamental',
      condition: { metric: 'pe_ratio', operator: 'crosses_above', threshold: 20 },
      notification_method: 'websocket',
    });
    const ticks = ticksOf([190, 210, 190]);
    const withEps = await preview(pe, ticks, { eps_ttm: 10, shares_outstanding: null, annual_dividend: null });
    expect(withEps.fires).toEqual([{ time: T0 + SECOND, price: 210, value: 21, level: 20 }]);
    expect((await preview(pe, ticks)).fire_count).toBe(0);
  });

  it('warms an indicator up on the replayed ticks before it can fire', async () => {
    const sma = alertDefinitionSchema.parse({
      symbol: SYMBOL,
      condition_type: 'indicator',
      condition: { indicator: 'sma', interval: '1m', period: 3, operator: 'crosses_above' },
      notification_method: 'websocket',
    });
    // One tick a minute: the price against its 3-bar SMA. Ready from the third bar on.
    const ticks = ticksOf([10, 20, 11, 30, 9, 8, 30], T0, 60 * SECOND);
    const result = await preview(sma, ticks);
    // Bar 3: 11 vs 13.67 (below); bar 4: 30 vs 20.33 (above, a crossing); bar 7: 30 vs 15.67 after 8 vs 15.67.
    expect(result.fires.map((f) => [f.time, f.price])).toEqual([
      [T0 + 3 * 60 * SECOND, 30],
      [T0 + 6 * 60 * SECOND, 30],
    ]);
    expect(result.fires[0]!.level).toBeCloseTo(61 / 3, 10);
  });
});
