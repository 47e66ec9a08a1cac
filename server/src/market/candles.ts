import { barStart, foldTrade, openBar, type Candle, type TradePoint } from '@tickwatch/shared';

/**
 * Folds ticks, in time order, into OHLCV bars aligned to `intervalMs` (UTC epoch boundaries). Feed it page by page;
 * it keeps only the bars, never the ticks.
 */
export class CandleAggregator {
  private readonly bars: Candle[] = [];

  constructor(private readonly intervalMs: number) {
    if (!Number.isInteger(intervalMs) || intervalMs <= 0) throw new RangeError('intervalMs must be a positive integer');
  }

  add(tick: TradePoint): void {
    const start = barStart(tick.timestamp, this.intervalMs);
    const last = this.bars.at(-1);
    if (last && last.start === start) {
      this.bars[this.bars.length - 1] = foldTrade(last, tick);
      return;
    }
    if (last && start < last.start) {
      throw new RangeError(`ticks must arrive in time order: ${tick.timestamp} is before bar ${last.start}`);
    }
    this.bars.push(openBar(start, tick));
  }

  result(): Candle[] {
    return this.bars.map((bar) => ({ ...bar }));
  }
}
