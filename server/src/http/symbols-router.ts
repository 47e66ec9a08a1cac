import { Router } from 'express';
import { z } from 'zod';
import { symbolSchema, type SymbolHealthList, type Tick } from '@tickwatch/shared';
import type { FeedHealth } from '../market/feed-health.js';
import type { MarketState } from '../market/market-state.js';
import { parseOrThrow } from './validate.js';

const symbolParams = z.object({ symbol: symbolSchema });

export interface SymbolsRouterDeps {
  market: MarketState;
  health: FeedHealth;
  now?: () => number;
}

/**
 * The symbols the server knows, public like prices: each traded symbol's latest tick (`items`) and the feed health
 * (`symbols`) of every symbol traded or named by the feed. Symbols users alert on or subscribe to are not listed
 * (that would tell anyone what others watch); `GET /api/symbols/:symbol` answers for any symbol.
 */
export function symbolsRouter({ market, health, now = Date.now }: SymbolsRouterDeps): Router {
  const router = Router();

  router.get('/symbols', (_req, res) => {
    const at = now();
    const names = [...health.symbols()].sort();
    const body: { items: Tick[] } & SymbolHealthList = {
      items: market.symbols().map((symbol) => market.latest(symbol)!),
      symbols: names.map((symbol) => health.state(symbol, at)),
    };
    res.json(body);
  });

  router.get('/symbols/:symbol', (req, res) => {
    const { symbol } = parseOrThrow(symbolParams, req.params, 'params');
    res.json(health.state(symbol, now()));
  });

  return router;
}
