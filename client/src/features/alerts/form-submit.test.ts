import { describe, expect, it } from 'vitest';
import type { Alert, AlertDefinition, ChannelSettings } from '@tickwatch/shared';
import { ApiRequestError } from '../../api/http';
import { formStateFromDefinition, initialFormState, type AlertFormState } from './form-model';
import {
  CLEARED_MESSAGE,
  EMPTY_TARGET,
  afterCreate,
  createdMessage,
  planSubmit,
  submitFailure,
  type EditedAlert,
} from './form-submit';

const NOW = Date.UTC(2026, 0, 1);
const none: ChannelSettings = { email: null, sns_target: null };
const form = (patch: Partial<AlertFormState> = {}): AlertFormState => ({ ...initialFormState('AAPL'), ...patch });
const create = (state: AlertFormState, channels: ChannelSettings | null = none, target = EMPTY_TARGET) =>
  planSubmit(state, { original: null, channels, target, now: NOW });

const sma: AlertDefinition = {
  symbol: 'AAPL',
  condition_type: 'indicator',
  condition: { indicator: 'sma', interval: '5m', period: 50, operator: '>', threshold: 180 },
  notification_method: 'websocket',
  enabled: true,
  cooldown_seconds: 0,
  trigger_mode: 'rearm',
  expires_at: null,
  note: '',
  message: '',
};
const original: EditedAlert = { alertId: 'a1', definition: sma };
const edit = (patch: Partial<AlertFormState>, channels: ChannelSettings | null = none) =>
  planSubmit({ ...formStateFromDefinition(sma), ...patch }, { original, channels, target: EMPTY_TARGET, now: NOW });

describe('planSubmit: a new alert', () => {
  it('creates the validated definition and saves no channel', () => {
    expect(create(form({ threshold: '200' }))).toEqual({
      ok: true,
      errors: {},
      saveChannels: null,
      send: {
        kind: 'create',
        definition: {
          ...sma,
          condition_type: 'price_threshold',
          condition: { operator: '>', threshold: 200, price_type: 'close' },
        },
      },
    });
  });

  it('sends nothing while the form is invalid, with every field’s error', () => {
    expect(create(form({ symbol: '', threshold: '' }))).toEqual({
      ok: false,
      errors: { symbol: expect.any(String), 'condition.threshold': 'Required' },
    });
  });

  it('reports the channel target alongside the form’s own errors', () => {
    const plan = create(form({ notification_method: 'email' }));
    expect(plan).toEqual({
      ok: false,
      errors: { 'condition.threshold': 'Required', email: 'Enter the email address these alerts go to' },
    });
  });

  it('saves a typed target first when the method needs one the user lacks', () => {
    const plan = create(form({ threshold: '1', notification_method: 'sns' }), none, {
      email: '',
      sns_target: '+15551234567',
    });
    expect(plan).toMatchObject({ ok: true, saveChannels: { sns_target: '+15551234567' }, send: { kind: 'create' } });
    expect(create(form({ threshold: '1', notification_method: 'sns' }), null)).toMatchObject({
      ok: true,
      saveChannels: null,
    });
  });

  it('refuses a new expiry that has passed', () => {
    const plan = create(form({ threshold: '1', expires: '2001-09-09T01:46' }));
    expect(plan).toEqual({ ok: false, errors: { expires_at: 'must be in the future' } });
  });
});

describe('planSubmit: an edit', () => {
  it('updates with only what changed', () => {
    expect(edit({ threshold: '190', note: 'x' })).toEqual({
      ok: true,
      errors: {},
      saveChannels: null,
      send: { kind: 'update', alertId: 'a1', patch: { note: 'x', condition: { threshold: 190 } } },
    });
  });

  it('sends nothing when nothing changed', () => {
    expect(edit({})).toMatchObject({ ok: true, send: { kind: 'unchanged' } });
  });

  it('refuses to empty a condition field, which the merging PATCH cannot clear', () => {
    expect(edit({ period: '', threshold: '' })).toEqual({
      ok: false,
      errors: { 'condition.period': CLEARED_MESSAGE, 'condition.threshold': CLEARED_MESSAGE },
    });
  });

  it('keeps the alert’s current expiry even when it has passed', () => {
    const expired: EditedAlert = { alertId: 'a2', definition: { ...sma, expires_at: 1_000_000_020 } };
    const state = { ...formStateFromDefinition(expired.definition), note: 'still here' };
    expect(planSubmit(state, { original: expired, channels: none, target: EMPTY_TARGET, now: NOW })).toMatchObject({
      ok: true,
      send: { kind: 'update', patch: { note: 'still here' } },
    });
  });
});

describe('after a save', () => {
  it('clears the level and note for the next alert, keeping the rest', () => {
    const state = form({ threshold: '5', note: 'n', cooldown_seconds: '60', price_type: 'low' });
    expect(afterCreate(state)).toEqual({ ...state, threshold: '', note: '' });
    const move = form({ condition_type: 'price_move', amount: '2', unit: 'price', window_minutes: '15' });
    expect(afterCreate(move)).toEqual({ ...move, amount: '' });
    const channel = form({ condition_type: 'price_channel', event: 'exits', lower: '1', upper: '2' });
    expect(afterCreate(channel)).toEqual({ ...channel, lower: '', upper: '' });
  });

  it('creates a move and edits its window alone', () => {
    const move: AlertDefinition = {
      ...sma,
      condition_type: 'price_move',
      condition: { direction: 'up', amount: 2, unit: 'percent', window_minutes: 15 },
    };
    const plan = create(formStateFromDefinition(move));
    expect(plan).toMatchObject({ ok: true, send: { kind: 'create', definition: move } });
    const edited = planSubmit(
      { ...formStateFromDefinition(move), window_minutes: '30' },
      { original: { alertId: 'm1', definition: move }, channels: none, target: EMPTY_TARGET, now: NOW },
    );
    expect(edited).toMatchObject({
      ok: true,
      send: { kind: 'update', alertId: 'm1', patch: { condition: { window_minutes: 30 } } },
    });
  });

  it('reports the created alert in the shared wording', () => {
    const alert: Alert = {
      ...sma,
      condition_type: 'price_threshold',
      condition: { operator: '<', threshold: 9.5, price_type: 'close' },
      alert_id: 'a3',
      user_id: 'trader',
      created_at: 0,
      updated_at: 0,
      last_triggered: null,
      trigger_count: 0,
      state: 'armed',
      status_note: null,
      blind_since: null,
    };
    expect(createdMessage(alert)).toBe('Alert created: AAPL last price below 9.50');
    const channel: Alert = {
      ...alert,
      condition_type: 'price_channel',
      condition: { event: 'enters', lower: 195, upper: 200 },
    };
    expect(createdMessage(channel)).toBe('Alert created: AAPL enters 195.00–200.00');
  });
});

describe('submitFailure', () => {
  it('puts a 400’s issues by field', () => {
    const err = new ApiRequestError(400, {
      error: { id: 'validation_failed', message: 'Invalid', issues: [{ path: 'symbol', message: 'unknown' }] },
    });
    expect(submitFailure(err)).toEqual({ errors: { symbol: 'unknown' } });
  });

  it('turns anything else into one message', () => {
    expect(submitFailure(new ApiRequestError(500, undefined))).toEqual({ message: 'Request failed with status 500' });
    expect(submitFailure(new Error('offline'))).toEqual({ message: 'offline' });
    expect(submitFailure('??')).toEqual({ message: 'Saving the alert failed' });
  });
});
