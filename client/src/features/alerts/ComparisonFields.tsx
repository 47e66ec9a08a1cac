import { OPERATORS } from '@tickwatch/shared';
import type { Edit } from './form-edits';
import type { AlertFormState } from './form-model';
import { operatorOption, thresholdHint, thresholdLabel } from './form-wording';
import { NumberField } from './NumberField';
import { SelectField } from './SelectField';

/** How the watched value is compared: the operator and, except against a Bollinger band, the threshold. */
export function ComparisonFields({ state, edit }: { state: AlertFormState; edit: Edit }) {
  const againstBand = state.condition_type === 'indicator' && state.indicator === 'bollinger';
  return (
    <>
      <SelectField
        path="condition.operator"
        label="Operator"
        testId="alert-operator"
        value={state.operator}
        options={OPERATORS}
        optionLabel={operatorOption}
        onChange={(operator) => edit({ operator })}
      />
      {againstBand ? null : (
        <NumberField
          path="condition.threshold"
          label={thresholdLabel(state)}
          hint={thresholdHint(state)}
          testId="alert-threshold"
          value={state.threshold}
          onChange={(threshold) => edit({ threshold })}
        />
      )}
    </>
  );
}
