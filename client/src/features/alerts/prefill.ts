import type { AlertFormState } from './form-model';

/** A new alert started from outside the form (a price picked on the chart); each new object fills the form once. */
export interface AlertPrefill {
  symbol: string;
  threshold: number;
  operator: '>' | '<';
}

/** An alert at `price`: "above" when the price is over the last trade, else "below", as a trader sets one. */
export function prefillAtPrice(symbol: string, price: number, lastPrice: number | null): AlertPrefill {
  return { symbol, threshold: price, operator: lastPrice !== null && price <= lastPrice ? '<' : '>' };
}

/** What a prefill changes in the form: the symbol, a price-threshold condition, its operator and level. */
export function prefillEdit(prefill: AlertPrefill): Partial<AlertFormState> {
  return {
    symbol: prefill.symbol,
    condition_type: 'price_threshold',
    operator: prefill.operator,
    threshold: String(prefill.threshold),
  };
}

/** The new-alert form with the prefill put in; the rest of the draft stays. */
export const withPrefill = (state: AlertFormState, prefill: AlertPrefill): AlertFormState => ({
  ...state,
  ...prefillEdit(prefill),
});
