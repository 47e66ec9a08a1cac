import { TradingDayClock, tradingDayOf } from './trading-day.js';

export interface DayBarValue {
  /** The ET trading day, YYYY-MM-DD. */
  day: string;
  open: number;
  high: number;
  low: number;
  close: number;
}

/** Today's open, high, low and last trade for one symbol, from its ticks in time order. */
export class DayBar {
  private bar: DayBarValue | undefined;
  /** The ET midnight that starts `bar`'s day: comparing it is cheaper than comparing day names. */
  private barStart = 0;

  constructor(private readonly clock = new TradingDayClock()) {}

  /** A tick from a day before the current bar's is late news about a closed day and leaves the bar as it is. */
  update(tick: { timestamp: number; price: number }): DayBarValue {
    const start = this.clock.dayStart(tick.timestamp);
    const current = this.bar;
    if (current && start < this.barStart) return current;
    if (current && start === this.barStart) {
      this.bar = {
        ...current,
        high: Math.max(current.high, tick.price),
        low: Math.min(current.low, tick.price),
        close: tick.price,
      };
      return this.bar;
    }
    const { price } = tick;
    this.barStart = start;
    this.bar = { day: tradingDayOf(tick.timestamp), open: price, high: price, low: price, close: price };
    return this.bar;
  }

  current(): DayBarValue | undefined {
    return this.bar;
  }
}
