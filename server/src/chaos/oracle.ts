import type { LevelOperator, Plan, PlannedAlert, PlannedTick } from './plan.js';

/**
 * The fires a plan must produce, from the rules in docs/alerts.md and nothing of the server's code: a level alert
 * (trigger_mode rearm, cooldown 0, on the last price) starts armed; it fires on the first tick of its symbol at
 * which its condition is true while it is armed, and is armed again by the first tick at which the condition is
 * false. A price hovering above `> L` fires once per entry, not once per tick.
 */

export interface ExpectedFire {
  alert: number;
  seq: number;
}

export function holdsLevel(operator: LevelOperator, price: number, level: number): boolean {
  return operator === '>' ? price > level : price < level;
}

/** Every fire of every alert over the whole walk, in tick order. */
export function expectedFires(plan: Pick<Plan, 'alerts' | 'ticks'>): ExpectedFire[] {
  const bySymbol = new Map<string, PlannedAlert[]>();
  for (const alert of plan.alerts) {
    const list = bySymbol.get(alert.symbol) ?? [];
    list.push(alert);
    bySymbol.set(alert.symbol, list);
  }
  const armed = plan.alerts.map(() => true);
  const fires: ExpectedFire[] = [];
  for (const tick of plan.ticks) {
    for (const alert of bySymbol.get(tick.symbol) ?? []) {
      const truth = holdsLevel(alert.operator, tick.price, alert.level);
      if (truth && armed[alert.index]) fires.push({ alert: alert.index, seq: tick.seq });
      armed[alert.index] = !truth;
    }
  }
  return fires;
}

/** Whether the alert's condition holds at this tick (of its own symbol). */
export function holdsAt(alert: PlannedAlert, tick: PlannedTick): boolean {
  return holdsLevel(alert.operator, tick.price, alert.level);
}
