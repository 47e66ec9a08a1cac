import { Router } from 'express';
import { ListTablesCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { HealthReport } from '@tickwatch/shared';
import type { TickFeed } from '../feeds/feed.js';
import type { TickPipeline } from '../ingest/tick-pipeline.js';
import type { StoreConfig } from '../config.js';

export interface HealthDeps {
  dynamo: DynamoDBClient;
  store: StoreConfig;
  feed: TickFeed;
  pipeline: TickPipeline;
  startedAt: number;
}

/** Store reachability, feed state and persistence backlog: what an operator needs to tell "slow" from "down". */
export function healthRouter(deps: HealthDeps): Router {
  const router = Router();
  router.get('/health', async (_req, res) => {
    const reachable = await deps.dynamo
      .send(new ListTablesCommand({ Limit: 1 }), { abortSignal: AbortSignal.timeout(2000) })
      .then(() => true)
      .catch(() => false);
    const feed = deps.feed.status();
    const queue = deps.pipeline.stats();
    const report: HealthReport = {
      status: reachable && feed.state !== 'failed' ? 'ok' : 'degraded',
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
      },
      uptimeSeconds: Math.round((Date.now() - deps.startedAt) / 1000),
    };
    res.status(report.status === 'ok' ? 200 : 503).json(report);
  });
  return router;
}
