import { Router } from 'express';
import type { Registry } from 'prom-client';
import { requireOperatorKey } from './operator-key.js';

/**
 * GET /metrics in Prometheus's text format, on the server's own port behind METRICS_API_KEY (or the ingest key): one
 * port to expose
 * and secure, reachable through the same load balancer as each process, and Prometheus sends the key as a bearer
 * token (`authorization: { credentials: … }` in the scrape config). docs/cost.md lists the metrics.
 */
export function metricsRouter(deps: { registry: Registry; keys: string[] }): Router {
  const router = Router();
  router.get('/metrics', requireOperatorKey(...deps.keys), async (_req, res) => {
    res.set('Content-Type', deps.registry.contentType);
    res.set('Cache-Control', 'no-store');
    res.send(await deps.registry.metrics());
  });
  return router;
}
