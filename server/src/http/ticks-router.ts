import { Router } from 'express';
import { z } from 'zod';
import {
  CANDLE_INTERVAL_MS,
  MAX_INGEST_BATCH,
  candleQuerySchema,
  ingestTickSchema,
  symbolSchema,
  quotesQuerySchema,
  tickRangeQuerySchema,
  type Quote,
  type Tick,
  type TickPage,
} from '@tickwatch/shared';
import { notFound, payloadTooLarge, unavailable, validationFailed } from '../errors.js';
import { PersistenceFullError, type TickPipeline } from '../ingest/tick-pipeline.js';
import { CandleAggregator } from '../market/candles.js';
import type { MarketState } from '../market/market-state.js';
import { TICK_TTL_SECONDS } from '../store/tables.js';
import { presentTick, type TicksRepository } from '../store/ticks-repository.js';
import { requireOperatorKey } from './operator-key.js';
import { parseOrThrow, withCursor } from './validate.js';

/** Bars per candles response at most; a wider range must use a coarser interval. */
export const MAX_CANDLES = 5000;

const symbolParams = z.object({ symbol: symbolSchema });

export interface TicksRouterDeps {
  pipeline: TickPipeline;
  market: MarketState;
  ticks: TicksRepository;
  ingestApiKey: string;
  now?: () => number;
}

export function ticksRouter({ pipeline, market, ticks, ingestApiKey, now = Date.now }: TicksRouterDeps): Router {
  const router = Router();

  router.post('/ticks', requireOperatorKey(ingestApiKey), (req, res) => {
    const received = parseIngestBody(req.body);
    const batch: Tick[] = received.map((t) => ({ ...t, source: 'http_ingest' }));
    try {
      res.status(202).json(pipeline.ingest(batch));
    } catch (err) {
      if (err instanceof PersistenceFullError) {
        res.setHeader('Retry-After', '1');
        throw unavailable('The store is behind and cannot take more ticks right now; retry the same batch shortly');
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
    await latestOrThrow(symbol);
    const intervalMs = CANDLE_INTERVAL_MS[query.interval];
    const to = query.to ?? now();
    const from = query.from ?? Math.max(0, to - Math.min(TICK_TTL_SECONDS * 1000, intervalMs * 300));
    if (from > to) throw validationFailed([{ path: 'from', message: 'must not be after to' }]);
    if ((to - from) / intervalMs > MAX_CANDLES) {
      throw validationFailed([
        {
          path: 'interval',
          message: `range spans more than ${MAX_CANDLES} bars; use a coarser interval or a shorter range`,
        },
      ]);
    }
    const aggregator = new CandleAggregator(intervalMs);
    for await (const page of ticks.scanOldestFirst({ symbol, from, to })) {
      for (const item of page) aggregator.add(presentTick(item), item.timestamp);
    }
    res.json({ symbol, interval: query.interval, from, to, candles: aggregator.result() });
  });

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
      items: page.items.map(presentTick),
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

  router.get('/symbols', (_req, res) => {
    res.json({ items: market.symbols().map((symbol) => market.latest(symbol)) });
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
