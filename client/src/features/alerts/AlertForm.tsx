import { useId } from 'react';
import type { Alert } from '@tickwatch/shared';
import type { Api } from '../../api/http';
import { AlertPreviewNote } from './AlertPreviewNote';
import { ConditionFields } from './ConditionFields';
import { DeliveryFields } from './DeliveryFields';
import { ErrorSummary } from './ErrorSummary';
import { FieldScopeContext } from './field-scope';
import { MessageField } from './MessageField';
import { shownFields, unplacedErrors } from './form-model';
import type { AlertPrefill } from './prefill';
import type { PreviewMarkers } from './preview-model';
import { submitLabel } from './form-wording';
import { TextField } from './TextField';
import { useAlertForm } from './useAlertForm';
import { useAlertPreview } from './useAlertPreview';
import type { AlertsState } from './useAlerts';
import './alerts.css';

export interface AlertFormProps {
  /** Used to read and set the user's email/SNS target; without it the server's check on save still applies. */
  api?: Api;
  alerts: AlertsState;
  defaultSymbol: string | null;
  /** Edit this alert instead of creating one: only the fields the user changes are sent. */
  editing?: Alert;
  /** Called after a successful save, and on cancel when editing. */
  onDone?: () => void;
  /** The draft's fires over the stored last 24 h, for the chart; null when there are none to show. */
  onPreviewMarkers?: (shown: PreviewMarkers | null) => void;
  /** Fills a new alert's symbol, price-threshold condition and level; each new object once (not when editing). */
  prefill?: AlertPrefill | null;
}

/** Creates an alert, or edits `editing`; validates with the shared schema before anything is sent. */
export function AlertForm(props: AlertFormProps) {
  const { editing, onDone } = props;
  const idBase = useId();
  const { state, edit, channel, channels, errors, formError, success, busy, submit } = useAlertForm(props, idBase);
  const unplaced = unplacedErrors(errors, shownFields(state, channels));
  const preview = useAlertPreview(props.api, state, props.onPreviewMarkers);

  return (
    <form
      className="af-form"
      onSubmit={submit}
      noValidate
      aria-label={editing ? `Edit alert on ${editing.symbol}` : 'New alert'}
      data-testid="alert-form"
    >
      {editing ? null : <h2 className="af-title">New alert</h2>}
      <FieldScopeContext value={{ idBase, errors }}>
        <div className="af-grid">
          <TextField
            path="symbol"
            label="Symbol"
            testId="alert-symbol"
            value={state.symbol}
            onChange={(symbol) => edit({ symbol })}
            autoCapitalize="characters"
            autoComplete="off"
            spellCheck={false}
            placeholder="AAPL"
          />
          <ConditionFields state={state} edit={edit} />
          <DeliveryFields state={state} edit={edit} channel={channel} api={props.api} />
          <MessageField value={state.message} onChange={(message) => edit({ message })} />
        </div>
      </FieldScopeContext>

      <ErrorSummary unplaced={unplaced} formError={formError} />
      <p className="af-success" role="status" data-testid="alert-form-status">
        {success}
      </p>

      <AlertPreviewNote preview={preview} />
      <div className="af-actions">
        <button type="submit" disabled={busy} data-testid="alert-submit">
          {submitLabel({ busy, editing: Boolean(editing) })}
        </button>
        {editing ? (
          <button type="button" onClick={() => onDone?.()} disabled={busy} data-testid="alert-cancel">
            Cancel
          </button>
        ) : null}
      </div>
    </form>
  );
}
