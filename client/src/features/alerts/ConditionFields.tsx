import { CONDITION_TYPE_LABELS, CONDITION_TYPES } from '@tickwatch/shared';
import { ChannelFields } from './ChannelFields';
import { ComparisonFields } from './ComparisonFields';
import type { Edit } from './form-edits';
import type { AlertFormState } from './form-model';
import { FundamentalFields } from './FundamentalFields';
import { IndicatorFields } from './IndicatorFields';
import { MoveFields } from './MoveFields';
import { PriceFields } from './PriceFields';
import { SelectField } from './SelectField';

/** The condition: its type, the fields of that type, then the comparison (moves and channels have none). */
export function ConditionFields({ state, edit }: { state: AlertFormState; edit: Edit }) {
  return (
    <>
      <SelectField
        path="condition_type"
        label="Condition"
        testId="alert-condition-type"
        value={state.condition_type}
        options={CONDITION_TYPES}
        optionLabel={(t) => CONDITION_TYPE_LABELS[t]}
        onChange={(condition_type) => edit({ condition_type })}
      />
      {state.condition_type === 'price_threshold' ? <PriceFields state={state} edit={edit} /> : null}
      {state.condition_type === 'fundamental' ? <FundamentalFields state={state} edit={edit} /> : null}
      {state.condition_type === 'indicator' ? <IndicatorFields state={state} edit={edit} /> : null}
      {state.condition_type === 'price_move' ? <MoveFields state={state} edit={edit} /> : null}
      {state.condition_type === 'price_channel' ? <ChannelFields state={state} edit={edit} /> : null}
      {state.condition_type === 'price_move' || state.condition_type === 'price_channel' ? null : (
        <ComparisonFields state={state} edit={edit} />
      )}
    </>
  );
}
