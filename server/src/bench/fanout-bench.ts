import { fork, type ChildProcess } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createHistogram, monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import seedrandom from 'seedrandom';
import type { Tick } from '@tickwatch/shared';
import { connectBenchSocket, seededSubscriptions, type BenchSocket } from './bench-sockets.js';
import { requiredMessage } from './child-messages.js';
import { loadConfig } from '../config.js';
import { startBenchServer } from './bench-server.js';
import { tickRoom } from '../realtime/rooms.js';
import { flushSliceChannels, type FlushSliceEnd } from '../realtime/tick-fanout.js';

/**
 * `npm run bench:fanout`: the price fan-out with 1,000 and 3,000 subscribed sockets, conflated (TICK_FLUSH_MS=100,
 * the default) against the baseline of one frame per tick (TICK_FLUSH_MS=0, one pre-encoded room broadcast per
 * tick), both measured in the same run for each size. Each run starts the real server in this process on the
 * embedded store and drives ticks through `pipeline.ingestLive` (HTTP parsing would dominate otherwise). The clients
 * live in child processes (up to SOCKETS_PER_PROCESS each), so that `process.cpuUsage()` here is the server's alone.
 * Each tick's volume carries its send time, so a client computes tick → client latency without bookkeeping.
 *
 * What the targets are about: how long one flush holds the server's event loop (alerts and HTTP wait behind it),
 * the server's CPU per million deliveries (a delivery is one tick reaching one socket; CPU is counted over the drive
 * and the settling after it), and the server's memory per idle subscribed socket (heap and external memory after a
 * full GC, before and after the sockets connected and subscribed). Flushes are timed through the fan-out's
 * diagnostics channels, in wall time and in CPU time (see timeFlushes): on a shared machine wall time also counts
 * the time other processes had the core. The server's CPU includes ingest (pipeline, engine, embedded store), the
 * same in both modes and a good part of the whole, so the table also shows the flushes' own share.
 */
const SIZES = (process.env.BENCH_CLIENTS ?? '1000,3000').split(',').map(Number);
const RATE = Number(process.env.BENCH_RATE ?? 500);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const SYMBOLS = Array.from({ length: 50 }, (_, i) => `SYM${i}`);
const SYMBOLS_PER_CLIENT = 10;
/** Client sockets per child process: one process decoding every frame of 3,000 sockets would fall behind. */
const SOCKETS_PER_PROCESS = 1500;
/** Connections opened at once per child, so a 2-core machine is not swamped by a thousand handshakes together. */
const CONNECT_BATCH = 50;
/** Delivery is done once the clients' count has not moved for this long... */
const QUIET_MS = 500;
/** ...or after this long, whichever comes first. */
const SETTLE_LIMIT_MS = 20_000;
/** Latency histogram in 1 ms buckets; the last one holds everything slower. */
const MAX_LATENCY_MS = 60_000;
/** The issue's targets (at 3,000 sockets for the flush block). */
const TARGETS = { flushBlockMs: 10, cpuSecondsPerMillion: 2, memoryKbPerSocket: 16 };

type FromClients =
  { type: 'ready' } | { type: 'counts'; deliveries: number } | { type: 'result'; result: ClientResult };
type ToClients = { type: 'poll' } | { type: 'finish' };

interface ClientResult {
  frames: number;
  deliveries: number;
  /** Sparse latency histogram: [ms, count] for every non-empty bucket. */
  latencies: [number, number][];
  cpuMs: number;
}

interface RunResult {
  clients: number;
  frames: number;
  deliveries: number;
  p50: number;
  p99: number;
  max: number;
  clientsCpuMs: number;
  sent: number;
  /** Deliveries had every tick reached every subscriber of its symbol as its own update. */
  expected: number;
  serverFramesSent: number;
  serverFramesDeferred: number;
  /** Flushes and their longest slices; none in the baseline, which sends inside ingestLive. */
  flushes: FlushTimes;
  serverCpuMs: number;
  /** The longest the server's event loop was late, flushes or anything else (1 ms resolution). */
  serverLoopDelayMaxMs: number;
  memoryKbPerSocket: number;
  driveSeconds: number;
  settleSeconds: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface FlushTimes {
  count: number;
  /** The longest slice of each flush: its median, p99 and max over the flushes, in ms. */
  wallP50Ms: number;
  wallMaxMs: number;
  wallP99Ms: number;
  cpuMaxMs: number;
  cpuP99Ms: number;
  /** CPU time of every slice together. */
  cpuMs: number;
}

/**
 * Times the fan-out's flushes through its diagnostics channels while it is on. A slice's CPU is the process's CPU
 * over it, capped at its wall time: the event loop thread alone cannot have run longer than that, while the process
 * figure also counts other threads (the store's, the garbage collector's helpers) and Node 20 has no per-thread one.
 */
function timeFlushes(): () => FlushTimes {
  const wallUs = createHistogram();
  const cpuUs = createHistogram();
  let totalCpuUs = 0;
  let start = { wall: 0, cpu: process.cpuUsage() };
  let longest = { wall: 0, cpu: 0 };
  const onStart = () => {
    start = { wall: performance.now(), cpu: process.cpuUsage() };
  };
  const onEnd = (message: unknown) => {
    const used = process.cpuUsage(start.cpu);
    const wall = (performance.now() - start.wall) * 1000;
    const cpu = Math.min(wall, used.user + used.system);
    totalCpuUs += cpu;
    longest = { wall: Math.max(longest.wall, wall), cpu: Math.max(longest.cpu, cpu) };
    if (!(message as FlushSliceEnd).last) return;
    wallUs.record(Math.max(1, Math.round(longest.wall)));
    cpuUs.record(Math.max(1, Math.round(longest.cpu)));
    longest = { wall: 0, cpu: 0 };
  };
  flushSliceChannels.start.subscribe(onStart);
  flushSliceChannels.end.subscribe(onEnd);
  return () => {
    flushSliceChannels.start.unsubscribe(onStart);
    flushSliceChannels.end.unsubscribe(onEnd);
    const ms = (us: number) => (wallUs.count > 0 ? us / 1000 : NaN);
    return {
      count: wallUs.count,
      wallP50Ms: ms(wallUs.percentile(50)),
      wallMaxMs: ms(wallUs.max),
      wallP99Ms: ms(wallUs.percentile(99)),
      cpuMaxMs: ms(cpuUs.max),
      cpuP99Ms: ms(cpuUs.percentile(99)),
      cpuMs: totalCpuUs / 1000,
    };
  };
}

// ---- Child processes: the clients ----

async function runClients(url: string, total: number, from: number, count: number): Promise<void> {
  const send = (message: FromClients) => process.send!(message);
  // Bounded even if the parent dies mid-run.
  process.on('disconnect', () => process.exit(1));
  const histogram = new Uint32Array(MAX_LATENCY_MS + 1);
  let frames = 0;
  let deliveries = 0;
  const onFrame = (frame: Tick[]) => {
    const now = Date.now();
    frames += 1;
    deliveries += frame.length;
    for (const tick of frame) {
      const ms = Math.min(MAX_LATENCY_MS, Math.max(0, now - tick.volume));
      histogram[ms] = (histogram[ms] ?? 0) + 1;
    }
  };

  const sockets: BenchSocket[] = [];
  const subs = seededSubscriptions('fanout-bench-subscriptions', total, SYMBOLS, SYMBOLS_PER_CLIENT).slice(
    from,
    from + count,
  );
  for (let i = 0; i < subs.length; i += CONNECT_BATCH) {
    await Promise.all(
      subs.slice(i, i + CONNECT_BATCH).map(async (symbols) => {
        const socket = await connectBenchSocket(url, { symbols });
        sockets.push(socket);
        socket.on('ticks', onFrame);
      }),
    );
  }

  const cpuStart = process.cpuUsage();
  process.on('message', (message: ToClients) => {
    if (message.type === 'poll') return send({ type: 'counts', deliveries });
    const cpu = process.cpuUsage(cpuStart);
    for (const socket of sockets) socket.disconnect();
    const latencies: [number, number][] = [];
    histogram.forEach((n, ms) => n > 0 && latencies.push([ms, n]));
    const result: ClientResult = { frames, deliveries, latencies, cpuMs: (cpu.user + cpu.system) / 1000 };
    // Exit only once the result has left, or the parent would wait for it in vain.
    process.send!({ type: 'result', result } satisfies FromClients, () => process.exit(0));
  });
  send({ type: 'ready' });
}

function percentile(histogram: Map<number, number>, total: number, p: number): number {
  const rank = Math.max(1, Math.ceil((p / 100) * total));
  let seen = 0;
  for (const [ms, n] of [...histogram].sort((a, b) => a[0] - b[0])) {
    seen += n;
    if (seen >= rank) return ms;
  }
  return NaN;
}

/** Heap and external memory after a full collection, in bytes. */
function memoryInUse(): number {
  // Twice: the first pass can leave finalised objects for the second.
  globalThis.gc!();
  globalThis.gc!();
  const usage = process.memoryUsage();
  return usage.heapUsed + usage.external;
}

// ---- Parent process: the server and the tick source ----

async function run(clients: number, flushMs: number, dataDir: string): Promise<RunResult> {
  const { store, app } = await startBenchServer(dataDir, { TICK_FLUSH_MS: String(flushMs) });
  const url = await app.listen();
  const memoryBefore = memoryInUse();
  const children: ChildProcess[] = [];
  for (let from = 0; from < clients; from += SOCKETS_PER_PROCESS) {
    const count = Math.min(SOCKETS_PER_PROCESS, clients - from);
    children.push(fork(fileURLToPath(import.meta.url), ['clients', url, String(clients), String(from), String(count)]));
  }
  const all = <T>(each: (child: ChildProcess) => Promise<T>) => Promise.all(children.map(each));
  try {
    await all((child) => requiredMessage<FromClients, 'ready'>(child, 'ready', 300_000));
    const memoryKbPerSocket = (memoryInUse() - memoryBefore) / 1024 / clients;
    // What one-update-per-tick delivery would be, from the server's own rooms.
    const rooms = app.io.of('/').adapter.rooms;
    const subscribers = new Map(SYMBOLS.map((s) => [s, rooms.get(tickRoom(s))?.size ?? 0]));

    // The same seeded symbol sequence in every run; uniform random rather than round-robin, as a real feed is
    // not evenly spread over its symbols from one flush to the next.
    const random = seedrandom('fanout-bench-ticks');
    const fanoutBefore = app.fanout.stats();
    const stopTiming = timeFlushes();
    const loopDelay = monitorEventLoopDelay({ resolution: 1 });
    loopDelay.enable();
    const cpuStart = process.cpuUsage();
    const begin = Date.now();
    const end = begin + SECONDS * 1000;
    let sent = 0;
    let expected = 0;
    while (Date.now() < end) {
      const now = Date.now();
      // Whatever is due by now, so a slow turn of the loop does not lower the stated rate.
      const due = Math.floor(((now - begin) / 1000) * RATE) - sent;
      for (let i = 0; i < due; i++) {
        const symbol = SYMBOLS[Math.floor(random() * SYMBOLS.length)]!;
        app.pipeline.ingestLive({ symbol, timestamp: now, price: 100 + random(), volume: now, source: 'simulator' });
        expected += subscribers.get(symbol)!;
      }
      sent += Math.max(0, due);
      await sleep(1);
    }
    const driveSeconds = (Date.now() - begin) / 1000;

    // Wait for the frames still in flight (the last flush, socket buffers) until the count stops moving.
    const settleBegin = Date.now();
    let last = -1;
    while (Date.now() - settleBegin < SETTLE_LIMIT_MS) {
      for (const child of children) child.send({ type: 'poll' } satisfies ToClients);
      const counts = await all((child) => requiredMessage<FromClients, 'counts'>(child, 'counts', SETTLE_LIMIT_MS));
      const deliveries = counts.reduce((sum, c) => sum + c.deliveries, 0);
      if (deliveries === last) break;
      last = deliveries;
      await sleep(QUIET_MS);
    }
    const settleSeconds = (Date.now() - settleBegin) / 1000;
    const cpu = process.cpuUsage(cpuStart);
    loopDelay.disable();
    const flushes = stopTiming();
    const fanout = app.fanout.stats();

    const results = await all(async (child) => {
      const result = requiredMessage<FromClients, 'result'>(child, 'result', 30_000);
      child.send({ type: 'finish' } satisfies ToClients);
      return (await result).result;
    });
    const latencies = new Map<number, number>();
    for (const r of results) for (const [ms, n] of r.latencies) latencies.set(ms, (latencies.get(ms) ?? 0) + n);
    const deliveries = results.reduce((sum, r) => sum + r.deliveries, 0);
    return {
      clients,
      frames: results.reduce((sum, r) => sum + r.frames, 0),
      deliveries,
      p50: percentile(latencies, deliveries, 50),
      p99: percentile(latencies, deliveries, 99),
      max: Math.max(...latencies.keys()),
      clientsCpuMs: results.reduce((sum, r) => sum + r.cpuMs, 0),
      sent,
      expected,
      serverFramesSent: fanout.framesSent - fanoutBefore.framesSent,
      serverFramesDeferred: fanout.framesDeferred - fanoutBefore.framesDeferred,
      flushes,
      serverCpuMs: (cpu.user + cpu.system) / 1000,
      serverLoopDelayMaxMs: loopDelay.max / 1e6,
      memoryKbPerSocket,
      driveSeconds,
      settleSeconds,
    };
  } finally {
    await all(async (child) => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      const timer = setTimeout(() => child.kill(), 10_000);
      await exited;
      clearTimeout(timer);
    });
    await app.close();
    await store.close();
  }
}

function report(baseline: RunResult, conflated: RunResult, flushMs: number): void {
  const perSecond = (n: number, r: RunResult) => n / r.driveSeconds;
  const perMillion = (cpuMs: number, r: RunResult) => (cpuMs * 1000) / r.deliveries;
  const blockTarget = `≤ ${TARGETS.flushBlockMs} at 3,000`;
  const cpuTarget = `≤ ${TARGETS.cpuSecondsPerMillion}`;
  const rows: [string, (r: RunResult) => number, number, string][] = [
    ['ticks sent /s', (r) => perSecond(r.sent, r), 0, ''],
    ['deliveries (tick updates) /s', (r) => perSecond(r.deliveries, r), 0, ''],
    ['frames received /s', (r) => perSecond(r.frames, r), 0, ''],
    ['frames sent /s (server count)', (r) => perSecond(r.serverFramesSent, r), 0, ''],
    ['frames deferred (busy socket)', (r) => r.serverFramesDeferred, 0, ''],
    ['tick updates per frame', (r) => r.deliveries / r.frames, 2, ''],
    ['ticks coalesced away (%)', (r) => 100 * (1 - r.deliveries / r.expected), 1, ''],
    ['latency p50 (ms)', (r) => r.p50, 0, ''],
    ['latency p99 (ms)', (r) => r.p99, 0, ''],
    ['latency max (ms)', (r) => r.max, 0, ''],
    ['flush block p50, wall (ms)', (r) => r.flushes.wallP50Ms, 1, ''],
    ['flush block p99, wall (ms)', (r) => r.flushes.wallP99Ms, 1, ''],
    ['flush block max, wall (ms)', (r) => r.flushes.wallMaxMs, 1, blockTarget],
    ['flush block p99, CPU (ms)', (r) => r.flushes.cpuP99Ms, 1, ''],
    ['flush block max, CPU (ms)', (r) => r.flushes.cpuMaxMs, 1, blockTarget],
    ['event-loop delay max (ms)', (r) => r.serverLoopDelayMaxMs, 1, ''],
    ['server CPU (s)', (r) => r.serverCpuMs / 1000, 2, ''],
    ['server CPU s / M deliveries', (r) => perMillion(r.serverCpuMs, r), 2, cpuTarget],
    ['  of which flushes', (r) => (r.flushes.count > 0 ? perMillion(r.flushes.cpuMs, r) : NaN), 2, cpuTarget],
    ['idle memory per socket (KB)', (r) => r.memoryKbPerSocket, 1, `≤ ${TARGETS.memoryKbPerSocket}`],
    ['clients CPU (s)', (r) => r.clientsCpuMs / 1000, 2, ''],
  ];
  console.log('');
  console.log(`${baseline.clients} sockets`);
  console.log(
    `${''.padEnd(36)}${'baseline (0 ms)'.padStart(16)}${`conflated (${flushMs} ms)`.padStart(20)}` +
      `${'ratio'.padStart(9)}   target`,
  );
  const cell = (value: number, digits: number, width: number) =>
    (Number.isFinite(value) ? value.toFixed(digits) : '-').padStart(width);
  for (const [name, value, digits, target] of rows) {
    const ratio = value(conflated) / value(baseline);
    console.log(
      name.padEnd(36) +
        cell(value(baseline), digits, 16) +
        cell(value(conflated), digits, 20) +
        (Number.isFinite(ratio) ? `x${ratio.toFixed(3)}` : '').padStart(9) +
        (target ? `   ${target}` : ''),
    );
  }
  for (const [name, r] of [
    ['baseline', baseline],
    ['conflated', conflated],
  ] as const) {
    console.log(
      `${name}: ${r.sent} ticks, ${r.deliveries}/${r.expected} one-per-tick deliveries, ${r.frames} frames, ` +
        `${r.flushes.count} flushes; driven ${r.driveSeconds.toFixed(1)} s, settled in ${r.settleSeconds.toFixed(1)} s`,
    );
  }
}

async function main(): Promise<void> {
  if (!globalThis.gc) throw new Error('run with node --expose-gc (npm run bench:fanout does)');
  const root = await fs.mkdtemp(path.join(os.tmpdir(), 'tickwatch-fanout-bench-'));
  try {
    console.log(
      `Fan-out benchmark: ${SIZES.join(' and ')} socket.io clients (websocket, loopback, separate processes of up to ` +
        `${SOCKETS_PER_PROCESS}), ${SYMBOLS_PER_CLIENT} of ${SYMBOLS.length} symbols each; ${RATE} ticks/s for ` +
        `${SECONDS} s via ingestLive; embedded store; ${os.cpus().length} CPUs`,
    );
    const flushMs = loadConfig({}).tickFlushMs;
    for (const clients of SIZES) {
      const baseline = await run(clients, 0, path.join(root, `baseline-${clients}`));
      const conflated = await run(clients, flushMs, path.join(root, `conflated-${clients}`));
      report(baseline, conflated, flushMs);
    }
  } finally {
    await fs.rm(root, { recursive: true, force: true });
  }
}

if (process.argv[2] === 'clients') {
  const [url, total, from, count] = process.argv.slice(3);
  await runClients(url!, Number(total), Number(from), Number(count));
} else {
  await main();
}
