import {
  ALERT_OPTION_DEFAULTS,
  MAX_COOLDOWN_SECONDS,
  METHOD_LABELS,
  NOTIFICATION_METHODS,
  TRIGGER_MODE_HINTS,
  TRIGGER_MODE_LABELS,
  TRIGGER_MODES,
} from '@tickwatch/shared';
import type { Api } from '../../api/http';
import { ChannelTarget } from './ChannelTarget';
import type { Edit } from './form-edits';
import type { AlertFormState } from './form-model';
import { methodHint } from './form-wording';
import { NumberField } from './NumberField';
import { SelectField } from './SelectField';
import { TextField } from './TextField';
import type { ChannelTargetState } from './useAlertForm';
import { WebhookTarget } from './WebhookTarget';

interface DeliveryFieldsProps {
  state: AlertFormState;
  edit: Edit;
  /** The email/SNS target of the chosen method; null for the dashboard, which needs none. */
  channel: ChannelTargetState | null;
  /** Sets the webhook URL and secret, which are saved on their own rather than with the alert. */
  api?: Api | undefined;
}

/** How and when the alert tells the user: method and target, cooldown, trigger mode, expiry, and a note. */
export function DeliveryFields({ state, edit, channel, api }: DeliveryFieldsProps) {
  return (
    <>
      <SelectField
        path="notification_method"
        label="Notify by"
        hint={methodHint(state.notification_method)}
        testId="alert-method"
        value={state.notification_method}
        options={NOTIFICATION_METHODS}
        optionLabel={(m) => METHOD_LABELS[m]}
        onChange={(notification_method) => edit({ notification_method })}
      />
      {channel ? <ChannelTarget {...channel} /> : null}
      {state.notification_method === 'webhook' ? <WebhookTarget api={api} /> : null}
      <NumberField
        path="cooldown_seconds"
        label="Cooldown (seconds)"
        hint="Quiet time after each fire"
        testId="alert-cooldown"
        value={state.cooldown_seconds}
        onChange={(cooldown_seconds) => edit({ cooldown_seconds })}
        min={0}
        max={MAX_COOLDOWN_SECONDS}
        step={1}
        placeholder={String(ALERT_OPTION_DEFAULTS.cooldown_seconds)}
      />
      <SelectField
        path="trigger_mode"
        label="Fires"
        hint={TRIGGER_MODE_HINTS[state.trigger_mode]}
        testId="alert-trigger-mode"
        value={state.trigger_mode}
        options={TRIGGER_MODES}
        optionLabel={(m) => TRIGGER_MODE_LABELS[m]}
        onChange={(trigger_mode) => edit({ trigger_mode })}
      />
      <TextField
        path="expires_at"
        label="Expires (optional)"
        hint="Your local time; empty for never"
        testId="alert-expires"
        type="datetime-local"
        value={state.expires}
        onChange={(expires) => edit({ expires })}
      />
      <TextField
        path="note"
        label="Note (optional)"
        testId="alert-note"
        value={state.note}
        onChange={(note) => edit({ note })}
        placeholder="e.g. take profit"
      />
    </>
  );
}
