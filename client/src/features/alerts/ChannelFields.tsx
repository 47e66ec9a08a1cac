import { CHANNEL_EVENTS, CHANNEL_EVENT_LABELS } from '@tickwatch/shared';
import type { Edit } from './form-edits';
import type { AlertFormState } from './form-model';
import { CHANNEL_HINT } from './form-wording';
import { NumberField } from './NumberField';
import { SelectField } from './SelectField';

/** A price channel: whether the alert waits for the last price to enter it or to exit it, and its two bounds. */
export function ChannelFields({ state, edit }: { state: AlertFormState; edit: Edit }) {
  return (
    <>
      <SelectField
        path="condition.event"
        label="Event"
        hint={CHANNEL_HINT}
        testId="alert-channel-event"
        value={state.event}
        options={CHANNEL_EVENTS}
        optionLabel={(e) => `${CHANNEL_EVENT_LABELS[e].condition} the channel`}
        onChange={(event) => edit({ event })}
      />
      <NumberField
        path="condition.lower"
        label="Lower bound"
        testId="alert-channel-lower"
        value={state.lower}
        min={0}
        onChange={(lower) => edit({ lower })}
      />
      <NumberField
        path="condition.upper"
        label="Upper bound"
        testId="alert-channel-upper"
        value={state.upper}
        min={0}
        onChange={(upper) => edit({ upper })}
      />
    </>
  );
}
