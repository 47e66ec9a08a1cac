import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { inject } from 'vitest';
import type { Alert, AlertDefinitionInput, HealthReport, NotificationRecord } from '@tickwatch/shared';
import { allNotifications, devLogin, health, postTicks } from '../../src/chaos/api.js';
import type { PlannedTick } from '../../src/chaos/plan.js';
import { preferredOwner, shardOf } from '../../src/cluster/sharding.js';
import { loadConfig } from '../../src/config.js';
import { openStore } from '../../src/store/open-store.js';
import { silentLog, uniquePrefix } from './harness.js';
import { killOnExit } from '../../../scripts/lib/processes.mjs';
import { freePort, stopProcess } from './processes.js';
import { startRedis, type RedisServer } from './redis.js';
import { buildServer, spawnServer } from './server-process.js';

/**
 * A cluster of real server processes for the tests under server/test/cluster: a private redis-server, the run's
 * DynamoDB Local with a table prefix of its own, and N `node server/dist/main.js` sharing them (REDIS_URL), each
 * with a handle that can SIGKILL it like a crashed host. Plus the oracle the failover tests compare the alert
 * history against: the fires a posted tick sequence must make, from docs/alerts.md alone.
 *
 * With CLUSTER_TEST_LOG_DIR set, each node's whole log also goes to `<dir>/<table prefix><node>.log`, to read
 * after a failure.
 */

export const CLUSTER_INGEST_KEY = 'cluster-ingest-key-0123456789';
/** Every tick shard of a test cluster (the server's default). */
export const TICK_SHARDS = 16;
/** How much of each process's output is kept for failure messages. */
const OUTPUT_LIMIT = 256 * 1024;
/** Past the server's own 20 s limit on a graceful shutdown (server/src/main.ts). */
const STOP_GRACE_MS = 25_000;

export interface NodeProcess {
  name: string;
  url: string;
  /** The process id while it runs; what kill -9 and the leftover check use. */
  readonly pid: number | undefined;
  readonly alive: boolean;
  /** Its last output (JSON log lines), across the whole run. */
  output(): string;
  /** SIGKILL, as a crashed host: no shutdown path runs. Resolves once it has exited. */
  kill9(): Promise<void>;
  /** SIGTERM (the clean shutdown, which flushes), SIGKILL after a grace period. */
  stop(): Promise<void>;
}

export interface TestCluster {
  redis: RedisServer;
  nodes: NodeProcess[];
  tablePrefix: string;
  /** The nodes still running. */
  live(): NodeProcess[];
  /** Stops every node, then Redis; resolves with the pids (nodes and Redis) still alive after that, if any. */
  stop(): Promise<number[]>;
}

export interface ClusterOptions {
  nodes?: number;
  /** Added to every node's environment (FEED, SIM_*, LOG_LEVEL …). */
  env?: Record<string, string>;
}

/** Starts Redis, creates the tables, starts the nodes and waits until they have divided the shards among them. */
export async function startCluster(options: ClusterOptions = {}): Promise<TestCluster> {
  const count = options.nodes ?? 3;
  buildServer();
  const redis = await startRedis();
  const tablePrefix = uniquePrefix();
  const nodes: NodeProcess[] = [];
  const cluster: TestCluster = {
    redis,
    nodes,
    tablePrefix,
    live: () => nodes.filter((node) => node.alive),
    async stop() {
      await Promise.all(nodes.map((node) => node.stop()));
      const redisPid = redis.pid;
      await redis.stop();
      return [...nodes.map((node) => node.pid), redisPid].filter(
        (pid): pid is number => pid !== undefined && running(pid),
      );
    },
  };
  try {
    const dynamoEndpoint = inject('dynamoEndpoint');
    // Tables first, as a deployment would (`npm run db:create-tables`), rather than the nodes racing to create them.
    const store = await openStore(
      loadConfig({
        NODE_ENV: 'test',
        LOG_LEVEL: 'silent',
        AUTH_MODE: 'dev',
        DYNAMODB_ENDPOINT: dynamoEndpoint,
        TABLE_PREFIX: tablePrefix,
      }),
      silentLog,
    );
    await store.close();
    const env: Record<string, string> = {
      REDIS_URL: redis.url,
      DYNAMODB_ENDPOINT: dynamoEndpoint,
      TABLE_PREFIX: tablePrefix,
      AUTH_MODE: 'dev',
      JWT_SECRET: crypto.randomBytes(32).toString('base64url'),
      INGEST_API_KEY: CLUSTER_INGEST_KEY,
      TICK_SHARDS: String(TICK_SHARDS),
      FEED: 'none',
      LOG_LEVEL: 'info',
      // One client address (127.0.0.1) makes every request of a test: the limits are not what is tested here.
      RATE_LIMIT_SIGNIN_PER_MINUTE: '10000',
      RATE_LIMIT_ALERT_WRITES_PER_MINUTE: '100000',
      RATE_LIMIT_INGEST_PER_MINUTE: '100000',
      ...options.env,
    };
    for (let i = 1; i <= count; i++) nodes.push(await startNode(`node-${i}`, env));
    await Promise.all(nodes.map((node) => waitUntilHealthy(node)));
    await waitForDivision(nodes);
    return cluster;
  } catch (err) {
    await cluster.stop();
    throw err;
  }
}

function running(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function startNode(name: string, env: Record<string, string>): Promise<NodeProcess> {
  const port = await freePort();
  const spawned = spawnServer({ ...env, PORT: String(port), CLUSTER_NODE_ID: name });
  const child = spawned.child;
  killOnExit(child);
  let output = '';
  const logDir = process.env.CLUSTER_TEST_LOG_DIR;
  const logFile = logDir ? path.join(logDir, `${env.TABLE_PREFIX ?? ''}${name}.log`) : undefined;
  if (logDir) fs.mkdirSync(logDir, { recursive: true });
  const collect = (chunk: Buffer) => {
    if (logFile) fs.appendFileSync(logFile, chunk);
    output += chunk.toString();
    if (output.length > 2 * OUTPUT_LIMIT) output = output.slice(-OUTPUT_LIMIT);
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  const exited = spawned.exited;
  const alive = () => child.exitCode === null && child.signalCode === null;
  return {
    name,
    url: `http://127.0.0.1:${port}`,
    get pid() {
      return alive() ? child.pid : undefined;
    },
    get alive() {
      return alive();
    },
    output: () => output.slice(-OUTPUT_LIMIT),
    async kill9() {
      if (alive()) child.kill('SIGKILL');
      await exited;
    },
    async stop() {
      await stopProcess(child, STOP_GRACE_MS);
      await exited;
    },
  };
}

async function waitUntilHealthy(node: NodeProcess, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!node.alive) throw new Error(`${node.name} exited during start-up:\n${node.output()}`);
    if ((await health(node.url, 2_000))?.status === 'ok') return;
    await sleep(100);
  }
  throw new Error(`${node.name} was not healthy within ${timeoutMs / 1000} s:\n${node.output()}`);
}

/** GET /api/health of a node (200, or 503 with the same report when degraded); undefined when it does not answer. */
export function healthOf(node: NodeProcess, timeoutMs = 2_000): Promise<HealthReport | undefined> {
  return health(node.url, timeoutMs);
}

/** GET /api/health with its HTTP status; undefined when the node does not answer. */
export async function healthWithStatus(
  node: NodeProcess,
  timeoutMs = 2_000,
): Promise<{ http: number; report: HealthReport } | undefined> {
  try {
    const res = await fetch(`${node.url}/api/health`, { signal: AbortSignal.timeout(timeoutMs) });
    return { http: res.status, report: (await res.json()) as HealthReport };
  } catch {
    return undefined;
  }
}

/**
 * Waits until `nodes` (the live ones) see each other and each holds exactly the shards rendezvous hashing gives it
 * among them (server/src/cluster/sharding.ts), so that shard owners are known and stable. Resolves with each
 * node's shards, in the order of `nodes`.
 */
export async function waitForDivision(nodes: readonly NodeProcess[], timeoutMs = 30_000): Promise<number[][]> {
  const deadline = Date.now() + timeoutMs;
  let last = 'no answer yet';
  while (Date.now() < deadline) {
    const reports = await Promise.all(nodes.map((node) => healthOf(node)));
    const clusters = reports.map((report) => report?.cluster);
    if (clusters.every((c) => c !== undefined && c.members === nodes.length)) {
      const instances = clusters.map((c) => c!.node);
      const wanted = instances.map((instance) =>
        Array.from({ length: TICK_SHARDS }, (_, shard) => shard).filter(
          (shard) => preferredOwner(shard, instances) === instance,
        ),
      );
      if (clusters.every((c, i) => JSON.stringify(c!.shards) === JSON.stringify(wanted[i]))) return wanted;
      last = JSON.stringify(clusters.map((c) => c!.shards));
    } else {
      last = JSON.stringify(clusters.map((c) => c?.members));
    }
    await sleep(200);
  }
  throw new Error(`the shards were not divided among ${nodes.length} nodes within ${timeoutMs / 1000} s: ${last}`);
}

/** The node whose shards include the symbol's, by its health report. */
export async function ownerOf(nodes: readonly NodeProcess[], symbol: string): Promise<NodeProcess> {
  const shard = shardOf(symbol, TICK_SHARDS);
  for (const node of nodes) if ((await healthOf(node))?.cluster?.shards.includes(shard)) return node;
  throw new Error(`no node owns shard ${shard} (${symbol})`);
}

/** `count` fresh symbols (`<prefix><n>`) whose shards `pick` accepts. */
export function symbolsWhere(prefix: string, count: number, pick: (shard: number) => boolean): string[] {
  const symbols: string[] = [];
  for (let n = 0; symbols.length < count; n++) {
    if (n > 10_000) throw new Error(`no ${count} symbols ${prefix}… on the wanted shards`);
    const symbol = `${prefix}${n}`;
    if (pick(shardOf(symbol, TICK_SHARDS))) symbols.push(symbol);
  }
  return symbols;
}

export interface Posting {
  /** 503 answers, each retried with the same batch. */
  unavailable: number;
  /** 503 answers without a Retry-After header. */
  withoutRetryAfter: number;
}

/**
 * POSTs one batch to a node until it answers 202: a 503 (Redis unreachable; nothing of the batch was taken) is
 * retried with the same batch after its Retry-After. Any other answer, or none, fails the test.
 */
export async function postUntilAccepted(
  node: NodeProcess,
  ticks: readonly PlannedTick[],
  posting: Posting,
  timeoutMs = 60_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const outcome = await postTicks(node.url, CLUSTER_INGEST_KEY, ticks);
    if (outcome.kind === 'accepted') return;
    if (outcome.kind === 'no_answer') throw new Error(`${node.name} did not answer POST /api/ticks`);
    posting.unavailable += 1;
    if (!Number.isFinite(outcome.retryAfterMs) || outcome.retryAfterMs <= 0) posting.withoutRetryAfter += 1;
    if (Date.now() > deadline) throw new Error(`${node.name} answered 503 for ${timeoutMs / 1000} s`);
    await sleep(Math.min(Math.max(outcome.retryAfterMs, 100), 2_000));
  }
}

/** A signed-in user; the token (JWT_SECRET is shared) works on every node. */
export interface ClusterUser {
  userId: string;
  token: string;
  request(node: NodeProcess, method: string, path: string, body?: unknown): Promise<Response>;
  createAlert(node: NodeProcess, definition: AlertDefinitionInput): Promise<Alert>;
  /** The user's whole alert history as `node` reads it, newest first. */
  history(node: NodeProcess): Promise<NotificationRecord[]>;
}

export async function signInOn(node: NodeProcess, userId: string): Promise<ClusterUser> {
  const token = await devLogin(node.url, userId);
  const request = (on: NodeProcess, method: string, path: string, body?: unknown) =>
    fetch(on.url + path, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      signal: AbortSignal.timeout(15_000),
    });
  return {
    userId,
    token,
    request,
    async createAlert(on, definition) {
      const created = await request(on, 'POST', '/api/alerts', definition);
      if (created.status !== 201) throw new Error(`create alert failed: ${created.status} ${await created.text()}`);
      return (await created.json()) as Alert;
    },
    history: (on) => allNotifications(on.url, token),
  };
}

/**
 * An alert of the failover tests, on the last price, re-arming, no cooldown: a crossing (`crosses_above`,
 * `crosses_below`) or a level (`>`, `<`).
 */
export interface OracleAlert {
  alertId: string;
  symbol: string;
  operator: 'crosses_above' | 'crosses_below' | '>' | '<';
  level: number;
}

export interface ExpectedFire {
  alertId: string;
  /** The firing tick's timestamp (epoch ms). */
  timestamp: number;
}

/**
 * Every fire `ticks` (in the order posted; strictly increasing timestamps per symbol) must produce, from
 * docs/alerts.md alone (cooldown 0, trigger_mode rearm, alerts created before the symbol's first tick):
 * - a crossing fires on every crossing: `crosses_above` when the previous price was at or below the level and this
 *   one is above it (`crosses_below` mirrors it), never on the first price of a symbol;
 * - a level starts armed, fires on the first tick at which its condition holds while armed (the symbol's first
 *   tick included), and is armed again by the first tick at which it does not hold.
 */
export function expectedFires(alerts: readonly OracleAlert[], ticks: readonly PlannedTick[]): ExpectedFire[] {
  const bySymbol = new Map<string, OracleAlert[]>();
  for (const alert of alerts) bySymbol.set(alert.symbol, [...(bySymbol.get(alert.symbol) ?? []), alert]);
  const previous = new Map<string, number>();
  const armed = new Map(alerts.map((alert) => [alert.alertId, true]));
  const fires: ExpectedFire[] = [];
  for (const tick of ticks) {
    const before = previous.get(tick.symbol);
    previous.set(tick.symbol, tick.price);
    for (const alert of bySymbol.get(tick.symbol) ?? []) {
      const { operator, level } = alert;
      let fired: boolean;
      if (operator === '>' || operator === '<') {
        const holds = operator === '>' ? tick.price > level : tick.price < level;
        fired = holds && armed.get(alert.alertId)!;
        armed.set(alert.alertId, !holds);
      } else {
        fired =
          before !== undefined &&
          (operator === 'crosses_above'
            ? before <= level && tick.price > level
            : before >= level && tick.price < level);
      }
      if (fired) fires.push({ alertId: alert.alertId, timestamp: tick.timestamp });
    }
  }
  return fires;
}

export interface FireComparison {
  expected: number;
  /** History records of the compared alerts. */
  recorded: number;
  /** Expected fires with no record. */
  lost: ExpectedFire[];
  /** Expected fires with more than one record (each extra record counted once), with every record's triggered_at. */
  duplicated: (ExpectedFire & { triggeredAt: number[] })[];
  /** Records of no expected fire. */
  spurious: ExpectedFire[];
}

/** Matches history records to expected fires by (alert, tick millisecond): `triggered_at` is the tick's ms + n/1000. */
export function compareFires(
  expected: readonly ExpectedFire[],
  records: readonly NotificationRecord[],
): FireComparison {
  const key = (alertId: string, timestamp: number) => `${alertId}@${Math.floor(timestamp)}`;
  const wanted = new Set(expected.map((fire) => key(fire.alertId, fire.timestamp)));
  const seen = new Map<string, number[]>();
  const spurious: ExpectedFire[] = [];
  for (const record of records) {
    const k = key(record.alert_id, record.triggered_at);
    if (!wanted.has(k)) {
      spurious.push({ alertId: record.alert_id, timestamp: Math.floor(record.triggered_at) });
      continue;
    }
    seen.set(k, [...(seen.get(k) ?? []), record.triggered_at]);
  }
  const duplicated = expected.flatMap((fire) => {
    const triggeredAt = seen.get(key(fire.alertId, fire.timestamp)) ?? [];
    return triggeredAt.slice(1).map(() => ({ ...fire, triggeredAt }));
  });
  return {
    expected: expected.length,
    recorded: records.length,
    lost: expected.filter((fire) => !seen.has(key(fire.alertId, fire.timestamp))),
    duplicated,
    spurious,
  };
}

/** A small seeded generator (mulberry32), so a failing tick sequence can be replayed from its seed. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
