import { Router } from 'express';
import type { ClusterHealth, HealthReport } from '@tickwatch/shared';
import type { StoreConfig } from '../config.js';
import type { TickFeed } from '../feeds/feed.js';
import type { TickPipeline } from '../ingest/tick-pipeline.js';
import type { WarmingStatus } from '../market/minute-bars-warmer.js';

export interface HealthDeps {
  /** Whether the store answers within the given time. */
  reachable(timeoutMs: number): Promise<boolean>;
  store: StoreConfig;
  feed: TickFeed;
  /** Where ticks wait for the store: the pipeline's queue, or in a cluster the owned shards' (ClusterNode). */
  persistence: Pick<TickPipeline, 'stats'>;
  engine: { readonly deadLettered: number; readonly backlog: number };
  /** The reading of stored days into the minute bars after a restart. */
  candles: () => WarmingStatus;
  startedAt: number;
  /** Cluster mode: this process's part in the cluster. */
  cluster?: () => ClusterHealth;
}

/** Store reachability, feed state and persistence backlog: what an operator needs to tell "slow" from "down". */
export function healthRouter(deps: HealthDeps): Router {
  const router = Router();
  router.get('/health', async (_req, res) => {
    const reachable = await deps.reachable(2000);
    const feed = deps.feed.status();
    const queue = deps.persistence.stats();
    const cluster = deps.cluster?.();
    const report: HealthReport = {
      status: reachable && feed.state !== 'failed' && cluster?.redis !== 'unreachable' ? 'ok' : 'degraded',
      store: {
        mode: deps.store.mode,
        reachable,
        ...(deps.store.mode === 'external' ? { endpoint: deps.store.endpoint } : {}),
      },
      feed,
      persistence: {
        queued: queue.queued,
        capacity: queue.capacity,
        written: queue.written,
        dropped: queue.dropped,
        failedBatches: queue.failedBatches,
        deadLettered: queue.deadLettered,
      },
      alerts: { queued: deps.engine.backlog, deadLettered: deps.engine.deadLettered },
      candles: deps.candles(),
      uptimeSeconds: Math.round((Date.now() - deps.startedAt) / 1000),
      ...(cluster ? { cluster } : {}),
    };
    res.status(report.status === 'ok' ? 200 : 503).json(report);
  });
  return router;
}
