import type { AlertFormState, FieldErrors } from './form-model';

/**
 * What one edit in the alert form does to its state and to the errors on show. Pure: the form's inputs hand their
 * new values here, and the hook only stores the result.
 */

/** The state after the user changes some inputs; a symbol reads in capitals as it is typed. */
export function applyEdit(state: AlertFormState, patch: Partial<AlertFormState>): AlertFormState {
  const next = { ...state, ...patch };
  if (patch.symbol !== undefined) next.symbol = patch.symbol.toUpperCase();
  return next;
}

/**
 * The error paths an edit of each input answers: its own, and those whose rule it takes part in (a new indicator
 * changes which periods, bands and thresholds apply; the slow period is checked against the fast one; another
 * notification method needs another target, or none).
 */
export const ERROR_PATHS: Record<keyof AlertFormState, readonly string[]> = {
  symbol: ['symbol'],
  condition_type: ['condition_type'],
  operator: ['condition.operator'],
  threshold: ['condition.threshold'],
  price_type: ['condition.price_type'],
  indicator: [
    'condition.indicator',
    'condition.period',
    'condition.threshold',
    'condition.band',
    'condition.std_dev',
    'condition.fast_period',
    'condition.signal_period',
  ],
  interval: ['condition.interval'],
  period: ['condition.period', 'condition.fast_period'],
  band: ['condition.band'],
  std_dev: ['condition.std_dev'],
  fast_period: ['condition.fast_period'],
  signal_period: ['condition.signal_period'],
  metric: ['condition.metric'],
  direction: ['condition.direction'],
  amount: ['condition.amount'],
  // The amount's bounds are the same in either unit, but a % typed as a price (or back) is worth re-reading.
  unit: ['condition.unit', 'condition.amount'],
  window_minutes: ['condition.window_minutes'],
  event: ['condition.event'],
  // The upper bound is checked against the lower one.
  lower: ['condition.lower', 'condition.upper'],
  upper: ['condition.upper'],
  notification_method: ['notification_method', 'email', 'sns_target'],
  enabled: ['enabled'],
  cooldown_seconds: ['cooldown_seconds'],
  trigger_mode: ['trigger_mode'],
  expires: ['expires_at'],
  note: ['note'],
  message: ['message'],
};

/** The error paths that an edit of these inputs makes stale. */
export function errorPathsFor(patch: Partial<AlertFormState>): string[] {
  return (Object.keys(patch) as (keyof AlertFormState)[]).flatMap((key) => ERROR_PATHS[key]);
}

/** The errors without those at `paths`; the same object when there was none, so nothing re-renders. */
export function clearErrors(errors: FieldErrors, paths: readonly string[]): FieldErrors {
  if (!paths.some((p) => errors[p] !== undefined)) return errors;
  return Object.fromEntries(Object.entries(errors).filter(([p]) => !paths.includes(p)));
}

/**
 * The symbol a new alert takes when the watchlist's pick changes: it follows the pick until the user types a
 * symbol; an edited alert keeps its own. Null: leave the symbol as it is.
 */
export function followedSymbol(
  defaultSymbol: string | null,
  { editing, symbolTouched }: { editing: boolean; symbolTouched: boolean },
): string | null {
  return !editing && !symbolTouched && defaultSymbol ? defaultSymbol : null;
}

/** How a group of inputs reports a change: the new values of the inputs it edits. */
export type Edit = (patch: Partial<AlertFormState>) => void;
