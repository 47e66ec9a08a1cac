import { fork, spawn, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Redis } from 'ioredis';
import seedrandom from 'seedrandom';
import type { HealthReport, NotificationRecord, Tick } from '@tickwatch/shared';
import { startDynamoDbLocal } from '../../../scripts/lib/dynamodb-local.mjs';
import { freePort, killOnExit, stopProcess } from '../../../scripts/lib/processes.mjs';
import { startRedis } from '../../../scripts/lib/redis-server.mjs';
import { RetryGroup } from '../backoff.js';
import { ClusterKeys } from '../cluster/keys.js';
import { shardOf } from '../cluster/sharding.js';
import type { StreamEntry } from '../cluster/stream-follower.js';
import { ticksOf } from '../cluster/tick-log.js';
import { TickPipeline } from '../ingest/tick-pipeline.js';
import { createLogger } from '../log.js';
import { MarketState } from '../market/market-state.js';
import { MinuteBars } from '../market/minute-bars.js';
import { createSocketServer } from '../realtime/io.js';
import { TickFanout } from '../realtime/tick-fanout.js';
import { TICK_TTL_SECONDS } from '../store/tables.js';
import type { TicksRepository } from '../store/ticks-repository.js';
import { connectBenchSocket, seededSubscriptions, type BenchSocket } from './bench-sockets.js';
import { ended, requiredMessage } from './child-messages.js';
import { latency, type Latency } from './latency.js';
import {
  commandDelta,
  commandStats,
  countDynamoDbRequests,
  cpuMsOf,
  machineBusyMs,
  operationDelta,
  rssMbOf,
  sampleCommands,
  type CommandStat,
  type DynamoDbCounter,
  type OperationCount,
  type SampledCommands,
} from './cluster-meters.js';
import type { FromProbe, ToProbe } from './cluster-probe.js';

/**
 * `npm run bench:cluster`: cluster mode (REDIS_URL) with 1, 2 and 3 server processes on this machine, in one run on
 * one Redis (AOF, `appendfsync always`) and one DynamoDB Local, each configuration on tables of its own
 * (TABLE_PREFIX). Each server is the built `node server/dist/main.js`, unchanged, with a probe preloaded that times
 * its event loop (cluster-probe.ts).
 *
 * Per configuration, the load is the same and spread evenly over the processes:
 *  - BENCH_CLIENTS price sockets in child processes, each subscribed to 10 of 50 symbols, socket j on process j mod N;
 *  - BENCH_RATE ticks/s through `POST /api/ticks` from one child process, in a batch every BATCH_MS: symbol i always
 *    goes to process i mod N, with one request in flight per process, so a symbol's ticks reach Redis in order, as
 *    a partitioned upstream would send them;
 *  - one `crosses_above LEVEL` alert per symbol, owned round robin by USERS users, each with one signed-in tab on
 *    process u mod N (another child process) acknowledging `alert:triggered` as the dashboard does; BENCH_FIRE_RATE
 *    crossing ticks per second make as many fires.
 * A warm-up (the owners take their symbols' alerts over on their first tick) is followed by BENCH_SECONDS measured.
 *
 * What is measured over the window (drive and settle), from outside the servers:
 *  - tick deliveries per second at the sockets and tick → socket latency (each tick's volume carries its send
 *    instant in ms since the bench began; all processes here share a clock);
 *  - tick → `alert:triggered` and tick → `notification:updated` (sent) latency at the tabs, from the instant the POST
 *    carrying the crossing tick left, with an exactly-once check: every fire at its tab once, nothing else;
 *  - CPU of every process from /proc/<pid>/stat (utime + stime, all threads), event-loop delay from the probe;
 *  - Redis commands per ingested tick from INFO commandstats (commands run inside Lua scripts counted under their
 *    own names too), and after the window a few seconds of MONITOR (never during it: MONITOR slows Redis) to show
 *    which connection sends what: requests per tick and per second by role;
 *  - DynamoDB requests by operation, through a counting pass-through in front of DynamoDB Local (one more loopback
 *    hop per request; its CPU is the bench's, not the servers').
 * On a 2-core machine every process competes with the others, Redis and DynamoDB Local included: the per-process
 * CPU cost is the figure that carries over, the absolute rates are bounded by the machine.
 */
const PROCESS_COUNTS = (process.env.BENCH_PROCESSES ?? '1,2,3').split(',').map(Number);
const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 1000);
const RATE = Number(process.env.BENCH_RATE ?? 500);
const FIRE_RATE = Number(process.env.BENCH_FIRE_RATE ?? 50);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 20);
const WARMUP_SECONDS = 5;
/** Before the load: each process's CPU with nothing to do. */
const IDLE_SECONDS = 3;
/** The MONITOR sample after each window. */
const SAMPLE_SECONDS = 3;
const SYMBOLS = Array.from({ length: 50 }, (_, i) => `SYM${i}`);
const SYMBOLS_PER_CLIENT = 10;
const USERS = 10;
/** Every alert's level; ticks below it are the symbol's normal trading, one above it is a crossing. */
const LEVEL = 101;
const TICK_SHARDS = Number(process.env.BENCH_TICK_SHARDS ?? 16);
const TICK_FLUSH_MS = 100;
/** How often the load process sends what is due. */
const BATCH_MS = 20;
const SOCKETS_PER_PROCESS = 500;
/** Connections opened at once per child, so a 2-core machine is not swamped by handshakes. */
const CONNECT_BATCH = 50;
/** After the drive: until every fire reached its tab as sent and the sockets' count stops moving, at most this. */
const SETTLE_LIMIT_MS = 20_000;
const QUIET_MS = 500;
const POLL_MS = 100;
/** Latency histograms in 1 ms buckets; the last one holds everything slower. */
const MAX_LATENCY_MS = 60_000;
const SERVER_STOP_GRACE_MS = 25_000;
const CLUSTER_READY_MS = 60_000;
/**
 * Before each configuration, at most this long for the machine to go quiet (other processes using less than
 * QUIET_CORE_SHARE of a core over a second): on a shared machine someone else's tests would take the cores the
 * figures are about. The table says how much CPU went outside the bench during each window either way.
 */
const QUIET_WAIT_MS = 120_000;
const QUIET_CORE_SHARE = 0.15;
/** A configuration whose window had more than this share of a core taken by other processes is measured again. */
const NOISY_CORE_SHARE = 0.25;
/** Repeats in one run at most, so that a busy machine cannot stretch the bench much past its usual few minutes. */
const MAX_REPEATS = 2;
/** Nothing here may run longer than this: the whole bench gives up and exits non-zero. */
const WATCHDOG_MS = 12 * 60_000;
const INGEST_KEY = 'bench-ingest-key-0123456789';
const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const MAIN = path.join(ROOT, 'server/dist/main.js');
const PROBE = pathToFileURL(fileURLToPath(new URL('./cluster-probe.js', import.meta.url))).href;

const clock = () => performance.timeOrigin + performance.now();
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const fireKey = (symbol: string, timestampMs: number) => `${symbol}@${timestampMs}`;
const userOf = (symbolIndex: number) => `cluster-trader-${symbolIndex % USERS}`;

// ---- Messages between the bench and its child processes ----

type ToLoad = { type: 'drive'; rate: number; fireRate: number; seconds: number };
type FromLoad = { type: 'driven'; result: DriveResult };
interface DriveResult {
  generated: number;
  accepted: number;
  refused: number;
  /** Statuses of refused requests (at most a few). */
  statuses: number[];
  requests: number;
  /** Accepted ticks per symbol index. */
  perSymbol: number[];
  /** Every accepted crossing tick: its fire's key and the instant its POST left. */
  fires: [key: string, at: number][];
  postMs: number[];
}

interface TabSpec {
  url: string;
  token: string;
  symbols: string[];
}
type ToTabs = { type: 'connect'; tabs: TabSpec[] } | { type: 'poll' } | { type: 'report' };
type FromTabs = { type: 'ready' } | { type: 'counts'; triggered: number; sent: number } | Receipts;
interface Receipts {
  type: 'receipts';
  /** Every `alert:triggered`, repeats included: fire key, notification id, when it came. */
  triggered: [key: string, notificationId: string, at: number][];
  /** The first `notification:updated` saying `sent` of each record. */
  sent: [notificationId: string, at: number][];
}

type ToCrowd = { type: 'reset' } | { type: 'poll' } | { type: 'report' };
type FromCrowd = { type: 'ready' } | { type: 'counts'; deliveries: number } | CrowdReport;
interface CrowdReport {
  type: 'report';
  frames: number;
  deliveries: number;
  /** Sparse latency histogram: [ms, count]. */
  latencies: [number, number][];
  /** Sockets that received no tick since the reset. */
  silent: number;
}

// ---- Child process: the tick source ----

interface Draft {
  symbol: number;
  price: number;
  timestamp: number;
  crossing: boolean;
}

function runLoad(urls: string[], base: number): void {
  process.on('disconnect', () => process.exit(1));
  const random = seedrandom('cluster-bench-ticks');
  const round4 = (n: number) => Math.round(n * 10_000) / 10_000;
  const normalPrice = () => round4(LEVEL - 1 + random() * 0.9);
  const crossingPrice = () => round4(LEVEL + 0.1 + random() * 0.8);
  // Symbols whose last tick was below the level: a crossing of any other needs a tick below first.
  const below = new Set<number>();
  const lastTimestamp = SYMBOLS.map(() => 0);
  let nextCrossing = 0;
  const queues: Draft[][] = urls.map(() => []);
  const busy = urls.map(() => false);
  let result: DriveResult;

  const add = (symbol: number, price: number, crossing: boolean) => {
    // Strictly increasing per symbol, so that every crossing has a millisecond of its own (the fire's key).
    const timestamp = Math.max(Date.now(), lastTimestamp[symbol]! + 1);
    lastTimestamp[symbol] = timestamp;
    queues[symbol % urls.length]!.push({ symbol, price, timestamp, crossing });
    result.generated += 1;
  };

  /** Sends what is queued for one process, one request at a time, until its queue is empty. */
  const post = async (server: number) => {
    if (busy[server]) return;
    busy[server] = true;
    const queue = queues[server]!;
    while (queue.length > 0) {
      const drafts = queue.splice(0, 1000);
      const at = clock();
      const volume = Math.round(at - base);
      const ticks = drafts.map((d) => ({ symbol: SYMBOLS[d.symbol]!, timestamp: d.timestamp, price: d.price, volume }));
      let status = 0;
      try {
        const response = await fetch(`${urls[server]}/api/ticks`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-api-key': INGEST_KEY },
          body: JSON.stringify(ticks),
        });
        await response.text();
        status = response.status;
      } catch {
        status = 0;
      }
      result.requests += 1;
      result.postMs.push(clock() - at);
      if (status === 202) {
        result.accepted += drafts.length;
        for (const d of drafts) {
          result.perSymbol[d.symbol]! += 1;
          if (d.crossing) result.fires.push([fireKey(SYMBOLS[d.symbol]!, d.timestamp), at]);
        }
      } else {
        result.refused += drafts.length;
        if (result.statuses.length < 5) result.statuses.push(status);
      }
    }
    busy[server] = false;
  };

  const drive = async ({ rate, fireRate, seconds }: ToLoad) => {
    result = {
      generated: 0,
      accepted: 0,
      refused: 0,
      statuses: [],
      requests: 0,
      perSymbol: SYMBOLS.map(() => 0),
      fires: [],
      postMs: [],
    };
    const begin = Date.now();
    const end = begin + seconds * 1000;
    let fires = 0;
    while (Date.now() < end) {
      const elapsed = (Date.now() - begin) / 1000;
      // Whatever is due by now, so a slow turn of the loop does not lower the stated rates.
      for (; fires < Math.floor(elapsed * fireRate); fires++) {
        const symbol = nextCrossing++ % SYMBOLS.length;
        if (!below.has(symbol)) add(symbol, normalPrice(), false);
        add(symbol, crossingPrice(), true);
        below.delete(symbol);
      }
      // Uniform random rather than round robin, as a real feed is not evenly spread over its symbols.
      for (let due = Math.floor(elapsed * rate) - result.generated; due > 0; due--) {
        const symbol = Math.floor(random() * SYMBOLS.length);
        add(symbol, normalPrice(), false);
        below.add(symbol);
      }
      for (let server = 0; server < urls.length; server++) void post(server);
      await sleep(BATCH_MS);
    }
    while (busy.some(Boolean) || queues.some((queue) => queue.length > 0)) {
      for (let server = 0; server < urls.length; server++) void post(server);
      await sleep(5);
    }
    process.send!({ type: 'driven', result } satisfies FromLoad);
  };

  process.on('message', (message: ToLoad) => void drive(message));
}

// ---- Child process: the alert users' tabs ----

function runTabs(): void {
  process.on('disconnect', () => process.exit(1));
  const send = (message: FromTabs) => process.send!(message);
  const sockets: BenchSocket[] = [];
  let triggered: Receipts['triggered'] = [];
  let sent: Receipts['sent'] = [];
  const sentIds = new Set<string>();

  // As the dashboard does (useNotifications): acknowledge at once, then count it.
  const onTriggered = (record: NotificationRecord, ack: (received: boolean) => void) => {
    const at = clock();
    ack(true);
    triggered.push([fireKey(record.symbol, Math.floor(record.triggered_at)), record.notification_id, at]);
  };
  const onUpdated = (record: NotificationRecord) => {
    if (record.delivery_status !== 'sent' || sentIds.has(record.notification_id)) return;
    sentIds.add(record.notification_id);
    sent.push([record.notification_id, clock()]);
  };

  process.on('message', (message: ToTabs) => {
    switch (message.type) {
      case 'connect':
        void (async () => {
          for (const { url, token, symbols } of message.tabs) {
            const socket = await connectBenchSocket(url, { token, symbols });
            sockets.push(socket);
            socket.on('alert:triggered', onTriggered);
            socket.on('notification:updated', onUpdated);
          }
          send({ type: 'ready' });
        })().catch((err: unknown) => {
          console.error('tabs could not connect:', err);
          process.exit(1);
        });
        return;
      case 'poll':
        return send({ type: 'counts', triggered: triggered.length, sent: sent.length });
      case 'report':
        send({ type: 'receipts', triggered, sent });
        triggered = [];
        sent = [];
    }
  });
}

// ---- Child process: a crowd of price sockets ----

async function runCrowd(urls: string[], from: number, count: number, base: number): Promise<void> {
  process.on('disconnect', () => process.exit(1));
  const histogram = new Uint32Array(MAX_LATENCY_MS + 1);
  const perSocket = new Uint32Array(count);
  let frames = 0;
  let deliveries = 0;
  const sockets: BenchSocket[] = [];
  const subs = seededSubscriptions('cluster-bench-subscriptions', CLIENTS, SYMBOLS, SYMBOLS_PER_CLIENT);
  for (let i = from; i < from + count; i += CONNECT_BATCH) {
    const batch = Array.from({ length: Math.min(CONNECT_BATCH, from + count - i) }, (_, k) => i + k);
    await Promise.all(
      batch.map(async (j) => {
        const socket = await connectBenchSocket(urls[j % urls.length]!, { symbols: subs[j]! });
        sockets.push(socket);
        socket.on('ticks', (frame: Tick[]) => {
          const now = clock() - base;
          frames += 1;
          deliveries += frame.length;
          perSocket[j - from]! += frame.length;
          for (const tick of frame) {
            const ms = Math.min(MAX_LATENCY_MS, Math.max(0, Math.round(now - tick.volume)));
            histogram[ms]! += 1;
          }
        });
      }),
    );
  }
  process.on('message', (message: ToCrowd) => {
    switch (message.type) {
      case 'reset':
        frames = 0;
        deliveries = 0;
        histogram.fill(0);
        perSocket.fill(0);
        return;
      case 'poll':
        process.send!({ type: 'counts', deliveries } satisfies FromCrowd);
        return;
      case 'report': {
        const latencies: [number, number][] = [];
        histogram.forEach((n, ms) => n > 0 && latencies.push([ms, n]));
        const silent = perSocket.filter((n) => n === 0).length;
        process.send!({ type: 'report', frames, deliveries, latencies, silent } satisfies FromCrowd);
      }
    }
  });
  process.send!({ type: 'ready' } satisfies FromCrowd);
}

// ---- Parent process: the cluster and the measurements ----

function histogramLatency(histogram: Map<number, number>): Latency {
  const sorted = [...histogram].sort((a, b) => a[0] - b[0]);
  const total = sorted.reduce((sum, [, n]) => sum + n, 0);
  const at = (p: number) => {
    const rank = Math.max(1, Math.ceil((p / 100) * total));
    let seen = 0;
    for (const [ms, n] of sorted) if ((seen += n) >= rank) return ms;
    return NaN;
  };
  return { p50: at(50), p99: at(99), max: sorted.at(-1)?.[0] ?? NaN };
}

interface ServerProcess {
  name: string;
  url: string;
  child: ChildProcess;
  output(): string;
}

interface ConfigResult {
  processes: number;
  /** Tick shards each process owned during the window. */
  shards: number[][];
  driveSeconds: number;
  windowSeconds: number;
  drive: DriveResult;
  post: Latency;
  fires: number;
  deliveries: number;
  frames: number;
  /** Deliveries had every accepted tick reached every crowd subscriber of its symbol as its own update. */
  oneper: number;
  silent: number;
  tick: Latency;
  triggered: Latency;
  sent: Latency;
  serverCpuMs: number[];
  loops: FromProbe[];
  rssMb: number[];
  redisCpuMs: number;
  dynamoCpuMs: number;
  clientsCpuMs: number;
  benchCpuMs: number;
  /** Every process on the machine, the bench's and anyone else's. */
  machineCpuMs: number;
  redis: Map<string, CommandStat>;
  dynamo: Map<string, OperationCount>;
  sample: SampledCommands;
  /** Commands Redis counted over the sample (commandstats), against which the sample's own count can be checked. */
  sampleCounted: number;
  follow: FollowCost;
  /** Each process's CPU with no load, as a share of a core. */
  idleCpuShare: number[];
  problems: string[];
}

interface Shared {
  redisUrl: string;
  redisPid: () => number | undefined;
  dynamoPid: number | undefined;
  counter: DynamoDbCounter;
  admin: Redis;
  home: string;
  base: number;
}

function serverEnv(shared: Shared, prefix: string, jwtSecret: string): Record<string, string> {
  return {
    PATH: process.env.PATH ?? '',
    // A HOME of its own: no AWS profile of the developer's reaches the servers.
    HOME: shared.home,
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    REDIS_URL: shared.redisUrl,
    DYNAMODB_ENDPOINT: shared.counter.endpoint,
    TABLE_PREFIX: prefix,
    AUTH_MODE: 'dev',
    JWT_SECRET: jwtSecret,
    INGEST_API_KEY: INGEST_KEY,
    FEED: 'none',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'warn',
    TICK_SHARDS: String(TICK_SHARDS),
    TICK_FLUSH_MS: String(TICK_FLUSH_MS),
    // Counted in Redis as in production, never reached here: everything comes from one address.
    RATE_LIMIT_SIGNIN_PER_MINUTE: '100000',
    RATE_LIMIT_ALERT_WRITES_PER_MINUTE: '100000',
    RATE_LIMIT_INGEST_PER_MINUTE: '1000000',
  };
}

function startServer(name: string, env: Record<string, string>): ServerProcess {
  const child = spawn(process.execPath, ['--import', PROBE, MAIN], {
    cwd: ROOT,
    env: { ...env, CLUSTER_NODE_ID: name },
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  killOnExit(child);
  let output = '';
  const take = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-16_384);
  };
  child.stdout?.on('data', take);
  child.stderr?.on('data', take);
  return { name, url: `http://127.0.0.1:${env.PORT}`, child, output: () => output };
}

/** `npm run db:create-tables` with the servers' settings, as a deployment runs it before the servers. */
async function createTables(env: Record<string, string>): Promise<void> {
  const child = spawn(process.execPath, [path.join(ROOT, 'server/dist/store/create-tables-cli.js')], {
    cwd: ROOT,
    env: { ...env, LOG_LEVEL: 'error' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  if (code !== 0) throw new Error(`creating the tables failed (${code}): ${stderr}`);
}

async function health(url: string): Promise<HealthReport | undefined> {
  try {
    const response = await fetch(`${url}/api/health`, { signal: AbortSignal.timeout(2_000) });
    return response.ok ? ((await response.json()) as HealthReport) : undefined;
  } catch {
    return undefined;
  }
}

/** Until every process is healthy, sees all N members, and the shards are divided among them, twice in a row. */
async function clusterReady(servers: ServerProcess[]): Promise<number[][]> {
  const deadline = Date.now() + CLUSTER_READY_MS;
  let stable = 0;
  let last = '';
  while (Date.now() < deadline) {
    for (const server of servers)
      if (server.child.exitCode !== null || server.child.signalCode !== null)
        throw new Error(`${server.name} exited during start-up:\n${server.output()}`);
    const reports = await Promise.all(servers.map((server) => health(server.url)));
    const shards = reports.map((report) => report?.cluster?.shards ?? []);
    const owned = shards.flat().sort((a, b) => a - b);
    const divided =
      reports.every((report) => report?.cluster?.members === servers.length) &&
      owned.length === TICK_SHARDS &&
      owned.every((shard, i) => shard === i);
    const now = JSON.stringify(shards);
    stable = divided && now === last ? stable + 1 : divided ? 1 : 0;
    last = now;
    if (stable >= 3) return shards;
    await sleep(500);
  }
  throw new Error(`the cluster did not settle within ${CLUSTER_READY_MS / 1000} s (shards: ${last})`);
}

/** Until no process has ticks waiting for the store or alert decisions waiting to be recorded. */
async function serversIdle(servers: ServerProcess[]): Promise<void> {
  const deadline = Date.now() + SETTLE_LIMIT_MS;
  while (Date.now() < deadline) {
    const reports = await Promise.all(servers.map((server) => health(server.url)));
    if (reports.every((r) => r && r.alerts.queued === 0 && (r.cluster?.storing ?? 0) === 0)) return;
    await sleep(POLL_MS);
  }
}

async function postJson<T>(url: string, body: unknown, token?: string): Promise<T> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`POST ${url}: ${response.status} ${text}`);
  return JSON.parse(text) as T;
}

/** Waits until the machine's CPU use (the bench's idle Redis and DynamoDB Local included) is low; the ms waited. */
async function machineQuiet(): Promise<number> {
  const begin = Date.now();
  while (Date.now() - begin < QUIET_WAIT_MS) {
    const before = machineBusyMs();
    await sleep(1_000);
    if (machineBusyMs() - before < QUIET_CORE_SHARE * 1_000) return Date.now() - begin;
  }
  console.warn(`  the machine did not go quiet within ${QUIET_WAIT_MS / 1000} s; measuring anyway`);
  return Date.now() - begin;
}

/** What following the tick streams costs one process, apart from its sockets: per tick and per read. */
interface FollowCost {
  ticks: number;
  /** CPU per tick when reads are large (COUNT 1000 per stream): parsing, validating, bars, market, fan-out queue. */
  usPerTick: number;
  /** CPU per read on top of that, from a second pass with one entry per stream per read. */
  usPerRead: number;
}

/**
 * Replays what every process does with every tick it follows (cluster-node.ts: the tick follower's XREAD over all
 * shards, ticksOf, pipeline.show into the minute bars, the market state and the price fan-out), here in the bench
 * process on the ticks a configuration left in its streams (they keep a minute behind the owners' acknowledgements):
 * the part of a process's CPU that grows with the cluster's tick rate whatever its own share of sockets and shards.
 * The fan-out has no sockets here: what it costs per delivery is measured by bench:fanout.
 */
async function followCost(redisUrl: string, prefix: string): Promise<FollowCost> {
  const keys = new ClusterKeys(prefix);
  const streams = Array.from({ length: TICK_SHARDS }, (_, shard) => keys.tickStream(shard));
  const redis = new Redis(redisUrl, { connectionName: 'bench-follow' });
  const pass = async (count: number) => {
    const io = createSocketServer(http.createServer());
    const fanout = new TickFanout(io, TICK_FLUSH_MS);
    // show() stores nothing: the repository is never called.
    const pipeline = new TickPipeline(
      new MarketState(),
      new MinuteBars({ ttlSeconds: TICK_TTL_SECONDS }),
      undefined as unknown as TicksRepository,
      { capacity: 1, concurrency: 1, retries: new RetryGroup(), tickStore: 'trades' },
      createLogger('silent', false),
    );
    pipeline.onLiveTick((move) => fanout.publish(move.tick));
    const last = streams.map(() => '0-0');
    let ticks = 0;
    let reads = 0;
    const cpu = process.cpuUsage();
    for (;;) {
      const reply = (await redis.xread('COUNT', count, 'STREAMS', ...streams, ...last)) as
        [string, StreamEntry[]][] | null;
      if (!reply) break;
      reads += 1;
      for (const [stream, entries] of reply) {
        last[streams.indexOf(stream)] = entries[entries.length - 1]![0];
        const parsed = ticksOf(entries);
        ticks += parsed.length;
        pipeline.show(parsed);
      }
    }
    const used = process.cpuUsage(cpu);
    fanout.close();
    await new Promise<void>((resolve) => void io.close(() => resolve()));
    return { ticks, reads, us: used.user + used.system };
  };
  try {
    await pass(1000); // warm-up: the JIT, and the streams into Redis's cache
    const bulk = await pass(1000);
    const small = await pass(1);
    const usPerTick = bulk.us / bulk.ticks;
    return {
      ticks: bulk.ticks,
      usPerTick,
      usPerRead: Math.max(0, (small.us - usPerTick * small.ticks) / small.reads),
    };
  } finally {
    redis.disconnect();
  }
}

async function runConfiguration(n: number, shared: Shared): Promise<ConfigResult> {
  const prefix = `cbench${n}_${crypto.randomBytes(3).toString('hex')}_`;
  const keyPrefix = new ClusterKeys(prefix).prefix;
  const env = serverEnv(shared, prefix, crypto.randomBytes(32).toString('base64url'));
  await createTables(env);
  const servers: ServerProcess[] = [];
  for (let i = 1; i <= n; i++) servers.push(startServer(`node-${i}`, { ...env, PORT: String(await freePort()) }));
  const urls = servers.map((server) => server.url);
  const children: ChildProcess[] = [];
  const forkChild = (args: string[]) => {
    const child = fork(fileURLToPath(import.meta.url), args);
    killOnExit(child);
    children.push(child);
    return child;
  };
  try {
    const shards = await clusterReady(servers);
    // What a process costs with nothing to do: heartbeats, lease renewals, blocking reads, the fan-out's timer.
    const idleBefore = servers.map((server) => cpuMsOf(server.child.pid));
    const idleBegin = clock();
    await sleep(IDLE_SECONDS * 1000);
    const idleCpuShare = servers.map(
      (server, i) => (cpuMsOf(server.child.pid) - idleBefore[i]!) / (clock() - idleBegin),
    );

    // Users and alerts through the API, spread over the processes like the sockets.
    const tokens = await Promise.all(
      Array.from({ length: USERS }, async (_, u) => {
        const login = await postJson<{ token: string }>(`${urls[u % n]}/api/auth/dev-login`, { user_id: userOf(u) });
        return login.token;
      }),
    );
    for (const [i, symbol] of SYMBOLS.entries()) {
      await postJson(
        `${urls[i % n]}/api/alerts`,
        {
          symbol,
          condition_type: 'price_threshold',
          condition: { operator: 'crosses_above', threshold: LEVEL, price_type: 'close' },
          notification_method: 'websocket',
        },
        tokens[i % USERS],
      );
    }

    const tabs = forkChild(['tabs']);
    tabs.send({
      type: 'connect',
      tabs: tokens.map((token, u) => ({
        url: urls[u % n]!,
        token,
        symbols: SYMBOLS.filter((_, i) => i % USERS === u),
      })),
    } satisfies ToTabs);
    await requiredMessage<FromTabs, 'ready'>(tabs, 'ready', 60_000);
    const crowd: ChildProcess[] = [];
    for (let from = 0; from < CLIENTS; from += SOCKETS_PER_PROCESS) {
      const count = Math.min(SOCKETS_PER_PROCESS, CLIENTS - from);
      crowd.push(forkChild(['crowd', JSON.stringify(urls), String(from), String(count), String(shared.base)]));
    }
    await Promise.all(crowd.map((child) => requiredMessage<FromCrowd, 'ready'>(child, 'ready', 300_000)));
    const load = forkChild(['load', JSON.stringify(urls), String(shared.base)]);
    const drive = async (seconds: number, fireRate: number) => {
      load.send({ type: 'drive', rate: RATE, fireRate, seconds } satisfies ToLoad);
      return (await requiredMessage<FromLoad, 'driven'>(load, 'driven', seconds * 1000 + 60_000)).result;
    };
    const tabCounts = async () => {
      tabs.send({ type: 'poll' } satisfies ToTabs);
      return requiredMessage<FromTabs, 'counts'>(tabs, 'counts', 10_000);
    };
    const crowdDeliveries = async () => {
      for (const child of crowd) child.send({ type: 'poll' } satisfies ToCrowd);
      const counts = await Promise.all(
        crowd.map((child) => requiredMessage<FromCrowd, 'counts'>(child, 'counts', 10_000)),
      );
      return counts.reduce((sum, c) => sum + c.deliveries, 0);
    };

    // Warm-up, unreported: the owners take their symbols' alerts over on their first ticks, and the JIT warms.
    const warm = await drive(WARMUP_SECONDS, FIRE_RATE);
    const warmBy = Date.now() + SETTLE_LIMIT_MS;
    while (Date.now() < warmBy) {
      const counts = await tabCounts();
      if (counts.triggered >= warm.fires.length && counts.sent >= warm.fires.length) break;
      await sleep(POLL_MS);
    }
    await serversIdle(servers);
    await sleep(QUIET_MS);
    tabs.send({ type: 'report' } satisfies ToTabs);
    const warmReceipts = await requiredMessage<FromTabs, 'receipts'>(tabs, 'receipts', 10_000);
    const problems: string[] = [];
    if (warmReceipts.triggered.length !== warm.fires.length)
      problems.push(`warm-up: ${warmReceipts.triggered.length} alert:triggered for ${warm.fires.length} fires`);

    // The measured window: drive, then settle.
    const pids = servers.map((server) => server.child.pid);
    const clientPids = children.map((child) => child.pid);
    const cpu = () => ({
      servers: pids.map((pid) => cpuMsOf(pid)),
      redis: cpuMsOf(shared.redisPid()),
      dynamo: cpuMsOf(shared.dynamoPid),
      clients: clientPids.reduce<number>((total, pid) => total + cpuMsOf(pid), 0),
      bench: (process.cpuUsage().user + process.cpuUsage().system) / 1000,
      machine: machineBusyMs(),
    });
    for (const server of servers) server.child.send({ type: 'loop-reset' } satisfies ToProbe);
    for (const child of crowd) child.send({ type: 'reset' } satisfies ToCrowd);
    const redisBefore = await commandStats(shared.admin);
    shared.counter.resetMax();
    const dynamoBefore = shared.counter.counts();
    const cpuBefore = cpu();
    const begin = clock();
    const driven = await drive(SECONDS, FIRE_RATE);
    const driveSeconds = (clock() - begin) / 1000;
    const settleBy = Date.now() + SETTLE_LIMIT_MS;
    let delivered = -1;
    let complete = false;
    while (Date.now() < settleBy) {
      const counts = await tabCounts();
      complete = counts.triggered >= driven.fires.length && counts.sent >= driven.fires.length;
      const now = await crowdDeliveries();
      if (complete && now === delivered) break;
      delivered = now;
      await sleep(complete ? QUIET_MS : POLL_MS);
    }
    const cpuAfter = cpu();
    const windowSeconds = (clock() - begin) / 1000;
    const redisAfter = await commandStats(shared.admin);
    const dynamoAfter = shared.counter.counts();
    const loops = await Promise.all(
      servers.map((server) => {
        server.child.send({ type: 'loop-report' } satisfies ToProbe);
        return requiredMessage<FromProbe, 'loop'>(server.child, 'loop', 10_000);
      }),
    );
    const rssMb = pids.map(rssMbOf);
    const shardsAfter = (await Promise.all(urls.map(health))).map((report) => report?.cluster?.shards ?? []);
    if (JSON.stringify(shardsAfter) !== JSON.stringify(shards))
      problems.push(`shards moved during the window: ${JSON.stringify(shards)} → ${JSON.stringify(shardsAfter)}`);

    // Strays (a repeat delivery) would come now.
    await sleep(QUIET_MS);
    tabs.send({ type: 'report' } satisfies ToTabs);
    const receipts = await requiredMessage<FromTabs, 'receipts'>(tabs, 'receipts', 10_000);
    for (const child of crowd) child.send({ type: 'report' } satisfies ToCrowd);
    const reports = await Promise.all(
      crowd.map((child) => requiredMessage<FromCrowd, 'report'>(child, 'report', 10_000)),
    );

    // Fires: each expected one at its tab exactly once, nothing else.
    const expected = new Map(driven.fires);
    const sentAt = new Map(receipts.sent);
    const seen = new Map<string, number>();
    const triggeredMs: number[] = [];
    const sentMs: number[] = [];
    let unexpected = 0;
    for (const [key, notificationId, at] of receipts.triggered) {
      const postedAt = expected.get(key);
      seen.set(key, (seen.get(key) ?? 0) + 1);
      if (postedAt === undefined) unexpected += 1;
      if (postedAt === undefined || seen.get(key)! > 1) continue;
      triggeredMs.push(at - postedAt);
      const sent = sentAt.get(notificationId);
      if (sent !== undefined) sentMs.push(sent - postedAt);
    }
    if (!complete) problems.push(`not every fire reached its tab as sent within ${SETTLE_LIMIT_MS / 1000} s`);
    const missed = [...expected.keys()].filter((key) => !seen.has(key)).length;
    if (missed > 0) problems.push(`${missed} of ${expected.size} fires never reached their tab`);
    const repeated = [...seen.values()].filter((count) => count > 1).length;
    if (repeated > 0) problems.push(`${repeated} fires reached their tab more than once`);
    if (unexpected > 0) problems.push(`${unexpected} alert:triggered for no crossing of the window`);
    if (sentMs.length !== triggeredMs.length)
      problems.push(`${triggeredMs.length - sentMs.length} fires shown but never reported sent`);
    if (driven.refused > 0)
      problems.push(`${driven.refused} ticks refused (HTTP ${[...new Set(driven.statuses)].join(', ')})`);

    // Price deliveries against one update per tick and subscriber.
    const subscribers = new Map(SYMBOLS.map((symbol) => [symbol, 0]));
    for (const symbols of seededSubscriptions('cluster-bench-subscriptions', CLIENTS, SYMBOLS, SYMBOLS_PER_CLIENT))
      for (const symbol of symbols) subscribers.set(symbol, subscribers.get(symbol)! + 1);
    const oneper = driven.perSymbol.reduce((sum, ticks, i) => sum + ticks * subscribers.get(SYMBOLS[i]!)!, 0);
    const histogram = new Map<number, number>();
    for (const report of reports)
      for (const [ms, count] of report.latencies) histogram.set(ms, (histogram.get(ms) ?? 0) + count);
    const silent = reports.reduce((sum, r) => sum + r.silent, 0);
    if (silent > 0) problems.push(`${silent} price sockets received no tick in the window`);

    // Who sends Redis what, after the window: MONITOR over a short drive of the same load.
    const sampleBefore = await commandStats(shared.admin);
    const [sample] = await Promise.all([
      sampleCommands(shared.admin, shared.redisUrl, keyPrefix, SAMPLE_SECONDS),
      drive(SAMPLE_SECONDS, FIRE_RATE),
    ]);
    // What Redis itself counted meanwhile (a little longer: the drive ends after the sample), to check the sample.
    const sampleCounted = [...commandDelta(sampleBefore, await commandStats(shared.admin)).values()].reduce(
      (total, stat) => total + stat.calls,
      0,
    );

    const follow = await followCost(shared.redisUrl, prefix);
    const serverCpuMs = cpuAfter.servers.map((after, i) => after - cpuBefore.servers[i]!);
    return {
      processes: n,
      shards,
      driveSeconds,
      windowSeconds,
      drive: driven,
      post: latency(driven.postMs),
      fires: expected.size,
      deliveries: reports.reduce((sum, r) => sum + r.deliveries, 0),
      frames: reports.reduce((sum, r) => sum + r.frames, 0),
      oneper,
      silent,
      tick: histogramLatency(histogram),
      triggered: latency(triggeredMs),
      sent: latency(sentMs),
      serverCpuMs,
      loops,
      rssMb,
      redisCpuMs: cpuAfter.redis - cpuBefore.redis,
      dynamoCpuMs: cpuAfter.dynamo - cpuBefore.dynamo,
      clientsCpuMs: cpuAfter.clients - cpuBefore.clients,
      benchCpuMs: cpuAfter.bench - cpuBefore.bench,
      machineCpuMs: cpuAfter.machine - cpuBefore.machine,
      redis: commandDelta(redisBefore, redisAfter),
      dynamo: operationDelta(dynamoBefore, dynamoAfter),
      sample,
      sampleCounted,
      follow,
      idleCpuShare,
      problems,
    };
  } catch (err) {
    for (const server of servers) console.error(`--- ${server.name}'s last output ---\n${server.output()}`);
    throw err;
  } finally {
    for (const child of children) if (child.connected) child.disconnect();
    await Promise.all(children.map(ended));
    await Promise.all(servers.map((server) => stopProcess(server.child, SERVER_STOP_GRACE_MS)));
  }
}

// ---- The report ----

/** Cores' worth of CPU that processes outside the bench used during the window (anyone else's, on a shared machine). */
function outsideCores(r: ConfigResult): number {
  const ours = r.serverCpuMs.reduce((a, b) => a + b, 0) + r.redisCpuMs + r.dynamoCpuMs + r.clientsCpuMs + r.benchCpuMs;
  return (r.machineCpuMs - ours) / 1000 / r.windowSeconds;
}

const fixed = (value: number, digits: number) => (Number.isFinite(value) ? value.toFixed(digits) : '-');
const each = (values: number[], digits: number) => values.map((v) => fixed(v, digits)).join(' / ');

function table(title: string, results: ConfigResult[], rows: [string, (r: ConfigResult) => string][]): void {
  const width = 22;
  console.log('');
  console.log(
    title.padEnd(46) +
      results.map((r) => `${r.processes} process${r.processes === 1 ? '' : 'es'}`.padStart(width)).join(''),
  );
  for (const [name, cell] of rows) console.log(name.padEnd(46) + results.map((r) => cell(r).padStart(width)).join(''));
}

function report(results: ConfigResult[]): void {
  const perSecond = (n: number, r: ConfigResult) => n / r.driveSeconds;
  const ticks = (r: ConfigResult) => r.drive.accepted;
  const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);
  const cores = (ms: number, r: ConfigResult) => (100 * ms) / 1000 / r.windowSeconds;
  const serverCpu = (r: ConfigResult) => sum(r.serverCpuMs);
  const followerReads = (r: ConfigResult) =>
    (r.sample.counts.get('ticks · XREAD') ?? 0) / r.sample.seconds / r.processes;
  table('per configuration', results, [
    ['tick shards owned per process', (r) => r.shards.map((s) => s.length).join(' / ')],
    [
      '  their ticks /s (stored and evaluated there)',
      (r) =>
        each(
          r.shards.map((owned) =>
            perSecond(
              r.drive.perSymbol.reduce(
                (total, ticks, i) => total + (owned.includes(shardOf(SYMBOLS[i]!, TICK_SHARDS)) ? ticks : 0),
                0,
              ),
              r,
            ),
          ),
          0,
        ),
    ],
    ['ticks accepted /s (POST /api/ticks)', (r) => fixed(perSecond(ticks(r), r), 0)],
    ['  ingest requests /s', (r) => fixed(perSecond(r.drive.requests, r), 0)],
    ['  POST round trip p50 / p99 (ms)', (r) => `${fixed(r.post.p50, 1)} / ${fixed(r.post.p99, 1)}`],
    ['fires /s', (r) => fixed(perSecond(r.fires, r), 1)],
    ['tick deliveries /s (to the price sockets)', (r) => fixed(perSecond(r.deliveries, r), 0)],
    ['  frames /s', (r) => fixed(perSecond(r.frames, r), 0)],
    ['  ticks coalesced away (%)', (r) => fixed(100 * (1 - r.deliveries / r.oneper), 1)],
    ['tick → socket p50 / p99 / max (ms)', (r) => `${r.tick.p50} / ${r.tick.p99} / ${r.tick.max}`],
    [
      'tick → alert:triggered p50 / p99 / max (ms)',
      (r) => `${fixed(r.triggered.p50, 0)} / ${fixed(r.triggered.p99, 0)} / ${fixed(r.triggered.max, 0)}`,
    ],
    ['tick → sent p50 / p99 (ms)', (r) => `${fixed(r.sent.p50, 0)} / ${fixed(r.sent.p99, 0)}`],
    ['server CPU, all processes (% of a core)', (r) => fixed(cores(serverCpu(r), r), 0)],
    [
      '  per process (% of a core)',
      (r) =>
        each(
          r.serverCpuMs.map((ms) => cores(ms, r)),
          0,
        ),
    ],
    [
      '    the same idle, before the load',
      (r) =>
        each(
          r.idleCpuShare.map((share) => 100 * share),
          1,
        ),
    ],
    ['server CPU s per M deliveries', (r) => fixed((serverCpu(r) * 1000) / r.deliveries, 2)],
    ['server CPU ms per ingested tick', (r) => fixed(serverCpu(r) / ticks(r), 3)],
    [
      'following every tick: µs per tick + per read',
      (r) => `${fixed(r.follow.usPerTick, 1)} + ${fixed(r.follow.usPerRead, 0)}`,
    ],
    ['  reads /s of each tick follower (MONITOR)', (r) => fixed(followerReads(r), 0)],
    [
      '  so each process follows for (% of a core)',
      (r) =>
        fixed((100 * (r.follow.usPerTick * perSecond(ticks(r), r) + r.follow.usPerRead * followerReads(r))) / 1e6, 1),
    ],
    [
      'event-loop delay p99 per process (ms)',
      (r) =>
        each(
          r.loops.map((l) => l.p99Ms),
          0,
        ),
    ],
    [
      'event-loop delay max per process (ms)',
      (r) =>
        each(
          r.loops.map((l) => l.maxMs),
          0,
        ),
    ],
    ['RSS per process (MB)', (r) => each(r.rssMb, 0)],
    ['Redis CPU (% of a core)', (r) => fixed(cores(r.redisCpuMs, r), 0)],
    ['Redis CPU µs per ingested tick', (r) => fixed((r.redisCpuMs * 1000) / ticks(r), 1)],
    ['Redis commands per ingested tick', (r) => fixed(sum([...r.redis.values()].map((s) => s.calls)) / ticks(r), 2)],
    [
      'DynamoDB requests per ingested tick',
      (r) => fixed(sum([...r.dynamo.values()].map((c) => c.requests)) / ticks(r), 3),
    ],
    ['DynamoDB Local CPU (% of a core)', (r) => fixed(cores(r.dynamoCpuMs, r), 0)],
    ['bench processes CPU (% of a core)', (r) => fixed(cores(r.clientsCpuMs + r.benchCpuMs, r), 0)],
    [
      `whole machine busy (% of ${os.cpus().length} cores)`,
      (r) => fixed(cores(r.machineCpuMs, r) / os.cpus().length, 0),
    ],
    ['  of which outside this bench (% of a core)', (r) => fixed(100 * outsideCores(r), 0)],
  ]);

  const commands = [...new Set(results.flatMap((r) => [...r.redis.keys()]))].sort(
    (a, b) =>
      Math.max(...results.map((r) => r.redis.get(b)?.calls ?? 0)) -
      Math.max(...results.map((r) => r.redis.get(a)?.calls ?? 0)),
  );
  table(
    'Redis commands per ingested tick (commandstats)',
    results,
    commands.map((name) => [
      `  ${name}`,
      (r: ConfigResult) => {
        const stat = r.redis.get(name);
        return stat ? `${fixed(stat.calls / ticks(r), 3)} (${fixed(stat.usec / ticks(r), 1)} µs)` : '-';
      },
    ]),
  );

  const roles = [...new Set(results.flatMap((r) => [...r.sample.counts.keys()]))].sort();
  table(`MONITOR sample (${SAMPLE_SECONDS} s after the window): per tick (per s)`, results, [
    ['  ticks appended in the sample', (r: ConfigResult) => String(r.sample.ticks)] as [
      string,
      (r: ConfigResult) => string,
    ],
    [
      '  commands sorted here / counted by Redis',
      (r: ConfigResult) => `${[...r.sample.counts.values()].reduce((a, b) => a + b, 0)} / ${r.sampleCounted}`,
    ],
    ...roles.map((role): [string, (r: ConfigResult) => string] => [
      `  ${role}`,
      (r) => {
        const count = r.sample.counts.get(role);
        return count ? `${fixed(count / r.sample.ticks, 3)} (${fixed(count / r.sample.seconds, 1)})` : '-';
      },
    ]),
  ]);

  const operations = [...new Set(results.flatMap((r) => [...r.dynamo.keys()]))].sort();
  table('DynamoDB requests per ingested tick (mean/max ms)', results, [
    ...operations.map((name): [string, (r: ConfigResult) => string] => [
      `  ${name}`,
      (r) => {
        const count = r.dynamo.get(name);
        if (!count) return '-';
        const refused = count.refused > 0 ? `, ${count.refused} refused` : '';
        const ms = `${fixed(count.totalMs / count.requests, 1)}/${fixed(count.maxMs, 0)} ms`;
        return `${fixed(count.requests / ticks(r), 3)} (${ms}${refused})`;
      },
    ]),
    [
      '  items written by BatchWriteItem per tick',
      (r) => fixed((r.dynamo.get('BatchWriteItem')?.batchItems ?? 0) / ticks(r), 3),
    ],
    [
      '  requests per fire, BatchWriteItem aside',
      (r) =>
        fixed(
          (sum([...r.dynamo.values()].map((c) => c.requests)) - (r.dynamo.get('BatchWriteItem')?.requests ?? 0)) /
            r.fires,
          2,
        ),
    ],
  ]);

  // Every process follows every tick stream: the servers' CPU per tick grows with their number. A straight line
  // through this run's configurations says by how much (an upper bound: more processes on two cores also means
  // more switching between them).
  if (results.length >= 2) {
    const xs = results.map((r) => r.processes);
    const ys = results.map((r) => serverCpu(r) / ticks(r));
    const mx = sum(xs) / xs.length;
    const my = sum(ys) / ys.length;
    const slope = sum(xs.map((x, i) => (x - mx) * (ys[i]! - my))) / sum(xs.map((x) => (x - mx) ** 2));
    console.log('');
    console.log(
      `server CPU per ingested tick ≈ ${fixed(my - slope * mx, 3)} ms + ${fixed(slope, 3)} ms × processes ` +
        `(least squares over ${xs.join(', ')} processes, the same sockets, ticks and fires in each)`,
    );
  }

  console.log('');
  for (const r of results) {
    console.log(
      r.problems.length === 0
        ? `${r.processes} process${r.processes === 1 ? '' : 'es'}: exactly once: ${r.fires} fires, each at its tab ` +
            `once and reported sent; ${r.drive.accepted} ticks accepted in ${r.driveSeconds.toFixed(1)} s, ` +
            `window ${r.windowSeconds.toFixed(1)} s; shards ${JSON.stringify(r.shards)}`
        : `${r.processes} process${r.processes === 1 ? '' : 'es'}: FAILED: ${r.problems.join('; ')}`,
    );
  }
}

async function main(): Promise<void> {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'tickwatch-cluster-bench-'));
  const watchdog = setTimeout(() => {
    console.error(`cluster bench: still running after ${WATCHDOG_MS / 60_000} min; giving up`);
    process.exit(1);
  }, WATCHDOG_MS);
  watchdog.unref();
  const [redis, dynamo] = await Promise.all([startRedis(), startDynamoDbLocal()]);
  const counter = await countDynamoDbRequests(dynamo.endpoint);
  const admin = new Redis(redis.url, { connectionName: 'bench' });
  const shared: Shared = {
    redisUrl: redis.url,
    redisPid: () => redis.pid,
    dynamoPid: dynamo.pid,
    counter,
    admin,
    home,
    base: clock(),
  };
  console.log(
    `Cluster benchmark: ${PROCESS_COUNTS.join(', ')} server processes (node server/dist/main.js, REDIS_URL set) on ` +
      `${os.cpus().length} CPUs, one after another, each on fresh tables; Redis ${redis.version} (AOF, appendfsync ` +
      `always) and DynamoDB Local (in memory, through a counting pass-through) shared by all, on this machine.\n` +
      `Per configuration: ${CLIENTS} price sockets (${SOCKETS_PER_PROCESS} per child process) × ${SYMBOLS_PER_CLIENT} ` +
      `of ${SYMBOLS.length} symbols, socket j on process j mod N; ${RATE} ticks/s through POST /api/ticks, a batch ` +
      `every ${BATCH_MS} ms, symbol i to process i mod N, one request in flight per process; ${SYMBOLS.length} ` +
      `crosses_above alerts (one per symbol) of ${USERS} users with a tab each on process u mod N, ${FIRE_RATE} ` +
      `fires/s; TICK_SHARDS ${TICK_SHARDS}, TICK_FLUSH_MS ${TICK_FLUSH_MS}; ${WARMUP_SECONDS} s warm-up, then ` +
      `${SECONDS} s measured (CPU over drive + settle), then a ${SAMPLE_SECONDS} s MONITOR sample.`,
  );
  const results: ConfigResult[] = [];
  try {
    let repeats = 0;
    for (const n of PROCESS_COUNTS) {
      const name = `${n} process${n === 1 ? '' : 'es'}`;
      const measure = async () => {
        const waited = await machineQuiet();
        const began = Date.now();
        const result = await runConfiguration(n, shared);
        console.log(
          `  ${name}: done in ${((Date.now() - began) / 1000).toFixed(0)} s` +
            (waited > 1_500 ? ` (after ${(waited / 1000).toFixed(0)} s waiting for a quiet machine)` : ''),
        );
        return result;
      };
      let result = await measure();
      if (outsideCores(result) > NOISY_CORE_SHARE && repeats < MAX_REPEATS) {
        repeats += 1;
        console.log(
          `  ${name}: other processes took ${(100 * outsideCores(result)).toFixed(0)}% of a core during the ` +
            `window; measuring again, keeping the quieter of the two`,
        );
        const first = result;
        const again = await measure();
        const [kept, dropped] = outsideCores(again) < outsideCores(first) ? [again, first] : [first, again];
        // A check that failed in the attempt not kept still fails the bench.
        kept.problems.push(...dropped.problems.map((problem) => `in the attempt not shown: ${problem}`));
        result = kept;
      }
      results.push(result);
    }
    report(results);
  } finally {
    clearTimeout(watchdog);
    admin.disconnect();
    await counter.close();
    await Promise.all([redis.stop(), dynamo.stop()]);
    fs.rmSync(home, { recursive: true, force: true });
  }
  if (results.some((r) => r.problems.length > 0)) {
    console.error('cluster bench: a completeness or exactly-once check failed (see above)');
    process.exitCode = 1;
  }
}

if (process.argv[2] === 'load') runLoad(JSON.parse(process.argv[3]!) as string[], Number(process.argv[4]));
else if (process.argv[2] === 'tabs') runTabs();
else if (process.argv[2] === 'crowd')
  await runCrowd(
    JSON.parse(process.argv[3]!) as string[],
    Number(process.argv[4]),
    Number(process.argv[5]),
    Number(process.argv[6]),
  );
else await main();
