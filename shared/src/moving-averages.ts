import { EMA, SMA } from 'trading-signals';

/**
 * An EMA seeded with the SMA of its first `period` inputs, as StockCharts, TradingView and TA-Lib compute it.
 * trading-signals' EMA seeds with the first input instead, which keeps it off the published values for dozens of
 * bars — longer than the stored ticks can warm it up for the slower intervals. The engine's alerts and the
 * dashboard's indicator pane both use this one, so the pane shows the values the alerts compare.
 * `replace` swaps the forming bar's input instead of appending one.
 */
export class SeededEma {
  private readonly seed: SMA;
  private readonly ema: EMA;
  private inputs = 0;

  constructor(readonly period: number) {
    this.seed = new SMA(period);
    this.ema = new EMA(period);
  }

  update(value: number, replace = false): number | null {
    if (!replace) this.inputs += 1;
    if (this.inputs > this.period) return this.ema.update(value, replace);
    const seed = this.seed.update(value, replace);
    // trading-signals' EMA takes its first input as its value, so feeding it the SMA seeds it.
    return seed === null ? null : this.ema.update(seed, replace);
  }
}

export interface MacdValue {
  macd: number;
  signal: number;
  /** MACD line − signal line: what a MACD alert compares. */
  histogram: number;
}

/**
 * MACD from seeded EMAs, so it matches charting platforms; the signal line starts with the first MACD value, when
 * the slow EMA has its seed.
 */
export class SeededMacd {
  /** Bars it needs before its first value. */
  readonly requiredBars: number;
  private readonly fast: SeededEma;
  private readonly slow: SeededEma;
  private readonly signal: SeededEma;

  constructor(fast: number, slow: number, signal: number) {
    this.fast = new SeededEma(fast);
    this.slow = new SeededEma(slow);
    this.signal = new SeededEma(signal);
    this.requiredBars = Math.max(fast, slow) + signal - 1;
  }

  update(close: number, replace = false): MacdValue | null {
    const fast = this.fast.update(close, replace);
    const slow = this.slow.update(close, replace);
    if (fast === null || slow === null) return null;
    const macd = fast - slow;
    const signal = this.signal.update(macd, replace);
    return signal === null ? null : { macd, signal, histogram: macd - signal };
  }
}
