import { describe, expect, it } from 'vitest';
import { tickSchema } from '@tickwatch/shared';
import {
  SESSION_SECONDS,
  TradingDay,
  drawSymbols,
  expectedCounts,
  intradayIntensity,
  logUniformRates,
  sampleWindows,
  secondsItemsPerTrade,
  type RateClass,
} from './trading-day.js';

const OPEN_MS = Date.UTC(2026, 10, 2, 14, 30);
const CLASSES: RateClass[] = [
  { name: 'hot', symbols: 2, minPerSecond: 200, maxPerSecond: 400, tradesPerPrint: 1.5 },
  { name: 'liquid', symbols: 4, minPerSecond: 10, maxPerSecond: 70, tradesPerPrint: 1 },
  { name: 'tail', symbols: 20, minPerSecond: 1 / 60, maxPerSecond: 6 / 60, tradesPerPrint: 1 },
];

function replay(day: TradingDay, fromSecond: number, seconds: number, symbols = day.symbols) {
  const perSecond: ReturnType<TradingDay['tradesOfSecond']>[] = [];
  for (let s = fromSecond; s < fromSecond + seconds; s++) perSecond.push(day.tradesOfSecond(s, symbols));
  return perSecond;
}

describe('intradayIntensity', () => {
  it('averages 1 over the session, with a burst at the open, a lull at midday and a burst into the close', () => {
    let sum = 0;
    for (let s = 0; s < SESSION_SECONDS; s++) sum += intradayIntensity(s + 0.5);
    expect(sum / SESSION_SECONDS).toBeCloseTo(1, 2);
    const open = intradayIntensity(0);
    const midday = intradayIntensity(SESSION_SECONDS / 2);
    const close = intradayIntensity(SESSION_SECONDS);
    expect(open).toBeGreaterThan(2.5);
    expect(close).toBeGreaterThan(1.8);
    expect(midday).toBeLessThan(1);
    expect(open).toBeGreaterThan(close);
  });
});

describe('drawSymbols', () => {
  it('spreads each class log-uniformly between its bounds', () => {
    const rates = logUniformRates(3, 10, 1000);
    expect(rates[1]).toBeCloseTo(100, 6);
    expect(rates[0]).toBeGreaterThan(10);
    expect(rates[2]).toBeLessThan(1000);
    const symbols = drawSymbols(CLASSES);
    expect(symbols.map((s) => s.symbol).slice(0, 3)).toEqual(['HOT0', 'HOT1', 'LIQUID0']);
    expect(symbols.filter((s) => s.rateClass === 'tail')).toHaveLength(20);
  });
});

describe('TradingDay', () => {
  const symbols = drawSymbols(CLASSES);

  it('draws the same trades from the same seed, whichever symbols are asked for alongside', () => {
    const all = replay(new TradingDay(symbols, OPEN_MS, 'seed'), 0, 5).flat();
    const hotOnly = replay(new TradingDay(symbols, OPEN_MS, 'seed'), 0, 5, symbols.slice(0, 1)).flat();
    expect(all.filter((t) => t.symbol === 'HOT0')).toEqual(hotOnly);
    expect(replay(new TradingDay(symbols, OPEN_MS, 'other'), 0, 5).flat()).not.toEqual(all);
  });

  it('hands out valid ticks inside their second, in time order', () => {
    const day = new TradingDay(symbols, OPEN_MS, 'seed');
    const second = 100;
    const ticks = day.tradesOfSecond(second, symbols);
    expect(ticks.length).toBeGreaterThan(100);
    for (const tick of ticks) {
      expect(tickSchema.safeParse(tick).success).toBe(true);
      expect(tick.timestamp).toBeGreaterThanOrEqual(OPEN_MS + second * 1000);
      expect(tick.timestamp).toBeLessThan(OPEN_MS + (second + 1) * 1000);
      expect(Math.round(tick.price * 100) / 100).toBe(tick.price);
    }
    expect(ticks.map((t) => t.timestamp)).toEqual([...ticks.map((t) => t.timestamp)].sort((a, b) => a - b));
  });

  it('prints about the expected trades and traded seconds per symbol over a window', () => {
    const day = new TradingDay(symbols, OPEN_MS, 'seed');
    const [window] = sampleWindows(120);
    const ticks = replay(day, window!.fromSecond, window!.seconds).flat();
    for (const rate of [symbols[0]!, symbols[2]!, symbols[5]!]) {
      const own = ticks.filter((t) => t.symbol === rate.symbol);
      const expected = expectedCounts(rate, window!);
      expect(own.length / expected.trades).toBeGreaterThan(0.9);
      expect(own.length / expected.trades).toBeLessThan(1.1);
      const seconds = new Set(own.map((t) => Math.floor(t.timestamp / 1000))).size;
      expect(seconds / expected.secondItems).toBeGreaterThan(0.95);
      expect(seconds / expected.secondItems).toBeLessThan(1.05);
    }
    const tail = ticks.filter((t) => t.symbol.startsWith('TAIL')).length;
    const tailExpected = symbols
      .filter((s) => s.rateClass === 'tail')
      .reduce((sum, s) => sum + expectedCounts(s, window!).trades, 0);
    expect(tail).toBeGreaterThan(tailExpected * 0.6);
    expect(tail).toBeLessThan(tailExpected * 1.4);
  });

  it('prints several trades of a hot symbol in one millisecond, and sizes with a heavy tail', () => {
    const day = new TradingDay(symbols, OPEN_MS, 'seed');
    const hot = replay(day, 0, 30, symbols.slice(0, 1)).flat();
    const perMs = new Map<number, number>();
    for (const t of hot) perMs.set(t.timestamp, (perMs.get(t.timestamp) ?? 0) + 1);
    expect(Math.max(...perMs.values())).toBeGreaterThanOrEqual(4);
    expect([...perMs.values()].filter((n) => n > 1).length / perMs.size).toBeGreaterThan(0.2);
    const volumes = hot.map((t) => t.volume).sort((a, b) => a - b);
    const median = volumes[Math.floor(volumes.length / 2)]!;
    expect(volumes.at(-1)! / median).toBeGreaterThan(50);
    expect(volumes.some((v) => v % 100 !== 0)).toBe(true);
  });
});

describe('secondsItemsPerTrade', () => {
  it('is one item per trade for a rare trader and one per second for a busy one', () => {
    expect(secondsItemsPerTrade(0.01)).toBeCloseTo(1, 2);
    expect(secondsItemsPerTrade(1)).toBeCloseTo(1 - Math.exp(-1), 10);
    expect(secondsItemsPerTrade(300)).toBeCloseTo(1 / 300, 10);
    // Clustered prints leave more seconds without a trade.
    expect(secondsItemsPerTrade(2, 2)).toBeCloseTo((1 - Math.exp(-1)) / 2, 10);
  });
});
