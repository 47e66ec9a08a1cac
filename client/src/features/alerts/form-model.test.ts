import { describe, expect, it } from 'vitest';
import { ALERT_OPTION_DEFAULTS, type Alert, type AlertDefinition } from '@tickwatch/shared';
import { definitionOf } from '@tickwatch/shared';
import {
  buildDefinition,
  diffDefinition,
  epochToLocalInput,
  formStateFromDefinition,
  initialFormState,
  issuesToErrors,
  localInputToEpoch,
  parseNumber,
  shownFields,
  unplacedErrors,
  validateChannelTarget,
  validateForm,
  visibleFields,
  type AlertFormState,
} from './form-model';

const form = (patch: Partial<AlertFormState> = {}): AlertFormState => ({ ...initialFormState('AAPL'), ...patch });

function valid(state: AlertFormState): AlertDefinition {
  const result = validateForm(state);
  if (!result.ok) throw new Error(`expected valid, got ${JSON.stringify(result.errors)}`);
  return result.definition;
}

function errorsOf(state: AlertFormState, options?: Parameters<typeof validateForm>[1]) {
  const result = validateForm(state, options);
  if (result.ok) throw new Error('expected errors');
  return result.errors;
}

const options = ALERT_OPTION_DEFAULTS;

describe('parseNumber', () => {
  it('reads an empty or blank input as not given, not 0', () => {
    expect(parseNumber('')).toBeUndefined();
    expect(parseNumber('   ')).toBeUndefined();
  });
  it('reads numbers, including 0, and marks the unreadable as NaN', () => {
    expect(parseNumber('0')).toBe(0);
    expect(parseNumber(' 12.5 ')).toBe(12.5);
    expect(parseNumber('abc')).toBeNaN();
  });
});

describe('buildDefinition / validateForm', () => {
  it('turns a price form into a price_threshold definition with every option', () => {
    expect(valid(form({ symbol: ' aapl ', operator: 'crosses_above', threshold: '200', price_type: 'high' }))).toEqual({
      symbol: 'AAPL',
      condition_type: 'price_threshold',
      condition: { operator: 'crosses_above', threshold: 200, price_type: 'high' },
      ...options,
    });
  });

  it('turns a fundamental form into a fundamental definition', () => {
    const state = form({ condition_type: 'fundamental', metric: 'dividend_yield', operator: '>=', threshold: '3.5' });
    expect(valid(state)).toEqual({
      symbol: 'AAPL',
      condition_type: 'fundamental',
      condition: { metric: 'dividend_yield', operator: '>=', threshold: 3.5 },
      ...options,
    });
  });

  it('sends an RSI condition with its period and threshold', () => {
    const state = form({
      condition_type: 'indicator',
      indicator: 'rsi',
      interval: '15m',
      period: '9',
      threshold: '70',
    });
    expect(valid(state).condition).toEqual({
      indicator: 'rsi',
      interval: '15m',
      period: 9,
      operator: '>',
      threshold: 70,
    });
  });

  it('leaves an SMA threshold out when empty (price against the SMA)', () => {
    const state = form({ condition_type: 'indicator', indicator: 'sma', interval: '1h', period: '50', threshold: '' });
    const condition = valid(state).condition;
    expect(condition).toEqual({ indicator: 'sma', interval: '1h', period: 50, operator: '>' });
    expect('threshold' in condition).toBe(false);
  });

  it('sends an EMA with a threshold', () => {
    const state = form({ condition_type: 'indicator', indicator: 'ema', interval: '1m', threshold: '101.5' });
    expect(valid(state).condition).toEqual({ indicator: 'ema', interval: '1m', operator: '>', threshold: 101.5 });
  });

  it('sends MACD with fast, slow and signal periods', () => {
    const state = form({
      condition_type: 'indicator',
      indicator: 'macd',
      interval: '5m',
      fast_period: '8',
      period: '21',
      signal_period: '5',
      operator: 'crosses_above',
      threshold: '0',
    });
    expect(valid(state).condition).toEqual({
      indicator: 'macd',
      interval: '5m',
      period: 21,
      fast_period: 8,
      signal_period: 5,
      operator: 'crosses_above',
      threshold: 0,
    });
  });

  it('sends Bollinger with band and std_dev but never the threshold left in the form', () => {
    const state = form({
      condition_type: 'indicator',
      indicator: 'bollinger',
      band: 'lower',
      std_dev: '2.5',
      threshold: '123',
      operator: '<',
    });
    expect(valid(state).condition).toEqual({
      indicator: 'bollinger',
      interval: '5m',
      operator: '<',
      band: 'lower',
      std_dev: 2.5,
    });
  });

  it('sends VWAP without a period even if one was typed for another indicator', () => {
    const state = form({ condition_type: 'indicator', indicator: 'vwap', period: '30', operator: 'crosses_below' });
    expect(valid(state).condition).toEqual({ indicator: 'vwap', interval: '5m', operator: 'crosses_below' });
  });

  it('drops fields of other indicators (band, fast/signal periods) when switching', () => {
    const state = form({
      condition_type: 'indicator',
      indicator: 'sma',
      band: 'middle',
      std_dev: '3',
      fast_period: '5',
      signal_period: '4',
      threshold: '10',
    });
    expect(buildDefinition(state).condition).toEqual({
      indicator: 'sma',
      interval: '5m',
      operator: '>',
      threshold: 10,
    });
  });

  it('leaves empty numeric options out so the schema defaults apply', () => {
    const built = buildDefinition(form({ threshold: '', cooldown_seconds: '' }));
    expect(built.cooldown_seconds).toBeUndefined();
    expect((built.condition as Record<string, unknown>).threshold).toBeUndefined();
    expect(valid(form({ threshold: '1', cooldown_seconds: '' })).cooldown_seconds).toBe(0);
  });

  it('carries cooldown, trigger mode, expiry and a trimmed note', () => {
    const expires = epochToLocalInput(2_000_000_000);
    const definition = valid(
      form({ threshold: '1', cooldown_seconds: '300', trigger_mode: 'once', expires, note: '  take profit ' }),
    );
    expect(definition).toMatchObject({
      cooldown_seconds: 300,
      trigger_mode: 'once',
      expires_at: 2_000_000_000 - (2_000_000_000 % 60),
      note: 'take profit',
    });
  });

  it('reports a missing threshold at condition.threshold instead of sending 0', () => {
    expect(errorsOf(form({ threshold: '' }))).toEqual({ 'condition.threshold': 'Required' });
  });

  it('reports each bad field at its dotted path', () => {
    const errors = errorsOf(form({ symbol: 'not a ticker', threshold: '-1', cooldown_seconds: '1.5' }));
    expect(Object.keys(errors).sort()).toEqual(['condition.threshold', 'cooldown_seconds', 'symbol']);
  });

  it('reports the schema’s indicator rules at their fields', () => {
    expect(errorsOf(form({ condition_type: 'indicator', indicator: 'rsi', threshold: '' }))).toHaveProperty(
      'condition.threshold',
    );
    expect(
      errorsOf(form({ condition_type: 'indicator', indicator: 'rsi', threshold: '120' }))['condition.threshold'],
    ).toMatch(/0 to 100/);
    expect(
      errorsOf(form({ condition_type: 'indicator', indicator: 'macd', fast_period: '30', period: '20' })),
    ).toHaveProperty('condition.fast_period');
    expect(errorsOf(form({ condition_type: 'indicator', indicator: 'sma', period: '1' }))).toHaveProperty(
      'condition.period',
    );
  });

  it('refuses a new expiry in the past but keeps an alert’s current one', () => {
    const past = epochToLocalInput(1_000_000_000);
    expect(errorsOf(form({ threshold: '1', expires: past }), { now: Date.now() })).toEqual({
      expires_at: 'must be in the future',
    });
    const kept = validateForm(form({ threshold: '1', expires: past }), {
      now: Date.now(),
      keepExpiresAt: localInputToEpoch(past),
    });
    expect(kept.ok).toBe(true);
  });
});

describe('expiry conversion', () => {
  it('round-trips epoch seconds through datetime-local at minute precision', () => {
    const seconds = 1_767_225_600; // a whole minute
    expect(epochToLocalInput(seconds)).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/);
    expect(localInputToEpoch(epochToLocalInput(seconds))).toBe(seconds);
  });
  it('treats empty as no expiry and garbage as NaN', () => {
    expect(epochToLocalInput(null)).toBe('');
    expect(localInputToEpoch('')).toBeNull();
    expect(localInputToEpoch('nonsense')).toBeNaN();
  });
});

describe('formStateFromDefinition', () => {
  const definitions: AlertDefinition[] = [
    {
      symbol: 'AAPL',
      condition_type: 'price_threshold',
      condition: { operator: '<=', threshold: 150.25, price_type: 'low' },
      ...options,
    },
    {
      symbol: 'MSFT',
      condition_type: 'indicator',
      condition: { indicator: 'bollinger', interval: '1h', operator: 'crosses_above', band: 'middle', std_dev: 3 },
      ...options,
      notification_method: 'email',
      cooldown_seconds: 60,
      trigger_mode: 'once',
      expires_at: 1_900_000_020,
      note: 'breakout',
    },
    {
      symbol: 'NVDA',
      condition_type: 'indicator',
      condition: { indicator: 'macd', interval: '1d', period: 30, fast_period: 10, signal_period: 7, operator: '>' },
      ...options,
    },
    {
      symbol: 'BRK.B',
      condition_type: 'fundamental',
      condition: { metric: 'market_cap', operator: '>', threshold: 1e12 },
      ...options,
    },
    {
      symbol: 'TSLA',
      condition_type: 'price_move',
      condition: { direction: 'down', amount: 2.5, unit: 'percent', window_minutes: 30 },
      ...options,
    },
    {
      symbol: 'AMD',
      condition_type: 'price_channel',
      condition: { event: 'exits', lower: 120.5, upper: 130 },
      ...options,
      trigger_mode: 'once',
    },
  ];

  it.each(definitions)('round-trips a $condition_type alert on $symbol unchanged', (definition) => {
    const back = valid(formStateFromDefinition(definition));
    expect(back).toEqual(definition);
    expect(diffDefinition(definition, back)).toEqual({ patch: {}, cleared: [] });
  });
});

describe('diffDefinition', () => {
  const before: AlertDefinition = {
    symbol: 'AAPL',
    condition_type: 'indicator',
    condition: { indicator: 'sma', interval: '5m', period: 50, operator: '>', threshold: 180 },
    ...options,
  };

  it('sends only the changed top-level fields', () => {
    const after: AlertDefinition = { ...before, note: 'hello', cooldown_seconds: 30 };
    expect(diffDefinition(before, after)).toEqual({ patch: { note: 'hello', cooldown_seconds: 30 }, cleared: [] });
  });

  it('sends only the changed keys of a condition of the same type', () => {
    const after: AlertDefinition = { ...before, condition: { ...before.condition, threshold: 190, interval: '1h' } };
    expect(diffDefinition(before, after)).toEqual({
      patch: { condition: { threshold: 190, interval: '1h' } },
      cleared: [],
    });
  });

  it('sends a new condition type with its whole condition', () => {
    const after: AlertDefinition = {
      ...before,
      condition_type: 'price_threshold',
      condition: { operator: '<', threshold: 100, price_type: 'close' },
    };
    expect(diffDefinition(before, after).patch).toEqual({
      condition_type: 'price_threshold',
      condition: { operator: '<', threshold: 100, price_type: 'close' },
    });
  });

  it('names condition fields an edit would empty, which a merging PATCH cannot clear', () => {
    const after: AlertDefinition = {
      ...before,
      condition: { indicator: 'sma', interval: '5m', operator: '>' },
    };
    expect(diffDefinition(before, after)).toEqual({ patch: {}, cleared: ['period', 'threshold'] });
  });

  it('sets an expiry and removes one with null', () => {
    expect(diffDefinition(before, { ...before, expires_at: 1_900_000_000 }).patch).toEqual({
      expires_at: 1_900_000_000,
    });
    expect(diffDefinition({ ...before, expires_at: 1_900_000_000 }, before).patch).toEqual({ expires_at: null });
  });

  it('is empty when nothing changed', () => {
    expect(diffDefinition(before, structuredClone(before))).toEqual({ patch: {}, cleared: [] });
  });
});

describe('definitionOf', () => {
  it('keeps the definition and drops the server’s bookkeeping', () => {
    const definition: AlertDefinition = {
      symbol: 'AAPL',
      condition_type: 'price_threshold',
      condition: { operator: '>', threshold: 200, price_type: 'close' },
      ...options,
    };
    const alert: Alert = {
      ...definition,
      alert_id: 'a1',
      user_id: 'alice',
      created_at: 1,
      updated_at: 2,
      last_triggered: null,
      trigger_count: 0,
      state: 'armed',
      status_note: null,
      blind_since: null,
    };
    expect(definitionOf(alert)).toEqual(definition);
  });
});

describe('moves and channels', () => {
  it('turns a move form into a price_move definition, without the comparison left in the form', () => {
    const state = form({ condition_type: 'price_move', direction: 'down', amount: '1.5', unit: 'price' });
    expect(valid({ ...state, window_minutes: '15', threshold: '200', operator: '<' })).toEqual({
      symbol: 'AAPL',
      condition_type: 'price_move',
      condition: { direction: 'down', amount: 1.5, unit: 'price', window_minutes: 15 },
      ...options,
    });
  });

  it('turns a channel form into a price_channel definition', () => {
    expect(valid(form({ condition_type: 'price_channel', event: 'exits', lower: '195', upper: '200' }))).toEqual({
      symbol: 'AAPL',
      condition_type: 'price_channel',
      condition: { event: 'exits', lower: 195, upper: 200 },
      ...options,
    });
  });

  it('reports a missing amount and window, and a window beyond a day, at their fields', () => {
    expect(errorsOf(form({ condition_type: 'price_move' }))).toEqual({
      'condition.amount': 'Required',
      'condition.window_minutes': 'Required',
    });
    const tooLong = errorsOf(form({ condition_type: 'price_move', amount: '2', window_minutes: '2000' }));
    expect(Object.keys(tooLong)).toEqual(['condition.window_minutes']);
  });

  it('reports a channel whose upper bound is not above its lower one at the upper bound', () => {
    expect(errorsOf(form({ condition_type: 'price_channel', lower: '200', upper: '195' }))).toEqual({
      'condition.upper': 'must be above the lower bound',
    });
  });
});

describe('visibleFields', () => {
  it('shows only what each condition uses', () => {
    expect(visibleFields({ condition_type: 'price_move', indicator: 'rsi' })).toEqual([
      'symbol',
      'condition_type',
      'condition.direction',
      'condition.amount',
      'condition.unit',
      'condition.window_minutes',
      'notification_method',
      'cooldown_seconds',
      'trigger_mode',
      'expires_at',
      'note',
      'message',
    ]);
    expect(visibleFields({ condition_type: 'price_channel', indicator: 'rsi' })).toEqual(
      expect.arrayContaining(['condition.event', 'condition.lower', 'condition.upper']),
    );
    expect(visibleFields({ condition_type: 'price_channel', indicator: 'rsi' })).not.toContain('condition.operator');
    expect(visibleFields({ condition_type: 'price_threshold', indicator: 'rsi' })).toContain('condition.price_type');
    expect(visibleFields({ condition_type: 'indicator', indicator: 'vwap' })).not.toContain('condition.period');
    expect(visibleFields({ condition_type: 'indicator', indicator: 'bollinger' })).toEqual(
      expect.arrayContaining(['condition.band', 'condition.std_dev']),
    );
    expect(visibleFields({ condition_type: 'indicator', indicator: 'bollinger' })).not.toContain('condition.threshold');
    expect(visibleFields({ condition_type: 'indicator', indicator: 'macd' })).toEqual(
      expect.arrayContaining(['condition.period', 'condition.fast_period', 'condition.signal_period']),
    );
  });
});

describe('validateChannelTarget', () => {
  const none = { email: null, sns_target: null };

  it('needs nothing for dashboard alerts or when a target is set', () => {
    expect(validateChannelTarget('websocket', none, { email: '', sns_target: '' })).toEqual({ ok: true, patch: null });
    expect(validateChannelTarget('email', { ...none, email: 'a@b.co' }, { email: '', sns_target: '' })).toEqual({
      ok: true,
      patch: null,
    });
  });

  it('asks for a missing target and validates it with the shared schema', () => {
    expect(validateChannelTarget('email', none, { email: '', sns_target: '' })).toMatchObject({
      ok: false,
      errors: { email: expect.any(String) },
    });
    expect(validateChannelTarget('email', none, { email: 'nope', sns_target: '' })).toMatchObject({ ok: false });
    expect(validateChannelTarget('email', none, { email: ' me@example.com ', sns_target: '' })).toEqual({
      ok: true,
      patch: { email: 'me@example.com' },
    });
    expect(validateChannelTarget('sns', none, { email: '', sns_target: '+15551234567' })).toEqual({
      ok: true,
      patch: { sns_target: '+15551234567' },
    });
    expect(validateChannelTarget('sns', none, { email: '', sns_target: '555' })).toMatchObject({
      ok: false,
      errors: { sns_target: expect.stringMatching(/E\.164/) },
    });
  });

  it('asks nothing while the channels are unknown (the server checks on save)', () => {
    expect(validateChannelTarget('email', null, { email: '', sns_target: '' })).toEqual({ ok: true, patch: null });
  });
});

describe('issuesToErrors', () => {
  it('keys server issues by path and joins several on one field', () => {
    expect(
      issuesToErrors([
        { path: 'condition.threshold', message: 'a' },
        { path: 'condition.threshold', message: 'b' },
        { path: 'notification_method', message: 'c' },
      ]),
    ).toEqual({ 'condition.threshold': 'a; b', notification_method: 'c' });
  });
});

describe('shownFields / unplacedErrors', () => {
  const none = { email: null, sns_target: null };

  it('adds the channel target to the visible fields only while the form asks for it', () => {
    const email = form({ notification_method: 'email' });
    expect(shownFields(email, none)).toEqual(new Set([...visibleFields(email), 'email']));
    expect(shownFields(email, { ...none, email: 'a@b.co' })).toEqual(new Set(visibleFields(email)));
    expect(shownFields(email, null)).toEqual(new Set(visibleFields(email)));
  });

  it('keeps, in order, the errors no field on show can stand beside', () => {
    const state = form({ condition_type: 'indicator', indicator: 'bollinger' });
    const errors = { 'condition.threshold': 'a', enabled: 'b', 'condition.band': 'c', '': 'd' };
    expect(unplacedErrors(errors, shownFields(state, none))).toEqual([
      ['condition.threshold', 'a'],
      ['enabled', 'b'],
      ['', 'd'],
    ]);
  });
});
