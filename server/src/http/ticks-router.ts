import { Router } from 'express';
import { z } from 'zod';
import {
  CANDLE_INTERVAL_MS,
  MAX_INGEST_BATCH,
  barStart,
  candleQuerySchema,
  ingestTickSchema,
  symbolSchema,
  quotesQuerySchema,
  tickRangeQuerySchema,
  type Candle,
  type Quote,
  type Tick,
  type TickPage,
} from '@tickwatch/shared';
import { notFound, payloadTooLarge, unavailable, validationFailed } from '../errors.js';
import type { TickCounts } from '../ingest/tick-counts.js';
import { IngestUnavailableError, type TickIntake } from '../ingest/tick-pipeline.js';
import { CandleAggregator, rollUp } from '../market/candles.js';
import type { MarketState } from '../market/market-state.js';
import { MINUTE_MS, type MinuteBars, type TimeRange } from '../market/minute-bars.js';
import { WarmingStoppedError, type MinuteBarsWarmer } from '../market/minute-bars-warmer.js';
import { SECOND_MS } from '../store/second-aggregator.js';
import { TICK_TTL_SECONDS } from '../store/tables.js';
import { presentStored, presentTick, type TicksRepository } from '../store/ticks-repository.js';
import { requireOperatorKey } from './operator-key.js';
import { parseOrThrow, withCursor } from './validate.js';

/** Bars per candles response at most; a wider range must use a coarser interval. */
export const MAX_CANDLES = 5000;

const symbolParams = z.object({ symbol: symbolSchema });

export interface TicksRouterDeps {
  /** Where accepted ticks go: the pipeline, or in a cluster the tick log. */
  intake: TickIntake;
  market: MarketState;
  bars: MinuteBars;
  /** Reads what an earlier run stored into the minute bars, once per symbol. */
  warmer: MinuteBarsWarmer;
  ticks: TicksRepository;
  ingestApiKey: string;
  /** Ticks posted, and whether each batch was accepted or refused. */
  counts: TickCounts;
  now?: () => number;
}

export function ticksRouter({
  intake,
  market,
  bars,
  warmer,
  ticks,
  ingestApiKey,
  counts,
  now = Date.now,
}: TicksRouterDeps): Router {
  const router = Router();

  router.post('/ticks', requireOperatorKey(ingestApiKey), async (req, res) => {
    const posted = Array.isArray(req.body) ? req.body.length : 1;
    counts.add('received', 'http_ingest', posted);
    let received: z.infer<typeof ingestTickSchema>[];
    try {
      received = parseIngestBody(req.body);
    } catch (err) {
      counts.add('refused', 'http_ingest', posted);
      throw err;
    }
    const batch: Tick[] = received.map((t) => ({ ...t, source: 'http_ingest' }));
    try {
      const result = await intake.ingest(batch);
      counts.add('accepted', 'http_ingest', result.accepted);
      res.status(202).json(result);
    } catch (err) {
      counts.add('refused', 'http_ingest', posted);
      if (err instanceof IngestUnavailableError) {
        res.setHeader('Retry-After', '1');
        throw unavailable(err.publicMessage);
      }
      throw err;
    }
  });

  /** The market's latest price, else the store's newest live tick (one another process stored). */
  async function latestOrThrow(symbol: string): Promise<Tick> {
    const live = market.latest(symbol);
    if (live) return live;
    const stored = await ticks.latest(symbol);
    if (!stored) throw notFound(`No ticks for ${symbol} in the last 24 hours`);
    return presentTick(stored);
  }

  router.get('/ticks/:symbol/latest', async (req, res) => {
    const { symbol } = parseOrThrow(symbolParams, req.params, 'params');
    res.json(await latestOrThrow(symbol));
  });

  router.get('/ticks/:symbol/candles', async (req, res) => {
    const { symbol } = parseOrThrow(symbolParams, req.params, 'params');
    const query = parseOrThrow(candleQuerySchema, req.query, 'query');
    const intervalMs = CANDLE_INTERVAL_MS[query.interval];
    // Whole seconds at both ends: with TICK_STORE=seconds a stored second cannot be split, and both modes must agree.
    const to = barStart(query.to ?? now(), SECOND_MS) + SECOND_MS - 1;
    const from = barStart(
      query.from ?? Math.max(0, to - Math.min(TICK_TTL_SECONDS * 1000, intervalMs * 300)),
      SECOND_MS,
    );
    if (from > to) throw validationFailed([{ path: 'from', message: 'must not be after to' }]);
    if ((to - from) / intervalMs > MAX_CANDLES) {
      throw validationFailed([
        {
          path: 'interval',
          message: `range spans more than ${MAX_CANDLES} bars; use a coarser interval or a shorter range`,
        },
      ]);
    }
    res.json({ symbol, interval: query.interval, from, to, candles: await candles(symbol, intervalMs, { from, to }) });
  });

  /**
   * Whole minutes come from the minute bars; finer candles, and a minute cut by the range whose bar also holds
   * trades outside it, from stored ticks. Either way the candles are those of the stored ticks in the range.
   */
  async function candles(symbol: string, intervalMs: number, range: TimeRange): Promise<Candle[]> {
    if (intervalMs % MINUTE_MS !== 0) return (await fromStore(symbol, range, intervalMs)).result();
    try {
      await warmer.ready(symbol, range.from);
    } catch (err) {
      if (err instanceof WarmingStoppedError) throw unavailable('The server is shutting down; retry shortly');
      throw err;
    }
    const slice = bars.slice(symbol, range.from, range.to);
    const before = slice.before ? (await fromStore(symbol, slice.before, MINUTE_MS)).bars() : [];
    const after = slice.after ? (await fromStore(symbol, slice.after, MINUTE_MS)).bars() : [];
    return rollUp([...before, ...slice.bars, ...after], intervalMs);
  }

  async function fromStore(symbol: string, range: TimeRange, intervalMs: number): Promise<CandleAggregator> {
    const aggregator = new CandleAggregator(intervalMs);
    await ticks.readSpans(symbol, range, (span) => aggregator.addSpan(span));
    return aggregator;
  }

  router.get('/ticks/:symbol', async (req, res) => {
    const { symbol } = parseOrThrow(symbolParams, req.params, 'params');
    const query = parseOrThrow(tickRangeQuerySchema, req.query, 'query');
    if (query.from !== undefined && query.to !== undefined && query.from > query.to) {
      throw validationFailed([{ path: 'from', message: 'must not be after to' }]);
    }
    await latestOrThrow(symbol);
    const page = await withCursor(() =>
      ticks.queryNewestFirst({
        symbol,
        limit: query.limit,
        ...(query.from !== undefined ? { from: query.from } : {}),
        ...(query.to !== undefined ? { to: query.to } : {}),
        ...(query.cursor !== undefined ? { cursor: query.cursor } : {}),
      }),
    );
    const body: TickPage = {
      items: page.items.map(presentStored),
      ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}),
    };
    res.json(body);
  });

  router.get('/quotes', (req, res) => {
    const { symbols } = parseOrThrow(quotesQuerySchema, req.query, 'query');
    const quotes: Quote[] = symbols.map((symbol) => ({
      symbol,
      last: market.latest(symbol) ?? null,
      day: market.dayBar(symbol),
    }));
    res.json({ items: quotes });
  });

  return router;
}

function parseIngestBody(body: unknown): z.infer<typeof ingestTickSchema>[] {
  if (!Array.isArray(body)) return [parseOrThrow(ingestTickSchema, body, 'body')];
  if (body.length === 0) throw validationFailed([{ path: '', message: 'must hold at least one tick' }]);
  if (body.length > MAX_INGEST_BATCH) {
    throw payloadTooLarge(`At most ${MAX_INGEST_BATCH} ticks per request; got ${body.length}`);
  }
  return parseOrThrow(z.array(ingestTickSchema), body, 'body');
}
