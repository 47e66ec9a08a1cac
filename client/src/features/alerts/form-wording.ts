import {
  INDICATOR_DEFAULTS,
  INDICATOR_LABELS,
  comparesPrice,
  OPERATOR_LABELS,
  isCrossOperator,
  type ChannelSettings,
  type FundamentalMetric,
  type IndicatorName,
  type MoveDirection,
  type MoveUnit,
  type NotificationMethod,
  type Operator,
} from '@tickwatch/shared';
import type { AlertFormState } from './form-model';

/**
 * The alert form's own words: labels and hints that depend on what the user picked. Pure. The product's words for
 * operators, indicators, metrics, methods and so on come from `@tickwatch/shared`; this only adds the form's.
 */

/** "above (>)": the shared word, and the symbol traders know from charting tools. */
export const operatorOption = (o: Operator) =>
  isCrossOperator(o) ? OPERATOR_LABELS[o] : `${OPERATOR_LABELS[o]} (${o})`;

/** What each indicator compares (docs/alerts.md), shown under the indicator choice. */
export const INDICATOR_HINTS: Record<IndicatorName, string> = {
  sma: 'With a threshold: the SMA against it. Without: the last price against the SMA.',
  ema: 'With a threshold: the EMA against it. Without: the last price against the EMA.',
  vwap: 'Session VWAP (resets each ET day). With a threshold: the VWAP against it. Without: the last price against the VWAP.',
  rsi: 'The RSI, from 0 to 100, against the threshold.',
  macd: 'The histogram (MACD line − signal line) against the threshold; 0 means "MACD above signal".',
  bollinger: 'The last price against the chosen band.',
};

/** How each fundamental metric is computed, shown under the metric choice. */
export const METRIC_HINTS: Record<FundamentalMetric, string> = {
  market_cap: 'Last price × shares outstanding, in currency units',
  pe_ratio: 'Last price ÷ earnings per share (TTM)',
  dividend_yield: 'Annual dividend ÷ last price × 100',
};

/** The slow period of MACD is its `period`; every other indicator has just the one. */
export const periodLabel = (indicator: IndicatorName) =>
  indicator === 'macd' ? 'Slow period (bars)' : 'Period (bars)';

type ThresholdContext = Pick<AlertFormState, 'condition_type' | 'indicator' | 'metric'>;

/** The threshold's label says when it is optional and in what unit. */
export function thresholdLabel({ condition_type, indicator, metric }: ThresholdContext): string {
  if (condition_type === 'indicator') {
    if (indicator === 'rsi') return 'Threshold (0–100)';
    if (indicator === 'macd') return `Threshold (optional, default ${INDICATOR_DEFAULTS.macd.threshold})`;
    return 'Threshold (optional)';
  }
  if (condition_type === 'fundamental' && metric === 'dividend_yield') return 'Threshold (%)';
  return 'Threshold';
}

/** For the moving averages and VWAP an empty threshold compares the last price with the indicator itself. */
export function thresholdHint({ condition_type, indicator }: ThresholdContext): string | undefined {
  // Bollinger conditions compare the price with a band and have no threshold at all.
  if (condition_type !== 'indicator' || indicator === 'bollinger') return undefined;
  if (!comparesPrice({ indicator, threshold: undefined })) return undefined;
  return `Leave empty to compare the last price with the ${INDICATOR_LABELS[indicator]}`;
}

/** A move's amount says its unit. */
export const amountLabel = (unit: MoveUnit) => (unit === 'percent' ? 'Amount (%)' : 'Amount (price)');

export const MOVE_UNIT_LABELS: Record<MoveUnit, string> = { percent: '% of the price', price: 'price units' };

/** What a move is measured from (docs/alerts.md), shown under the window. */
export const windowHint = (direction: MoveDirection) =>
  direction === 'up'
    ? 'The last price against the lowest price of this many minutes back (up to 1440)'
    : 'The last price against the highest price of this many minutes back (up to 1440)';

export const CHANNEL_HINT =
  'Inside means lower ≤ last price ≤ upper; a jump across the whole channel both enters and exits it';

export const methodHint = (method: NotificationMethod) =>
  method === 'websocket' ? 'Shown on your open dashboards' : 'Also shown on your open dashboards';

export type ChannelField = 'email' | 'sns_target';

/** The input that asks for a missing email address or SNS target. */
export function channelInput(field: ChannelField) {
  return field === 'email'
    ? {
        label: 'Email address',
        testId: 'alert-email',
        type: 'email',
        autoComplete: 'email',
        placeholder: 'you@example.com',
      }
    : {
        label: 'Phone number or SNS topic ARN',
        testId: 'alert-sns-target',
        type: 'text',
        autoComplete: 'off',
        placeholder: '+15551234567',
      };
}

/** Where email/SNS alerts go, or that the target typed here will be saved, or that the channels are loading. */
export function channelNote(
  field: ChannelField,
  channels: ChannelSettings | null,
  { askTarget, checking }: { askTarget: boolean; checking: boolean },
): string {
  if (askTarget)
    return `You have no ${field === 'email' ? 'email address' : 'SNS target'} for alerts yet: it is saved to your notification channels with this alert.`;
  const target = channels?.[field];
  if (target) return `Sent to ${target}`;
  if (checking) return 'Checking your notification channels…';
  return `Sent to ${field === 'email' ? 'an email address' : 'an SNS phone number or topic'} in your notification channels`;
}

export const submitLabel = ({ busy, editing }: { busy: boolean; editing: boolean }) =>
  busy ? 'Saving…' : editing ? 'Save' : 'Create alert';

/** Field labels for errors the form cannot place beside a visible field. */
export const PATH_LABELS: Record<string, string> = {
  symbol: 'Symbol',
  condition_type: 'Condition',
  condition: 'Condition',
  'condition.operator': 'Operator',
  'condition.threshold': 'Threshold',
  'condition.price_type': 'Price',
  'condition.indicator': 'Indicator',
  'condition.interval': 'Interval',
  'condition.period': 'Period',
  'condition.band': 'Band',
  'condition.std_dev': 'Standard deviations',
  'condition.fast_period': 'Fast period',
  'condition.signal_period': 'Signal period',
  'condition.metric': 'Metric',
  'condition.direction': 'Direction',
  'condition.amount': 'Amount',
  'condition.unit': 'Unit',
  'condition.window_minutes': 'Within (minutes)',
  'condition.event': 'Event',
  'condition.lower': 'Lower bound',
  'condition.upper': 'Upper bound',
  notification_method: 'Notify by',
  cooldown_seconds: 'Cooldown',
  trigger_mode: 'Fires',
  expires_at: 'Expires',
  note: 'Note',
  message: 'Message',
  enabled: 'Enabled',
  email: 'Email address',
  sns_target: 'SNS target',
};

/** An error shown apart from the fields, named by its field ("Enabled: …"); one about the whole alert as it is. */
export function summaryLine(path: string, message: string): string {
  return path ? `${PATH_LABELS[path] ?? path}: ${message}` : message;
}
