import { CHANNEL_EVENT_LABELS, OPERATOR_LABELS, formatNumber, type Alert } from '@tickwatch/shared';

/** A price level one of the user's alerts watches, drawn as a horizontal line on the chart. */
export interface AlertLevel {
  /** Stable across renders: operator and level (for a channel: event, channel and bound). */
  key: string;
  value: number;
  /** "above 200.00", "crosses below 180.50", "enters 195.00–200.00 (lower bound)". */
  label: string;
}

/**
 * The levels of price-threshold alerts (one line per operator and level) and the bounds of price channels (two
 * lines per event and channel), lowest first.
 */
export function alertLevels(alerts: readonly Alert[]): AlertLevel[] {
  const levels = new Map<string, AlertLevel>();
  for (const alert of alerts) {
    if (alert.condition_type === 'price_channel') {
      const { event, lower, upper } = alert.condition;
      const channel = `${CHANNEL_EVENT_LABELS[event].condition} ${formatNumber(lower)}–${formatNumber(upper)}`;
      for (const [bound, value] of [
        ['lower', lower],
        ['upper', upper],
      ] as const) {
        const label = `${channel} (${bound} bound)`;
        levels.set(label, { key: label, value, label });
      }
      continue;
    }
    if (alert.condition_type !== 'price_threshold') continue;
    const { operator, threshold } = alert.condition;
    const label = `${OPERATOR_LABELS[operator]} ${formatNumber(threshold)}`;
    levels.set(label, { key: label, value: threshold, label });
  }
  return [...levels.values()].sort((a, b) => a.value - b.value || a.label.localeCompare(b.label));
}

/**
 * Splits levels into those worth drawing and those so far from the prices shown that stretching the axis to them
 * would flatten the line; the latter are listed in words instead. A level is near when it lies within half the
 * range's height (at least 2 % of the price) of the range.
 */
export function splitLevels(
  levels: readonly AlertLevel[],
  low: number,
  high: number,
): { near: AlertLevel[]; far: AlertLevel[] } {
  const pad = Math.max((high - low) / 2, Math.abs(high) * 0.02);
  const near: AlertLevel[] = [];
  const far: AlertLevel[] = [];
  for (const level of levels) (level.value >= low - pad && level.value <= high + pad ? near : far).push(level);
  return { near, far };
}
