import type { Candle } from '@tickwatch/shared';

/**
 * Folds ticks, in time order, into OHLCV bars aligned to `intervalMs` (UTC epoch boundaries). Feed it page by page;
 * it keeps only the bars, never the ticks.
 */
export class CandleAggregator {
  private readonly bars: Candle[] = [];

  constructor(private readonly intervalMs: number) {
    if (!Number.isInteger(intervalMs) || intervalMs <= 0) throw new RangeError('intervalMs must be a positive integer');
  }

  add(tick: { timestamp: number; price: number; volume: number }): void {
    const start = tick.timestamp - (tick.timestamp % this.intervalMs);
    const last = this.bars.at(-1);
    if (last && last.start === start) {
      last.high = Math.max(last.high, tick.price);
      last.low = Math.min(last.low, tick.price);
      last.close = tick.price;
      last.volume += tick.volume;
      last.trades += 1;
      return;
    }
    if (last && start < last.start) {
      throw new RangeError(`ticks must arrive in time order: ${tick.timestamp} is before bar ${last.start}`);
    }
    this.bars.push({
      start,
      open: tick.price,
      high: tick.price,
      low: tick.price,
      close: tick.price,
      volume: tick.volume,
      trades: 1,
    });
  }

  result(): Candle[] {
    return this.bars.map((bar) => ({ ...bar }));
  }
}
