import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import {
  alertDefinitionSchema,
  alertListQuerySchema,
  alertPatchSchema,
  fundamentalsSchema,
  notificationQuerySchema,
} from './alerts.js';
import { candleQuerySchema, ingestTickSchema, tickRangeQuerySchema, tickSchema } from './ticks.js';

/** Numbers no DynamoDB item can hold (1e-130 … 9.99e125) or the SDK will not write (beyond ±2^53). */
const UNSTORABLE = [1e16, -1e16, 2 ** 53, 1e126, 1e300, 1e-131, 1e-200, 5e-324, -5e-324];

const tick = { symbol: 'AAPL', timestamp: Date.now() - 1000, price: 100, volume: 10 };
const options = { notification_method: 'websocket' as const };
const price = { symbol: 'AAPL', condition_type: 'price_threshold', ...options };
const indicator = { symbol: 'AAPL', condition_type: 'indicator', ...options };
const fundamental = { symbol: 'AAPL', condition_type: 'fundamental', ...options };

/** Every numeric field of every shared schema, as [schema, a valid value, path of the number to replace]. */
const FIELDS: [string, z.ZodType, Record<string, unknown>, string[]][] = [
  ['tick price', tickSchema, { ...tick, source: 'simulator' }, ['price']],
  ['tick volume', tickSchema, { ...tick, source: 'simulator' }, ['volume']],
  ['tick timestamp', tickSchema, { ...tick, source: 'simulator' }, ['timestamp']],
  ['ingest price', ingestTickSchema, tick, ['price']],
  ['ingest volume', ingestTickSchema, tick, ['volume']],
  [
    'price threshold',
    alertDefinitionSchema,
    { ...price, condition: { operator: '>', threshold: 1 } },
    ['condition', 'threshold'],
  ],
  [
    'indicator threshold',
    alertDefinitionSchema,
    { ...indicator, condition: { indicator: 'sma', interval: '1m', operator: '>', threshold: 1 } },
    ['condition', 'threshold'],
  ],
  [
    'indicator period',
    alertDefinitionSchema,
    { ...indicator, condition: { indicator: 'sma', interval: '1m', operator: '>', period: 5 } },
    ['condition', 'period'],
  ],
  [
    'bollinger std_dev',
    alertDefinitionSchema,
    { ...indicator, condition: { indicator: 'bollinger', interval: '1m', operator: '>', band: 'upper', std_dev: 2 } },
    ['condition', 'std_dev'],
  ],
  [
    'macd fast_period',
    alertDefinitionSchema,
    { ...indicator, condition: { indicator: 'macd', interval: '1m', operator: '>', fast_period: 5 } },
    ['condition', 'fast_period'],
  ],
  [
    'macd signal_period',
    alertDefinitionSchema,
    { ...indicator, condition: { indicator: 'macd', interval: '1m', operator: '>', signal_period: 5 } },
    ['condition', 'signal_period'],
  ],
  [
    'fundamental threshold',
    alertDefinitionSchema,
    { ...fundamental, condition: { metric: 'pe_ratio', operator: '>', threshold: 1 } },
    ['condition', 'threshold'],
  ],
  [
    'cooldown',
    alertDefinitionSchema,
    { ...price, condition: { operator: '>', threshold: 1 }, cooldown_seconds: 1 },
    ['cooldown_seconds'],
  ],
  [
    'expires_at',
    alertDefinitionSchema,
    { ...price, condition: { operator: '>', threshold: 1 }, expires_at: 1 },
    ['expires_at'],
  ],
  ['patch threshold', alertPatchSchema, { condition: { threshold: 1 } }, ['condition', 'threshold']],
  ['patch cooldown', alertPatchSchema, { cooldown_seconds: 1 }, ['cooldown_seconds']],
  ['patch expires_at', alertPatchSchema, { expires_at: 1 }, ['expires_at']],
  ['eps_ttm', fundamentalsSchema, { eps_ttm: 1 }, ['eps_ttm']],
  ['shares_outstanding', fundamentalsSchema, { shares_outstanding: 1 }, ['shares_outstanding']],
  ['annual_dividend', fundamentalsSchema, { annual_dividend: 1 }, ['annual_dividend']],
];

/** Query strings arrive as text: the same numbers, written as a client would send them. */
const QUERY_FIELDS: [string, z.ZodType, string][] = [
  ['ticks from', tickRangeQuerySchema, 'from'],
  ['ticks to', tickRangeQuerySchema, 'to'],
  ['ticks limit', tickRangeQuerySchema, 'limit'],
  ['candles from', candleQuerySchema, 'from'],
  ['candles to', candleQuerySchema, 'to'],
  ['alerts limit', alertListQuerySchema, 'limit'],
  ['notifications limit', notificationQuerySchema, 'limit'],
  ['notifications from', notificationQuerySchema, 'from'],
  ['notifications to', notificationQuerySchema, 'to'],
];

function withValue(base: Record<string, unknown>, path: string[], value: unknown): Record<string, unknown> {
  const [head, ...rest] = path as [string, ...string[]];
  if (rest.length === 0) return { ...base, [head]: value };
  return { ...base, [head]: withValue(base[head] as Record<string, unknown>, rest, value) };
}

describe('every number a shared schema accepts is one DynamoDB and the SDK can store', () => {
  it.each(FIELDS)('%s: the valid example parses', (_name, schema, valid) => {
    expect(schema.safeParse(valid).success).toBe(true);
  });

  it.each(FIELDS)('%s: refuses unstorable numbers, naming the field', (_name, schema, valid, path) => {
    for (const value of UNSTORABLE) {
      const result = schema.safeParse(withValue(valid, path, value));
      expect(result.success, `${path.join('.')} = ${value}`).toBe(false);
      expect(
        result.error?.issues.map((i) => i.path.join('.')),
        `${value}`,
      ).toContain(path.join('.'));
    }
  });

  it.each(QUERY_FIELDS)('%s: refuses unstorable numbers in the query string', (_name, schema, field) => {
    for (const value of [...UNSTORABLE.map(String), '9007199254740991', 'NaN', 'Infinity', '-Infinity', '1e999']) {
      const result = schema.safeParse({ [field]: value });
      expect(result.success, `${field}=${value}`).toBe(false);
      expect(result.error?.issues.map((i) => i.path.join('.'))).toContain(field);
    }
  });
});

describe('domain bounds (README, docs/alerts.md)', () => {
  it('takes prices from 1e-6 to 1e9 and volumes up to 1e12 shares', () => {
    for (const p of [1e-6, 0.0001, 1, 1e9])
      expect(ingestTickSchema.safeParse({ ...tick, price: p }).success).toBe(true);
    for (const p of [0, 9.99e-7, 1.000001e9, 1e10]) {
      expect(ingestTickSchema.safeParse({ ...tick, price: p }).success, `price ${p}`).toBe(false);
    }
    expect(ingestTickSchema.safeParse({ ...tick, volume: 1e12 }).success).toBe(true);
    expect(ingestTickSchema.safeParse({ ...tick, volume: 1e12 + 1 }).success).toBe(false);
  });

  it('takes price thresholds within the price bounds', () => {
    const alert = (threshold: number) => ({ ...price, condition: { operator: '>', threshold } });
    for (const t of [0, 1e-7, 1e-6, 1e9]) expect(alertDefinitionSchema.safeParse(alert(t)).success).toBe(true);
    for (const t of [-1, 1.1e9]) expect(alertDefinitionSchema.safeParse(alert(t)).success, `${t}`).toBe(false);
  });
});
