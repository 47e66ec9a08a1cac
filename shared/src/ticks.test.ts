import { afterEach, beforeEach, describe, it, expect, vi } from 'vitest';
import type { z } from 'zod';
import {
  CANDLE_INTERVALS,
  CANDLE_INTERVAL_MS,
  MAX_FUTURE_SKEW_MS,
  MAX_INGEST_BATCH,
  MAX_PRICE,
  MIN_PRICE,
  SYMBOL_PATTERN,
  TICK_SOURCES,
  candleIntervalSchema,
  candleQuerySchema,
  ingestBodySchema,
  ingestTickSchema,
  symbolSchema,
  tickRangeQuerySchema,
  tickSchema,
  tickSourceSchema,
  tickTimestampSchema,
  type Tick,
  liveFrom,
  tickExpiresAt,
} from './ticks.js';

/** Pinned "now" so the future-skew boundary is exact. */
const NOW = Date.UTC(2025, 5, 2, 14, 30, 0, 0);
const EARLIEST = Date.UTC(2000, 0, 1);

function validTick(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return { symbol: 'AAPL', timestamp: NOW - 1_000, price: 228.45, volume: 100, source: 'simulator', ...overrides };
}

/** The paths (dotted) of every issue when parsing fails; [] when it succeeds. */
function issuePaths(schema: z.ZodType, input: unknown): string[] {
  const result = schema.safeParse(input);
  return result.success ? [] : result.error.issues.map((i) => i.path.join('.'));
}

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(NOW);
});

afterEach(() => {
  vi.useRealTimers();
});

describe('tickSchema: a valid tick', () => {
  it('accepts a well-formed tick and returns it unchanged', () => {
    const input = validTick();
    const result = tickSchema.safeParse(input);
    expect(result.success).toBe(true);
    expect(result.data).toEqual(input);
  });

  it.each(TICK_SOURCES)('accepts source %s', (source) => {
    expect(tickSchema.safeParse(validTick({ source })).success).toBe(true);
  });

  it('accepts a volume of 0 (e.g. a quote-only print)', () => {
    expect(tickSchema.safeParse(validTick({ volume: 0 })).success).toBe(true);
  });

  it('accepts sub-cent and very large prices, down to MIN_PRICE and up to MAX_PRICE', () => {
    expect(tickSchema.safeParse(validTick({ price: 0.0001 })).success).toBe(true);
    expect(tickSchema.safeParse(validTick({ price: 700_000.5 })).success).toBe(true);
    expect(tickSchema.safeParse(validTick({ price: MIN_PRICE })).success).toBe(true);
    expect(tickSchema.safeParse(validTick({ price: MAX_PRICE })).success).toBe(true);
  });

  it('accepts a timestamp exactly now and exactly 5 minutes ahead (clock skew)', () => {
    expect(tickSchema.safeParse(validTick({ timestamp: NOW })).success).toBe(true);
    expect(tickSchema.safeParse(validTick({ timestamp: NOW + MAX_FUTURE_SKEW_MS })).success).toBe(true);
  });

  it('accepts the earliest allowed timestamp, 2000-01-01T00:00:00Z', () => {
    expect(tickSchema.safeParse(validTick({ timestamp: EARLIEST })).success).toBe(true);
  });

  it('has the tolerated clock skew set to 5 minutes', () => {
    expect(MAX_FUTURE_SKEW_MS).toBe(300_000);
  });

  it('infers a Tick type with exactly the five fields', () => {
    const tick: Tick = { symbol: 'MSFT', timestamp: NOW, price: 1, volume: 1, source: 'http_ingest' };
    expect(Object.keys(tickSchema.parse(tick)).sort()).toEqual(['price', 'source', 'symbol', 'timestamp', 'volume']);
  });
});

describe('tickSchema: each invalid field fails at its own path', () => {
  const cases: [string, Record<string, unknown>, string][] = [
    ['lower-case symbol', { symbol: 'aapl' }, 'symbol'],
    ['mixed-case symbol', { symbol: 'Aapl' }, 'symbol'],
    ['11-character symbol', { symbol: 'ABCDEFGHIJK' }, 'symbol'],
    ['empty symbol', { symbol: '' }, 'symbol'],
    ['symbol starting with a digit', { symbol: '1ABC' }, 'symbol'],
    ['symbol starting with a dot', { symbol: '.AB' }, 'symbol'],
    ['symbol with a space', { symbol: 'BRK B' }, 'symbol'],
    ['symbol with a slash', { symbol: 'BTC/USD' }, 'symbol'],
    ['symbol with surrounding whitespace', { symbol: ' AAPL' }, 'symbol'],
    ['numeric symbol', { symbol: 123 }, 'symbol'],
    ['price 0', { price: 0 }, 'price'],
    ['price -0', { price: -0 }, 'price'],
    ['negative price', { price: -1.5 }, 'price'],
    ['NaN price', { price: Number.NaN }, 'price'],
    ['Infinity price', { price: Number.POSITIVE_INFINITY }, 'price'],
    ['-Infinity price', { price: Number.NEGATIVE_INFINITY }, 'price'],
    ['denormal price', { price: Number.MIN_VALUE }, 'price'],
    ['price below what DynamoDB holds', { price: 1e-200 }, 'price'],
    ['price beyond what the SDK writes', { price: 1e16 }, 'price'],
    ['price below MIN_PRICE', { price: MIN_PRICE / 2 }, 'price'],
    ['price above MAX_PRICE', { price: MAX_PRICE * 1.5 }, 'price'],
    ['string price', { price: '228.45' }, 'price'],
    ['fractional volume', { volume: 1.5 }, 'volume'],
    ['negative volume', { volume: -1 }, 'volume'],
    ['NaN volume', { volume: Number.NaN }, 'volume'],
    ['Infinity volume', { volume: Number.POSITIVE_INFINITY }, 'volume'],
    ['string volume', { volume: '100' }, 'volume'],
    ['timestamp in seconds', { timestamp: Math.floor(NOW / 1000) }, 'timestamp'],
    ['timestamp before 2000', { timestamp: EARLIEST - 1 }, 'timestamp'],
    ['timestamp 0', { timestamp: 0 }, 'timestamp'],
    ['negative timestamp', { timestamp: -1 }, 'timestamp'],
    ['timestamp 1 ms past the skew allowance', { timestamp: NOW + MAX_FUTURE_SKEW_MS + 1 }, 'timestamp'],
    ['far-future timestamp', { timestamp: NOW + 365 * 86_400_000 }, 'timestamp'],
    ['timestamp in microseconds', { timestamp: NOW * 1000 }, 'timestamp'],
    ['fractional timestamp', { timestamp: NOW - 0.5 }, 'timestamp'],
    ['ISO-string timestamp', { timestamp: new Date(NOW).toISOString() }, 'timestamp'],
    ['NaN timestamp', { timestamp: Number.NaN }, 'timestamp'],
    ['unknown source', { source: 'nasdaq' }, 'source'],
    ['missing symbol', { symbol: undefined }, 'symbol'],
    ['missing price', { price: undefined }, 'price'],
    ['missing volume', { volume: undefined }, 'volume'],
    ['missing timestamp', { timestamp: undefined }, 'timestamp'],
    ['missing source', { source: undefined }, 'source'],
  ];

  it.each(cases)('%s', (_label, overrides, path) => {
    const input = validTick(overrides);
    for (const [k, v] of Object.entries(overrides)) if (v === undefined) delete input[k];
    expect(issuePaths(tickSchema, input)).toEqual([path]);
  });

  it('rejects an unknown extra field, reporting it by name as an unrecognized key', () => {
    const result = tickSchema.safeParse(validTick({ exchange: 'XNAS' }));
    expect(result.success).toBe(false);
    const issues = result.error!.issues;
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({ code: 'unrecognized_keys', keys: ['exchange'], path: [] });
  });

  it('lists every unknown extra field', () => {
    const result = tickSchema.safeParse(validTick({ a: 1, b: 2 }));
    expect(result.error!.issues[0]).toMatchObject({ code: 'unrecognized_keys', keys: ['a', 'b'] });
  });

  it('reports several bad fields at once, each at its own path', () => {
    const paths = issuePaths(tickSchema, validTick({ symbol: 'aapl', price: -1, volume: 0.5 }));
    expect(paths.sort()).toEqual(['price', 'symbol', 'volume']);
  });

  it('explains a seconds-vs-milliseconds timestamp', () => {
    const result = tickSchema.safeParse(validTick({ timestamp: Math.floor(NOW / 1000) }));
    expect(result.error!.issues[0]!.message).toMatch(/milliseconds/);
  });

  it('explains a future timestamp', () => {
    const result = tickSchema.safeParse(validTick({ timestamp: NOW + MAX_FUTURE_SKEW_MS + 1 }));
    expect(result.error!.issues[0]!.message).toMatch(/future/);
  });

  it('explains a bad symbol', () => {
    const result = tickSchema.safeParse(validTick({ symbol: 'aapl' }));
    expect(result.error!.issues[0]!.message).toMatch(/upper-case ticker/);
  });

  it('judges the future limit against the current clock, not a value fixed at import', () => {
    const ahead = NOW + 60 * 60_000;
    expect(tickSchema.safeParse(validTick({ timestamp: ahead })).success).toBe(false);
    vi.setSystemTime(ahead);
    expect(tickSchema.safeParse(validTick({ timestamp: ahead })).success).toBe(true);
  });

  it.each([null, undefined, 'tick', 42, []])('rejects a non-object input (%s)', (input) => {
    expect(tickSchema.safeParse(input).success).toBe(false);
  });
});

describe('symbolSchema and SYMBOL_PATTERN', () => {
  it.each(['A', 'AAPL', 'BRK.B', 'BF-B', 'GOOGL', 'ABCDEFGHIJ', 'X1', 'SPY'])('accepts %s', (symbol) => {
    expect(symbolSchema.safeParse(symbol).success).toBe(true);
    expect(SYMBOL_PATTERN.test(symbol)).toBe(true);
  });

  it.each(['', 'a', 'aapl', 'ABCDEFGHIJK', '1A', '-A', '.A', 'A B', 'A_B', 'A/B', 'ÄPFEL', 'AAPL\n'])(
    'rejects %j',
    (symbol) => {
      expect(symbolSchema.safeParse(symbol).success).toBe(false);
    },
  );
});

describe('tickTimestampSchema', () => {
  it('accepts integer epoch milliseconds between 2000 and now + 5 minutes', () => {
    expect(tickTimestampSchema.safeParse(EARLIEST).success).toBe(true);
    expect(tickTimestampSchema.safeParse(NOW).success).toBe(true);
    expect(tickTimestampSchema.safeParse(NOW + MAX_FUTURE_SKEW_MS).success).toBe(true);
  });

  it('rejects values just outside the window', () => {
    expect(tickTimestampSchema.safeParse(EARLIEST - 1).success).toBe(false);
    expect(tickTimestampSchema.safeParse(NOW + MAX_FUTURE_SKEW_MS + 1).success).toBe(false);
  });
});

describe('tickSourceSchema', () => {
  it('knows exactly the three sources', () => {
    expect(TICK_SOURCES).toEqual(['simulator', 'polygon_websocket', 'http_ingest']);
    expect(tickSourceSchema.safeParse('http_ingest').success).toBe(true);
    expect(tickSourceSchema.safeParse('HTTP_INGEST').success).toBe(false);
  });
});

describe('ingestTickSchema', () => {
  const ingest = { symbol: 'AAPL', timestamp: NOW, price: 1.23, volume: 5 };

  it('accepts a tick without a source', () => {
    expect(ingestTickSchema.safeParse(ingest).success).toBe(true);
  });

  it('rejects a client-supplied source (the server sets it)', () => {
    const result = ingestTickSchema.safeParse({ ...ingest, source: 'simulator' });
    expect(result.success).toBe(false);
    expect(result.error!.issues[0]).toMatchObject({ code: 'unrecognized_keys', keys: ['source'] });
  });

  it('applies the same field rules as tickSchema', () => {
    expect(issuePaths(ingestTickSchema, { ...ingest, symbol: 'aapl' })).toEqual(['symbol']);
    expect(issuePaths(ingestTickSchema, { ...ingest, price: 0 })).toEqual(['price']);
    expect(issuePaths(ingestTickSchema, { ...ingest, volume: 1.5 })).toEqual(['volume']);
    expect(issuePaths(ingestTickSchema, { ...ingest, timestamp: NOW / 1000 })).toEqual(['timestamp']);
  });
});

describe('ingestBodySchema', () => {
  const ingest = { symbol: 'AAPL', timestamp: NOW, price: 1.23, volume: 5 };

  it('accepts a single tick', () => {
    expect(ingestBodySchema.safeParse(ingest).success).toBe(true);
  });

  it('accepts an array of ticks', () => {
    expect(ingestBodySchema.safeParse([ingest, { ...ingest, symbol: 'MSFT' }]).success).toBe(true);
  });

  it('rejects an empty array', () => {
    expect(ingestBodySchema.safeParse([]).success).toBe(false);
  });

  it('rejects an array with one bad tick', () => {
    expect(ingestBodySchema.safeParse([ingest, { ...ingest, price: -1 }]).success).toBe(false);
  });

  it('leaves the batch-size limit to the HTTP layer (MAX_INGEST_BATCH is 1000)', () => {
    expect(MAX_INGEST_BATCH).toBe(1000);
    const big = Array.from({ length: MAX_INGEST_BATCH + 1 }, () => ingest);
    expect(ingestBodySchema.safeParse(big).success).toBe(true);
  });
});

describe('candle intervals', () => {
  it('lists the intervals and their lengths in milliseconds', () => {
    expect(CANDLE_INTERVALS).toEqual(['1s', '1m', '5m', '15m', '1h']);
    expect(Object.keys(CANDLE_INTERVAL_MS)).toEqual([...CANDLE_INTERVALS]);
    expect(CANDLE_INTERVAL_MS).toEqual({ '1s': 1_000, '1m': 60_000, '5m': 300_000, '15m': 900_000, '1h': 3_600_000 });
  });

  it('has each longer interval a whole multiple of the shorter ones', () => {
    const lengths = CANDLE_INTERVALS.map((i) => CANDLE_INTERVAL_MS[i]);
    for (let i = 1; i < lengths.length; i++) expect(lengths[i]! % lengths[i - 1]!).toBe(0);
  });

  it('candleIntervalSchema accepts only the listed intervals', () => {
    for (const interval of CANDLE_INTERVALS) expect(candleIntervalSchema.safeParse(interval).success).toBe(true);
    for (const bad of ['1d', '30s', '1M', '', '60000']) expect(candleIntervalSchema.safeParse(bad).success).toBe(false);
  });
});

describe('candleQuerySchema', () => {
  it('defaults the interval to 1m', () => {
    expect(candleQuerySchema.parse({})).toEqual({ interval: '1m' });
  });

  it('coerces from/to query strings to numbers', () => {
    expect(candleQuerySchema.parse({ interval: '5m', from: '1000', to: '2000' })).toEqual({
      interval: '5m',
      from: 1000,
      to: 2000,
    });
  });

  it('rejects an unknown interval, negative or fractional bounds, and unknown parameters at their paths', () => {
    expect(issuePaths(candleQuerySchema, { interval: '1d' })).toEqual(['interval']);
    expect(issuePaths(candleQuerySchema, { from: '-1' })).toEqual(['from']);
    expect(issuePaths(candleQuerySchema, { to: '1.5' })).toEqual(['to']);
    expect(issuePaths(candleQuerySchema, { to: 'abc' })).toEqual(['to']);
    expect(candleQuerySchema.safeParse({ limit: '5' }).success).toBe(false);
  });
});

describe('tickRangeQuerySchema', () => {
  it('defaults limit to 100', () => {
    expect(tickRangeQuerySchema.parse({})).toEqual({ limit: 100 });
  });

  it('coerces numeric query strings and keeps the cursor', () => {
    expect(tickRangeQuerySchema.parse({ from: '1', to: '2', limit: '1000', cursor: 'abc' })).toEqual({
      from: 1,
      to: 2,
      limit: 1000,
      cursor: 'abc',
    });
  });

  it('rejects limit outside 1..1000 at the limit path', () => {
    expect(issuePaths(tickRangeQuerySchema, { limit: '0' })).toEqual(['limit']);
    expect(issuePaths(tickRangeQuerySchema, { limit: '1001' })).toEqual(['limit']);
    expect(issuePaths(tickRangeQuerySchema, { limit: '2.5' })).toEqual(['limit']);
  });

  it('rejects a cursor longer than 512 characters', () => {
    expect(issuePaths(tickRangeQuerySchema, { cursor: 'x'.repeat(513) })).toEqual(['cursor']);
    expect(tickRangeQuerySchema.safeParse({ cursor: 'x'.repeat(512) }).success).toBe(true);
  });

  it('rejects unknown parameters', () => {
    expect(tickRangeQuerySchema.safeParse({ interval: '1m' }).success).toBe(false);
  });
});

describe('tickExpiresAt and liveFrom', () => {
  it('agree: a tick is live at `now` exactly when it is at or after liveFrom(now)', () => {
    const ttl = 86_400;
    const now = 1_795_000_123_456;
    const from = liveFrom(now, ttl);
    for (const timestamp of [from - 1001, from - 1, from, from + 1, from + 999, now]) {
      expect(tickExpiresAt(timestamp, ttl) > Math.floor(now / 1000)).toBe(timestamp >= from);
    }
  });
});
