import { describe, expect, it } from 'vitest';
import { CONDITION_KEYS, alertDefinitionSchema, alertPatchSchema } from './alerts.js';

const issues = (body: string) =>
  alertPatchSchema.safeParse(JSON.parse(body)).error?.issues.map((i) => [i.path.join('.'), i.message]);

describe('alertPatchSchema: the condition', () => {
  it('takes a partial condition of any type, and null to remove an optional field', () => {
    expect(alertPatchSchema.safeParse({ condition: { threshold: 90 } }).success).toBe(true);
    expect(alertPatchSchema.safeParse({ condition: { indicator: 'sma', band: null } }).success).toBe(true);
    expect(
      alertPatchSchema.safeParse({ condition: { metric: 'pe_ratio' }, condition_type: 'fundamental' }).success,
    ).toBe(true);
  });

  it('refuses prototype keys and keys no condition has, as JSON.parse gives them', () => {
    for (const key of ['__proto__', 'constructor', 'prototype', 'polluted']) {
      expect(issues(`{"condition":{"${key}":{"threshold":5}}}`), key).toEqual([
        ['condition', `Unrecognized key: "${key}"`],
      ]);
    }
  });

  it('refuses fields of another type than the condition_type it comes with', () => {
    expect(issues('{"condition_type":"price_threshold","condition":{"band":"upper","threshold":1}}')).toEqual([
      ['condition.band', 'not a field of price_threshold conditions'],
    ]);
    expect(issues('{"condition_type":"fundamental","condition":{"metric":"pe_ratio","price_type":"close"}}')).toEqual([
      ['condition.price_type', 'not a field of fundamental conditions'],
    ]);
  });

  it('checks each field as its condition schema does', () => {
    expect(issues('{"condition":{"period":1}}')?.[0]?.[0]).toBe('condition.period');
    expect(issues('{"condition":{"operator":"=="}}')?.[0]?.[0]).toBe('condition.operator');
  });

  it('knows the fields of every condition type', () => {
    expect(CONDITION_KEYS.price_threshold).toEqual(['operator', 'threshold', 'price_type']);
    expect(CONDITION_KEYS.fundamental).toEqual(['metric', 'operator', 'threshold']);
    expect(CONDITION_KEYS.indicator).toContain('signal_period');
    expect(CONDITION_KEYS.price_move).toEqual(['direction', 'amount', 'unit', 'window_minutes']);
    expect(CONDITION_KEYS.price_channel).toEqual(['event', 'lower', 'upper']);
  });

  it('checks move and channel fields as their schemas do', () => {
    expect(issues('{"condition_type":"price_move","condition":{"window_minutes":1441}}')?.[0]?.[0]).toBe(
      'condition.window_minutes',
    );
    expect(issues('{"condition_type":"price_channel","condition":{"lower":null,"event":"crosses"}}')?.[0]?.[0]).toBe(
      'condition.event',
    );
    expect(issues('{"condition_type":"price_move","condition":{"lower":1}}')).toEqual([
      ['condition.lower', 'not a field of price_move conditions'],
    ]);
  });
});

describe('alertDefinitionSchema: moves and channels', () => {
  const issuesOf = (condition_type: string, condition: unknown) =>
    alertDefinitionSchema
      .safeParse({ symbol: 'AAPL', notification_method: 'websocket', condition_type, condition })
      .error?.issues.map((i) => [i.path.join('.'), i.message]);

  it('takes a move in percent or in price over 1 to 1440 minutes', () => {
    expect(issuesOf('price_move', { direction: 'up', amount: 2, unit: 'percent', window_minutes: 15 })).toBeUndefined();
    expect(
      issuesOf('price_move', { direction: 'down', amount: 0.5, unit: 'price', window_minutes: 1440 }),
    ).toBeUndefined();
  });

  it('refuses a move of nothing, a window beyond the stored day, and a fractional window', () => {
    const move = { direction: 'up', amount: 2, unit: 'percent', window_minutes: 15 };
    expect(issuesOf('price_move', { ...move, amount: 0 })?.[0]?.[0]).toBe('condition.amount');
    expect(issuesOf('price_move', { ...move, window_minutes: 1441 })?.[0]?.[0]).toBe('condition.window_minutes');
    expect(issuesOf('price_move', { ...move, window_minutes: 1.5 })?.[0]?.[0]).toBe('condition.window_minutes');
    expect(issuesOf('price_move', { ...move, direction: 'down', amount: 100 })).toEqual([
      ['condition.amount', 'a price can fall by less than 100%'],
    ]);
    expect(issuesOf('price_move', { ...move, direction: 'down', amount: 99.9 })).toBeUndefined();
    expect(issuesOf('price_move', { ...move, amount: 150 })).toBeUndefined();
    expect(issuesOf('price_move', { ...move, direction: 'sideways' })?.[0]?.[0]).toBe('condition.direction');
  });

  it('takes a channel with its lower bound below its upper one, and names the upper bound otherwise', () => {
    expect(issuesOf('price_channel', { event: 'enters', lower: 195, upper: 200 })).toBeUndefined();
    expect(issuesOf('price_channel', { event: 'exits', lower: 200, upper: 200 })).toEqual([
      ['condition.upper', 'must be above the lower bound'],
    ]);
    expect(issuesOf('price_channel', { event: 'exits', lower: -1, upper: 200 })?.[0]?.[0]).toBe('condition.lower');
  });
});
