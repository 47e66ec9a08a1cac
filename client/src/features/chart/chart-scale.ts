import type { Candle } from '@tickwatch/shared';

/** A linear map from values to pixels and back; the chart draws and reads pointer positions through the same one. */
export interface Scale {
  (value: number): number;
  invert(pixel: number): number;
}

export function linearScale([d0, d1]: readonly [number, number], [r0, r1]: readonly [number, number]): Scale {
  const ratio = d1 === d0 ? 0 : (r1 - r0) / (d1 - d0);
  const scale = (value: number) => r0 + (value - d0) * ratio;
  scale.invert = (pixel: number) => (ratio === 0 ? d0 : d0 + (pixel - r0) / ratio);
  return scale;
}

/** The plot of a pane: where its scales map to, inside the margins and left of the price axis. */
export interface PlotArea {
  left: number;
  top: number;
  width: number;
  height: number;
}

/** The index of the bar drawn at `time` (the one it falls in, else the nearest), or -1 for no bars. */
export function barAt(candles: readonly Candle[], time: number, intervalMs: number): number {
  if (candles.length === 0) return -1;
  let lo = 0;
  let hi = candles.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (candles[mid]!.start <= time) lo = mid;
    else hi = mid - 1;
  }
  const before = candles[lo]!;
  const after = candles[lo + 1];
  if (time < before.start + intervalMs || !after) return lo;
  // Between two bars (a gap with no trades): the nearer one.
  return time - (before.start + intervalMs) <= after.start - time ? lo : lo + 1;
}
