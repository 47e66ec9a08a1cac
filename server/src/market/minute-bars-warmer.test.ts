import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { MinuteBars } from './minute-bars.js';
import { MinuteBarsWarmer, WarmingStoppedError, warmingOrder } from './minute-bars-warmer.js';

describe('warmingOrder', () => {
  it('reads the most recently traded symbols first', () => {
    expect(
      warmingOrder([
        { symbol: 'OLD', lastTradeAt: 1_000 },
        { symbol: 'NEW', lastTradeAt: 3_000 },
        { symbol: 'MID', lastTradeAt: 2_000 },
      ]),
    ).toEqual(['NEW', 'MID', 'OLD']);
  });

  it('keeps the given order among symbols last traded at the same time', () => {
    expect(
      warmingOrder([
        { symbol: 'B', lastTradeAt: 5 },
        { symbol: 'A', lastTradeAt: 5 },
        { symbol: 'C', lastTradeAt: 9 },
        { symbol: 'D', lastTradeAt: 5 },
      ]),
    ).toEqual(['C', 'B', 'A', 'D']);
  });

  it('has nothing to read when no symbol was stored', () => {
    expect(warmingOrder([])).toEqual([]);
  });
});

describe('MinuteBarsWarmer once stopped', () => {
  const now = Date.UTC(2026, 10, 30, 15, 0);
  /** Bars with `stored` read from an earlier run and `warm` needing no read; every read is counted. */
  function warmerOf() {
    const bars = new MinuteBars({ ttlSeconds: 86_400, now: () => now });
    bars.storedElsewhere('STORED', now - 60_000);
    const reads: string[] = [];
    const warmer = new MinuteBarsWarmer({
      bars,
      read: async (symbol) => {
        reads.push(symbol);
      },
      log: pino({ level: 'silent' }),
    });
    return { warmer, reads };
  }

  it('reads nothing when stopped before its pass started (a server closed while starting)', async () => {
    const { warmer, reads } = warmerOf();
    await warmer.stop();
    await expect(warmer.start(['STORED'])).resolves.toBeUndefined();
    expect(reads).toEqual([]);
    expect(warmer.status()).toEqual({ warming: 0, waiting: 0 });
  });

  it('still answers for bars that need no read, and refuses only a read of the store', async () => {
    const { warmer, reads } = warmerOf();
    await warmer.ready('STORED', 0);
    await warmer.stop();
    await expect(warmer.ready('STORED', 0)).resolves.toBeUndefined();
    await expect(warmer.ready('NEVER-READ', 0)).rejects.toBeInstanceOf(WarmingStoppedError);
    expect(reads).toEqual(['STORED']);
  });
});
