import {
  ALERT_OPTION_DEFAULTS,
  ALERT_OPTION_FIELDS,
  BOLLINGER_BANDS,
  alertDefinitionSchema,
  channelSettingsSchema,
  type AlertDefinition,
  type ChannelEvent,
  type ChannelSettings,
  type ConditionType,
  type FieldIssue,
  type FundamentalMetric,
  type IndicatorInterval,
  type IndicatorName,
  type MoveDirection,
  type MoveUnit,
  type NotificationMethod,
  type Operator,
  type PriceType,
  type TriggerMode,
} from '@tickwatch/shared';

/**
 * The alert form's state and its conversions to and from an alert definition. Pure: the form component only
 * renders this state, and everything that decides what is sent lives (and is tested) here.
 */

export type BollingerBand = (typeof BOLLINGER_BANDS)[number];

/** What the form's inputs hold: numbers as typed (an empty input means "not given"), expiry as datetime-local. */
export interface AlertFormState {
  symbol: string;
  condition_type: ConditionType;
  operator: Operator;
  threshold: string;
  price_type: PriceType;
  indicator: IndicatorName;
  interval: IndicatorInterval;
  period: string;
  band: BollingerBand;
  std_dev: string;
  fast_period: string;
  signal_period: string;
  metric: FundamentalMetric;
  direction: MoveDirection;
  amount: string;
  unit: MoveUnit;
  window_minutes: string;
  event: ChannelEvent;
  lower: string;
  upper: string;
  notification_method: NotificationMethod;
  enabled: boolean;
  cooldown_seconds: string;
  trigger_mode: TriggerMode;
  /** `YYYY-MM-DDTHH:mm` in local time, or '' for no expiry. */
  expires: string;
  note: string;
  /** The alert's message template; '' for the standard sentence. */
  message: string;
}

/** Field errors keyed by the definition's dotted path (`condition.threshold`), as the server reports them. */
export type FieldErrors = Record<string, string>;

export function initialFormState(symbol: string | null): AlertFormState {
  return {
    symbol: symbol ?? '',
    condition_type: 'price_threshold',
    operator: '>',
    threshold: '',
    price_type: 'close',
    indicator: 'rsi',
    interval: '5m',
    period: '',
    band: 'upper',
    std_dev: '',
    fast_period: '',
    signal_period: '',
    metric: 'pe_ratio',
    direction: 'up',
    amount: '',
    unit: 'percent',
    window_minutes: '',
    event: 'enters',
    lower: '',
    upper: '',
    notification_method: ALERT_OPTION_DEFAULTS.notification_method,
    enabled: ALERT_OPTION_DEFAULTS.enabled,
    cooldown_seconds: '',
    trigger_mode: ALERT_OPTION_DEFAULTS.trigger_mode,
    expires: '',
    note: ALERT_OPTION_DEFAULTS.note,
    message: ALERT_OPTION_DEFAULTS.message,
  };
}

const numberText = (value: number | undefined): string => (value === undefined ? '' : String(value));

/** The form showing an existing alert, for editing. */
export function formStateFromDefinition(definition: AlertDefinition): AlertFormState {
  const state: AlertFormState = {
    ...initialFormState(definition.symbol),
    condition_type: definition.condition_type,
    notification_method: definition.notification_method,
    enabled: definition.enabled,
    cooldown_seconds: String(definition.cooldown_seconds),
    trigger_mode: definition.trigger_mode,
    expires: epochToLocalInput(definition.expires_at),
    note: definition.note,
    message: definition.message,
  };
  switch (definition.condition_type) {
    case 'price_threshold': {
      const c = definition.condition;
      return { ...state, operator: c.operator, threshold: String(c.threshold), price_type: c.price_type };
    }
    case 'indicator': {
      const c = definition.condition;
      return {
        ...state,
        operator: c.operator,
        threshold: numberText(c.threshold),
        indicator: c.indicator,
        interval: c.interval,
        period: numberText(c.period),
        band: c.band ?? 'upper',
        std_dev: numberText(c.std_dev),
        fast_period: numberText(c.fast_period),
        signal_period: numberText(c.signal_period),
      };
    }
    case 'fundamental': {
      const c = definition.condition;
      return { ...state, operator: c.operator, threshold: String(c.threshold), metric: c.metric };
    }
    case 'price_move': {
      const c = definition.condition;
      return {
        ...state,
        direction: c.direction,
        amount: String(c.amount),
        unit: c.unit,
        window_minutes: String(c.window_minutes),
      };
    }
    case 'price_channel': {
      const c = definition.condition;
      return { ...state, event: c.event, lower: String(c.lower), upper: String(c.upper) };
    }
  }
}

/** An input's text as a number: empty means not given (undefined, never 0); anything unreadable is NaN. */
export function parseNumber(text: string): number | undefined {
  const trimmed = text.trim();
  return trimmed === '' ? undefined : Number(trimmed);
}

const pad = (n: number) => String(n).padStart(2, '0');

/** Epoch seconds as a datetime-local value in the browser's time zone; '' for none. */
export function epochToLocalInput(seconds: number | null): string {
  if (seconds === null) return '';
  const d = new Date(seconds * 1000);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** A datetime-local value (local time) as epoch seconds; null when empty, NaN when unreadable. */
export function localInputToEpoch(value: string): number | null {
  if (value.trim() === '') return null;
  const ms = new Date(value).getTime();
  return Number.isNaN(ms) ? Number.NaN : Math.floor(ms / 1000);
}

/** Drops keys whose value is undefined, so "not given" is absent rather than present-but-empty. */
function defined<T extends Record<string, unknown>>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

/** Which inputs the form shows for this state; each is named by the definition path its errors use. */
export function visibleFields(state: Pick<AlertFormState, 'condition_type' | 'indicator'>): string[] {
  const common = ['symbol', 'condition_type'];
  const options = ['notification_method', 'cooldown_seconds', 'trigger_mode', 'expires_at', 'note', 'message'];
  let condition: string[];
  switch (state.condition_type) {
    case 'price_threshold':
      condition = ['price_type', 'operator', 'threshold'];
      break;
    case 'fundamental':
      condition = ['metric', 'operator', 'threshold'];
      break;
    case 'indicator':
      condition = ['indicator', 'interval'];
      if (state.indicator !== 'vwap') condition.push('period');
      if (state.indicator === 'macd') condition.push('fast_period', 'signal_period');
      if (state.indicator === 'bollinger') condition.push('band', 'std_dev');
      condition.push('operator');
      if (state.indicator !== 'bollinger') condition.push('threshold');
      break;
    case 'price_move':
      condition = ['direction', 'amount', 'unit', 'window_minutes'];
      break;
    case 'price_channel':
      condition = ['event', 'lower', 'upper'];
      break;
  }
  return [...common, ...condition.map((f) => `condition.${f}`), ...options];
}

/**
 * The definition the form describes, before validation: only the fields the chosen condition uses (a band left
 * over from a Bollinger condition is not sent with an SMA one), empty numbers left out.
 */
export function buildDefinition(state: AlertFormState): Record<string, unknown> {
  const threshold = parseNumber(state.threshold);
  let condition: Record<string, unknown>;
  switch (state.condition_type) {
    case 'price_threshold':
      condition = { operator: state.operator, threshold, price_type: state.price_type };
      break;
    case 'fundamental':
      condition = { metric: state.metric, operator: state.operator, threshold };
      break;
    case 'indicator': {
      const i = state.indicator;
      condition = {
        indicator: i,
        interval: state.interval,
        period: i === 'vwap' ? undefined : parseNumber(state.period),
        operator: state.operator,
        threshold: i === 'bollinger' ? undefined : threshold,
        band: i === 'bollinger' ? state.band : undefined,
        std_dev: i === 'bollinger' ? parseNumber(state.std_dev) : undefined,
        fast_period: i === 'macd' ? parseNumber(state.fast_period) : undefined,
        signal_period: i === 'macd' ? parseNumber(state.signal_period) : undefined,
      };
      break;
    }
    case 'price_move':
      condition = {
        direction: state.direction,
        amount: parseNumber(state.amount),
        unit: state.unit,
        window_minutes: parseNumber(state.window_minutes),
      };
      break;
    case 'price_channel':
      condition = { event: state.event, lower: parseNumber(state.lower), upper: parseNumber(state.upper) };
      break;
  }
  return defined({
    symbol: state.symbol.trim().toUpperCase(),
    condition_type: state.condition_type,
    condition: defined(condition),
    notification_method: state.notification_method,
    enabled: state.enabled,
    cooldown_seconds: parseNumber(state.cooldown_seconds),
    trigger_mode: state.trigger_mode,
    expires_at: localInputToEpoch(state.expires),
    note: state.note,
    message: state.message,
  });
}

/** Collects issues by path; several on one field read as one sentence list. */
export function issuesToErrors(issues: readonly FieldIssue[]): FieldErrors {
  const errors: FieldErrors = {};
  for (const { path, message } of issues) errors[path] = errors[path] ? `${errors[path]}; ${message}` : message;
  return errors;
}

/** Zod's wording for the two mistakes a form makes most, in a trader's words. */
const formErrorMap = (issue: { code?: string; input?: unknown; expected?: string }): string | undefined => {
  if (issue.code !== 'invalid_type') return undefined;
  if (issue.input === undefined) return 'Required';
  if (issue.expected === 'number') return 'Enter a number';
  return undefined;
};

export type Validation = { ok: true; definition: AlertDefinition } | { ok: false; errors: FieldErrors };

/**
 * Validates the form with the shared schema, exactly as the server will. `now` (epoch ms) adds one check the
 * schema cannot make: a new expiry must lie in the future. `keepExpiresAt` is the alert's current expiry, which
 * may stay as it is even if it has passed.
 */
export function validateForm(
  state: AlertFormState,
  options: { now?: number; keepExpiresAt?: number | null } = {},
): Validation {
  const candidate = buildDefinition(state);
  const result = alertDefinitionSchema.safeParse(candidate, { error: formErrorMap });
  const issues: FieldIssue[] = result.success
    ? []
    : result.error.issues.map((issue) => ({ path: issue.path.map(String).join('.'), message: issue.message }));
  const expiresAt = candidate.expires_at;
  if (
    options.now !== undefined &&
    typeof expiresAt === 'number' &&
    Number.isFinite(expiresAt) &&
    expiresAt !== options.keepExpiresAt &&
    expiresAt * 1000 <= options.now
  ) {
    issues.push({ path: 'expires_at', message: 'must be in the future' });
  }
  if (result.success && issues.length === 0) return { ok: true, definition: result.data };
  return { ok: false, errors: issuesToErrors(issues) };
}

/** Where a notification method sends, in the user's channel settings; websocket needs no target. */
export function channelFieldFor(method: NotificationMethod): 'email' | 'sns_target' | null {
  if (method === 'email') return 'email';
  if (method === 'sns') return 'sns_target';
  return null;
}

/** True when the method needs a target the user has not set yet (unknown while channels are loading). */
export function needsChannelTarget(method: NotificationMethod, channels: ChannelSettings | null): boolean {
  const field = channelFieldFor(method);
  return field !== null && channels !== null && !channels[field];
}

/** The inputs on show: the visible fields, and the channel target when the method needs one the user lacks. */
export function shownFields(
  state: Pick<AlertFormState, 'condition_type' | 'indicator' | 'notification_method'>,
  channels: ChannelSettings | null,
): Set<string> {
  const shown = new Set(visibleFields(state));
  const field = channelFieldFor(state.notification_method);
  if (field && needsChannelTarget(state.notification_method, channels)) shown.add(field);
  return shown;
}

/** Errors with no input on show to stand beside (a server issue about `enabled`, or the whole alert): in order. */
export function unplacedErrors(errors: FieldErrors, shown: ReadonlySet<string>): [path: string, message: string][] {
  return Object.entries(errors).filter(([path]) => !shown.has(path));
}

export type ChannelValidation =
  { ok: true; patch: Partial<ChannelSettings> | null } | { ok: false; errors: FieldErrors };

/**
 * The channel target typed into the form, when the chosen method needs one the user lacks: validated with the
 * shared schema; `patch` is what to save before creating the alert (null: nothing to save).
 */
export function validateChannelTarget(
  method: NotificationMethod,
  channels: ChannelSettings | null,
  input: { email: string; sns_target: string },
): ChannelValidation {
  const field = channelFieldFor(method);
  if (field === null || !needsChannelTarget(method, channels)) return { ok: true, patch: null };
  const value = input[field].trim();
  if (value === '') {
    const message =
      field === 'email'
        ? 'Enter the email address these alerts go to'
        : 'Enter the phone number (+15551234567) or SNS topic ARN these alerts go to';
    return { ok: false, errors: { [field]: message } };
  }
  const result = channelSettingsSchema.shape[field].safeParse(value);
  if (!result.success) return { ok: false, errors: { [field]: result.error.issues[0]?.message ?? 'Invalid' } };
  return { ok: true, patch: { [field]: value } };
}

export interface DefinitionDiff {
  /** The PATCH body: only what changed. Empty when nothing did. */
  patch: Record<string, unknown>;
  /**
   * Condition fields the edit leaves out that the alert has now (an emptied period, a band after switching from
   * Bollinger). The server merges a condition of the same type into the current one, so it would keep them.
   */
  cleared: string[];
}

/**
 * The PATCH that turns `before` into `after`: changed top-level fields, and of a condition of the same type only
 * the changed keys (the server merges them into the current condition); a new condition type goes whole.
 */
export function diffDefinition(before: AlertDefinition, after: AlertDefinition): DefinitionDiff {
  const patch: Record<string, unknown> = {};
  for (const key of ALERT_OPTION_FIELDS) if (before[key] !== after[key]) patch[key] = after[key];
  if (before.condition_type !== after.condition_type) {
    patch.condition_type = after.condition_type;
    patch.condition = after.condition;
    return { patch, cleared: [] };
  }
  const was = before.condition as Record<string, unknown>;
  const now = after.condition as Record<string, unknown>;
  const changed: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(now)) if (value !== undefined && was[key] !== value) changed[key] = value;
  if (Object.keys(changed).length > 0) patch.condition = changed;
  const cleared = Object.keys(was).filter((key) => was[key] !== undefined && now[key] === undefined);
  return { patch, cleared };
}
