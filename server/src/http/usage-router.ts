import { Router } from 'express';
import type { UsagePrices, UsageReport } from '@tickwatch/shared';
import type { TableSizes } from '../store/table-sizes.js';
import { usageReport } from '../usage/usage-report.js';
import type { UsageWindows } from '../usage/usage-ledger.js';
import { requireOperatorKey } from './operator-key.js';

export interface UsageDeps {
  /** METRICS_API_KEY and the ingest key. */
  keys: string[];
  scope: UsageReport['scope'];
  store: UsageReport['store'];
  prices: UsagePrices | { missing: string };
  /** Consumed units over the last hour and the last 24 h up to `at`. */
  windows(at: number): Promise<UsageWindows> | UsageWindows;
  sizes(): Promise<TableSizes>;
  now?: () => number;
}

/** GET /api/usage (METRICS_API_KEY or the ingest key): consumed units per table over the last hour and 24 h, and their monthly price. */
export function usageRouter(deps: UsageDeps): Router {
  const router = Router();
  const now = deps.now ?? Date.now;
  router.get('/usage', requireOperatorKey(...deps.keys), async (_req, res) => {
    const at = now();
    const [{ lastHour, last24h }, sizes] = await Promise.all([deps.windows(at), deps.sizes()]);
    res.set('Cache-Control', 'no-store');
    res.json(usageReport({ scope: deps.scope, store: deps.store, prices: deps.prices, lastHour, last24h, sizes }));
  });
  return router;
}
