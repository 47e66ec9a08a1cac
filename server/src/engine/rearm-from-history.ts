import { isCrossOperator, type Fundamentals, type Tick } from '@tickwatch/shared';
import { DayBar } from '../market/day-bar.js';
import type { TradingDayClock } from '../market/trading-day.js';
import type { LiveAlert } from './alert-book.js';
import { holds, moveOf } from './conditions.js';
import { readMetric } from './fundamentals.js';
import { createIndicatorTracker, type IndicatorTracker } from './indicators.js';
import { moveWindow, type RollingExtreme } from './rolling-extreme.js';

/**
 * A loaded alert whose stored trigger state may be stale: a level condition (a price move is one), enabled, stored
 * as fired. A price channel fires on moments, as a crossing, and is never stored as fired.
 */
export function mayHaveMissedRearm(alert: LiveAlert): boolean {
  const item = alert.item;
  if (!item.enabled || alert.armed || item.condition_type === 'price_channel') return false;
  return item.condition_type === 'price_move' || !isCrossOperator(item.condition.operator);
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
  const windows = new Map<LiveAlert, RollingExtreme>();
  for (const alert of open) {
    const item = alert.item;
    if (item.condition_type === 'indicator') trackers.set(alert, createIndicatorTracker(item.condition));
    if (item.condition_type === 'price_move') windows.set(alert, moveWindow(item.condition));
  }
  for (const tick of ticks) {
    const bar = dayBar.update(tick);
    for (const alert of open) {
      const item = alert.item;
      // Indicators and move windows take every tick, those before the last fire too: they are their history.
      if (rearmed.has(alert) && item.condition_type !== 'indicator' && item.condition_type !== 'price_move') continue;
      let truth: boolean | undefined;
      if (item.condition_type === 'price_threshold') {
        const { operator, threshold, price_type } = item.condition;
        if (!isCrossOperator(operator)) truth = holds(operator, bar[price_type], threshold);
      } else if (item.condition_type === 'price_move') {
        const { direction, unit, amount } = item.condition;
        const reference = windows.get(alert)!.push(tick.timestamp, tick.price);
        truth = moveOf(direction, unit, reference, tick.price) >= amount;
      } else if (item.condition_type === 'fundamental') {
        const { operator, threshold, metric } = item.condition;
        const reading = readMetric(item.symbol, metric, tick.price, fundamentals);
        if (reading.ready && !isCrossOperator(operator)) truth = holds(operator, reading.value, threshold);
      } else if (item.condition_type === 'indicator') {
        const reading = trackers.get(alert)!.update(tick);
        const operator = item.condition.operator;
        if (reading.ready && !isCrossOperator(operator)) truth = holds(operator, reading.value, reading.level);
      }
      if (truth === false && tick.timestamp > (alert.lastFiredMs ?? Number.NEGATIVE_INFINITY)) rearmed.add(alert);
    }
  }
  return rearmed;
}
