export interface Latency {
  p50: number;
  p99: number;
  max: number;
}

/** Nearest-rank percentiles and the maximum of `values` (sorted here); NaN when there are none. */
export function latency(values: number[]): Latency {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (p: number) => sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
  return { p50: at(50), p99: at(99), max: sorted.at(-1) ?? NaN };
}
