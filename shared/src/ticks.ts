import { z } from 'zod';
import { storable } from './numbers.js';

/** Exchange ticker syntax: upper-case letters, digits, and the class/suffix separators '.' and '-'. */
export const SYMBOL_PATTERN = /^[A-Z][A-Z0-9.-]{0,9}$/;

export const symbolSchema = z.string().regex(SYMBOL_PATTERN, 'must be an upper-case ticker such as AAPL or BRK.B');

/**
 * Ticks older than this are not accepted: the store keeps 24 h, and anything older than a week is almost
 * certainly a seconds-vs-milliseconds mix-up.
 */
const EARLIEST_TIMESTAMP_MS = Date.UTC(2000, 0, 1);
/** Clock skew tolerated for ticks stamped by another machine. */
export const MAX_FUTURE_SKEW_MS = 5 * 60 * 1000;

export const tickTimestampSchema = storable(
  z
    .number()
    .int('must be an integer number of milliseconds')
    .refine(
      (ms) => ms >= EARLIEST_TIMESTAMP_MS,
      'must be epoch milliseconds (this looks like seconds or is before 2000)',
    )
    .refine((ms) => ms <= Date.now() + MAX_FUTURE_SKEW_MS, 'must not be more than 5 minutes in the future'),
);

/**
 * Prices outside these bounds are typos (a misplaced decimal point, cents sent as dollars, a raw fixed-point
 * integer) rather than trades: the cheapest listed instruments trade at fractions of a cent and the dearest share
 * (BRK.A) near 1e6, so the bounds leave three orders of magnitude on either side.
 */
export const MIN_PRICE = 1e-6;
export const MAX_PRICE = 1e9;
/** Shares in one trade: a whole day's volume of the busiest stock is about 1e10. */
export const MAX_VOLUME = 1e12;
/** The latest instant a JavaScript Date can hold (year 275760): the upper bound of every epoch-ms query number. */
export const MAX_EPOCH_MS = 8.64e15;

export const priceSchema = storable(
  z
    .number()
    .min(MIN_PRICE, `must be at least ${MIN_PRICE} (a smaller price is surely a typo)`)
    .max(MAX_PRICE, `must be at most ${MAX_PRICE} (a larger price is surely a typo)`),
);

export const TICK_SOURCES = ['simulator', 'polygon_websocket', 'http_ingest'] as const;
export const tickSourceSchema = z.enum(TICK_SOURCES);

export const tickSchema = z.strictObject({
  symbol: symbolSchema,
  timestamp: tickTimestampSchema,
  price: priceSchema,
  volume: storable(
    z.number().int('must be a whole number of shares').nonnegative().max(MAX_VOLUME, `must be at most ${MAX_VOLUME}`),
  ),
  source: tickSourceSchema,
});
export type Tick = z.infer<typeof tickSchema>;

/** What a client posts to the ingest API: the source is set by the server, never trusted from the body. */
export const ingestTickSchema = tickSchema.omit({ source: true });
export type IngestTick = z.infer<typeof ingestTickSchema>;

export const MAX_INGEST_BATCH = 1000;
export const ingestBodySchema = z.union([ingestTickSchema, z.array(ingestTickSchema).min(1)]);

export const CANDLE_INTERVALS = ['1s', '1m', '5m', '15m', '1h'] as const;
export const candleIntervalSchema = z.enum(CANDLE_INTERVALS);
export type CandleInterval = z.infer<typeof candleIntervalSchema>;
export const CANDLE_INTERVAL_MS: Record<CandleInterval, number> = {
  '1s': 1_000,
  '1m': 60_000,
  '5m': 300_000,
  '15m': 900_000,
  '1h': 3_600_000,
};

/** Epoch milliseconds in a query string. */
export const epochMsQuery = storable(z.coerce.number().int().nonnegative().max(MAX_EPOCH_MS));
/** A page size in a query string. */
export const limitQuery = (max: number) => storable(z.coerce.number().int().min(1).max(max));

export const tickRangeQuerySchema = z.strictObject({
  from: epochMsQuery.optional(),
  to: epochMsQuery.optional(),
  limit: limitQuery(1000).default(100),
  cursor: z.string().max(512).optional(),
});

export const candleQuerySchema = z.strictObject({
  interval: candleIntervalSchema.default('1m'),
  from: epochMsQuery.optional(),
  to: epochMsQuery.optional(),
});

/**
 * A stored tick as the range API (`GET /api/ticks/:symbol`) returns it. With TICK_STORE=trades, and for ticks stored
 * before it, one trade. With TICK_STORE=seconds, one traded second of the symbol: `timestamp`, `price` and `source`
 * are its last trade's, `volume` its total, and `open`, `high`, `low` and `trades` (the trade count) are present.
 */
export const storedTickSchema = tickSchema.extend({
  open: priceSchema.optional(),
  high: priceSchema.optional(),
  low: priceSchema.optional(),
  trades: z.number().int().positive().optional(),
});
export type StoredTick = z.infer<typeof storedTickSchema>;

export interface TickPage {
  items: StoredTick[];
  /** Opaque; pass back as `cursor` for the next (older) page. Absent on the last page. */
  nextCursor?: string;
}

export const MAX_WATCHLIST = 50;
export const watchlistSchema = z.strictObject({
  symbols: z
    .array(symbolSchema)
    .max(MAX_WATCHLIST, `at most ${MAX_WATCHLIST} symbols`)
    .refine((list) => new Set(list).size === list.length, 'must not repeat a symbol'),
});
export type Watchlist = z.infer<typeof watchlistSchema>;

export const quotesQuerySchema = z.strictObject({
  symbols: z
    .string()
    .transform((raw) =>
      raw
        .split(',')
        .map((s) => s.trim().toUpperCase())
        .filter(Boolean),
    )
    .pipe(z.array(symbolSchema).min(1).max(MAX_WATCHLIST)),
});

/**
 * The epoch second a stored tick expires (its `ttl`): it is returned while this is later than now. One rule for the
 * store, which writes it, and for anything in memory that must agree with what the store still returns.
 */
export function tickExpiresAt(timestamp: number, ttlSeconds: number): number {
  return Math.floor(timestamp / 1000) + ttlSeconds;
}

/** The first millisecond whose ticks the store still returns at `now`: the inverse of `tickExpiresAt`. */
export function liveFrom(now: number, ttlSeconds: number): number {
  return (Math.floor(now / 1000) - ttlSeconds + 1) * 1000;
}
