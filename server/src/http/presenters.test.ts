import { describe, it, expect } from 'vitest';
import {
  ALERT_OPTION_DEFAULTS,
  ALERT_STATES,
  definitionOf,
  type AlertState,
  type ConditionSpec,
  type SymbolHealth,
  type SymbolHealthState,
} from '@tickwatch/shared';
import type { AlertView } from '../engine/alert-engine.js';
import type { AlertItem } from '../store/alerts-repository.js';
import { presentAlert } from './presenters.js';

const NOW = Date.parse('2026-01-15T15:00:00.000Z');
const NOW_S = NOW / 1000;

const PRICE: ConditionSpec = {
  condition_type: 'price_threshold',
  condition: { operator: 'crosses_above', threshold: 200, price_type: 'close' },
};

/** The fields these tests vary; the condition comes separately, as one piece. */
type Fields = Partial<
  Pick<
    AlertItem,
    | 'enabled'
    | 'cooldown_seconds'
    | 'trigger_mode'
    | 'expires_at'
    | 'armed'
    | 'last_fired_ms'
    | 'pending_notification'
    | 'trigger_count'
    | 'last_triggered'
  >
>;

function item(fields: Fields = {}, spec: ConditionSpec = PRICE): AlertItem {
  return {
    alert_id: 'alert-1',
    user_id: 'trader-1',
    symbol: 'AAPL',
    ...ALERT_OPTION_DEFAULTS,
    note: 'breakout',
    created_at: NOW_S - 3600,
    updated_at: NOW_S - 60,
    last_triggered: null,
    trigger_count: 0,
    armed: true,
    version: 7,
    last_fired_ms: null,
    ...spec,
    ...fields,
  };
}

const view = (fields: Partial<AlertView> = {}): AlertView => ({
  armed: true,
  statusNote: null,
  lastFiredMs: null,
  ...fields,
});

const INTERNALS = ['version', 'armed', 'pending_notification', 'last_fired_ms'];

describe('presentAlert states', () => {
  const cases: [string, AlertItem, AlertView | undefined, AlertState, string | null][] = [
    ['an armed alert with no engine view', item(), undefined, 'armed', null],
    ['an armed alert per the engine', item({ armed: false }), view({ armed: true }), 'armed', null],
    ['a fired level alert per the engine', item({ armed: true }), view({ armed: false }), 'fired', null],
    ['a fired level alert as stored', item({ armed: false }), undefined, 'fired', null],
    [
      'an alert within its cooldown',
      item({ cooldown_seconds: 60 }),
      view({ lastFiredMs: NOW - 59_999, armed: false }),
      'cooling_down',
      null,
    ],
    [
      'an alert whose cooldown ended this millisecond',
      item({ cooldown_seconds: 60 }),
      view({ lastFiredMs: NOW - 60_000, armed: false }),
      'fired',
      null,
    ],
    [
      'an alert within its cooldown after a restart (stored last fire)',
      item({ cooldown_seconds: 60, last_fired_ms: NOW - 10_000 }),
      undefined,
      'cooling_down',
      null,
    ],
    ['a fired alert without a cooldown', item({ last_fired_ms: NOW - 1 }), view({ armed: false }), 'fired', null],
    ['a disabled alert', item({ enabled: false }), undefined, 'disabled', null],
    [
      'a disabled alert the engine still knows',
      item({ enabled: false }),
      view({ statusNote: 'no eps_ttm loaded for AAPL' }),
      'disabled',
      'no eps_ttm loaded for AAPL',
    ],
    ['an alert past its expiry', item({ expires_at: NOW_S }), view(), 'expired', 'expired'],
    [
      'a disabled alert past its expiry',
      item({ expires_at: NOW_S - 1, enabled: false }),
      undefined,
      'expired',
      'expired',
    ],
    ['an alert one second before its expiry', item({ expires_at: NOW_S + 1 }), undefined, 'armed', null],
    [
      'an alert waiting for fundamentals',
      item({}, { condition_type: 'fundamental', condition: { metric: 'pe_ratio', operator: '>', threshold: 20 } }),
      view({ statusNote: 'no eps_ttm loaded for AAPL' }),
      'waiting',
      'no eps_ttm loaded for AAPL',
    ],
    [
      'an indicator alert warming up, even within a cooldown',
      item(
        { cooldown_seconds: 600 },
        { condition_type: 'indicator', condition: { indicator: 'rsi', interval: '5m', operator: '<', threshold: 30 } },
      ),
      view({ statusNote: 'warming up: 3 of 14 5m bars', lastFiredMs: NOW - 1000 }),
      'waiting',
      'warming up: 3 of 14 5m bars',
    ],
  ];

  it.each(cases)('shows %s as %s', (_name, stored, live, state, note) => {
    const alert = presentAlert(stored, live, NOW);
    expect(alert.state).toBe(state);
    expect(alert.status_note).toBe(note);
  });

  it('covers every state', () => {
    expect(new Set(cases.map(([, , , state]) => state))).toEqual(new Set(ALERT_STATES));
  });
});

describe('presentAlert output', () => {
  it('shows the definition and the bookkeeping a trader needs, and nothing else', () => {
    const stored = item({
      trigger_count: 3,
      last_triggered: NOW_S - 120,
      last_fired_ms: NOW - 120_000,
      cooldown_seconds: 30,
      expires_at: NOW_S + 86_400,
      pending_notification: {
        notification_id: 'n-1',
        user_id: 'trader-1',
        alert_id: 'alert-1',
        symbol: 'AAPL',
        current_price: 201,
        threshold: 200,
        triggered_at: NOW - 120_000,
        notification_method: 'websocket',
        condition_type: 'price_threshold',
        message: 'AAPL last price 201.00 crossed above 200.00',
      },
    });
    expect(presentAlert(stored, view(), NOW)).toEqual({
      symbol: 'AAPL',
      condition_type: 'price_threshold',
      condition: { operator: 'crosses_above', threshold: 200, price_type: 'close' },
      notification_method: 'websocket',
      enabled: true,
      cooldown_seconds: 30,
      trigger_mode: 'rearm',
      expires_at: NOW_S + 86_400,
      note: 'breakout',
      message: '',
      alert_id: 'alert-1',
      user_id: 'trader-1',
      created_at: NOW_S - 3600,
      updated_at: NOW_S - 60,
      last_triggered: NOW_S - 120,
      trigger_count: 3,
      state: 'armed',
      status_note: null,
      blind_since: null,
    });
  });

  const specs: ConditionSpec[] = [
    PRICE,
    {
      condition_type: 'indicator',
      condition: { indicator: 'bollinger', interval: '1h', band: 'lower', operator: '<' },
    },
    { condition_type: 'fundamental', condition: { metric: 'dividend_yield', operator: '>=', threshold: 3 } },
  ];

  it.each(specs)('never shows version, armed, pending_notification or last_fired_ms (%j)', (spec) => {
    for (const live of [undefined, view({ armed: false, lastFiredMs: NOW - 1, statusNote: 'note' })]) {
      const stored = item(
        {
          armed: false,
          last_fired_ms: NOW - 1,
          pending_notification: {
            notification_id: 'n-1',
            user_id: 'trader-1',
            alert_id: 'alert-1',
            symbol: 'AAPL',
            current_price: 1,
            threshold: 1,
            triggered_at: NOW - 1,
            notification_method: 'websocket',
            condition_type: spec.condition_type,
            message: 'm',
          },
        },
        spec,
      );
      const alert = presentAlert(stored, live, NOW);
      for (const key of INTERNALS) expect(alert).not.toHaveProperty(key);
      expect(JSON.stringify(alert)).not.toMatch(/version|pending_notification|last_fired_ms|"armed"/);
      expect(alert.condition_type).toBe(spec.condition_type);
      expect(alert.condition).toEqual(spec.condition);
    }
  });

  it('does not change the stored item', () => {
    const stored = item({ armed: false, last_fired_ms: NOW - 1 });
    const copy = structuredClone(stored);
    presentAlert(stored, view(), NOW);
    expect(stored).toEqual(copy);
  });
});

describe('presentAlert blind_since', () => {
  const health = (state: SymbolHealthState, since: number | null = null): SymbolHealth => ({
    symbol: 'AAPL',
    state,
    since,
    last_trade_at: since,
  });

  it('is null while the symbol is live, or when its health is not known', () => {
    expect(presentAlert(item(), view(), NOW, health('live')).blind_since).toBeNull();
    expect(presentAlert(item(), view(), NOW).blind_since).toBeNull();
  });

  it('is the last trade while the symbol is quiet', () => {
    expect(presentAlert(item(), view(), NOW, health('quiet', NOW - 600_000)).blind_since).toBe(NOW - 600_000);
  });

  it('is the alert’s creation for a symbol never traded here or not carried by the feed', () => {
    expect(presentAlert(item(), view(), NOW, health('never_seen')).blind_since).toBe((NOW_S - 3600) * 1000);
    expect(presentAlert(item(), view(), NOW, health('not_carried')).blind_since).toBe((NOW_S - 3600) * 1000);
  });
});

describe('definitionOf', () => {
  it('takes exactly the trader-chosen fields out of a stored item', () => {
    const stored = item({ cooldown_seconds: 15, trigger_mode: 'once', expires_at: NOW_S + 60, enabled: false });
    expect(definitionOf(stored)).toEqual({
      symbol: 'AAPL',
      condition_type: 'price_threshold',
      condition: { operator: 'crosses_above', threshold: 200, price_type: 'close' },
      notification_method: 'websocket',
      enabled: false,
      cooldown_seconds: 15,
      trigger_mode: 'once',
      expires_at: NOW_S + 60,
      note: 'breakout',
      message: '',
    });
  });
});
