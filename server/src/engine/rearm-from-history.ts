import { isCrossOperator, type Fundamentals, type Tick } from '@tickwatch/shared';
import { DayBar } from '../market/day-bar.js';
import type { TradingDayClock } from '../market/trading-day.js';
import type { LiveAlert } from './alert-book.js';
import { holds } from './conditions.js';
import { readMetric } from './fundamentals.js';
import { createIndicatorTracker, type IndicatorTracker } from './indicators.js';

/** A loaded alert whose stored trigger state may be stale: a level condition, enabled, stored as fired. */
export function mayHaveMissedRearm(alert: LiveAlert): boolean {
  return alert.item.enabled && !alert.armed && !isCrossOperator(alert.item.condition.operator);
}

/**
 * Which of these fired level alerts were re-armed by a stored tick after their last fire: a tick at which the
 * condition was false. A crash can lose that re-arm (and a fire after it) before either reaches the store, leaving
 * the alert stored as fired while its condition holds again; re-arming it lets that condition fire when ticks
 * resume, as docs/alerts.md promises. `ticks` are the symbol's stored ticks, oldest first, reaching back before the
 * oldest last fire (for indicators, far enough to warm them). Pure: no I/O.
 */
export function rearmedByHistory(
  alerts: readonly LiveAlert[],
  ticks: Iterable<Tick>,
  fundamentals: Fundamentals | undefined,
  clock?: TradingDayClock,
): Set<LiveAlert> {
  const rearmed = new Set<LiveAlert>();
  const open = alerts.filter(mayHaveMissedRearm);
  if (open.length === 0) return rearmed;
  const dayBar = new DayBar(clock);
  const trackers = new Map<LiveAlert, IndicatorTracker>();
  for (const alert of open) {
    if (alert.item.condition_type === 'indicator') trackers.set(alert, createIndicatorTracker(alert.item.condition));
  }
  for (const tick of ticks) {
    const bar = dayBar.update(tick);
    for (const alert of open) {
      const item = alert.item;
      if (rearmed.has(alert) && item.condition_type !== 'indicator') continue;
      let truth: boolean | undefined;
      if (item.condition_type === 'price_threshold') {
        const { operator, threshold, price_type } = item.condition;
        if (!isCrossOperator(operator)) truth = holds(operator, bar[price_type], threshold);
      } else if (item.condition_type === 'fundamental') {
        const { operator, threshold, metric } = item.condition;
        const reading = readMetric(item.symbol, metric, tick.price, fundamentals);
        if (reading.ready && !isCrossOperator(operator)) truth = holds(operator, reading.value, threshold);
      } else {
        // Every tick goes into the indicator, those before the last fire too: they are its history.
        const reading = trackers.get(alert)!.update(tick);
        const operator = item.condition.operator;
        if (reading.ready && !isCrossOperator(operator)) truth = holds(operator, reading.value, reading.level);
      }
      if (truth === false && tick.timestamp > (alert.lastFiredMs ?? Number.NEGATIVE_INFINITY)) rearmed.add(alert);
    }
  }
  return rearmed;
}
