import { ALERT_OPTION_DEFAULTS } from '@tickwatch/shared';

/** A stored alert's bookkeeping, for the chart's tests: spread it under a condition to make an `Alert`. */
export const STORED_ALERT = {
  alert_id: 'a1',
  user_id: 'alice',
  symbol: 'AAPL',
  ...ALERT_OPTION_DEFAULTS,
  created_at: 1,
  updated_at: 1,
  last_triggered: null,
  trigger_count: 0,
  state: 'armed',
  status_note: null,
  blind_since: null,
} as const;
