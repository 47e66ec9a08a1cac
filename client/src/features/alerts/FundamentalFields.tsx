import { FUNDAMENTAL_METRICS, METRIC_LABELS } from '@tickwatch/shared';
import type { Edit } from './form-edits';
import type { AlertFormState } from './form-model';
import { METRIC_HINTS } from './form-wording';
import { SelectField } from './SelectField';

/** What a fundamental alert compares: P/E, market cap or dividend yield, with how it is computed. */
export function FundamentalFields({ state, edit }: { state: AlertFormState; edit: Edit }) {
  return (
    <SelectField
      path="condition.metric"
      label="Metric"
      hint={METRIC_HINTS[state.metric]}
      testId="alert-metric"
      value={state.metric}
      options={FUNDAMENTAL_METRICS}
      optionLabel={(m) => METRIC_LABELS[m]}
      onChange={(metric) => edit({ metric })}
    />
  );
}
