import { describeCondition, type Alert } from '@tickwatch/shared';

/** The condition field a level stands for: what dragging its line changes. */
export type LevelField = 'threshold' | 'lower' | 'upper';

/** A price level one of the user's alerts watches, drawn as a horizontal line on the chart. */
export interface AlertLevel {
  /** Unique and stable: the alert's id, with the bound for a channel (`a1-lower`). */
  key: string;
  alertId: string;
  field: LevelField;
  value: number;
  /** The condition in the alert list's words: "AAPL last price above 200.00", "… (lower bound)". */
  label: string;
}

/**
 * One line per price-threshold alert and two per price channel (its bounds), lowest first. Each is a single number
 * of the alert's condition, so each can be moved on its own.
 */
export function alertLevels(alerts: readonly Alert[]): AlertLevel[] {
  const levels: AlertLevel[] = [];
  for (const alert of alerts) {
    const alertId = alert.alert_id;
    if (alert.condition_type === 'price_channel') {
      const label = describeCondition(alert);
      const { lower, upper } = alert.condition;
      levels.push({ key: `${alertId}-lower`, alertId, field: 'lower', value: lower, label: `${label} (lower bound)` });
      levels.push({ key: `${alertId}-upper`, alertId, field: 'upper', value: upper, label: `${label} (upper bound)` });
    } else if (alert.condition_type === 'price_threshold') {
      const value = alert.condition.threshold;
      levels.push({ key: alertId, alertId, field: 'threshold', value, label: describeCondition(alert) });
    }
  }
  return levels.sort((a, b) => a.value - b.value || a.label.localeCompare(b.label));
}

/** The PATCH body that moves `level` to `price`: only that number of the condition changes. */
export function levelPatch(level: AlertLevel, price: number): { condition: Partial<Record<LevelField, number>> } {
  return { condition: { [level.field]: price } };
}

/**
 * Splits levels into those worth drawing and those so far from the prices shown that stretching the axis to them
 * would flatten the candles; the latter are listed in words instead. A level is near when it lies within half the
 * range's height (at least 2 % of the price) of the range.
 */
export function splitLevels(
  levels: readonly AlertLevel[],
  low: number,
  high: number,
): { near: AlertLevel[]; far: AlertLevel[] } {
  return splitByReach(levels, low, high, Math.max((high - low) / 2, Math.abs(high) * 0.02));
}

/** Levels within `pad` of [low, high], and the rest: the split every pane makes before drawing level lines. */
export function splitByReach<T extends { value: number }>(
  levels: readonly T[],
  low: number,
  high: number,
  pad: number,
): { near: T[]; far: T[] } {
  const near: T[] = [];
  const far: T[] = [];
  for (const level of levels) (level.value >= low - pad && level.value <= high + pad ? near : far).push(level);
  return { near, far };
}
