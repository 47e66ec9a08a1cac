import { MAX_MOVE_WINDOW_MINUTES, MOVE_DIRECTIONS, MOVE_DIRECTION_LABELS, MOVE_UNITS } from '@tickwatch/shared';
import type { Edit } from './form-edits';
import type { AlertFormState } from './form-model';
import { MOVE_UNIT_LABELS, amountLabel, windowHint } from './form-wording';
import { NumberField } from './NumberField';
import { SelectField } from './SelectField';

/** A price move: up or down, by how much (in % or in price), within how many minutes. */
export function MoveFields({ state, edit }: { state: AlertFormState; edit: Edit }) {
  return (
    <>
      <SelectField
        path="condition.direction"
        label="Direction"
        testId="alert-move-direction"
        value={state.direction}
        options={MOVE_DIRECTIONS}
        optionLabel={(d) => MOVE_DIRECTION_LABELS[d].condition}
        onChange={(direction) => edit({ direction })}
      />
      <NumberField
        path="condition.amount"
        label={amountLabel(state.unit)}
        testId="alert-move-amount"
        value={state.amount}
        min={0}
        onChange={(amount) => edit({ amount })}
      />
      <SelectField
        path="condition.unit"
        label="Unit"
        testId="alert-move-unit"
        value={state.unit}
        options={MOVE_UNITS}
        optionLabel={(u) => MOVE_UNIT_LABELS[u]}
        onChange={(unit) => edit({ unit })}
      />
      <NumberField
        path="condition.window_minutes"
        label="Within (minutes)"
        hint={windowHint(state.direction)}
        testId="alert-move-window"
        value={state.window_minutes}
        min={1}
        max={MAX_MOVE_WINDOW_MINUTES}
        step={1}
        onChange={(window_minutes) => edit({ window_minutes })}
      />
    </>
  );
}
