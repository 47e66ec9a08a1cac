import { describe, expect, it } from 'vitest';
import seedrandom from 'seedrandom';
import { SYMBOL_PATTERN, foldTrade, openBar } from '@tickwatch/shared';
import {
  SYMBOL_REGISTRY,
  presentStored,
  presentTick,
  spanOf,
  symbolKey,
  symbolOfKey,
  tradesOf,
  type TickItem,
} from './ticks-repository.js';

const CHARS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-';

function randomSymbol(random: () => number): string {
  const length = 1 + Math.floor(random() * 10);
  let symbol = CHARS[Math.floor(random() * 26)]!;
  while (symbol.length < length) symbol += CHARS[Math.floor(random() * CHARS.length)]!;
  return symbol;
}

describe('symbol registry keys', () => {
  it('gives every symbol its own exact key, and reads the symbol back from it', () => {
    const random = seedrandom('symbol-keys');
    const seen = new Map<number, string>();
    for (let i = 0; i < 5_000; i++) {
      const symbol = randomSymbol(random);
      const key = symbolKey(symbol)!;
      expect(Number.isSafeInteger(key)).toBe(true);
      expect(symbolOfKey(key)).toBe(symbol);
      const other = seen.get(key);
      if (other !== undefined) expect(other).toBe(symbol);
      seen.set(key, symbol);
    }
  });

  it('orders keys as the symbols sort', () => {
    const symbols = ['A', 'A-', 'A.B', 'AA', 'AAPL', 'B', 'BRK.A', 'BRK.B', 'MSFT', 'Z', 'ZZZZZZZZZZ'];
    const keys = symbols.map((s) => symbolKey(s)!);
    expect([...keys].sort((a, b) => a - b)).toEqual(keys);
    expect([...symbols].sort()).toEqual(symbols);
  });

  it('stays below 2^53 for the longest symbol the pattern allows, and refuses anything longer', () => {
    expect(SYMBOL_PATTERN.test('ZZZZZZZZZZ')).toBe(true);
    expect(symbolKey('ZZZZZZZZZZ')).toBeLessThanOrEqual(Number.MAX_SAFE_INTEGER);
    expect(SYMBOL_PATTERN.test('ZZZZZZZZZZZ')).toBe(false);
    expect(symbolKey('ZZZZZZZZZZZ')).toBeUndefined();
  });

  it('has no key for what is not a symbol, and no symbol for a number no symbol encodes to', () => {
    for (const notASymbol of ['', 'aapl', '1AB', '.A', SYMBOL_REGISTRY]) expect(symbolKey(notASymbol)).toBeUndefined();
    for (const key of [-1, 0, 1.5, Number.MAX_SAFE_INTEGER, 39 ** 9 * 3 + 1]) expect(symbolOfKey(key)).toBeUndefined();
  });
});

describe('reading a stored item', () => {
  /** 2026-01-15T14:00:00.000Z */
  const T = Date.UTC(2026, 0, 15, 14);
  const one: TickItem = { symbol: 'AAPL', timestamp: T + 250.002, price: 10, volume: 5, source: 'simulator', ttl: 0 };
  /** What a second's item and its span share. */
  const fold = { price: 11, volume: 40, open: 12, high: 13, low: 9, trades: 6 };
  const second: TickItem = { ...one, ...fold, timestamp: T + 100, last_key: T + 800.002 };

  it('presents a one-trade item as the trade, and a second with its open, high, low and trade count', () => {
    expect(presentStored(one)).toEqual({
      symbol: 'AAPL',
      timestamp: T + 250,
      price: 10,
      volume: 5,
      source: 'simulator',
    });
    expect(presentTick(second)).toMatchObject({ timestamp: T + 800, price: 11 });
    expect(presentStored(second)).toEqual({
      ...presentTick(second),
      open: 12,
      high: 13,
      low: 9,
      trades: 6,
    });
  });

  it('spans a trade, or a second, at its last trade’s time under the item’s key', () => {
    expect(spanOf(one)).toMatchObject({ open: 10, high: 10, low: 10, price: 10, trades: 1, openKey: T + 250.002 });
    expect(spanOf(one).closeKey).toBe(T + 250.002);
    expect(spanOf(second)).toEqual({ ...fold, timestamp: T + 800, openKey: T + 100, closeKey: T + 100 });
  });

  it('replays a second as trades that fold into its bar, in the order that ends nearer its close', () => {
    expect(tradesOf(one)).toEqual([presentTick(one)]);
    const replay = tradesOf(second);
    expect(replay.map((t) => t.price)).toEqual([12, 13, 9, 11]);
    expect(replay.map((t) => t.timestamp)).toEqual([T, T, T, T + 800]);
    const bar = replay.slice(1).reduce((b, t) => foldTrade(b, t), openBar(T, replay[0]!));
    expect(bar).toMatchObject({ open: 12, high: 13, low: 9, close: 11, volume: 40 });
    expect(tradesOf({ ...second, price: 12.5 }).map((t) => t.price)).toEqual([12, 9, 13, 12.5]);
  });
});
