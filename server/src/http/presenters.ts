import { definitionOf, type Alert, type AlertState } from '@tickwatch/shared';
import type { AlertView } from '../engine/alert-engine.js';
import type { AlertItem } from '../store/alerts-repository.js';

/**
 * A stored alert as the API shows it: bookkeeping the trader needs, none of the internals (version, parked
 * records). The engine's live view, when there is one, is fresher than the item for armed state and notes.
 */
export function presentAlert(item: AlertItem, view: AlertView | undefined, nowMs: number): Alert {
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
  };
}
