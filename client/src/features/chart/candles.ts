import { barStart, foldTrade, openBar, type Candle, type TradePoint } from '@tickwatch/shared';

/** How a chart series grows from live ticks. */
export interface SeriesOptions {
  /** Bar width, epoch ms (bars start at multiples of it, as the server aligns them in UTC). */
  intervalMs: number;
  /** The range shown: bars that start this long before the newest bar's start drop off the left edge. */
  windowMs: number;
  /** A hard cap on the number of bars kept. */
  maxPoints: number;
}

/** Candles as fetched, then kept current by live ticks. Immutable: every change returns a new series. */
export interface LiveSeries {
  candles: Candle[];
  /** Ticks before this instant (epoch ms; the range's start when fetched) are ignored. */
  from: number;
  /** The newest tick merged, to drop repeats and stragglers. */
  lastTick: TradePoint | null;
}

export const MAX_POINTS = 500;

/** A series from fetched history (sorted by start, as the API returns it), trimmed to `maxPoints`. */
export function createSeries(history: Candle[], from: number, options: SeriesOptions): LiveSeries {
  const candles = history.length > options.maxPoints ? history.slice(-options.maxPoints) : history;
  return { candles, from, lastTick: null };
}

/**
 * Merges one live tick: it updates the last bar when it falls in it, or starts a new bar after it. Ticks older
 * than the last one merged, repeats of it, ticks before the range and ticks in an older bar leave the series as
 * it is (the same object, so callers can skip a render).
 *
 * `soft` merges a tick that the fetched history may already contain (the latest trade at the moment the history
 * arrived): in the last bar it moves the close and widens high/low but adds no volume or trade count. A tick in a
 * later bar cannot be in the history, so it is merged in full either way.
 */
export function mergeTick(series: LiveSeries, tick: TradePoint, options: SeriesOptions, soft = false): LiveSeries {
  const { lastTick } = series;
  if (tick.timestamp < series.from) return series;
  if (lastTick) {
    if (tick.timestamp < lastTick.timestamp) return series;
    if (tick.timestamp === lastTick.timestamp && tick.price === lastTick.price && tick.volume === lastTick.volume) {
      return series;
    }
  }
  const point: TradePoint = { timestamp: tick.timestamp, price: tick.price, volume: tick.volume };
  const start = barStart(tick.timestamp, options.intervalMs);
  const last = series.candles.at(-1);

  if (last && start < last.start) return series;

  if (last && start === last.start) {
    const updated = foldTrade(last, tick, soft);
    return { ...series, candles: [...series.candles.slice(0, -1), updated], lastTick: point };
  }

  const bar = openBar(start, tick);
  const cutoff = start - options.windowMs;
  let first = 0;
  while (first < series.candles.length && series.candles[first]!.start <= cutoff) first++;
  const kept = series.candles.slice(Math.max(first, series.candles.length + 1 - options.maxPoints));
  kept.push(bar);
  return { ...series, candles: kept, lastTick: point };
}
