import { PRICE_TYPES, PRICE_TYPE_LABELS } from '@tickwatch/shared';
import type { Edit } from './form-edits';
import type { AlertFormState } from './form-model';
import { SelectField } from './SelectField';

/** What a price alert compares: the last price, the open, or the day's high or low. */
export function PriceFields({ state, edit }: { state: AlertFormState; edit: Edit }) {
  return (
    <SelectField
      path="condition.price_type"
      label="Price"
      testId="alert-price-type"
      value={state.price_type}
      options={PRICE_TYPES}
      optionLabel={(p) => PRICE_TYPE_LABELS[p]}
      onChange={(price_type) => edit({ price_type })}
    />
  );
}
