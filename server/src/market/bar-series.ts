import {
  CANDLE_INTERVAL_MS,
  barStart,
  foldTrade,
  openBar,
  type Candle,
  type IndicatorInterval,
  type TradePoint,
} from '@tickwatch/shared';
import { TradingDayClock } from './trading-day.js';

/**
 * The forming bar of one interval, from a symbol's ticks in time order. Intraday bars align to UTC multiples of
 * the interval, which are also ET-aligned because New York's offset is a whole number of hours; daily bars
 * follow the ET trading day.
 */
export class BarSeries {
  private bar: Candle | undefined;

  constructor(
    readonly interval: IndicatorInterval,
    private readonly clock = new TradingDayClock(),
  ) {}

  /**
   * Folds the tick into its bar. A tick from before the current bar is ignored: its bar has closed and what was
   * derived from it stands.
   */
  update(tick: TradePoint): { bar: Candle; isNewBar: boolean } {
    const start = this.startOf(tick.timestamp);
    const current = this.bar;
    if (current && start < current.start) return { bar: current, isNewBar: false };
    if (current && start === current.start) {
      this.bar = foldTrade(current, tick);
      return { bar: this.bar, isNewBar: false };
    }
    this.bar = openBar(start, tick);
    return { bar: this.bar, isNewBar: true };
  }

  current(): Candle | undefined {
    return this.bar;
  }

  private startOf(ms: number): number {
    if (this.interval === '1d') return this.clock.dayStart(ms);
    return barStart(ms, CANDLE_INTERVAL_MS[this.interval]);
  }
}
