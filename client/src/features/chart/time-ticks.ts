import { formatClock, formatDay } from '../../format';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
/** Round steps between time labels, finest first: every one divides a day, so labels fall on round clock times. */
const STEPS = [1, 2, 5, 10, 15, 30].map((m) => m * MINUTE).concat([1, 2, 3, 4, 6, 12, 24].map((h) => h * HOUR));

/**
 * Times to label on an axis from `from` to `to` (epoch ms): the finest round step that gives at most `maxCount`
 * labels, placed at round local clock times (every 10 minutes on the hour, every 2 hours from midnight).
 */
export function timeTicks(from: number, to: number, maxCount: number): number[] {
  const span = to - from;
  const step = STEPS.find((s) => span / s <= Math.max(1, maxCount)) ?? STEPS.at(-1)!;
  const midnight = new Date(from);
  midnight.setHours(0, 0, 0, 0);
  const origin = midnight.getTime();
  const ticks: number[] = [];
  for (let t = origin + Math.ceil((from - origin) / step) * step; t <= to; t += step) ticks.push(t);
  return ticks;
}

/** A time label: the clock time, or the day where a new one begins. */
export function formatTimeTick(ms: number): string {
  const d = new Date(ms);
  return d.getHours() === 0 && d.getMinutes() === 0 ? formatDay(ms) : formatClock(ms);
}
