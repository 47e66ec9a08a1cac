import { definitionOf, type Alert, type AlertState, type SymbolHealth } from '@tickwatch/shared';
import type { AlertView } from '../engine/alert-engine.js';
import type { AlertItem } from '../store/alerts-repository.js';

/**
 * A stored alert as the API shows it: bookkeeping the trader needs, none of the internals (version, parked
 * records). The engine's live view, when there is one, is fresher than the item for armed state and notes.
 * `health`, its symbol's feed health, says since when the alert has been blind, if it is.
 */
export function presentAlert(
  item: AlertItem,
  view: AlertView | undefined,
  nowMs: number,
  health?: SymbolHealth,
): Alert {
  const armed = view?.armed ?? item.armed;
  const lastFiredMs = view?.lastFiredMs ?? item.last_fired_ms;
  const statusNote = view?.statusNote ?? null;
  let state: AlertState;
  if (item.expires_at !== null && nowMs >= item.expires_at * 1000) state = 'expired';
  else if (!item.enabled) state = 'disabled';
  else if (statusNote) state = 'waiting';
  else if (lastFiredMs !== null && item.cooldown_seconds > 0 && nowMs < lastFiredMs + item.cooldown_seconds * 1000) {
    state = 'cooling_down';
  } else state = armed ? 'armed' : 'fired';
  return {
    ...definitionOf(item),
    alert_id: item.alert_id,
    user_id: item.user_id,
    created_at: item.created_at,
    updated_at: item.updated_at,
    last_triggered: item.last_triggered,
    trigger_count: item.trigger_count,
    state,
    status_note: state === 'expired' ? 'expired' : statusNote,
    blind_since: blindSince(item, health),
  };
}

/**
 * A quiet symbol's alert is blind since the last trade; one on a symbol never traded here (or not carried by the
 * feed) has been blind since it was created, as far as this server can tell.
 */
function blindSince(item: AlertItem, health: SymbolHealth | undefined): number | null {
  switch (health?.state) {
    case 'quiet':
      return health.since;
    case 'never_seen':
    case 'not_carried':
      return item.created_at * 1000;
    default:
      return null;
  }
}
