import type {
  AlertState,
  ChannelEvent,
  DeliveryStatus,
  ConditionSpec,
  ConditionType,
  FundamentalMetric,
  IndicatorCondition,
  IndicatorName,
  MoveDirection,
  NotificationMethod,
  Operator,
  PriceChannelCondition,
  PriceMoveCondition,
  PriceType,
  TriggerMode,
} from './alerts.js';
import { INDICATOR_DEFAULTS, comparesPrice, indicatorSettings } from './indicators.js';
import type { EvidenceValueName } from './templates.js';

/**
 * Every word the product uses for an alert, in one place: the server writes fire messages with these, and the
 * dashboard labels its form, list, chart and history with the same ones.
 */

/**
 * Numbers read like prices: at least two decimals, up to four when the value has them (207.125 stays 207.125,
 * 0.12345 reads 0.1235), B/M for the big numbers of market caps. No thousands separators, so the text is the same in
 * every locale.
 */
export function formatNumber(value: number): string {
  const abs = Math.abs(value);
  if (abs >= 1e9) return `${(value / 1e9).toFixed(2)}B`;
  if (abs >= 1e6) return `${(value / 1e6).toFixed(2)}M`;
  const text = value.toFixed(4).replace(/(\.\d\d\d*?)0+$/, '$1');
  return text === '-0.00' ? '0.00' : text;
}

/** An operator as a condition states it: "AAPL last price above 200.00", "… crosses above 200.00". */
export const OPERATOR_LABELS: Record<Operator, string> = {
  '>': 'above',
  '>=': 'at or above',
  '<': 'below',
  '<=': 'at or below',
  crosses_above: 'crosses above',
  crosses_below: 'crosses below',
};

/** An operator as a fire reports it: "AAPL last price 205.50 is above 200.00", "… crossed above 200.00". */
export const OPERATOR_FIRED: Record<Operator, string> = {
  '>': 'is above',
  '>=': 'is at or above',
  '<': 'is below',
  '<=': 'is at or below',
  crosses_above: 'crossed above',
  crosses_below: 'crossed below',
};

export const PRICE_TYPE_LABELS: Record<PriceType, string> = {
  open: 'open',
  high: 'day high',
  low: 'day low',
  close: 'last price',
};

export const METRIC_LABELS: Record<FundamentalMetric, string> = {
  pe_ratio: 'P/E',
  market_cap: 'market cap',
  dividend_yield: 'dividend yield',
};

export const INDICATOR_LABELS: Record<IndicatorName, string> = {
  sma: 'SMA',
  ema: 'EMA',
  rsi: 'RSI',
  macd: 'MACD',
  bollinger: 'Bollinger bands',
  vwap: 'VWAP',
};

export const CONDITION_TYPE_LABELS: Record<ConditionType, string> = {
  price_threshold: 'Price',
  indicator: 'Indicator',
  fundamental: 'Fundamental',
  price_move: 'Price move',
  price_channel: 'Price channel',
};

/** A move as a condition states it and as a fire reports it: "AAPL moves up 2% …", "AAPL moved up 2.10% …". */
export const MOVE_DIRECTION_LABELS: Record<MoveDirection, { condition: string; fired: string }> = {
  up: { condition: 'moves up', fired: 'moved up' },
  down: { condition: 'moves down', fired: 'moved down' },
};

export const CHANNEL_EVENT_LABELS: Record<ChannelEvent, { condition: string; fired: string }> = {
  enters: { condition: 'enters', fired: 'entered' },
  exits: { condition: 'exits', fired: 'exited' },
};

/**
 * How a trader is told, in the same words in the form, the toasts, the list and the history: the `websocket`
 * method is the dashboard they have open.
 */
export const METHOD_LABELS: Record<NotificationMethod, string> = {
  websocket: 'Dashboard',
  email: 'Email',
  sns: 'SMS / SNS topic',
  webhook: 'Webhook',
};

/** Where a fire's delivery stands, as the history shows it. */
export const DELIVERY_STATUS_LABELS: Record<DeliveryStatus, string> = {
  pending: 'sending',
  sent: 'sent',
  failed: 'failed',
};

/** Short enough for a select in the side panel; the form explains each under it (TRIGGER_MODE_HINTS). */
export const TRIGGER_MODE_LABELS: Record<TriggerMode, string> = {
  rearm: 'Every time',
  once: 'Once, then disable',
};

export const TRIGGER_MODE_HINTS: Record<TriggerMode, string> = {
  rearm: 'Re-arms when the condition stops being met, and fires again when it is met anew',
  once: 'Fires the first time, then the alert turns itself off',
};

export const STATE_LABELS: Record<AlertState, string> = {
  armed: 'armed',
  fired: 'fired',
  cooling_down: 'cooling down',
  disabled: 'disabled',
  expired: 'expired',
  waiting: 'waiting',
};

/** The named values a fire's evidence may keep, as the history shows them. */
export const EVIDENCE_VALUE_LABELS: Record<EvidenceValueName, string> = {
  indicator: 'indicator',
  reference: 'measured from',
  metric: 'metric',
  eps_ttm: 'EPS (TTM)',
  shares_outstanding: 'shares outstanding',
  annual_dividend: 'annual dividend',
};

/** An indicator with its settings, defaults filled in: "RSI(14, 5m)", "Bollinger upper band(20, 2, 1h)". */
export function indicatorName(c: IndicatorCondition): string {
  const s = indicatorSettings(c);
  switch (c.indicator) {
    case 'sma':
    case 'ema':
    case 'rsi':
      return `${INDICATOR_LABELS[c.indicator]}(${s.period}, ${c.interval})`;
    case 'macd':
      return `MACD(${s.fastPeriod}, ${s.period}, ${s.signalPeriod}, ${c.interval}) histogram`;
    case 'bollinger':
      return `Bollinger ${c.band ?? 'upper'} band(${s.period}, ${s.stdDev}, ${c.interval})`;
    case 'vwap':
      return `VWAP(${c.interval})`;
  }
}

const metricUnit = (metric: FundamentalMetric) => (metric === 'dividend_yield' ? '%' : '');

/** A move's amount as the trader typed it: "2%", "1.5%", "0.50" (a price amount reads like a price). */
function moveAmount(amount: number, unit: PriceMoveCondition['unit']): string {
  return unit === 'percent' ? `${Number(amount.toFixed(4))}%` : formatNumber(amount);
}

const channelText = (c: PriceChannelCondition) => `${formatNumber(c.lower)}–${formatNumber(c.upper)}`;

/**
 * The price a move was measured from (the window's low for up, its high for down), recovered from the price and
 * the move a fire reports, so a fire message can name it without more than value, level and price.
 */
export function moveReference(c: PriceMoveCondition, price: number, move: number): number {
  const sign = c.direction === 'up' ? 1 : -1;
  return c.unit === 'price' ? price - sign * move : price / (1 + (sign * move) / 100);
}

type Described = ConditionSpec & { symbol: string };

/** What the alert waits for, in a trader's words: "AAPL last price crosses above 200.00". */
export function describeCondition(alert: Described): string {
  return `${alert.symbol} ${describeRule(alert)}`;
}

/**
 * The condition without its symbol, for where the symbol is already shown beside it: "last price crosses above
 * 200.00", "moves up 2% within 15 min".
 */
export function describeRule(alert: ConditionSpec): string {
  switch (alert.condition_type) {
    case 'price_threshold': {
      const c = alert.condition;
      const op = OPERATOR_LABELS[c.operator];
      return `${PRICE_TYPE_LABELS[c.price_type]} ${op} ${formatNumber(c.threshold)}`;
    }
    case 'indicator': {
      const c = alert.condition;
      const op = OPERATOR_LABELS[c.operator];
      const name = indicatorName(c);
      if (c.indicator === 'bollinger') return `last price ${op} the ${name}`;
      if (comparesPrice(c)) return `last price ${op} its ${name}`;
      return `${name} ${op} ${formatNumber(c.threshold ?? INDICATOR_DEFAULTS.macd.threshold)}`;
    }
    case 'fundamental': {
      const c = alert.condition;
      const unit = metricUnit(c.metric);
      return `${METRIC_LABELS[c.metric]} ${OPERATOR_LABELS[c.operator]} ${formatNumber(c.threshold)}${unit}`;
    }
    case 'price_move': {
      const c = alert.condition;
      const moves = MOVE_DIRECTION_LABELS[c.direction].condition;
      return `${moves} ${moveAmount(c.amount, c.unit)} within ${c.window_minutes} min`;
    }
    case 'price_channel': {
      const c = alert.condition;
      return `${CHANNEL_EVENT_LABELS[c.event].condition} ${channelText(c)}`;
    }
  }
}

/**
 * What happened when it fired: "AAPL last price 205.50 crossed above 200.00". For a move, `value` is the move and
 * `level` the amount (both in the condition's unit); for a channel, `value` is the price and `level` the bound it
 * passed.
 */
export function describeFire(alert: Described, reading: { value: number; level: number; price: number }): string {
  const price = formatNumber(reading.price);
  switch (alert.condition_type) {
    case 'price_threshold': {
      const subject = PRICE_TYPE_LABELS[alert.condition.price_type];
      const op = OPERATOR_FIRED[alert.condition.operator];
      return `${alert.symbol} ${subject} ${formatNumber(reading.value)} ${op} ${formatNumber(reading.level)}`;
    }
    case 'indicator': {
      const c = alert.condition;
      const op = OPERATOR_FIRED[c.operator];
      const name = indicatorName(c);
      if (comparesPrice(c))
        return `${alert.symbol} last price ${price} ${op} the ${name} at ${formatNumber(reading.level)}`;
      return `${alert.symbol} ${name} ${formatNumber(reading.value)} ${op} ${formatNumber(reading.level)} (price ${price})`;
    }
    case 'fundamental': {
      const c = alert.condition;
      const op = OPERATOR_FIRED[c.operator];
      const unit = metricUnit(c.metric);
      const metric = METRIC_LABELS[c.metric];
      return `${alert.symbol} ${metric} ${formatNumber(reading.value)}${unit} ${op} ${formatNumber(reading.level)}${unit} (price ${price})`;
    }
    case 'price_move': {
      const c = alert.condition;
      const moved = MOVE_DIRECTION_LABELS[c.direction].fired;
      const move = c.unit === 'percent' ? `${formatNumber(reading.value)}%` : formatNumber(reading.value);
      const from = formatNumber(moveReference(c, reading.price, reading.value));
      return `${alert.symbol} ${moved} ${move} within ${c.window_minutes} min, from ${from} to ${price} (at least ${moveAmount(c.amount, c.unit)})`;
    }
    case 'price_channel': {
      const c = alert.condition;
      const event = CHANNEL_EVENT_LABELS[c.event].fired;
      return `${alert.symbol} last price ${formatNumber(reading.value)} ${event} ${channelText(c)} through ${formatNumber(reading.level)}`;
    }
  }
}
