import { fork } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import seedrandom from 'seedrandom';
import { io, type Socket } from 'socket.io-client';
import type { ClientToServerEvents, ServerToClientEvents, Tick } from '@tickwatch/shared';
import { requiredMessage } from './child-messages.js';
import { loadConfig } from '../config.js';
import { startBenchServer } from './bench-server.js';
import { tickRoom } from '../realtime/rooms.js';

/**
 * `npm run bench:fanout`: the price fan-out with many subscribers, conflated (TICK_FLUSH_MS=100, the default)
 * against the baseline of one frame per tick (TICK_FLUSH_MS=0; the fan-out still merges the updates of a socket
 * whose last frame is not yet written, which "ticks coalesced away" shows), both measured in the same run. Each
 * run starts the real server in this process on the embedded store and drives ticks through `pipeline.ingestLive`
 * (HTTP parsing would dominate otherwise). The clients live in a child process so that `process.cpuUsage()` here is
 * the server's alone and the server and the clients each get one of the two cores rather than sharing an event loop.
 * Each tick's volume carries its send time, so a client computes tick → client latency without bookkeeping.
 */
const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 1000);
const RATE = Number(process.env.BENCH_RATE ?? 500);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const SYMBOLS = Array.from({ length: 50 }, (_, i) => `SYM${i}`);
const SYMBOLS_PER_CLIENT = 10;
/** Connections opened at once, so a 2-core machine is not swamped by a thousand handshakes together. */
const CONNECT_BATCH = 50;
/** Delivery is done once the clients' count has not moved for this long... */
const QUIET_MS = 500;
/** ...or after this long, whichever comes first. */
const SETTLE_LIMIT_MS = 20_000;
/** Latency histogram in 1 ms buckets; the last one holds everything slower. */
const MAX_LATENCY_MS = 60_000;

type BenchSocket = Socket<ServerToClientEvents, ClientToServerEvents>;
type FromClients =
  { type: 'ready' } | { type: 'counts'; deliveries: number } | { type: 'result'; result: ClientResult };
type ToClients = { type: 'poll' } | { type: 'finish' };

interface ClientResult {
  frames: number;
  deliveries: number;
  p50: number;
  p99: number;
  max: number;
  cpuMs: number;
}

interface RunResult extends ClientResult {
  sent: number;
  /** Deliveries had every tick reached every subscriber of its symbol as its own update. */
  expected: number;
  serverFramesSent: number;
  serverFramesDeferred: number;
  serverCpuMs: number;
  /** p99 of the server's event-loop delay: late flush timers and late frames show up here first. */
  serverLoopDelayP99: number;
  driveSeconds: number;
  settleSeconds: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Which symbols each client watches: seeded, so both runs (and both processes) agree. */
function subscriptions(): string[][] {
  const random = seedrandom('fanout-bench-subscriptions');
  return Array.from({ length: CLIENTS }, () => {
    const pool = [...SYMBOLS];
    for (let i = 0; i < SYMBOLS_PER_CLIENT; i++) {
      const j = i + Math.floor(random() * (pool.length - i));
      [pool[i], pool[j]] = [pool[j]!, pool[i]!];
    }
    return pool.slice(0, SYMBOLS_PER_CLIENT);
  });
}

// ---- Child process: the clients ----

async function runClients(url: string): Promise<void> {
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
  const subs = subscriptions();
  for (let i = 0; i < subs.length; i += CONNECT_BATCH) {
    await Promise.all(
      subs.slice(i, i + CONNECT_BATCH).map(async (symbols) => {
        const socket: BenchSocket = io(url, { transports: ['websocket'], forceNew: true, reconnection: false });
        sockets.push(socket);
        await new Promise<void>((resolve, reject) => {
          socket.once('connect', resolve);
          socket.once('connect_error', reject);
        });
        const ack = await socket.timeout(30_000).emitWithAck('ticks:subscribe', symbols);
        if (!ack.ok) throw new Error(`subscribe refused: ${ack.error.message}`);
        socket.on('ticks', onFrame);
      }),
    );
  }

  const cpuStart = process.cpuUsage();
  process.on('message', (message: ToClients) => {
    if (message.type === 'poll') return send({ type: 'counts', deliveries });
    const cpu = process.cpuUsage(cpuStart);
    for (const socket of sockets) socket.disconnect();
    const result: ClientResult = {
      frames,
      deliveries,
      p50: percentile(histogram, deliveries, 50),
      p99: percentile(histogram, deliveries, 99),
      max: histogram.findLastIndex((count) => count > 0),
      cpuMs: (cpu.user + cpu.system) / 1000,
    };
    // Exit only once the result has left, or the parent would wait for it in vain.
    process.send!({ type: 'result', result } satisfies FromClients, () => process.exit(0));
  });
  send({ type: 'ready' });
}

function percentile(histogram: Uint32Array, total: number, p: number): number {
  const rank = Math.max(1, Math.ceil((p / 100) * total));
  let seen = 0;
  for (let ms = 0; ms < histogram.length; ms++) {
    seen += histogram[ms]!;
    if (seen >= rank) return ms;
  }
  return NaN;
}

// ---- Parent process: the server and the tick source ----

async function run(flushMs: number, dataDir: string): Promise<RunResult> {
  const { store, app } = await startBenchServer(dataDir, { TICK_FLUSH_MS: String(flushMs) });
  const url = await app.listen();
  const child = fork(fileURLToPath(import.meta.url), ['clients', url]);
  try {
    await requiredMessage<FromClients, 'ready'>(child, 'ready', 300_000);
    // What one-update-per-tick delivery would be, from the server's own rooms.
    const rooms = app.io.of('/').adapter.rooms;
    const subscribers = new Map(SYMBOLS.map((s) => [s, rooms.get(tickRoom(s))?.size ?? 0]));

    // The same seeded symbol sequence in both runs; uniform random rather than round-robin, as a real feed is
    // not evenly spread over its symbols from one flush to the next.
    const random = seedrandom('fanout-bench-ticks');
    const fanoutBefore = app.fanout.stats();
    const loopDelay = monitorEventLoopDelay({ resolution: 10 });
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
      child.send({ type: 'poll' } satisfies ToClients);
      const { deliveries } = await requiredMessage<FromClients, 'counts'>(child, 'counts', SETTLE_LIMIT_MS);
      if (deliveries === last) break;
      last = deliveries;
      await sleep(QUIET_MS);
    }
    const settleSeconds = (Date.now() - settleBegin) / 1000;
    const cpu = process.cpuUsage(cpuStart);
    loopDelay.disable();
    const fanoutAfter = app.fanout.stats();

    child.send({ type: 'finish' } satisfies ToClients);
    const { result } = await requiredMessage<FromClients, 'result'>(child, 'result', 30_000);
    return {
      ...result,
      sent,
      expected,
      serverFramesSent: fanoutAfter.framesSent - fanoutBefore.framesSent,
      serverFramesDeferred: fanoutAfter.framesDeferred - fanoutBefore.framesDeferred,
      serverCpuMs: (cpu.user + cpu.system) / 1000,
      serverLoopDelayP99: loopDelay.percentile(99) / 1e6,
      driveSeconds,
      settleSeconds,
    };
  } finally {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      const timer = setTimeout(() => child.kill(), 10_000);
      await exited;
      clearTimeout(timer);
    }
    await app.close();
    await store.close();
  }
}

async function main(): Promise<void> {
  const root = await fs.mkdtemp(path.join(os.tmpdir(), 'tickwatch-fanout-bench-'));
  try {
    console.log(
      `Fan-out benchmark: ${CLIENTS} socket.io clients (websocket, loopback, separate process), ` +
        `${SYMBOLS_PER_CLIENT} of ${SYMBOLS.length} symbols each; ${RATE} ticks/s for ${SECONDS} s via ingestLive; ` +
        `embedded store; ${os.cpus().length} CPUs`,
    );
    const flushMs = loadConfig({}).tickFlushMs;
    const baseline = await run(0, path.join(root, 'baseline'));
    const conflated = await run(flushMs, path.join(root, 'conflated'));

    const perSecond = (n: number, r: RunResult) => n / r.driveSeconds;
    const rows: [string, (r: RunResult) => number, number][] = [
      ['ticks sent /s', (r) => perSecond(r.sent, r), 0],
      ['deliveries (tick updates) /s', (r) => perSecond(r.deliveries, r), 0],
      ['frames received /s', (r) => perSecond(r.frames, r), 0],
      ['frames sent /s (server count)', (r) => perSecond(r.serverFramesSent, r), 0],
      ['frames deferred (busy socket)', (r) => r.serverFramesDeferred, 0],
      ['tick updates per frame', (r) => r.deliveries / r.frames, 2],
      ['ticks coalesced away (%)', (r) => 100 * (1 - r.deliveries / r.expected), 1],
      ['latency p50 (ms)', (r) => r.p50, 0],
      ['latency p99 (ms)', (r) => r.p99, 0],
      ['latency max (ms)', (r) => r.max, 0],
      ['server CPU (s)', (r) => r.serverCpuMs / 1000, 2],
      ['server event-loop delay p99 (ms)', (r) => r.serverLoopDelayP99, 0],
      ['clients CPU (s)', (r) => r.cpuMs / 1000, 2],
    ];
    console.log('');
    console.log(`${''.padEnd(34)}${'baseline (0 ms)'.padStart(18)}${`conflated (${flushMs} ms)`.padStart(20)}   ratio`);
    for (const [name, value, digits] of rows) {
      const ratio = value(conflated) / value(baseline);
      console.log(
        name.padEnd(34) +
          value(baseline).toFixed(digits).padStart(18) +
          value(conflated).toFixed(digits).padStart(20) +
          (Number.isFinite(ratio) ? `   x${ratio.toFixed(3)}` : ''),
      );
    }
    console.log('');
    for (const [name, r] of [
      ['baseline', baseline],
      ['conflated', conflated],
    ] as const) {
      console.log(
        `${name}: ${r.sent} ticks, ${r.deliveries}/${r.expected} one-per-tick deliveries, ${r.frames} frames; ` +
          `driven ${r.driveSeconds.toFixed(1)} s, settled in ${r.settleSeconds.toFixed(1)} s; CPU over drive + settle`,
      );
    }
  } finally {
    await fs.rm(root, { recursive: true, force: true });
  }
}

if (process.argv[2] === 'clients') await runClients(process.argv[3]!);
else await main();
