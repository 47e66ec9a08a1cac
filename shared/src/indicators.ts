import type { IndicatorCondition, IndicatorName } from './alerts.js';

/**
 * Settings an indicator condition may leave out, and what they default to. The engine computes with these, the
 * wording names them and the form shows them as placeholders: one table, so the three never disagree.
 */
export const INDICATOR_DEFAULTS = {
  /** Bars in the window of SMA, EMA and Bollinger bands. */
  period: 20,
  rsiPeriod: 14,
  /** MACD's threshold defaults to 0: the histogram above 0 is "MACD line above signal". */
  macd: { fast: 12, slow: 26, signal: 9, threshold: 0 },
  /** Bollinger bands' width in standard deviations. */
  stdDev: 2,
} as const;

/** The window an indicator uses when `period` is left out (MACD: its slow period); null for VWAP, which has none. */
export function defaultPeriod(indicator: IndicatorName): number | null {
  switch (indicator) {
    case 'rsi':
      return INDICATOR_DEFAULTS.rsiPeriod;
    case 'macd':
      return INDICATOR_DEFAULTS.macd.slow;
    case 'vwap':
      return null;
    default:
      return INDICATOR_DEFAULTS.period;
  }
}

/** An indicator condition with every default filled in. */
export interface IndicatorSettings {
  period: number | null;
  fastPeriod: number;
  signalPeriod: number;
  stdDev: number;
}

export function indicatorSettings(c: IndicatorCondition): IndicatorSettings {
  return {
    period: c.indicator === 'vwap' ? null : (c.period ?? defaultPeriod(c.indicator)),
    fastPeriod: c.fast_period ?? INDICATOR_DEFAULTS.macd.fast,
    signalPeriod: c.signal_period ?? INDICATOR_DEFAULTS.macd.signal,
    stdDev: c.std_dev ?? INDICATOR_DEFAULTS.stdDev,
  };
}

/**
 * Whether the condition compares the last price with the indicator (a Bollinger band; an SMA, EMA or VWAP without a
 * threshold) rather than the indicator with a threshold (RSI, the MACD histogram, or any indicator given one).
 */
export function comparesPrice(c: Pick<IndicatorCondition, 'indicator' | 'threshold'>): boolean {
  if (c.indicator === 'bollinger') return true;
  return c.threshold === undefined && c.indicator !== 'rsi' && c.indicator !== 'macd';
}
