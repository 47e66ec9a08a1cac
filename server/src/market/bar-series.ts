import { CANDLE_INTERVAL_MS, type IndicatorInterval } from '@tickwatch/shared';
import { TradingDayClock } from './trading-day.js';

export interface Bar {
  /** Epoch ms: a UTC multiple of the interval, or the ET midnight for '1d'. */
  start: number;
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
}

/**
 * The forming bar of one interval, from a symbol's ticks in time order. Intraday bars align to UTC multiples of
 * the interval, which are also ET-aligned because New York's offset is a whole number of hours; daily bars
 * follow the ET trading day.
 */
export class BarSeries {
  private bar: Bar | undefined;

  constructor(
    readonly interval: IndicatorInterval,
    private readonly clock = new TradingDayClock(),
  ) {}

  /**
   * Folds the tick into its bar. A tick from before the current bar is ignored: its bar has closed and what was
   * derived from it stands.
   */
  update(tick: { timestamp: number; price: number; volume: number }): { bar: Bar; isNewBar: boolean } {
    const start = this.startOf(tick.timestamp);
    const current = this.bar;
    if (current && start < current.start) return { bar: current, isNewBar: false };
    if (current && start === current.start) {
      this.bar = {
        ...current,
        high: Math.max(current.high, tick.price),
        low: Math.min(current.low, tick.price),
        close: tick.price,
        volume: current.volume + tick.volume,
      };
      return { bar: this.bar, isNewBar: false };
    }
    const { price, volume } = tick;
    this.bar = { start, open: price, high: price, low: price, close: price, volume };
    return { bar: this.bar, isNewBar: true };
  }

  current(): Bar | undefined {
    return this.bar;
  }

  private startOf(ms: number): number {
    if (this.interval === '1d') return this.clock.dayStart(ms);
    return ms - (ms % CANDLE_INTERVAL_MS[this.interval]);
  }
}
