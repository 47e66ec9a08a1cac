import { describeCondition, type Alert, type AlertDefinition, type ChannelSettings } from '@tickwatch/shared';
import { ApiRequestError } from '../../api/http';
import {
  diffDefinition,
  issuesToErrors,
  validateChannelTarget,
  validateForm,
  type AlertFormState,
  type FieldErrors,
} from './form-model';

/**
 * What pressing Save does, decided without React: whether the form may be sent, what is sent (a new definition, a
 * PATCH of the changed fields, or nothing), whether a channel target is saved first, and how a failure reads.
 */

/** The email address / SNS target typed into the form, when the user has none yet. */
export interface ChannelTargetInput {
  email: string;
  sns_target: string;
}

export const EMPTY_TARGET: ChannelTargetInput = { email: '', sns_target: '' };

/** The server merges an edited condition into the current one, so a field left out keeps its old value. */
export const CLEARED_MESSAGE =
  "can't be removed by an edit (the server keeps the alert's current value): enter a value, or delete this alert and create a new one";

/** The alert being edited, as it was when editing began. */
export interface EditedAlert {
  alertId: string;
  definition: AlertDefinition;
}

export type Send =
  | { kind: 'create'; definition: AlertDefinition }
  | { kind: 'update'; alertId: string; patch: Record<string, unknown> }
  /** An edit that changed nothing: nothing to send. */
  | { kind: 'unchanged' };

export type SubmitPlan =
  | { ok: false; errors: FieldErrors }
  | { ok: true; errors: FieldErrors; saveChannels: Partial<ChannelSettings> | null; send: Send };

/**
 * Checks the form as the server will (and a new expiry against `now`, epoch ms), the channel target it asks for,
 * and, for an edit, fields it would try to clear; then says what to send. `errors` are the ones to show (none when
 * ok).
 */
export function planSubmit(
  state: AlertFormState,
  context: { original: EditedAlert | null; channels: ChannelSettings | null; target: ChannelTargetInput; now: number },
): SubmitPlan {
  const { original, channels, target, now } = context;
  const validation = validateForm(state, { now, keepExpiresAt: original?.definition.expires_at ?? null });
  const channel = validateChannelTarget(state.notification_method, channels, target);
  const errors: FieldErrors = {
    ...(validation.ok ? {} : validation.errors),
    ...(channel.ok ? {} : channel.errors),
  };
  if (!validation.ok || !channel.ok) return { ok: false, errors };

  let send: Send = { kind: 'create', definition: validation.definition };
  if (original) {
    const diff = diffDefinition(original.definition, validation.definition);
    for (const key of diff.cleared) errors[`condition.${key}`] = CLEARED_MESSAGE;
    send =
      Object.keys(diff.patch).length > 0
        ? { kind: 'update', alertId: original.alertId, patch: diff.patch }
        : { kind: 'unchanged' };
  }
  if (Object.keys(errors).length > 0) return { ok: false, errors };
  return { ok: true, errors, saveChannels: channel.patch, send };
}

/** After a create the form stays on the same symbol and settings, ready for the next level (amount, channel). */
export const afterCreate = (state: AlertFormState): AlertFormState => ({
  ...state,
  threshold: '',
  amount: '',
  lower: '',
  upper: '',
  note: '',
});

export const createdMessage = (alert: Alert) => `Alert created: ${describeCondition(alert)}`;

/** A failed save: the server's field issues go beside their fields; anything else is one message for the form. */
export function submitFailure(err: unknown): { errors: FieldErrors } | { message: string } {
  if (err instanceof ApiRequestError && err.issues.length > 0) return { errors: issuesToErrors(err.issues) };
  return { message: err instanceof Error ? err.message : 'Saving the alert failed' };
}
