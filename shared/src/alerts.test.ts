import { describe, expect, it } from 'vitest';
import { CONDITION_KEYS, alertPatchSchema } from './alerts.js';

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
  });
});
