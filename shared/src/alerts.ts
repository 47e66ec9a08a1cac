import { z } from 'zod';
import { USER_ID_PATTERN } from './api.js';
import { INDICATOR_DEFAULTS } from './indicators.js';
import { storable } from './numbers.js';
import { MAX_MESSAGE_TEMPLATE, templateProblem } from './templates.js';
import { MAX_EPOCH_MS, MAX_PRICE, limitQuery, symbolSchema } from './ticks.js';

export const userIdSchema = z.string().regex(USER_ID_PATTERN, 'must be 1-128 letters, digits or _ . @ : -');
export const devLoginSchema = z.strictObject({ user_id: userIdSchema });

export const PRICE_TYPES = ['open', 'high', 'low', 'close'] as const;
export type PriceType = (typeof PRICE_TYPES)[number];

/** Level operators hold while the value is on one side of the level; crossings are events between two values. */
export const LEVEL_OPERATORS = ['>', '>=', '<', '<='] as const;
export const CROSS_OPERATORS = ['crosses_above', 'crosses_below'] as const;
export const OPERATORS = [...LEVEL_OPERATORS, ...CROSS_OPERATORS] as const;
export type LevelOperator = (typeof LEVEL_OPERATORS)[number];
export type CrossOperator = (typeof CROSS_OPERATORS)[number];
export type Operator = (typeof OPERATORS)[number];
export const isCrossOperator = (op: Operator): op is CrossOperator => op === 'crosses_above' || op === 'crosses_below';

export const INDICATORS = ['sma', 'ema', 'rsi', 'macd', 'bollinger', 'vwap'] as const;
export type IndicatorName = (typeof INDICATORS)[number];
export const INDICATOR_INTERVALS = ['1m', '5m', '15m', '1h', '1d'] as const;
export type IndicatorInterval = (typeof INDICATOR_INTERVALS)[number];
export const BOLLINGER_BANDS = ['upper', 'middle', 'lower'] as const;

export const FUNDAMENTAL_METRICS = ['pe_ratio', 'market_cap', 'dividend_yield'] as const;
export type FundamentalMetric = (typeof FUNDAMENTAL_METRICS)[number];

/** The seed's three, and `webhook`, an extension (docs/webhooks.md). */
export const NOTIFICATION_METHODS = ['websocket', 'sns', 'email', 'webhook'] as const;
export type NotificationMethod = (typeof NOTIFICATION_METHODS)[number];

export const CONDITION_TYPES = ['price_threshold', 'indicator', 'fundamental', 'price_move', 'price_channel'] as const;
export type ConditionType = (typeof CONDITION_TYPES)[number];

export const TRIGGER_MODES = ['rearm', 'once'] as const;
export type TriggerMode = (typeof TRIGGER_MODES)[number];

/**
 * Levels of indicator and fundamental conditions: beyond any indicator value or metric a trader would watch (a
 * market cap of 1e15 is a thousand times the largest company's), and within what the store holds. A price
 * threshold stays within the price bounds (MAX_PRICE).
 */
export const MAX_LEVEL = 1e15;
/** Shares outstanding: the most any listed company has is about 1e11. */
export const MAX_SHARES = 1e13;
/** The latest `expires_at` (epoch seconds) an alert may have: as far as a JavaScript Date reaches. */
export const MAX_EPOCH_SECONDS = MAX_EPOCH_MS / 1000;

const priceLevel = storable(
  z.number().nonnegative().max(MAX_PRICE, `must be at most ${MAX_PRICE}, the highest price a tick may have`),
);
const signedLevel = storable(z.number().min(-MAX_LEVEL).max(MAX_LEVEL));
const barCount = storable(z.number().int().min(2).max(200));
const stdDev = storable(z.number().positive().max(5));

export const priceThresholdConditionSchema = z.strictObject({
  operator: z.enum(OPERATORS),
  threshold: priceLevel,
  price_type: z.enum(PRICE_TYPES).default('close'),
});
export type PriceThresholdCondition = z.infer<typeof priceThresholdConditionSchema>;

/**
 * What an indicator condition compares (docs/alerts.md):
 * - sma, ema, vwap: the indicator against `threshold`, or, without a threshold, the last price against the indicator
 *   ("price crosses above its 50-bar SMA");
 * - rsi: the RSI (0–100) against `threshold`;
 * - macd: the histogram (MACD line − signal line) against `threshold` (default 0: "MACD line above signal");
 * - bollinger: the last price against the chosen `band`.
 */
export const indicatorConditionSchema = z
  .strictObject({
    indicator: z.enum(INDICATORS),
    interval: z.enum(INDICATOR_INTERVALS),
    /** Bars in the indicator's window; MACD's slow period. Defaults: `defaultPeriod` in indicators.ts. */
    period: barCount.optional(),
    operator: z.enum(OPERATORS),
    threshold: signedLevel.optional(),
    band: z.enum(BOLLINGER_BANDS).optional(),
    std_dev: stdDev.optional(),
    fast_period: barCount.optional(),
    signal_period: barCount.optional(),
  })
  .superRefine((c, ctx) => {
    const issue = (path: string, message: string) => ctx.addIssue({ code: 'custom', path: [path], message });
    if (c.indicator === 'rsi' && (c.threshold === undefined || c.threshold < 0 || c.threshold > 100)) {
      issue('threshold', 'RSI conditions need a threshold from 0 to 100');
    }
    if (c.indicator === 'bollinger') {
      if (!c.band) issue('band', 'Bollinger conditions compare the price with a band: upper, middle or lower');
      if (c.threshold !== undefined)
        issue('threshold', 'Bollinger conditions compare the price with a band, not a threshold');
    } else {
      if (c.band !== undefined) issue('band', 'only Bollinger conditions have a band');
      if (c.std_dev !== undefined) issue('std_dev', 'only Bollinger conditions have std_dev');
    }
    if (c.indicator === 'vwap' && c.period !== undefined)
      issue('period', 'VWAP runs over the trading day and has no period');
    if (c.indicator !== 'macd' && (c.fast_period !== undefined || c.signal_period !== undefined)) {
      issue('fast_period', 'only MACD conditions have fast_period and signal_period');
    }
    if (
      c.indicator === 'macd' &&
      (c.fast_period ?? INDICATOR_DEFAULTS.macd.fast) >= (c.period ?? INDICATOR_DEFAULTS.macd.slow)
    ) {
      issue('fast_period', 'MACD fast_period must be shorter than period (the slow one)');
    }
  });
export type IndicatorCondition = z.infer<typeof indicatorConditionSchema>;

/**
 * Fundamental metrics from the live price and operator-loaded per-symbol data: pe_ratio = price / EPS (TTM),
 * market_cap = price × shares outstanding (in currency units), dividend_yield = annual dividend / price × 100 (%).
 */
export const fundamentalConditionSchema = z.strictObject({
  metric: z.enum(FUNDAMENTAL_METRICS),
  operator: z.enum(OPERATORS),
  threshold: signedLevel,
});
export type FundamentalCondition = z.infer<typeof fundamentalConditionSchema>;

export const MOVE_DIRECTIONS = ['up', 'down'] as const;
export type MoveDirection = (typeof MOVE_DIRECTIONS)[number];
export const MOVE_UNITS = ['percent', 'price'] as const;
export type MoveUnit = (typeof MOVE_UNITS)[number];
/** A move's window reaches back at most as far as stored ticks do (TICK_TTL_SECONDS, 24 h). */
export const MAX_MOVE_WINDOW_MINUTES = 1440;
export const CHANNEL_EVENTS = ['enters', 'exits'] as const;
export type ChannelEvent = (typeof CHANNEL_EVENTS)[number];

const moveAmount = storable(z.number().positive().max(MAX_PRICE, `must be at most ${MAX_PRICE}`));
const windowMinutes = storable(z.number().int().min(1).max(MAX_MOVE_WINDOW_MINUTES));

/**
 * "Moves up (down) by at least `amount` within `window_minutes`": the last price against the lowest (highest) price
 * of the window, in price units or in % of that reference (docs/alerts.md).
 */
export const priceMoveConditionSchema = z
  .strictObject({
    direction: z.enum(MOVE_DIRECTIONS),
    amount: moveAmount,
    unit: z.enum(MOVE_UNITS),
    window_minutes: windowMinutes,
  })
  .superRefine((c, ctx) => {
    // Prices stay above 0, so a fall of 100 % or more never happens: such an alert would never fire.
    if (c.direction === 'down' && c.unit === 'percent' && c.amount >= 100)
      ctx.addIssue({ code: 'custom', path: ['amount'], message: 'a price can fall by less than 100%' });
  });
export type PriceMoveCondition = z.infer<typeof priceMoveConditionSchema>;

/** The last price enters or exits the channel lower ≤ price ≤ upper (docs/alerts.md). */
export const priceChannelConditionSchema = z
  .strictObject({
    event: z.enum(CHANNEL_EVENTS),
    lower: priceLevel,
    upper: priceLevel,
  })
  .refine((c) => c.lower < c.upper, { path: ['upper'], message: 'must be above the lower bound' });
export type PriceChannelCondition = z.infer<typeof priceChannelConditionSchema>;

export const MAX_COOLDOWN_SECONDS = 7 * 86_400;

/**
 * An alert's options when the trader leaves them out. The method has no default in the API (a client must choose);
 * the dashboard's form starts on this one.
 */
export const ALERT_OPTION_DEFAULTS = {
  notification_method: 'websocket',
  enabled: true,
  cooldown_seconds: 0,
  trigger_mode: 'rearm',
  expires_at: null,
  note: '',
  message: '',
} as const;

/** An alert's own wording of its fires, with placeholders (templates.ts); empty for the standard sentence. */
const messageTemplate = z
  .string()
  .trim()
  .max(MAX_MESSAGE_TEMPLATE)
  .superRefine((template, ctx) => {
    const problem = templateProblem(template);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  });

const alertOptions = {
  notification_method: z.enum(NOTIFICATION_METHODS),
  enabled: z.boolean().default(ALERT_OPTION_DEFAULTS.enabled),
  /** Seconds after a fire during which the alert stays quiet; a level still met when it ends fires then. */
  cooldown_seconds: storable(z.number().int().min(0).max(MAX_COOLDOWN_SECONDS)).default(
    ALERT_OPTION_DEFAULTS.cooldown_seconds,
  ),
  trigger_mode: z.enum(TRIGGER_MODES).default(ALERT_OPTION_DEFAULTS.trigger_mode),
  /** Epoch seconds after which the alert no longer fires. */
  expires_at: storable(z.number().int().positive().max(MAX_EPOCH_SECONDS))
    .nullable()
    .default(ALERT_OPTION_DEFAULTS.expires_at),
  /** The trader's own label. */
  note: z.string().trim().max(200).default(ALERT_OPTION_DEFAULTS.note),
  message: messageTemplate.default(ALERT_OPTION_DEFAULTS.message),
};

export const alertDefinitionSchema = z.discriminatedUnion('condition_type', [
  z.strictObject({
    symbol: symbolSchema,
    condition_type: z.literal('price_threshold'),
    condition: priceThresholdConditionSchema,
    ...alertOptions,
  }),
  z.strictObject({
    symbol: symbolSchema,
    condition_type: z.literal('indicator'),
    condition: indicatorConditionSchema,
    ...alertOptions,
  }),
  z.strictObject({
    symbol: symbolSchema,
    condition_type: z.literal('fundamental'),
    condition: fundamentalConditionSchema,
    ...alertOptions,
  }),
  z.strictObject({
    symbol: symbolSchema,
    condition_type: z.literal('price_move'),
    condition: priceMoveConditionSchema,
    ...alertOptions,
  }),
  z.strictObject({
    symbol: symbolSchema,
    condition_type: z.literal('price_channel'),
    condition: priceChannelConditionSchema,
    ...alertOptions,
  }),
]);
export type ConditionSpec =
  | { condition_type: 'price_threshold'; condition: PriceThresholdCondition }
  | { condition_type: 'indicator'; condition: IndicatorCondition }
  | { condition_type: 'fundamental'; condition: FundamentalCondition }
  | { condition_type: 'price_move'; condition: PriceMoveCondition }
  | { condition_type: 'price_channel'; condition: PriceChannelCondition };

/** The definition fields besides the condition: what a PATCH may change one by one. */
export const ALERT_OPTION_FIELDS = [
  'symbol',
  'notification_method',
  'enabled',
  'cooldown_seconds',
  'trigger_mode',
  'expires_at',
  'note',
  'message',
] as const;

/** The fields that decide when an alert fires: a change to any of them makes it a new alert, armed afresh. */
export const CONDITION_FIELDS = ['symbol', 'condition_type', 'condition'] as const;

/**
 * What makes an alert fire, as one comparable string: two alerts fire alike exactly when their keys are equal.
 * Condition keys are sorted, so the order a client or the store happens to give them in does not matter.
 */
export function conditionKey(alert: Pick<AlertDefinition, (typeof CONDITION_FIELDS)[number]>): string {
  const condition = JSON.stringify(alert.condition, Object.keys(alert.condition).sort());
  return `${alert.symbol}|${alert.condition_type}|${condition}`;
}

/** Everything a trader chooses about an alert; the rest of an Alert is the server's bookkeeping. */
export type AlertDefinition = z.infer<typeof alertDefinitionSchema>;
export type AlertDefinitionInput = z.input<typeof alertDefinitionSchema>;

/** The fields of each condition type, for telling a trader which ones a PATCH of that type may set. */
export const CONDITION_KEYS: Record<ConditionType, readonly string[]> = {
  price_threshold: Object.keys(priceThresholdConditionSchema.shape),
  indicator: Object.keys(indicatorConditionSchema.shape),
  fundamental: Object.keys(fundamentalConditionSchema.shape),
  price_move: Object.keys(priceMoveConditionSchema.shape),
  price_channel: Object.keys(priceChannelConditionSchema.shape),
};

const orNull = <T extends z.ZodType>(schema: T) => schema.nullable().optional();

/**
 * A condition in a PATCH: any fields of a condition, each of them checked as its own schema checks it, and null to
 * remove an optional one. A key that no condition type has (`__proto__`, `constructor`, a typo) is refused here;
 * whether the fields fit the alert's type is checked on the merged alert.
 */
export const conditionPatchSchema = z.strictObject({
  operator: orNull(z.enum(OPERATORS)),
  threshold: orNull(signedLevel),
  price_type: orNull(z.enum(PRICE_TYPES)),
  indicator: orNull(z.enum(INDICATORS)),
  interval: orNull(z.enum(INDICATOR_INTERVALS)),
  period: orNull(barCount),
  band: orNull(z.enum(BOLLINGER_BANDS)),
  std_dev: orNull(stdDev),
  fast_period: orNull(barCount),
  signal_period: orNull(barCount),
  metric: orNull(z.enum(FUNDAMENTAL_METRICS)),
  direction: orNull(z.enum(MOVE_DIRECTIONS)),
  amount: orNull(moveAmount),
  unit: orNull(z.enum(MOVE_UNITS)),
  window_minutes: orNull(windowMinutes),
  event: orNull(z.enum(CHANNEL_EVENTS)),
  lower: orNull(priceLevel),
  upper: orNull(priceLevel),
});

/**
 * PATCH body: any subset of the definition. A new condition must come with its condition_type unless the type
 * is unchanged; the server merges and validates the result as a whole.
 */
export const alertPatchSchema = z
  .strictObject({
    symbol: symbolSchema,
    condition_type: z.enum(CONDITION_TYPES),
    condition: conditionPatchSchema,
    notification_method: z.enum(NOTIFICATION_METHODS),
    enabled: z.boolean(),
    cooldown_seconds: alertOptions.cooldown_seconds.removeDefault(),
    trigger_mode: z.enum(TRIGGER_MODES),
    expires_at: alertOptions.expires_at.removeDefault(),
    note: z.string().trim().max(200),
    message: messageTemplate,
  })
  .partial()
  .refine((p) => Object.keys(p).length > 0, 'nothing to change')
  .superRefine((p, ctx) => {
    if (!p.condition || !p.condition_type) return;
    const allowed = CONDITION_KEYS[p.condition_type];
    for (const key of Object.keys(p.condition)) {
      if (!allowed.includes(key)) {
        ctx.addIssue({
          code: 'custom',
          path: ['condition', key],
          message: `not a field of ${p.condition_type} conditions`,
        });
      }
    }
  });
export type AlertPatch = z.infer<typeof alertPatchSchema>;

/** Where an alert stands, for the dashboard: "armed" may fire, "fired" waits for its condition to clear. */
export const ALERT_STATES = ['armed', 'fired', 'cooling_down', 'disabled', 'expired', 'waiting'] as const;
export type AlertState = (typeof ALERT_STATES)[number];

/** The seed's bookkeeping attributes of every alert, stored and shown alike. */
export interface AlertBookkeeping {
  alert_id: string;
  user_id: string;
  /** Epoch seconds, as are updated_at and last_triggered. */
  created_at: number;
  updated_at: number;
  last_triggered: number | null;
  trigger_count: number;
}

export type Alert = AlertDefinition &
  AlertBookkeeping & {
    state: AlertState;
    /** Why the alert cannot be evaluated right now (no fundamentals, indicator warming up), if so. */
    status_note: string | null;
    /** Epoch ms since which its symbol's feed has been blind (quiet, never seen, not carried), else null. */
    blind_since: number | null;
  };

export const alertListQuerySchema = z.strictObject({
  limit: limitQuery(100).default(50),
  cursor: z.string().max(1024).optional(),
});

export interface AlertPage {
  items: Alert[];
  nextCursor?: string;
}

export const DELIVERY_STATUSES = ['pending', 'sent', 'failed'] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

/**
 * Why a notification failed, as a stable id and the one sentence a trader reads (docs/alerts.md). What the provider
 * said goes to the server's log, never to the client: it can name hosts, accounts and internals.
 */
export const DELIVERY_FAILURES = {
  no_target: 'No address is set for this method: add one in your notification channels.',
  not_configured: 'This server does not have this notification method turned on.',
  rejected:
    'The provider refused the message (an invalid or opted-out address, a disabled endpoint, or no permission).',
  gave_up: 'The provider could not be reached after several attempts.',
  refused_address:
    'The webhook URL leads to a private, loopback or link-local address, which this server does not send to.',
  no_secret: 'No webhook signing secret is set: generate one in your notification channels.',
} as const;
export type DeliveryFailure = keyof typeof DELIVERY_FAILURES;

/** Entries of a fire's evidence `values` at most: the indicator, or a metric and its input, with room to spare. */
export const MAX_EVIDENCE_VALUES = 8;

/**
 * Why a fire fired, kept with its record (docs/alerts.md, "History records"): the tick, the compared value and the
 * level, the value before the tick for a crossing (null for a level condition), the condition as worded when it
 * fired, and named values behind the comparison (`indicator`; `metric` with its input `eps_ttm`,
 * `shares_outstanding` or `annual_dividend`). Every number is one the store can hold.
 */
export const fireEvidenceSchema = z.object({
  tick: z.object({ price: z.number(), timestamp: z.number() }),
  value: z.number(),
  level: z.number(),
  before: z.number().nullable(),
  condition: z.string().max(500),
  values: z
    .record(z.string().max(40), z.number())
    .refine((values) => Object.keys(values).length <= MAX_EVIDENCE_VALUES, 'too many values')
    .optional(),
});
export type FireEvidence = z.infer<typeof fireEvidenceSchema>;

/** One fire, as recorded in alert_notifications_history (the seed's attributes plus a readable message). */
export interface NotificationRecord {
  notification_id: string;
  user_id: string;
  alert_id: string;
  symbol: string;
  current_price: number;
  /** The level the condition compared against (for indicator conditions, the indicator's or band's value). */
  threshold: number;
  /** Epoch milliseconds of the tick that fired it, with a sub-millisecond tie-break (docs/alerts.md). */
  triggered_at: number;
  notification_method: NotificationMethod;
  delivery_status: DeliveryStatus;
  message_id: string | null;
  condition_type: ConditionType;
  /** What happened, in words: "AAPL last price 205.50 crossed above 200.00", or the alert's template filled in. */
  message: string;
  /** Why it fired; absent from records written before evidence was kept. */
  evidence?: FireEvidence;
  /** Set when delivery_status is `failed`: the reason's id and its sentence from DELIVERY_FAILURES. */
  failure_id?: DeliveryFailure;
  failure_reason?: string;
}

export const notificationQuerySchema = z.strictObject({
  limit: limitQuery(200).default(50),
  cursor: z.string().max(1024).optional(),
  symbol: symbolSchema.optional(),
  /** Epoch ms, fractions allowed: `triggered_at` has a sub-millisecond tie-break. */
  from: storable(z.coerce.number().nonnegative().max(MAX_EPOCH_MS)).optional(),
  to: storable(z.coerce.number().nonnegative().max(MAX_EPOCH_MS)).optional(),
});

export interface NotificationPage {
  items: NotificationRecord[];
  nextCursor?: string;
}

export const fundamentalsSchema = z.strictObject({
  /** Earnings per share, trailing twelve months: a per-share amount, so within the price bounds. */
  eps_ttm: storable(z.number().min(-MAX_PRICE).max(MAX_PRICE)).nullable().default(null),
  shares_outstanding: storable(z.number().positive().max(MAX_SHARES)).nullable().default(null),
  /** Dividends per share over a year. */
  annual_dividend: storable(z.number().nonnegative().max(MAX_PRICE)).nullable().default(null),
});
export type Fundamentals = z.infer<typeof fundamentalsSchema>;

/** E.164 phone number, or an SNS topic ARN. */
export const SNS_TARGET_PATTERN = /^(\+[1-9]\d{6,14}|arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,256})$/;

export const MAX_WEBHOOK_URL_LENGTH = 2048;

/** An http(s) URL with no user name or password in it (the signature, not the URL, proves who sent a fire). */
export const webhookUrlSchema = z
  .url({ protocol: /^https?$/, message: 'must be an http:// or https:// URL' })
  .max(MAX_WEBHOOK_URL_LENGTH)
  // A string that is no URL at all has its issue from z.url already.
  .refine((raw) => !URL.canParse(raw) || hasNoCredentials(new URL(raw)), 'must not contain a user name or password');

function hasNoCredentials(url: URL): boolean {
  return url.username === '' && url.password === '';
}

/** Where a user's email, SNS and webhook notifications go. */
export const channelSettingsSchema = z.strictObject({
  email: z.email('must be an email address').max(254).nullable(),
  sns_target: z
    .string()
    .regex(SNS_TARGET_PATTERN, 'must be an E.164 phone number (+15551234567) or an SNS topic ARN')
    .nullable(),
  /** An extension to the seed, like the webhook method; the server always answers it, absent reads as null. */
  webhook_url: webhookUrlSchema.nullable().optional(),
});
/**
 * What GET /api/me/channels answers: the targets, and whether a webhook secret is set (never the secret itself;
 * the server always answers it, absent reads as false).
 */
export type ChannelSettings = z.infer<typeof channelSettingsSchema> & { webhook_secret_set?: boolean };
export const channelSettingsPatchSchema = channelSettingsSchema.partial();

/** POST /api/me/channels/webhook-secret: a new signing secret, shown this once. */
export interface WebhookSecret {
  secret: string;
}

/** The trader's definition out of a stored item or an API alert, its bookkeeping left out. */
export function definitionOf(alert: AlertDefinition): AlertDefinition {
  const options = {
    symbol: alert.symbol,
    notification_method: alert.notification_method,
    enabled: alert.enabled,
    cooldown_seconds: alert.cooldown_seconds,
    trigger_mode: alert.trigger_mode,
    expires_at: alert.expires_at,
    note: alert.note,
    message: alert.message,
  };
  switch (alert.condition_type) {
    case 'price_threshold':
      return { ...options, condition_type: alert.condition_type, condition: alert.condition };
    case 'indicator':
      return { ...options, condition_type: alert.condition_type, condition: alert.condition };
    case 'fundamental':
      return { ...options, condition_type: alert.condition_type, condition: alert.condition };
    case 'price_move':
      return { ...options, condition_type: alert.condition_type, condition: alert.condition };
    case 'price_channel':
      return { ...options, condition_type: alert.condition_type, condition: alert.condition };
  }
}
