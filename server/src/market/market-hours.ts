import type { MarketCalendar } from '@tickwatch/shared';
import { TradingDayClock } from './trading-day.js';

const HOUR_MS = 3_600_000;
/**
 * The regular session from the ET midnight that starts its day. Clocks change at 02:00 on a Sunday, so on a weekday
 * 09:30 and 16:00 ET are always this far from that midnight.
 */
const SESSION_OPEN_MS = 9.5 * HOUR_MS;
const SESSION_CLOSE_MS = 16 * HOUR_MS;

/**
 * When a symbol's market trades (FEED_MARKET_HOURS), for deciding whether its silence means anything. Exchange
 * holidays are not known: on one, a symbol goes quiet as on any weekday (docs/alerts.md, "Feed health").
 */
export class MarketHours {
  private readonly clock = new TradingDayClock();

  constructor(readonly calendar: MarketCalendar) {}

  /**
   * The earliest instant by which the market has been open for `openMs` in all since `from`: when a symbol whose
   * last trade was at `from` has been silent that long while it could trade. Nights and weekends do not count.
   */
  openFor(from: number, openMs: number): number {
    if (this.calendar === 'always') return from + openMs;
    let left = openMs;
    for (let at = from; ; at = this.clock.nextDayStart(at)) {
      const dayStart = this.clock.dayStart(at);
      if (!isWeekday(dayStart)) continue;
      const start = Math.max(at, dayStart + SESSION_OPEN_MS);
      const close = dayStart + SESSION_CLOSE_MS;
      if (start >= close) continue;
      if (close - start >= left) return start + left;
      left -= close - start;
    }
  }
}

/** Whether the ET day starting at `dayStart` is Monday to Friday (its noon has the same date in UTC). */
function isWeekday(dayStart: number): boolean {
  const day = new Date(dayStart + 12 * HOUR_MS).getUTCDay();
  return day >= 1 && day <= 5;
}
