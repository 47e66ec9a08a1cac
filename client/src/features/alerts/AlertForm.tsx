import { useEffect, useId, useState, type FormEvent, type InputHTMLAttributes, type ReactNode } from 'react';
import {
  BOLLINGER_BANDS,
  CONDITION_TYPES,
  FUNDAMENTAL_METRICS,
  INDICATOR_INTERVALS,
  INDICATORS,
  MAX_COOLDOWN_SECONDS,
  NOTIFICATION_METHODS,
  OPERATORS,
  PRICE_TYPES,
  TRIGGER_MODES,
  type Alert,
  type ChannelSettings,
  type ConditionType,
  type IndicatorName,
  type Operator,
  type TriggerMode,
  CONDITION_TYPE_LABELS,
  INDICATOR_LABELS,
  METHOD_LABELS,
  METRIC_LABELS,
  OPERATOR_LABELS,
  PRICE_TYPE_LABELS,
  TRIGGER_MODE_LABELS,
  defaultPeriod,
  definitionOf,
  describeCondition,
  isCrossOperator,
} from '@tickwatch/shared';
import { ApiRequestError, type Api } from '../../api/http';
import {
  channelFieldFor,
  diffDefinition,
  formStateFromDefinition,
  initialFormState,
  issuesToErrors,
  needsChannelTarget,
  validateChannelTarget,
  validateForm,
  visibleFields,
  type AlertFormState,
  type FieldErrors,
} from './form-model';
import type { AlertsState } from './useAlerts';

export interface AlertFormProps {
  /** Used to read and set the user's email/SNS target; without it the server's check on save still applies. */
  api?: Api;
  alerts: AlertsState;
  defaultSymbol: string | null;
  /** Edit this alert instead of creating one: only the fields the user changes are sent. */
  editing?: Alert;
  /** Called after a successful save, and on cancel when editing. */
  onDone?: () => void;
}

/** "above (>)": the shared word, and the symbol traders know from charting tools. */
const operatorOption = (o: Operator) => (isCrossOperator(o) ? OPERATOR_LABELS[o] : `${OPERATOR_LABELS[o]} (${o})`);

/** What each indicator compares (docs/alerts.md), shown under the indicator choice. */
const INDICATOR_HINTS: Record<IndicatorName, string> = {
  sma: 'With a threshold: the SMA against it. Without: the last price against the SMA.',
  ema: 'With a threshold: the EMA against it. Without: the last price against the EMA.',
  vwap: 'Session VWAP (resets each ET day). With a threshold: the VWAP against it. Without: the last price against the VWAP.',
  rsi: 'The RSI, from 0 to 100, against the threshold.',
  macd: 'The histogram (MACD line − signal line) against the threshold; 0 means "MACD above signal".',
  bollinger: 'The last price against the chosen band.',
};

/** Field labels for errors the form cannot place beside a visible field. */
const PATH_LABELS: Record<string, string> = {
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
  notification_method: 'Notify by',
  cooldown_seconds: 'Cooldown',
  trigger_mode: 'Fires',
  expires_at: 'Expires',
  note: 'Note',
  enabled: 'Enabled',
  email: 'Email address',
  sns_target: 'SNS target',
};

/** The server merges an edited condition into the current one, so a field left out keeps its old value. */
const CLEARED_MESSAGE =
  "can't be removed by an edit (the server keeps the alert's current value): enter a value, or delete this alert and create a new one";

/** Creates an alert, or edits `editing`; validates with the shared schema before anything is sent. */
export function AlertForm({ api, alerts, defaultSymbol, editing, onDone }: AlertFormProps) {
  const id = useId();
  // The alert as it was when editing began: the PATCH carries what the user changed since, nothing else.
  const [original] = useState(() => (editing ? definitionOf(editing) : null));
  const [state, setState] = useState<AlertFormState>(() =>
    original ? formStateFromDefinition(original) : initialFormState(defaultSymbol),
  );
  const [symbolTouched, setSymbolTouched] = useState(false);
  const [seenDefault, setSeenDefault] = useState(defaultSymbol);
  const [errors, setErrors] = useState<FieldErrors>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [success, setSuccess] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [channels, setChannels] = useState<ChannelSettings | null>(null);
  const [channelsUnknown, setChannelsUnknown] = useState(!api);
  const [target, setTarget] = useState({ email: '', sns_target: '' });

  // A new alert follows the symbol picked in the watchlist until the user types one.
  if (defaultSymbol !== seenDefault) {
    setSeenDefault(defaultSymbol);
    if (!original && !symbolTouched && defaultSymbol) setState((s) => ({ ...s, symbol: defaultSymbol }));
  }

  useEffect(() => {
    if (!api) return;
    let live = true;
    api
      .channels()
      .then((c) => {
        if (live) setChannels(c);
      })
      .catch(() => {
        // Unknown channels: the form offers no target fields and the server's check on save still applies.
        if (live) setChannelsUnknown(true);
      });
    return () => {
      live = false;
    };
  }, [api]);

  const change = (patch: Partial<AlertFormState>, ...paths: string[]) => {
    setState((s) => ({ ...s, ...patch }));
    setSuccess(null);
    if (paths.some((p) => errors[p] !== undefined)) {
      setErrors((current) => Object.fromEntries(Object.entries(current).filter(([p]) => !paths.includes(p))));
    }
  };

  const channelField = channelFieldFor(state.notification_method);
  const askTarget = needsChannelTarget(state.notification_method, channels);
  const shown = new Set(visibleFields(state));
  if (askTarget && channelField) shown.add(channelField);
  const unplaced = Object.entries(errors).filter(([path]) => !shown.has(path));

  const fieldId = (path: string) => `${id}-${path.replace(/\./g, '-')}`;
  const describedBy = (path: string) => (errors[path] ? `${fieldId(path)}-error` : undefined);
  const invalid = (path: string) => (errors[path] ? true : undefined);
  const control = (path: string, testId: string) => ({
    id: fieldId(path),
    'data-testid': testId,
    'aria-invalid': invalid(path),
    'aria-describedby': describedBy(path),
  });

  function field(path: string, label: string, input: ReactNode, hint?: string) {
    return (
      <div className="af-field">
        <label htmlFor={fieldId(path)}>{label}</label>
        {input}
        {hint ? <span className="af-hint">{hint}</span> : null}
        {errors[path] ? (
          <span className="af-error" role="alert" id={`${fieldId(path)}-error`} data-testid={`error-${path}`}>
            {errors[path]}
          </span>
        ) : null}
      </div>
    );
  }

  function numberInput(
    path: string,
    testId: string,
    value: string,
    onChange: (v: string) => void,
    extra: InputHTMLAttributes<HTMLInputElement> = {},
  ) {
    return (
      <input
        {...control(path, testId)}
        type="number"
        inputMode="decimal"
        step="any"
        value={value}
        onChange={(e) => onChange(e.target.value)}
        {...extra}
      />
    );
  }

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (busy) return;
    setFormError(null);
    setSuccess(null);
    const validation = validateForm(state, { now: Date.now(), keepExpiresAt: original?.expires_at ?? null });
    const channel = validateChannelTarget(state.notification_method, channels, target);
    const found: FieldErrors = {
      ...(validation.ok ? {} : validation.errors),
      ...(channel.ok ? {} : channel.errors),
    };
    let patch: Record<string, unknown> = {};
    if (validation.ok && original) {
      const diff = diffDefinition(original, validation.definition);
      for (const key of diff.cleared) found[`condition.${key}`] = CLEARED_MESSAGE;
      patch = diff.patch;
    }
    setErrors(found);
    if (!validation.ok || !channel.ok || Object.keys(found).length > 0) return;

    setBusy(true);
    try {
      if (channel.patch && api) {
        setChannels(await api.setChannels(channel.patch));
        setTarget({ email: '', sns_target: '' });
      }
      if (editing) {
        if (Object.keys(patch).length > 0) await alerts.update(editing.alert_id, patch);
        onDone?.();
      } else {
        const created = await alerts.create(validation.definition);
        setState((s) => ({ ...s, threshold: '', note: '' }));
        setSuccess(`Alert created: ${describeCondition(created)}`);
        onDone?.();
      }
    } catch (err) {
      if (err instanceof ApiRequestError && err.issues.length > 0) setErrors(issuesToErrors(err.issues));
      else setFormError(err instanceof Error ? err.message : 'Saving the alert failed');
    } finally {
      setBusy(false);
    }
  }

  const isIndicator = state.condition_type === 'indicator';
  const ind = state.indicator;
  const thresholdLabel =
    state.condition_type === 'indicator'
      ? ind === 'rsi'
        ? 'Threshold (0–100)'
        : ind === 'macd'
          ? 'Threshold (optional, default 0)'
          : 'Threshold (optional)'
      : state.condition_type === 'fundamental' && state.metric === 'dividend_yield'
        ? 'Threshold (%)'
        : 'Threshold';
  const thresholdHint =
    isIndicator && (ind === 'sma' || ind === 'ema' || ind === 'vwap')
      ? `Leave empty to compare the last price with the ${INDICATOR_LABELS[ind]}`
      : undefined;

  return (
    <form
      className="af-form"
      onSubmit={submit}
      noValidate
      aria-label={editing ? `Edit alert on ${editing.symbol}` : 'New alert'}
      data-testid="alert-form"
    >
      {editing ? null : <h2 className="af-title">New alert</h2>}
      <div className="af-grid">
        {field(
          'symbol',
          'Symbol',
          <input
            {...control('symbol', 'alert-symbol')}
            value={state.symbol}
            onChange={(e) => {
              setSymbolTouched(true);
              change({ symbol: e.target.value.toUpperCase() }, 'symbol');
            }}
            autoCapitalize="characters"
            autoComplete="off"
            spellCheck={false}
            placeholder="AAPL"
          />,
        )}
        {field(
          'condition_type',
          'Condition',
          <select
            {...control('condition_type', 'alert-condition-type')}
            value={state.condition_type}
            onChange={(e) => change({ condition_type: e.target.value as ConditionType }, 'condition_type')}
          >
            {CONDITION_TYPES.map((t) => (
              <option key={t} value={t}>
                {CONDITION_TYPE_LABELS[t]}
              </option>
            ))}
          </select>,
        )}

        {state.condition_type === 'price_threshold'
          ? field(
              'condition.price_type',
              'Price',
              <select
                {...control('condition.price_type', 'alert-price-type')}
                value={state.price_type}
                onChange={(e) =>
                  change({ price_type: e.target.value as AlertFormState['price_type'] }, 'condition.price_type')
                }
              >
                {PRICE_TYPES.map((p) => (
                  <option key={p} value={p}>
                    {PRICE_TYPE_LABELS[p]}
                  </option>
                ))}
              </select>,
            )
          : null}

        {state.condition_type === 'fundamental'
          ? field(
              'condition.metric',
              'Metric',
              <select
                {...control('condition.metric', 'alert-metric')}
                value={state.metric}
                onChange={(e) => change({ metric: e.target.value as AlertFormState['metric'] }, 'condition.metric')}
              >
                {FUNDAMENTAL_METRICS.map((m) => (
                  <option key={m} value={m}>
                    {METRIC_LABELS[m]}
                  </option>
                ))}
              </select>,
              state.metric === 'market_cap'
                ? 'Last price × shares outstanding, in currency units'
                : state.metric === 'pe_ratio'
                  ? 'Last price ÷ earnings per share (TTM)'
                  : 'Annual dividend ÷ last price × 100',
            )
          : null}

        {isIndicator ? (
          <>
            {field(
              'condition.indicator',
              'Indicator',
              <select
                {...control('condition.indicator', 'alert-indicator')}
                value={ind}
                onChange={(e) =>
                  change(
                    { indicator: e.target.value as IndicatorName },
                    'condition.indicator',
                    'condition.period',
                    'condition.threshold',
                    'condition.band',
                    'condition.std_dev',
                    'condition.fast_period',
                    'condition.signal_period',
                  )
                }
              >
                {INDICATORS.map((i) => (
                  <option key={i} value={i}>
                    {INDICATOR_LABELS[i]}
                  </option>
                ))}
              </select>,
              INDICATOR_HINTS[ind],
            )}
            {field(
              'condition.interval',
              'Bar interval',
              <select
                {...control('condition.interval', 'alert-interval')}
                value={state.interval}
                onChange={(e) =>
                  change({ interval: e.target.value as AlertFormState['interval'] }, 'condition.interval')
                }
              >
                {INDICATOR_INTERVALS.map((i) => (
                  <option key={i} value={i}>
                    {i}
                  </option>
                ))}
              </select>,
            )}
            {ind === 'vwap'
              ? null
              : field(
                  'condition.period',
                  ind === 'macd' ? 'Slow period (bars)' : 'Period (bars)',
                  numberInput(
                    'condition.period',
                    'alert-period',
                    state.period,
                    (v) => change({ period: v }, 'condition.period', 'condition.fast_period'),
                    { min: 2, max: 200, step: 1, placeholder: String(defaultPeriod(ind) ?? '') },
                  ),
                )}
            {ind === 'macd' ? (
              <>
                {field(
                  'condition.fast_period',
                  'Fast period (bars)',
                  numberInput(
                    'condition.fast_period',
                    'alert-fast-period',
                    state.fast_period,
                    (v) => change({ fast_period: v }, 'condition.fast_period'),
                    { min: 2, max: 200, step: 1, placeholder: '12' },
                  ),
                )}
                {field(
                  'condition.signal_period',
                  'Signal period (bars)',
                  numberInput(
                    'condition.signal_period',
                    'alert-signal-period',
                    state.signal_period,
                    (v) => change({ signal_period: v }, 'condition.signal_period'),
                    { min: 2, max: 200, step: 1, placeholder: '9' },
                  ),
                )}
              </>
            ) : null}
            {ind === 'bollinger' ? (
              <>
                {field(
                  'condition.band',
                  'Band',
                  <select
                    {...control('condition.band', 'alert-band')}
                    value={state.band}
                    onChange={(e) => change({ band: e.target.value as AlertFormState['band'] }, 'condition.band')}
                  >
                    {BOLLINGER_BANDS.map((b) => (
                      <option key={b} value={b}>
                        {b}
                      </option>
                    ))}
                  </select>,
                )}
                {field(
                  'condition.std_dev',
                  'Standard deviations',
                  numberInput(
                    'condition.std_dev',
                    'alert-std-dev',
                    state.std_dev,
                    (v) => change({ std_dev: v }, 'condition.std_dev'),
                    { min: 0, max: 5, placeholder: '2' },
                  ),
                )}
              </>
            ) : null}
          </>
        ) : null}

        {field(
          'condition.operator',
          'Operator',
          <select
            {...control('condition.operator', 'alert-operator')}
            value={state.operator}
            onChange={(e) => change({ operator: e.target.value as Operator }, 'condition.operator')}
          >
            {OPERATORS.map((o) => (
              <option key={o} value={o}>
                {operatorOption(o)}
              </option>
            ))}
          </select>,
        )}
        {isIndicator && ind === 'bollinger'
          ? null
          : field(
              'condition.threshold',
              thresholdLabel,
              numberInput('condition.threshold', 'alert-threshold', state.threshold, (v) =>
                change({ threshold: v }, 'condition.threshold'),
              ),
              thresholdHint,
            )}

        {field(
          'notification_method',
          'Notify by',
          <select
            {...control('notification_method', 'alert-method')}
            value={state.notification_method}
            onChange={(e) =>
              change(
                { notification_method: e.target.value as AlertFormState['notification_method'] },
                'notification_method',
                'email',
                'sns_target',
              )
            }
          >
            {NOTIFICATION_METHODS.map((m) => (
              <option key={m} value={m}>
                {METHOD_LABELS[m]}
              </option>
            ))}
          </select>,
          state.notification_method === 'websocket'
            ? 'Shown on your open dashboards'
            : 'Also shown on your open dashboards',
        )}
        {channelField ? (
          <ChannelTarget
            field={channelField}
            channels={channels}
            askTarget={askTarget}
            checking={channels === null && !channelsUnknown}
            input={
              askTarget
                ? field(
                    channelField,
                    channelField === 'email' ? 'Email address' : 'Phone number or SNS topic ARN',
                    <input
                      {...control(channelField, channelField === 'email' ? 'alert-email' : 'alert-sns-target')}
                      type={channelField === 'email' ? 'email' : 'text'}
                      autoComplete={channelField === 'email' ? 'email' : 'off'}
                      placeholder={channelField === 'email' ? 'you@example.com' : '+15551234567'}
                      value={target[channelField]}
                      onChange={(e) => {
                        const value = e.target.value;
                        setTarget((t) => ({ ...t, [channelField]: value }));
                        change({}, channelField);
                      }}
                    />,
                  )
                : null
            }
          />
        ) : null}

        {field(
          'cooldown_seconds',
          'Cooldown (seconds)',
          numberInput(
            'cooldown_seconds',
            'alert-cooldown',
            state.cooldown_seconds,
            (v) => change({ cooldown_seconds: v }, 'cooldown_seconds'),
            { min: 0, max: MAX_COOLDOWN_SECONDS, step: 1, placeholder: '0' },
          ),
          'Quiet time after each fire',
        )}
        {field(
          'trigger_mode',
          'Fires',
          <select
            {...control('trigger_mode', 'alert-trigger-mode')}
            value={state.trigger_mode}
            onChange={(e) => change({ trigger_mode: e.target.value as TriggerMode }, 'trigger_mode')}
          >
            {TRIGGER_MODES.map((m) => (
              <option key={m} value={m}>
                {TRIGGER_MODE_LABELS[m]}
              </option>
            ))}
          </select>,
        )}
        {field(
          'expires_at',
          'Expires (optional)',
          <input
            {...control('expires_at', 'alert-expires')}
            type="datetime-local"
            value={state.expires}
            onChange={(e) => change({ expires: e.target.value }, 'expires_at')}
          />,
          'Your local time; empty for never',
        )}
        {field(
          'note',
          'Note (optional)',
          <input
            {...control('note', 'alert-note')}
            value={state.note}
            onChange={(e) => change({ note: e.target.value }, 'note')}
            placeholder="e.g. take profit"
          />,
        )}
      </div>

      {unplaced.map(([path, message]) => (
        <p key={path} className="af-error" role="alert" data-testid={`error-${path}`}>
          {path ? `${PATH_LABELS[path] ?? path}: ` : ''}
          {message}
        </p>
      ))}
      {formError ? (
        <p className="af-error" role="alert" data-testid="alert-form-error">
          {formError}
        </p>
      ) : null}
      <p className="af-success" role="status" data-testid="alert-form-status">
        {success}
      </p>

      <div className="af-actions">
        <button type="submit" disabled={busy} data-testid="alert-submit">
          {busy ? 'Saving…' : editing ? 'Save' : 'Create alert'}
        </button>
        {editing ? (
          <button type="button" onClick={() => onDone?.()} disabled={busy} data-testid="alert-cancel">
            Cancel
          </button>
        ) : null}
      </div>
    </form>
  );
}

/** Where email/SNS alerts go, and, when the user has no target yet, the field to set one. */
function ChannelTarget({
  field,
  channels,
  askTarget,
  checking,
  input,
}: {
  field: 'email' | 'sns_target';
  channels: ChannelSettings | null;
  askTarget: boolean;
  checking: boolean;
  input: ReactNode;
}) {
  const what = field === 'email' ? 'an email address' : 'an SNS phone number or topic';
  let note: string;
  if (askTarget)
    note = `You have no ${field === 'email' ? 'email address' : 'SNS target'} for alerts yet: it is saved to your notification channels with this alert.`;
  else if (channels?.[field]) note = `Sent to ${channels[field]}`;
  else if (checking) note = 'Checking your notification channels…';
  else note = `Sent to ${what} in your notification channels`;
  return (
    <div className="af-channel" data-testid="alert-channel-note">
      <p className="af-hint">{note}</p>
      {input}
    </div>
  );
}
