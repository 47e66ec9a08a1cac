import { Router } from 'express';
import { z } from 'zod';
import { fundamentalsSchema, symbolSchema } from '@tickwatch/shared';
import type { AlertChanges } from '../engine/alert-changes.js';
import type { FundamentalsRepository } from '../store/fundamentals-repository.js';
import { type Authenticator } from '../auth/authenticator.js';
import { requireUser } from './require-user.js';
import { notFound } from '../errors.js';
import { requireOperatorKey } from './operator-key.js';
import { parseOrThrow } from './validate.js';

const symbolParams = z.object({ symbol: symbolSchema });

/** Per-symbol fundamentals for fundamental conditions: operators write them, signed-in traders read them. */
export function fundamentalsRouter(deps: {
  auth: Authenticator;
  fundamentals: FundamentalsRepository;
  changes: AlertChanges;
  operatorKey: string;
  now?: () => number;
}): Router {
  const router = Router();
  const now = deps.now ?? Date.now;

  router.put('/fundamentals/:symbol', requireOperatorKey(deps.operatorKey), async (req, res) => {
    const { symbol } = parseOrThrow(symbolParams, req.params, 'params');
    const fundamentals = parseOrThrow(fundamentalsSchema, req.body, 'body');
    await deps.fundamentals.put({ symbol, ...fundamentals, updated_at: Math.floor(now() / 1000) });
    deps.changes.fundamentalsChanged(symbol, fundamentals);
    res.json({ symbol, ...fundamentals });
  });

  router.get('/fundamentals/:symbol', requireUser(deps.auth), async (req, res) => {
    const { symbol } = parseOrThrow(symbolParams, req.params, 'params');
    const item = await deps.fundamentals.get(symbol);
    if (!item) throw notFound(`No fundamentals loaded for ${symbol}`);
    const { updated_at: _updatedAt, ...body } = item;
    res.json(body);
  });

  return router;
}
