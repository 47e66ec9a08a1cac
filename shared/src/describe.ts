import type { IndicatorCondition } from './alerts.js';

/** Prices read like prices: two decimals, four below 1, B/M for big numbers. Server messages and the UI agree. */
export function formatNumber(value: number): string {
  const abs = Math.abs(value);
  if (abs >= 1e9) return `${(value / 1e9).toFixed(2)}B`;
  if (abs >= 1e6) return `${(value / 1e6).toFixed(2)}M`;
  const decimals = abs !== 0 && abs < 1 ? 4 : 2;
  return value.toFixed(decimals);
}

/** An indicator with its settings, defaults filled in: "RSI(14, 5m)", "Bollinger upper band(20, 2, 1h)". */
export function indicatorName(c: IndicatorCondition): string {
  switch (c.indicator) {
    case 'sma':
      return `SMA(${c.period ?? 20}, ${c.interval})`;
    case 'ema':
      return `EMA(${c.period ?? 20}, ${c.interval})`;
    case 'rsi':
      return `RSI(${c.period ?? 14}, ${c.interval})`;
    case 'macd':
      return `MACD(${c.fast_period ?? 12}, ${c.period ?? 26}, ${c.signal_period ?? 9}, ${c.interval}) histogram`;
    case 'bollinger':
      return `Bollinger ${c.band ?? 'upper'} band(${c.period ?? 20}, ${c.std_dev ?? 2}, ${c.interval})`;
    case 'vwap':
      return `VWAP(${c.interval})`;
  }
}
