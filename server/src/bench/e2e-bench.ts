import { fork, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import seedrandom from 'seedrandom';
import { alertDefinitionSchema, type NotificationRecord } from '@tickwatch/shared';
import { connectBenchSocket, seededSubscriptions, type BenchSocket } from './bench-sockets.js';
import { ended, requiredMessage } from './child-messages.js';
import { latency, type Latency } from './latency.js';
import { startBenchServer } from './bench-server.js';
import { tickRoom, userRoom } from '../realtime/rooms.js';
import { AlertsRepository, newAlertItem } from '../store/alerts-repository.js';

/**
 * `npm run bench:e2e`: tick → `alert:triggered` latency at real Socket.IO tabs, in three phases of one run on one
 * server (the embedded store in this process, as `npm start` runs it):
 *  1. unloaded: a trickle of crossing ticks and nothing else;
 *  2. ingest-only: BENCH_RATE ticks/s over 50 symbols, the same trickle of crossings among them, no subscribers but
 *     the measuring tabs;
 *  3. full load: BENCH_RATE ticks/s, BENCH_CLIENTS more sockets subscribed to 10 symbols each (`ticks:subscribe`),
 *     and BENCH_FIRE_RATE fires/s.
 * Every symbol has one `crosses_above` alert at LEVEL, owned by one of TABS measuring users; each user has one tab
 * signed in with its own dev token, watching its alerts' symbols and acknowledging `alert:triggered` at once, as the
 * dashboard does. A symbol trades below the level and is sent across it once per fire due, round robin, so each
 * crossing tick fires exactly one alert and the fire rate is what the phase asks for.
 *
 * The ticks are generated in one child process and handed to `pipeline.ingestLive` here (the streaming feeds' way
 * in), the tabs live in a second and the crowd of subscribers in a third: `process.cpuUsage()` here is the server's
 * alone (HTTP, Socket.IO, the engine, delivery and the embedded store), and the tabs' clock does not wait behind
 * the crowd's frames. Each tick's timestamp is the millisecond it was handed over, which a fire's `triggered_at`
 * carries to the tab; the exact instant is kept here, keyed by alert and millisecond. Latency is the tab's receive
 * time minus that instant, for `alert:triggered` and for the `notification:updated` saying `sent` (pushed after the
 * status is written); both clocks are `performance.timeOrigin + now()`, which processes on one machine share.
 * Exactly-once is checked at the tabs: every expected fire arrives once, nothing else arrives, and every fire is
 * reported sent; the bench exits non-zero if not.
 */
const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 1000);
const RATE = Number(process.env.BENCH_RATE ?? 500);
const FIRE_RATE = Number(process.env.BENCH_FIRE_RATE ?? 50);
/** Fires/s of the unloaded and ingest-only phases: probes, not load. */
const TRICKLE_RATE = Number(process.env.BENCH_TRICKLE_RATE ?? 10);
/** Each phase's length; the unreported warm-up before them takes a fifth of it. */
const SECONDS = Number(process.env.BENCH_SECONDS ?? 30);
const SYMBOLS = Array.from({ length: 50 }, (_, i) => `SYM${i}`);
const SYMBOLS_PER_CLIENT = 10;
const TABS = 10;
/** Every alert's level; ticks below it are the symbol's normal trading, one above it is a crossing. */
const LEVEL = 101;
/** Connections opened at once, so a 2-core machine is not swamped by a thousand handshakes together. */
const CONNECT_BATCH = 50;
/** A phase whose fires have not all reached their tabs as sent by then is incomplete; the bench goes on. */
const SETTLE_LIMIT_MS = 30_000;
/** How often the tabs are asked how much has arrived, while a phase settles. */
const POLL_MS = 100;
/** After the last expected event, how long to wait for strays (a fire delivered twice). */
const QUIET_MS = 500;
/** Nothing here may run longer than this: the whole bench gives up and exits non-zero. */
const WATCHDOG_MS = 10 * 60_000;
const TARGETS = { triggeredP99Ms: 100, triggeredGoalMs: 50, sentP99Ms: 150 };

interface PhaseSpec {
  name: string;
  /** Ticks/s in all, crossings included; 0 for crossings alone. */
  rate: number;
  fireRate: number;
  crowd: boolean;
}

const PHASES: PhaseSpec[] = [
  { name: 'unloaded', rate: 0, fireRate: TRICKLE_RATE, crowd: false },
  { name: 'ingest-only', rate: RATE, fireRate: TRICKLE_RATE, crowd: false },
  { name: 'full load', rate: RATE, fireRate: FIRE_RATE, crowd: true },
];

/** Symbol and price: the generator's part of a tick; the server's side stamps the rest as it hands it over. */
type TickDraft = [symbol: string, price: number];
type ToLoad = { type: 'drive'; rate: number; fireRate: number; seconds: number };
type FromLoad = { type: 'ticks'; ticks: TickDraft[] } | { type: 'driven' };
type ToTabs =
  | { type: 'connect'; url: string; tabs: { token: string; symbols: string[] }[] }
  | { type: 'poll' }
  | { type: 'report' };
type FromTabs = { type: 'ready' } | { type: 'counts'; triggered: number; sent: number } | Receipts;
type ToCrowd = { type: 'finish' };
/** The crowd's CPU, from its last connection to `finish`: on two cores it competes with the server for the second. */
type FromCrowd = { type: 'ready' } | { type: 'result'; frames: number; cpuPercent: number };

/** What the tabs received since the last report. */
interface Receipts {
  type: 'receipts';
  /** Every `alert:triggered`, repeats included, and when it came (high-resolution epoch ms). */
  triggered: [alertId: string, triggeredMs: number, notificationId: string, at: number][];
  /** The first `notification:updated` saying `sent` of each record. */
  sent: [notificationId: string, at: number][];
  loopDelayP99Ms: number;
  loopDelayMaxMs: number;
}

interface PhaseResult {
  spec: PhaseSpec;
  driveSeconds: number;
  ticks: number;
  fires: number;
  triggered: Latency;
  sent: Latency;
  framesSent: number;
  framesDeferred: number;
  serverCpuMs: number;
  serverCpuPercent: number;
  serverLoopDelayP99Ms: number;
  serverLoopDelayMaxMs: number;
  tabsLoopDelayP99Ms: number;
  tabsLoopDelayMaxMs: number;
  problems: string[];
}

const clock = () => performance.timeOrigin + performance.now();
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const fireKey = (alertId: string, ms: number) => `${alertId}@${ms}`;
/** Which measuring user owns symbol i's alert: round robin, so each has SYMBOLS / TABS alerts. */
const userOf = (i: number) => `e2e-trader-${i % TABS}`;

// ---- Child process: the tick source ----

function runLoad(): void {
  // Bounded even if the parent dies mid-run.
  process.on('disconnect', () => process.exit(1));
  const random = seedrandom('e2e-bench-ticks');
  const normalPrice = () => LEVEL - 1 + random() * 0.9;
  const crossingPrice = () => LEVEL + 0.1 + random() * 0.8;
  // Symbols whose last tick was below the level: the next crossing of any other needs a tick below first.
  const below = new Set<string>();
  let nextCrossing = 0;

  const drive = async ({ rate, fireRate, seconds }: ToLoad) => {
    const begin = Date.now();
    const end = begin + seconds * 1000;
    let sent = 0;
    let fires = 0;
    while (Date.now() < end) {
      const elapsed = (Date.now() - begin) / 1000;
      const batch: TickDraft[] = [];
      // Whatever is due by now, so a slow turn of the loop does not lower the stated rates.
      for (; fires < Math.floor(elapsed * fireRate); fires++) {
        const symbol = SYMBOLS[nextCrossing++ % SYMBOLS.length]!;
        if (!below.has(symbol)) batch.push([symbol, normalPrice()]);
        batch.push([symbol, crossingPrice()]);
        below.delete(symbol);
      }
      // Uniform random rather than round robin, as a real feed is not evenly spread over its symbols.
      for (let due = Math.floor(elapsed * rate) - sent - batch.length; due > 0; due--) {
        const symbol = SYMBOLS[Math.floor(random() * SYMBOLS.length)]!;
        batch.push([symbol, normalPrice()]);
        below.add(symbol);
      }
      sent += batch.length;
      if (batch.length > 0) process.send!({ type: 'ticks', ticks: batch } satisfies FromLoad);
      await sleep(1);
    }
  };

  process.on('message', (message: ToLoad) => {
    void drive(message).then(() => process.send!({ type: 'driven' } satisfies FromLoad));
  });
}

// ---- Child process: the measuring users' tabs ----

function runTabs(): void {
  const send = (message: FromTabs, then: () => void = () => {}) => process.send!(message, then);
  process.on('disconnect', () => process.exit(1));
  const sockets: BenchSocket[] = [];
  let triggered: Receipts['triggered'] = [];
  let sent: Receipts['sent'] = [];
  // Across phases: a record reported sent twice counts once, whichever phase the second comes in.
  const sentIds = new Set<string>();
  const loopDelay = monitorEventLoopDelay({ resolution: 10 });
  loopDelay.enable();

  // As the dashboard does (useNotifications): acknowledge at once, then count it.
  const onTriggered = (record: NotificationRecord, ack: (received: boolean) => void) => {
    const at = clock();
    ack(true);
    triggered.push([record.alert_id, Math.floor(record.triggered_at), record.notification_id, at]);
  };
  const onUpdated = (record: NotificationRecord) => {
    if (record.delivery_status !== 'sent' || sentIds.has(record.notification_id)) return;
    sentIds.add(record.notification_id);
    sent.push([record.notification_id, clock()]);
  };

  const connect = async (url: string, tabs: { token: string; symbols: string[] }[]) => {
    for (const { token, symbols } of tabs) {
      const socket = await connectBenchSocket(url, { token, symbols });
      sockets.push(socket);
      socket.on('alert:triggered', onTriggered);
      socket.on('notification:updated', onUpdated);
    }
  };

  process.on('message', (message: ToTabs) => {
    switch (message.type) {
      case 'connect':
        connect(message.url, message.tabs).then(
          () => send({ type: 'ready' }),
          (err: unknown) => {
            console.error('tabs could not connect:', err);
            process.exit(1);
          },
        );
        return;
      case 'poll':
        return send({ type: 'counts', triggered: triggered.length, sent: sent.length });
      case 'report':
        send({
          type: 'receipts',
          triggered,
          sent,
          loopDelayP99Ms: loopDelay.percentile(99) / 1e6,
          loopDelayMaxMs: loopDelay.max / 1e6,
        });
        triggered = [];
        sent = [];
        loopDelay.reset();
    }
  });
}

// ---- Child process: the crowd of subscribers ----

async function runCrowd(url: string): Promise<void> {
  process.on('disconnect', () => process.exit(1));
  let frames = 0;
  const sockets: BenchSocket[] = [];
  const subs = seededSubscriptions('e2e-bench-subscriptions', CLIENTS, SYMBOLS, SYMBOLS_PER_CLIENT);
  for (let i = 0; i < subs.length; i += CONNECT_BATCH) {
    await Promise.all(
      subs.slice(i, i + CONNECT_BATCH).map(async (symbols) => {
        const socket = await connectBenchSocket(url, { symbols });
        sockets.push(socket);
        socket.on('ticks', () => (frames += 1));
      }),
    );
  }
  const cpuStart = process.cpuUsage();
  const begin = clock();
  process.on('message', (message: ToCrowd) => {
    if (message.type !== 'finish') return;
    const cpu = process.cpuUsage(cpuStart);
    const cpuPercent = (100 * (cpu.user + cpu.system)) / 1000 / (clock() - begin);
    for (const socket of sockets) socket.disconnect();
    // Exit only once the result has left, or the parent would wait for it in vain.
    process.send!({ type: 'result', frames, cpuPercent } satisfies FromCrowd, () => process.exit(0));
  });
  process.send!({ type: 'ready' } satisfies FromCrowd);
}

// ---- Parent process: the server ----

async function main(): Promise<void> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'tickwatch-e2e-bench-'));
  const watchdog = setTimeout(() => {
    console.error(`e2e bench: still running after ${WATCHDOG_MS / 60_000} min; giving up`);
    fs.rmSync(root, { recursive: true, force: true });
    process.exit(1);
  }, WATCHDOG_MS);
  watchdog.unref();
  const { store, app } = await startBenchServer(root);
  let load: ChildProcess | undefined;
  let tabs: ChildProcess | undefined;
  let crowd: ChildProcess | undefined;
  let failed = false;
  try {
    const url = await app.listen();
    console.log(
      `End-to-end alert latency: one "crosses_above ${LEVEL}" alert on each of ${SYMBOLS.length} symbols, owned by ` +
        `${TABS} users with a socket.io tab each (websocket, loopback, separate process), acknowledging as the ` +
        `dashboard does; ticks from a separate process via pipeline.ingestLive; embedded store; ` +
        `${os.cpus().length} CPUs; ${SECONDS} s per phase`,
    );

    // The alerts, as POST /api/alerts makes them: validated definition, stored, then handed to the engine.
    const alerts = new AlertsRepository(store.clients.doc, store.tables.alerts);
    const nowSeconds = Math.floor(Date.now() / 1000);
    const alertOf = new Map<string, string>();
    for (const [i, symbol] of SYMBOLS.entries()) {
      const definition = alertDefinitionSchema.parse({
        symbol,
        condition_type: 'price_threshold',
        condition: { operator: 'crosses_above', threshold: LEVEL, price_type: 'close' },
        notification_method: 'websocket',
      });
      const item = newAlertItem(definition, userOf(i), nowSeconds);
      await alerts.create(item);
      app.engine.upsert(item);
      alertOf.set(symbol, item.alert_id);
    }

    // One tab per measuring user, watching its alerts' symbols, signed in with what POST /api/auth/dev-login gives.
    const users = Array.from({ length: TABS }, (_, i) => userOf(i));
    const tabSpecs = await Promise.all(
      users.map(async (user) => ({
        token: (await app.auth.issueDevToken(user)).token,
        symbols: SYMBOLS.filter((_, i) => userOf(i) === user),
      })),
    );
    tabs = fork(fileURLToPath(import.meta.url), ['tabs']);
    tabs.send({ type: 'connect', url, tabs: tabSpecs } satisfies ToTabs);
    await requiredMessage<FromTabs, 'ready'>(tabs, 'ready', 60_000);
    const rooms = app.io.of('/').adapter.rooms;
    const missing = users.filter((u) => rooms.get(userRoom(u))?.size !== 1);
    if (missing.length > 0) throw new Error(`${missing.length} users have no signed-in tab (e.g. ${missing[0]})`);

    // Ticks are stamped as they are handed over: the timestamp (strictly increasing per symbol, so that every
    // crossing of an alert has its own millisecond, as the tabs' key and the recorder's next-fire check need) and,
    // for a crossing, the exact instant, under the fire it must cause.
    load = fork(fileURLToPath(import.meta.url), ['load']);
    const lastPrice = new Map<string, number>();
    const lastTimestamp = new Map<string, number>();
    let expected = new Map<string, number>();
    let ticks = 0;
    load.on('message', (message: FromLoad) => {
      if (message.type !== 'ticks') return;
      for (const [symbol, price] of message.ticks) {
        const at = clock();
        const timestamp = Math.max(Date.now(), (lastTimestamp.get(symbol) ?? 0) + 1);
        const previous = lastPrice.get(symbol);
        if (previous !== undefined && previous <= LEVEL && price > LEVEL)
          expected.set(fireKey(alertOf.get(symbol)!, timestamp), at);
        lastPrice.set(symbol, price);
        lastTimestamp.set(symbol, timestamp);
        ticks += 1;
        app.pipeline.ingestLive({ symbol, timestamp, price, volume: 100, source: 'simulator' });
      }
    });

    const runPhase = async (spec: PhaseSpec, seconds: number): Promise<PhaseResult> => {
      // Each phase starts on an idle server: no tick writes, decisions or deliveries left from the one before.
      const idleBy = Date.now() + SETTLE_LIMIT_MS;
      await Promise.all([app.engine.idle(), app.delivery.idle()]);
      while (Date.now() < idleBy && (app.pipeline.stats().queued > 0 || app.pipeline.stats().inFlight > 0))
        await sleep(50);
      await sleep(QUIET_MS);

      expected = new Map();
      ticks = 0;
      const fanoutBefore = app.fanout.stats();
      const loopDelay = monitorEventLoopDelay({ resolution: 10 });
      loopDelay.enable();
      const cpuStart = process.cpuUsage();
      const begin = clock();
      load!.send({ type: 'drive', rate: spec.rate, fireRate: spec.fireRate, seconds } satisfies ToLoad);
      await requiredMessage<FromLoad, 'driven'>(load!, 'driven', seconds * 1000 + SETTLE_LIMIT_MS);
      const driveSeconds = (clock() - begin) / 1000;
      const fires = expected.size;

      // Until every fire has reached its tab and been reported sent, polled; CPU and loop delay cover this too.
      const settleBy = Date.now() + SETTLE_LIMIT_MS;
      let complete = false;
      while (!complete && Date.now() < settleBy) {
        tabs!.send({ type: 'poll' } satisfies ToTabs);
        const counts = await requiredMessage<FromTabs, 'counts'>(tabs!, 'counts', 10_000);
        complete = counts.triggered >= fires && counts.sent >= fires;
        if (!complete) await sleep(POLL_MS);
      }
      const cpu = process.cpuUsage(cpuStart);
      const wallMs = clock() - begin;
      loopDelay.disable();
      const fanoutAfter = app.fanout.stats();

      // Strays (a repeat delivery) would come now.
      await sleep(QUIET_MS);
      tabs!.send({ type: 'report' } satisfies ToTabs);
      const receipts = await requiredMessage<FromTabs, 'receipts'>(tabs!, 'receipts', 10_000);
      const sentAt = new Map(receipts.sent);
      const seen = new Map<string, number>();
      const triggeredMs: number[] = [];
      const sentMs: number[] = [];
      let unexpected = 0;
      for (const [alertId, ms, notificationId, at] of receipts.triggered) {
        const key = fireKey(alertId, ms);
        const handedAt = expected.get(key);
        seen.set(key, (seen.get(key) ?? 0) + 1);
        if (handedAt === undefined) unexpected += 1;
        if (handedAt === undefined || seen.get(key)! > 1) continue;
        triggeredMs.push(at - handedAt);
        const sent = sentAt.get(notificationId);
        if (sent !== undefined) sentMs.push(sent - handedAt);
      }
      const problems: string[] = [];
      if (!complete) problems.push(`not every fire reached its tab as sent within ${SETTLE_LIMIT_MS / 1000} s`);
      const missed = [...expected.keys()].filter((key) => !seen.has(key)).length;
      if (missed > 0) problems.push(`${missed} of ${fires} fires never reached their tab`);
      const repeated = [...seen.values()].filter((n) => n > 1).length;
      if (repeated > 0) problems.push(`${repeated} fires reached their tab more than once`);
      if (unexpected > 0) problems.push(`${unexpected} alert:triggered for no crossing of this phase`);
      if (sentMs.length !== triggeredMs.length)
        problems.push(`${triggeredMs.length - sentMs.length} fires shown but never reported sent`);

      return {
        spec,
        driveSeconds,
        ticks,
        fires,
        triggered: latency(triggeredMs),
        sent: latency(sentMs),
        framesSent: fanoutAfter.framesSent - fanoutBefore.framesSent,
        framesDeferred: fanoutAfter.framesDeferred - fanoutBefore.framesDeferred,
        serverCpuMs: (cpu.user + cpu.system) / 1000,
        serverCpuPercent: (100 * (cpu.user + cpu.system)) / 1000 / wallMs,
        serverLoopDelayP99Ms: loopDelay.percentile(99) / 1e6,
        serverLoopDelayMaxMs: loopDelay.max / 1e6,
        tabsLoopDelayP99Ms: receipts.loopDelayP99Ms,
        tabsLoopDelayMaxMs: receipts.loopDelayMaxMs,
        problems,
      };
    };

    // Unreported: the first fires in a process pay for JIT warm-up, which would count against the unloaded phase.
    const warmUp = await runPhase({ name: 'warm-up', rate: RATE, fireRate: FIRE_RATE, crowd: false }, SECONDS / 5);
    if (warmUp.problems.length > 0) {
      failed = true;
      console.error(`warm-up: FAILED: ${warmUp.problems.join('; ')}`);
    }

    const results: PhaseResult[] = [];
    for (const spec of PHASES) {
      if (spec.crowd && !crowd) {
        crowd = fork(fileURLToPath(import.meta.url), ['crowd', url]);
        await requiredMessage<FromCrowd, 'ready'>(crowd, 'ready', 300_000);
        const subscribers = SYMBOLS.reduce((n, s) => n + (rooms.get(tickRoom(s))?.size ?? 0), 0);
        const wanted = CLIENTS * SYMBOLS_PER_CLIENT + SYMBOLS.length;
        if (subscribers !== wanted) throw new Error(`${subscribers} of ${wanted} subscriptions are in place`);
      }
      results.push(await runPhase(spec, SECONDS));
    }
    let crowdResult: Extract<FromCrowd, { type: 'result' }> | undefined;
    if (crowd) {
      crowd.send({ type: 'finish' } satisfies ToCrowd);
      crowdResult = await requiredMessage<FromCrowd, 'result'>(crowd, 'result', 30_000);
    }

    const [baseline] = results;
    const perSecond = (n: number, r: PhaseResult) => n / r.driveSeconds;
    // Name, value, digits, whether a ratio to the unloaded phase means anything, the full-load target.
    const rows: [string, (r: PhaseResult) => number, number, boolean, string][] = [
      ['ticks /s', (r) => perSecond(r.ticks, r), 0, false, ''],
      ['fires /s', (r) => perSecond(r.fires, r), 1, false, ''],
      ['price frames sent /s (server count)', (r) => perSecond(r.framesSent, r), 0, false, ''],
      ['price frames deferred (busy socket)', (r) => r.framesDeferred, 0, false, ''],
      ['alert:triggered p50 (ms)', (r) => r.triggered.p50, 1, true, ''],
      [
        'alert:triggered p99 (ms)',
        (r) => r.triggered.p99,
        1,
        true,
        `≤ ${TARGETS.triggeredP99Ms} (goal ${TARGETS.triggeredGoalMs})`,
      ],
      ['alert:triggered max (ms)', (r) => r.triggered.max, 1, true, ''],
      ['sent p50 (ms)', (r) => r.sent.p50, 1, true, ''],
      ['sent p99 (ms)', (r) => r.sent.p99, 1, true, `≤ ${TARGETS.sentP99Ms}`],
      ['sent max (ms)', (r) => r.sent.max, 1, true, ''],
      ['server CPU (% of one core)', (r) => r.serverCpuPercent, 0, true, ''],
      ['server CPU ÷ fires (ms)', (r) => r.serverCpuMs / r.fires, 2, true, ''],
      ['server event-loop delay p99 (ms)', (r) => r.serverLoopDelayP99Ms, 1, true, ''],
      ['server event-loop delay max (ms)', (r) => r.serverLoopDelayMaxMs, 1, true, ''],
      ['tabs event-loop delay p99 (ms)', (r) => r.tabsLoopDelayP99Ms, 1, false, ''],
      ['tabs event-loop delay max (ms)', (r) => r.tabsLoopDelayMaxMs, 1, false, ''],
    ];
    console.log('');
    console.log(
      ''.padEnd(36) + results.map((r, i) => r.spec.name.padStart(i === 0 ? 10 : 18)).join('') + '   target (full load)',
    );
    for (const [name, value, digits, ratio, target] of rows) {
      const cells = results.map((r, i) => {
        const figure = value(r).toFixed(digits);
        if (i === 0) return figure.padStart(10);
        const times = value(r) / value(baseline!);
        return (figure + (ratio && Number.isFinite(times) ? ` x${times.toFixed(1)}` : '')).padStart(18);
      });
      console.log(name.padEnd(36) + cells.join('') + (target ? `   ${target}` : ''));
    }
    console.log('');
    for (const r of results) {
      if (r.problems.length > 0) failed = true;
      console.log(
        r.problems.length === 0
          ? `${r.spec.name}: exactly once: ${r.fires} fires, each at its tab once and reported sent; ` +
              `${r.ticks} ticks driven in ${r.driveSeconds.toFixed(1)} s`
          : `${r.spec.name}: FAILED: ${r.problems.join('; ')}`,
      );
    }
    if (crowdResult)
      console.log(
        `crowd: ${CLIENTS} sockets × ${SYMBOLS_PER_CLIENT} symbols received ${crowdResult.frames} frames, using ` +
          `${crowdResult.cpuPercent.toFixed(0)}% of a core over the full-load phase`,
      );
    console.log('');
    console.log(
      `targets (issue 10), full load: tick → alert:triggered p99 ≤ ${TARGETS.triggeredP99Ms} ms ` +
        `(goal ${TARGETS.triggeredGoalMs}), sent p99 ≤ ${TARGETS.sentP99Ms} ms; times from the tick's ` +
        `pipeline.ingestLive to the tab's receipt; x = against the unloaded phase of this run; server CPU over ` +
        `drive + settle, embedded store included`,
    );
  } finally {
    clearTimeout(watchdog);
    // A child whose parent has gone exits (each listens for it); the crowd has already, unless something failed.
    for (const child of [load, tabs, crowd]) if (child?.connected) child.disconnect();
    await Promise.all([ended(load), ended(tabs), ended(crowd)]);
    await app.close();
    await store.close();
    fs.rmSync(root, { recursive: true, force: true });
  }
  if (failed) {
    console.error('e2e bench: exactly-once or completeness check failed (see above)');
    process.exitCode = 1;
  }
}

if (process.argv[2] === 'load') runLoad();
else if (process.argv[2] === 'tabs') runTabs();
else if (process.argv[2] === 'crowd') await runCrowd(process.argv[3]!);
else await main();
