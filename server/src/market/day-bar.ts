import { foldTrade, openBar, type Candle, type TradePoint } from '@tickwatch/shared';
import { TradingDayClock, tradingDayOf } from './trading-day.js';

/** A symbol's bar for one ET trading day: `start` is the day's ET midnight. */
export interface DayBarValue extends Candle {
  /** The ET trading day, YYYY-MM-DD. */
  day: string;
}

/** Today's open, high, low and last trade for one symbol, from its ticks in time order. */
export class DayBar {
  private bar: DayBarValue | undefined;

  constructor(private readonly clock = new TradingDayClock()) {}

  /** A tick from a day before the current bar's is late news about a closed day and leaves the bar as it is. */
  update(tick: TradePoint): DayBarValue {
    const start = this.clock.dayStart(tick.timestamp);
    const current = this.bar;
    if (current && start < current.start) return current;
    if (current && start === current.start) {
      this.bar = { ...foldTrade(current, tick), day: current.day };
      return this.bar;
    }
    this.bar = { ...openBar(start, tick), day: tradingDayOf(tick.timestamp) };
    return this.bar;
  }

  current(): DayBarValue | undefined {
    return this.bar;
  }
}
