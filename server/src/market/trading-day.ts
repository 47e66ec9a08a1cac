/**
 * US equities trade in New York time; a trading day runs from one ET midnight to the next, so pre-market and
 * after-hours trades belong to the day they happen on.
 */
export const EXCHANGE_TIME_ZONE = 'America/New_York';

// Building a formatter costs far more than using one, so there is exactly one. h23 keeps midnight at 0, not 24.
const exchangeClock = new Intl.DateTimeFormat('en-US', {
  timeZone: EXCHANGE_TIME_ZONE,
  hourCycle: 'h23',
  year: 'numeric',
  month: 'numeric',
  day: 'numeric',
  hour: 'numeric',
  minute: 'numeric',
  second: 'numeric',
});

interface WallClock {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

function wallClockAt(ms: number): WallClock {
  const wall: WallClock = { year: 0, month: 0, day: 0, hour: 0, minute: 0, second: 0 };
  for (const { type, value } of exchangeClock.formatToParts(ms)) {
    if (type in wall) wall[type as keyof WallClock] = Number(value);
  }
  return wall;
}

/** How far exchange wall-clock time is ahead of UTC at `ms` (negative in New York). */
function offsetAt(ms: number): number {
  const wall = wallClockAt(ms);
  const wallAsUtc = Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour, wall.minute, wall.second);
  return wallAsUtc - Math.floor(ms / 1000) * 1000;
}

/** Epoch ms of 00:00 exchange time on a calendar date; `day` may overflow into the next month, as in Date.UTC. */
function exchangeMidnight(year: number, month: number, day: number): number {
  const midnightAsUtc = Date.UTC(year, month - 1, day);
  // The offset at UTC midnight is the previous evening's; read again at the candidate in case a clock change
  // falls in between. New York changes at 02:00, so midnight itself always exists exactly once.
  const candidate = midnightAsUtc - offsetAt(midnightAsUtc);
  return midnightAsUtc - offsetAt(candidate);
}

/** The exchange calendar date of `ms`, as YYYY-MM-DD. */
export function tradingDayOf(ms: number): string {
  const { year, month, day } = wallClockAt(ms);
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/**
 * Trading-day boundaries for a stream of timestamps. It remembers the current day's [start, next start), so a
 * tick inside it costs two comparisons; only the first tick of a new day pays for the time-zone arithmetic.
 * Days are 23 or 25 hours long when daylight saving time starts or ends.
 */
export class TradingDayClock {
  private start = Number.NaN;
  private next = Number.NaN;

  /** Epoch ms of the ET midnight that starts the trading day of `ms`. */
  dayStart(ms: number): number {
    this.locate(ms);
    return this.start;
  }

  /** Epoch ms of the ET midnight that ends the trading day of `ms`. */
  nextDayStart(ms: number): number {
    this.locate(ms);
    return this.next;
  }

  private locate(ms: number): void {
    if (ms >= this.start && ms < this.next) return;
    const { year, month, day } = wallClockAt(ms);
    this.start = exchangeMidnight(year, month, day);
    this.next = exchangeMidnight(year, month, day + 1);
  }
}
