import { channelInput, channelNote } from './form-wording';
import { TextField } from './TextField';
import type { ChannelTargetState } from './useAlertForm';

/** Where email/SNS alerts go, and, when the user has no target yet, the field to set one. */
export function ChannelTarget({ field, channels, askTarget, checking, value, onChange }: ChannelTargetState) {
  const input = channelInput(field);
  return (
    <div className="af-channel" data-testid="alert-channel-note">
      <p className="af-hint">{channelNote(field, channels, { askTarget, checking })}</p>
      {askTarget ? (
        <TextField
          path={field}
          label={input.label}
          testId={input.testId}
          type={input.type}
          autoComplete={input.autoComplete}
          placeholder={input.placeholder}
          value={value}
          onChange={onChange}
        />
      ) : null}
    </div>
  );
}
