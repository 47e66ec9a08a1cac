import { describe, expect, it } from 'vitest';
import seedrandom from 'seedrandom';
import { SYMBOL_PATTERN } from '@tickwatch/shared';
import { SYMBOL_REGISTRY, symbolKey, symbolOfKey } from './ticks-repository.js';

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
