import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import type { TickCounts } from '../ingest/tick-counts.js';
import type { WriteQueueStats } from '../ingest/write-queue.js';
import type { CapacityMeter } from '../store/consumed-capacity.js';

/**
 * Where each figure comes from. The parts keep plain running counts of their own (a field incremented on the path it
 * counts); the registry reads them only when scraped, so metrics add nothing to the tick path but a scrape.
 */
export interface MetricSources {
  capacity: CapacityMeter;
  /** Fires claimed in the store since start-up. */
  firesRecorded(): number;
  deliveries(): { channel: string; status: string; count: number }[];
  /** Sockets connected to this process: on a public widget feed, or signed in to a dashboard. */
  sockets(): { public: number; signedIn: number };
  /** Price frames written to sockets since start-up. */
  framesSent(): number;
  ticks(): ReturnType<TickCounts['snapshot']>;
  /** The queue of ticks on their way to the store (in a cluster, the owned shards'). */
  writeQueue(): WriteQueueStats;
}

/**
 * The Prometheus registry behind GET /metrics: a registry of its own per server (tests run several in one process),
 * with prom-client's default process metrics (event-loop lag, memory, CPU, GC) beside ours.
 */
export function createMetricsRegistry(sources: MetricSources): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });

  runningCount(
    registry,
    'tickwatch_dynamodb_consumed_units_total',
    'DynamoDB capacity units consumed, by table, API operation and kind (read/write). source="reported": the ' +
      'store\'s own ConsumedCapacity; source="computed": by DynamoDB\'s billing rules where the store reports none ' +
      '(docs/cost.md)',
    ['table', 'operation', 'kind', 'source'],
    () =>
      sources.capacity.totals().map((c) => ({
        labels: { table: c.table, operation: c.operation, kind: c.kind, source: c.source },
        value: c.units,
      })),
  );
  runningCount(
    registry,
    'tickwatch_ticks_total',
    'Ticks by source and outcome: received, accepted (taken for storage), refused (the sender was told), dropped ' +
      '(a feed tick shown live, not taken for storage), stored (in the ticks table) and dead_lettered (accepted, then ' +
      'refused by the store for good)',
    ['source', 'outcome'],
    () => sources.ticks().map((t) => ({ labels: { source: t.source, outcome: t.outcome }, value: t.count })),
  );
  level(
    registry,
    'tickwatch_tick_write_queue_depth',
    'Ticks waiting for the store or being written (in a cluster, of the shards this process owns)',
    () => sources.writeQueue().queued,
  );
  level(
    registry,
    'tickwatch_tick_write_queue_capacity',
    'Ticks the write queue holds before ingest answers 503 and feed ticks are dropped (PERSIST_QUEUE_CAPACITY)',
    () => sources.writeQueue().capacity,
  );
  level(
    registry,
    'tickwatch_tick_write_queue_oldest_age_seconds',
    'How long the oldest tick not yet written has been waiting; 0 when the queue is empty',
    () => sources.writeQueue().oldestAgeMs / 1000,
  );
  runningCount(
    registry,
    'tickwatch_fires_recorded_total',
    'Alert fires claimed in the store (each handed to delivery once)',
    [],
    () => [{ labels: {}, value: sources.firesRecorded() }],
  );
  runningCount(
    registry,
    'tickwatch_deliveries_total',
    'Notification deliveries by channel and outcome: sent, failed, or retried (an attempt failed, another follows)',
    ['channel', 'status'],
    () => sources.deliveries().map((d) => ({ labels: { channel: d.channel, status: d.status }, value: d.count })),
  );
  new Gauge({
    name: 'tickwatch_sockets_connected',
    help: 'Socket.IO connections to this process: public (widgets, no sign-in) and signed_in (dashboards)',
    labelNames: ['kind'] as const,
    registers: [registry],
    collect() {
      const sockets = sources.sockets();
      this.labels({ kind: 'public' }).set(sockets.public);
      this.labels({ kind: 'signed_in' }).set(sockets.signedIn);
    },
  });
  runningCount(
    registry,
    'tickwatch_socket_frames_total',
    'Price frames written to sockets by this process (rate() of it is frames per second)',
    [],
    () => [{ labels: {}, value: sources.framesSent() }],
  );
  return registry;
}

/**
 * A counter whose samples are running totals a part keeps itself, read at each scrape: prom-client counters only add,
 * so the scrape starts from zero and adds each total.
 */
function runningCount(
  registry: Registry,
  name: string,
  help: string,
  labelNames: string[],
  read: () => { labels: Record<string, string>; value: number }[],
): void {
  new Counter({
    name,
    help,
    labelNames,
    registers: [registry],
    collect() {
      this.reset();
      for (const { labels, value } of read()) this.labels(labels).inc(value);
    },
  });
}

/** A gauge read at each scrape. */
function level(registry: Registry, name: string, help: string, read: () => number): void {
  new Gauge({
    name,
    help,
    registers: [registry],
    collect() {
      this.set(read());
    },
  });
}
