import { useEffect, useState, type FormEvent } from 'react';
import { definitionOf } from '@tickwatch/shared';
import { applyEdit, clearErrors, errorPathsFor, followedSymbol } from './form-edits';
import {
  channelFieldFor,
  formStateFromDefinition,
  initialFormState,
  needsChannelTarget,
  type AlertFormState,
  type FieldErrors,
} from './form-model';
import {
  EMPTY_TARGET,
  afterCreate,
  createdMessage,
  planSubmit,
  submitFailure,
  type ChannelTargetInput,
  type EditedAlert,
} from './form-submit';
import type { ChannelField } from './form-wording';
import { fieldId } from './field-scope';
import { prefillEdit, withPrefill, type AlertPrefill } from './prefill';
import { useChannelSettings } from './useChannelSettings';
import type { AlertFormProps } from './AlertForm';

/**
 * Prefills already put into a form. The new-alert form remounts when its tab comes back, with the same prefill
 * still held by the dashboard: that one was used and the trader may have changed the draft since.
 */
const usedPrefills = new WeakSet<AlertPrefill>();

/**
 * The alert form's state and its save. Decisions (what an edit changes, what is sent, how errors read) are the
 * pure functions of form-edits, form-model and form-submit; this hook only holds their results and calls the API.
 */
export function useAlertForm({ api, alerts, defaultSymbol, editing, onDone, prefill }: AlertFormProps, idBase: string) {
  // The alert as it was when editing began: the PATCH carries what the user changed since, nothing else.
  const [original] = useState<EditedAlert | null>(() =>
    editing ? { alertId: editing.alert_id, definition: definitionOf(editing) } : null,
  );
  const [state, setState] = useState<AlertFormState>(() => {
    if (original) return formStateFromDefinition(original.definition);
    const initial = initialFormState(defaultSymbol);
    return prefill && !usedPrefills.has(prefill) ? withPrefill(initial, prefill) : initial;
  });
  // A level picked on one symbol's chart stays on that symbol when the trader selects another.
  const [symbolTouched, setSymbolTouched] = useState(() => !original && Boolean(prefill && !usedPrefills.has(prefill)));
  const [seenDefault, setSeenDefault] = useState(defaultSymbol);
  const [errors, setErrors] = useState<FieldErrors>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [success, setSuccess] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [target, setTarget] = useState<ChannelTargetInput>(EMPTY_TARGET);
  const { channels, setChannels, checking } = useChannelSettings(api);

  if (defaultSymbol !== seenDefault) {
    setSeenDefault(defaultSymbol);
    const symbol = followedSymbol(defaultSymbol, { editing: original !== null, symbolTouched });
    if (symbol) setState((s) => ({ ...s, symbol }));
  }

  const [seenPrefill, setSeenPrefill] = useState(prefill);
  if (prefill !== seenPrefill) {
    setSeenPrefill(prefill);
    if (prefill && !original) {
      setSymbolTouched(true);
      setState((s) => withPrefill(s, prefill));
      setSuccess(null);
      setErrors((current) => clearErrors(current, errorPathsFor(prefillEdit(prefill))));
    }
  }
  // A new prefill puts the cursor on the level, to adjust it or press Enter.
  useEffect(() => {
    if (!prefill || original || usedPrefills.has(prefill)) return;
    usedPrefills.add(prefill);
    document.getElementById(fieldId(idBase, 'condition.threshold'))?.focus();
  }, [prefill, original, idBase]);

  const edit = (patch: Partial<AlertFormState>) => {
    if (patch.symbol !== undefined) setSymbolTouched(true);
    setState((s) => applyEdit(s, patch));
    setSuccess(null);
    setErrors((current) => clearErrors(current, errorPathsFor(patch)));
  };

  const editTarget = (field: ChannelField, value: string) => {
    setTarget((t) => ({ ...t, [field]: value }));
    setSuccess(null);
    setErrors((current) => clearErrors(current, [field]));
  };

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (busy) return;
    setFormError(null);
    setSuccess(null);
    const plan = planSubmit(state, { original, channels, target, now: Date.now() });
    setErrors(plan.errors);
    if (!plan.ok) return;

    setBusy(true);
    try {
      if (plan.saveChannels && api) {
        setChannels(await api.setChannels(plan.saveChannels));
        setTarget(EMPTY_TARGET);
      }
      const { send } = plan;
      if (send.kind === 'create') {
        const created = await alerts.create(send.definition);
        setState(afterCreate);
        setSuccess(createdMessage(created));
      } else if (send.kind === 'update') {
        await alerts.update(send.alertId, send.patch);
      }
      onDone?.();
    } catch (err) {
      const failure = submitFailure(err);
      if ('errors' in failure) setErrors(failure.errors);
      else setFormError(failure.message);
    } finally {
      setBusy(false);
    }
  }

  const channelField = channelFieldFor(state.notification_method);
  const channel = channelField
    ? {
        field: channelField,
        channels,
        checking,
        askTarget: needsChannelTarget(state.notification_method, channels),
        value: target[channelField],
        onChange: (value: string) => editTarget(channelField, value),
      }
    : null;

  return { state, edit, channel, channels, errors, formError, success, busy, submit };
}

export type ChannelTargetState = NonNullable<ReturnType<typeof useAlertForm>['channel']>;
