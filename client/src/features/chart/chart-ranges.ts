import { barStart, CANDLE_INTERVAL_MS, type CandleInterval } from '@tickwatch/shared';
import { MAX_POINTS } from './candles';

const HOUR = 3_600_000;

/** Bar widths the chart offers (the candles API also has 1s, too fine for these ranges). */
export const CHART_INTERVALS = ['1m', '5m', '15m', '1h'] as const satisfies readonly CandleInterval[];
export type ChartInterval = (typeof CHART_INTERVALS)[number];

interface RangeSpec {
  label: string;
  /** The bar width a range starts with; the interval buttons change it afterwards. */
  interval: ChartInterval;
  spanMs: number;
  description: string;
}

export const CHART_RANGES = [
  { label: '1h', interval: '1m', spanMs: HOUR, description: 'Last hour' },
  { label: '4h', interval: '5m', spanMs: 4 * HOUR, description: 'Last 4 hours' },
  { label: '1d', interval: '15m', spanMs: 24 * HOUR, description: 'Last 24 hours' },
] as const satisfies readonly RangeSpec[];
export type ChartRange = (typeof CHART_RANGES)[number]['label'];

export const rangeSpec = (label: ChartRange): RangeSpec => CHART_RANGES.find((r) => r.label === label)!;

/** Bars of `interval` in `range`, the current one included. */
const barsIn = (range: ChartRange, interval: ChartInterval) =>
  Math.ceil(rangeSpec(range).spanMs / CANDLE_INTERVAL_MS[interval]);

/**
 * Why `interval` cannot be drawn over `range`, or null when it can: the series keeps at most MAX_POINTS bars, so
 * a pairing that needs more would silently show only the newest part of the range.
 */
export function intervalRefusal(range: ChartRange, interval: ChartInterval): string | null {
  const bars = barsIn(range, interval);
  if (bars <= MAX_POINTS) return null;
  return `${interval} bars over ${range} would be ${bars} bars; the chart draws at most ${MAX_POINTS}`;
}

/**
 * The time axis of `range` at `now`: it ends where the current bar ends, so the newest bar is whole at the right
 * edge, and spans the range whatever the data (one trade in a day is one bar at the right, not a dot mid-pane).
 */
export function xDomain(range: ChartRange, intervalMs: number, now: number): [number, number] {
  const to = barStart(now, intervalMs) + intervalMs;
  return [to - rangeSpec(range).spanMs, to];
}

/**
 * The shortest range that shows the moment `time` at `now` on its own bars (with a bar to spare, so it is not on
 * the edge that drops off), or null when it is older than the longest range.
 */
export function rangeShowing(time: number, now: number): ChartRange | null {
  const age = Math.max(0, now - time);
  return CHART_RANGES.find((r) => age + CANDLE_INTERVAL_MS[r.interval] <= r.spanMs)?.label ?? null;
}

/** A range asked for from outside the chart (to show a moment); each new object switches to it once. */
export interface RangeRequest {
  range: ChartRange;
}
