import { fork, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { alertDefinitionSchema, type NotificationRecord } from '@tickwatch/shared';
import { connectBenchSocket, type BenchSocket } from './bench-sockets.js';
import { nextMessage, requiredMessage } from './child-messages.js';
import { startBenchServer } from './bench-server.js';
import { loadTestSupport } from '../chaos/support.js';
import { EMBEDDED_RECORDER_CONCURRENCY, RECORDER_CONCURRENCY } from '../engine/fire-recorder.js';
import { userRoom } from '../realtime/rooms.js';
import { AlertsRepository, newAlertItem } from '../store/alerts-repository.js';
import { NotificationsRepository } from '../store/notifications-repository.js';

/**
 * `npm run bench:storm`: a fire storm. 1,000 price alerts `STORM close > 100` (traders' levels at a round number),
 * all crossed by one tick (99, then 101), spread over 10, 100 and 1,000 users. Every user has one real Socket.IO tab
 * signed in with its own token; the tabs live in a child process (so `process.cpuUsage()` here is the server's
 * alone: HTTP, Socket.IO, the engine, delivery and the embedded store, as `npm start` runs them) and acknowledge
 * `alert:triggered` at once, as the dashboard does. Each storm gets a fresh server on a fresh embedded store; alerts
 * are created through the AlertsRepository and `engine.upsert`, as `POST /api/alerts` does, without its rate limits.
 *
 * Timed from `pipeline.ingest` of the crossing tick: the first and the last `alert:triggered` a tab received, and the
 * last `notification:updated` saying `sent` (pushed after the status is written, so every history record is `sent`
 * by then). Server CPU per fire is the CPU this process used from the tick until the recorder has nothing left to
 * write (its last clear of a parked record comes after the last delivery), over the fires. Exactly-once
 * is checked at the tabs (1,000 distinct fires, no repeats) and in the history table (1,000 records, one per alert,
 * all `sent`); the bench exits non-zero if either fails.
 *
 * Baseline in the same run: the same storm with `recorderConcurrency: Infinity`, every fire's store calls started
 * at once, as before the fire recorder had a bound (the embedded store is reached in process: nothing below queues
 * them either). Both clocks are `performance.timeOrigin + now()`, which the two
 * processes on one machine share to well under a millisecond.
 */
const FIRES = 1000;
const USER_COUNTS = [10, 100, 1000];
const SYMBOL = 'STORM';
const LEVEL = 100;
/** Alerts created (and tabs connected) this many at a time, so set-up does not swamp a 2-core machine. */
const SETUP_BATCH = 50;
/** A storm that has not delivered everything by then has failed; the bench goes on to the next one. */
const STORM_LIMIT_MS = 60_000;
/** After the last expected event, how long to wait for strays (a fire delivered twice, a record written twice). */
const QUIET_MS = 500;
/** Nothing here may run longer than this: the whole bench gives up and exits non-zero. */
const WATCHDOG_MS = 20 * 60_000;
const TARGETS = { firstMs: 50, lastMs: 2000, cpuMsPerFire: 1 };

type ToTabs = { type: 'connect'; url: string; tokens: string[]; expected: number } | { type: 'finish' };
type FromTabs = { type: 'ready' } | { type: 'done' } | { type: 'result'; result: TabsResult };

interface TabsResult {
  /** `alert:triggered` events received, repeats included. */
  triggered: number;
  distinctFires: number;
  distinctAlerts: number;
  /** High-resolution epoch ms of the first and last `alert:triggered`; NaN if none came. */
  firstAt: number;
  lastAt: number;
  /** Distinct records a `notification:updated` said were `sent`, and when the last of them came. */
  sent: number;
  lastSentAt: number;
}

interface StormResult extends TabsResult {
  /** Epoch ms (high resolution) just before the crossing tick was ingested. */
  tickAt: number;
  /** When the recorder had nothing left to write (the last parked record cleared). */
  idleAt: number;
  /** The tabs reported every fire and every `sent` within STORM_LIMIT_MS. */
  complete: boolean;
  serverCpuMs: number;
  serverLoopDelayMaxMs: number;
  /** DynamoDB calls the server made over the storm (SDK sends; its own retries not counted), and the most at once. */
  storeCalls: number;
  storeCallsPeak: number;
  history: { records: number; distinctFires: number; distinctAlerts: number; sent: number };
  deadLettered: number;
}

const clock = () => performance.timeOrigin + performance.now();
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

// ---- Child process: the users' tabs ----

function runTabs(): void {
  const send = (message: FromTabs, then: () => void = () => {}) => process.send!(message, then);
  // Bounded even if the parent dies mid-run.
  process.on('disconnect', () => process.exit(1));
  const sockets: BenchSocket[] = [];
  const fires = new Set<string>();
  const alerts = new Set<string>();
  const sent = new Set<string>();
  const result: TabsResult = {
    triggered: 0,
    distinctFires: 0,
    distinctAlerts: 0,
    firstAt: NaN,
    lastAt: NaN,
    sent: 0,
    lastSentAt: NaN,
  };
  let expected = Infinity;
  let done = false;
  const checkDone = () => {
    if (done || fires.size < expected || sent.size < expected) return;
    done = true;
    send({ type: 'done' });
  };
  // As the dashboard does (useNotifications): acknowledge at once, then count it.
  const onTriggered = (record: NotificationRecord, ack: (received: boolean) => void) => {
    const at = clock();
    ack(true);
    result.triggered += 1;
    if (Number.isNaN(result.firstAt)) result.firstAt = at;
    result.lastAt = at;
    fires.add(record.notification_id);
    alerts.add(record.alert_id);
    checkDone();
  };
  const onUpdated = (record: NotificationRecord) => {
    if (record.delivery_status !== 'sent' || sent.has(record.notification_id)) return;
    sent.add(record.notification_id);
    result.lastSentAt = clock();
    checkDone();
  };

  const connect = async (url: string, tokens: string[]) => {
    for (let i = 0; i < tokens.length; i += SETUP_BATCH) {
      await Promise.all(
        tokens.slice(i, i + SETUP_BATCH).map(async (token) => {
          const socket = await connectBenchSocket(url, { token });
          sockets.push(socket);
          socket.on('alert:triggered', onTriggered);
          socket.on('notification:updated', onUpdated);
        }),
      );
    }
  };

  process.on('message', (message: ToTabs) => {
    if (message.type === 'connect') {
      expected = message.expected;
      connect(message.url, message.tokens).then(
        () => send({ type: 'ready' }),
        (err: unknown) => {
          console.error('tabs could not connect:', err);
          process.exit(1);
        },
      );
      return;
    }
    for (const socket of sockets) socket.disconnect();
    const final: TabsResult = { ...result, distinctFires: fires.size, distinctAlerts: alerts.size, sent: sent.size };
    // Exit only once the result has left, or the parent would wait for it in vain.
    send({ type: 'result', result: final }, () => process.exit(0));
  });
}

// ---- Parent process: the server and the storm ----

/** Which user owns alert i: round-robin, so every user has FIRES / users alerts. */
const userOf = (i: number, users: number) => `storm-trader-${String(i % users).padStart(4, '0')}`;

/** Where the storm's server keeps its tables: env for the server, given a fresh table prefix per storm. */
type StoreChoice = { name: 'embedded' } | { name: 'dynamodb-local'; endpoint: string };

async function storm(users: number, unbounded: boolean, dataDir: string, target: StoreChoice): Promise<StormResult> {
  const env: Record<string, string> =
    target.name === 'embedded'
      ? {}
      : { DYNAMODB_ENDPOINT: target.endpoint, TABLE_PREFIX: `storm_${path.basename(dataDir).replace(/\W/g, '_')}_` };
  const { store, app } = await startBenchServer(dataDir, env, unbounded ? { recorderConcurrency: Infinity } : {});
  // Every DynamoDB call, the recorder's and delivery's alike, goes through this client.
  const calls = { counting: false, total: 0, inFlight: 0, peak: 0 };
  store.clients.raw.middlewareStack.add(
    (next) => async (args) => {
      if (!calls.counting) return next(args);
      calls.total += 1;
      calls.peak = Math.max(calls.peak, ++calls.inFlight);
      try {
        return await next(args);
      } finally {
        calls.inFlight -= 1;
      }
    },
    { step: 'initialize', name: 'stormBenchCallCounter' },
  );
  let child: ChildProcess | undefined;
  try {
    const url = await app.listen();

    // The alerts, as POST /api/alerts makes them: validated definition, stored, then handed to the engine.
    const alerts = new AlertsRepository(store.clients.doc, store.tables.alerts);
    const definition = alertDefinitionSchema.parse({
      symbol: SYMBOL,
      condition_type: 'price_threshold',
      condition: { operator: '>', threshold: LEVEL, price_type: 'close' },
      notification_method: 'websocket',
    });
    const seconds = Math.floor(Date.now() / 1000);
    const items = Array.from({ length: FIRES }, (_, i) => newAlertItem(definition, userOf(i, users), seconds));
    for (let i = 0; i < items.length; i += SETUP_BATCH) {
      await Promise.all(
        items.slice(i, i + SETUP_BATCH).map(async (item) => {
          await alerts.create(item);
          app.engine.upsert(item);
        }),
      );
    }

    // One tab per user, each signed in with its own dev token (what POST /api/auth/dev-login hands out).
    const userIds = Array.from({ length: users }, (_, i) => userOf(i, users));
    const tokens = await Promise.all(userIds.map(async (u) => (await app.auth.issueDevToken(u)).token));
    child = fork(fileURLToPath(import.meta.url), ['tabs']);
    child.send({ type: 'connect', url, tokens, expected: FIRES } satisfies ToTabs);
    await requiredMessage<FromTabs, 'ready'>(child, 'ready', 300_000);
    const rooms = app.io.of('/').adapter.rooms;
    const missing = userIds.filter((u) => rooms.get(userRoom(u))?.size !== 1);
    if (missing.length > 0) throw new Error(`${missing.length} users have no signed-in tab (e.g. ${missing[0]})`);

    // Below the level first, so the crossing is a real move; nothing fires on it.
    app.pipeline.ingest([
      { symbol: SYMBOL, timestamp: Date.now(), price: LEVEL - 1, volume: 100, source: 'http_ingest' },
    ]);
    await app.engine.idle();
    await sleep(200);

    const doneMessage = nextMessage<FromTabs, 'done'>(child, 'done', STORM_LIMIT_MS);
    const loopDelay = monitorEventLoopDelay({ resolution: 1 });
    loopDelay.enable();
    calls.counting = true;
    const cpuStart = process.cpuUsage();
    const tickAt = clock();
    app.pipeline.ingest([
      { symbol: SYMBOL, timestamp: Date.now(), price: LEVEL + 1, volume: 100, source: 'http_ingest' },
    ]);
    const complete = (await doneMessage) !== undefined;
    // The storm's work ends when the recorder has cleared the last parked record, after the last delivery.
    await app.engine.idle();
    const idleAt = clock();
    const cpu = process.cpuUsage(cpuStart);
    calls.counting = false;
    loopDelay.disable();

    // Strays (a repeat delivery, a second record) would come now; then the tabs report and the store is read.
    await sleep(QUIET_MS);
    await app.engine.idle();
    await app.delivery.idle();
    child.send({ type: 'finish' } satisfies ToTabs);
    const { result } = await requiredMessage<FromTabs, 'result'>(child, 'result', 30_000);
    const records = await historyOf(
      new NotificationsRepository(store.clients.doc, store.tables.notifications),
      userIds,
    );
    return {
      ...result,
      tickAt,
      idleAt,
      complete,
      serverCpuMs: (cpu.user + cpu.system) / 1000,
      serverLoopDelayMaxMs: loopDelay.max / 1e6,
      storeCalls: calls.total,
      storeCallsPeak: calls.peak,
      history: {
        records: records.length,
        distinctFires: new Set(records.map((r) => r.notification_id)).size,
        distinctAlerts: new Set(records.map((r) => r.alert_id)).size,
        sent: records.filter((r) => r.delivery_status === 'sent').length,
      },
      deadLettered: app.engine.deadLettered,
    };
  } finally {
    if (child && child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child!.once('exit', resolve));
      const timer = setTimeout(() => child!.kill(), 10_000);
      await exited;
      clearTimeout(timer);
    }
    await app.close();
    await store.close();
  }
}

/** Every history record of these users, through the repository's own paging. */
async function historyOf(notifications: NotificationsRepository, userIds: string[]): Promise<NotificationRecord[]> {
  const records: NotificationRecord[] = [];
  for (const userId of userIds) {
    let cursor: string | undefined;
    do {
      const page = await notifications.list(userId, { limit: FIRES, ...(cursor ? { cursor } : {}) });
      records.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor);
  }
  return records;
}

/** What is wrong with a storm's exactly-once and completeness, one sentence each; empty when all is well. */
function problems(r: StormResult): string[] {
  const found: string[] = [];
  if (!r.complete) found.push(`not every fire reached its tab as sent within ${STORM_LIMIT_MS / 1000} s`);
  if (r.triggered !== FIRES || r.distinctFires !== FIRES || r.distinctAlerts !== FIRES)
    found.push(
      `tabs got ${r.triggered} alert:triggered, ${r.distinctFires} distinct fires of ${r.distinctAlerts} alerts`,
    );
  if (r.sent !== FIRES) found.push(`tabs saw ${r.sent} records become sent`);
  const h = r.history;
  if (h.records !== FIRES || h.distinctFires !== FIRES || h.distinctAlerts !== FIRES)
    found.push(`history holds ${h.records} records, ${h.distinctFires} distinct, of ${h.distinctAlerts} alerts`);
  if (h.sent !== FIRES) found.push(`${h.sent} history records are sent`);
  if (r.deadLettered !== 0) found.push(`${r.deadLettered} decisions dead-lettered`);
  return found;
}

const since = (r: StormResult, at: number) => at - r.tickAt;

async function main(): Promise<void> {
  const storeArg = process.argv.indexOf('--store');
  const storeName = storeArg > 0 ? process.argv[storeArg + 1] : 'embedded';
  if (storeName !== 'embedded' && storeName !== 'dynamodb-local') {
    console.error(`--store must be embedded or dynamodb-local, not ${storeName}`);
    process.exit(2);
  }
  // DynamoDB Local runs in its own process: the server's CPU below is then the server's alone, without the store.
  const dynamo =
    storeName === 'dynamodb-local'
      ? await (await loadTestSupport(fileURLToPath(new URL('../../..', import.meta.url)))).startDynamoDbLocal()
      : undefined;
  const target: StoreChoice = dynamo ? { name: 'dynamodb-local', endpoint: dynamo.endpoint } : { name: 'embedded' };
  const concurrency = dynamo ? RECORDER_CONCURRENCY : EMBEDDED_RECORDER_CONCURRENCY;
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'tickwatch-storm-bench-'));
  const watchdog = setTimeout(() => {
    console.error(`storm bench: still running after ${WATCHDOG_MS / 60_000} min; giving up`);
    fs.rmSync(root, { recursive: true, force: true });
    process.exit(1);
  }, WATCHDOG_MS);
  watchdog.unref();
  let failed = false;
  try {
    console.log(
      `Fire-storm benchmark: ${FIRES} alerts "${SYMBOL} close > ${LEVEL}" crossed by one tick (${LEVEL - 1} → ` +
        `${LEVEL + 1}, pipeline.ingest); one socket.io tab per user (websocket, loopback, separate process), ` +
        `acknowledging as the dashboard does; ${dynamo ? `DynamoDB Local at ${dynamo.endpoint}` : 'embedded store'}; ${os.cpus().length} CPUs`,
    );
    console.log(
      `baseline: recorderConcurrency Infinity (every fire's store calls at once); bounded: the recorder's default, ` +
        `${concurrency} store calls at once, claims before history writes before clears`,
    );
    // Unreported: the first storm in a process pays for JIT warm-up, which would count against whichever ran first.
    await storm(100, false, path.join(root, 'warm-up'), target);

    for (const users of USER_COUNTS) {
      const baseline = await storm(users, true, path.join(root, `${users}-baseline`), target);
      const bounded = await storm(users, false, path.join(root, `${users}-bounded`), target);
      const rows: [string, (r: StormResult) => number, number, string][] = [
        ['first alert:triggered (ms)', (r) => since(r, r.firstAt), 1, `≤ ${TARGETS.firstMs}`],
        ['last alert:triggered (ms)', (r) => since(r, r.lastAt), 1, `≤ ${TARGETS.lastMs}`],
        ['every record sent (ms)', (r) => since(r, r.lastSentAt), 1, ''],
        ['every store write done (ms)', (r) => since(r, r.idleAt), 1, ''],
        ['server CPU per fire (ms)', (r) => r.serverCpuMs / FIRES, 3, `≤ ${TARGETS.cpuMsPerFire}`],
        ['server CPU, whole storm (ms)', (r) => r.serverCpuMs, 0, ''],
        ['server event-loop delay max (ms)', (r) => r.serverLoopDelayMaxMs, 1, ''],
        ['store calls per fire', (r) => r.storeCalls / FIRES, 2, ''],
        ['store calls in flight, peak', (r) => r.storeCallsPeak, 0, ''],
      ];
      console.log('');
      console.log(
        `${`${users} users × ${FIRES / users} alert${users === FIRES ? '' : 's'}`.padEnd(34)}${'baseline (∞)'.padStart(14)}` +
          `${`bounded (${concurrency})`.padStart(14)}${'ratio'.padStart(9)}   target`,
      );
      for (const [name, value, digits, target] of rows) {
        const ratio = value(bounded) / value(baseline);
        console.log(
          name.padEnd(34) +
            value(baseline).toFixed(digits).padStart(14) +
            value(bounded).toFixed(digits).padStart(14) +
            (Number.isFinite(ratio) ? `x${ratio.toFixed(2)}` : '').padStart(9) +
            (target ? `   ${target}` : ''),
        );
      }
      for (const [name, r] of [
        ['baseline', baseline],
        ['bounded', bounded],
      ] as const) {
        const found = problems(r);
        if (found.length > 0) failed = true;
        console.log(
          found.length === 0
            ? `${name}: exactly once: ${FIRES} fires at the tabs, ${FIRES} history records, one per alert, all sent`
            : `${name}: FAILED: ${found.join('; ')}`,
        );
      }
    }
    console.log('');
    console.log(
      `targets (issue 10): first alert:triggered ≤ ${TARGETS.firstMs} ms, last ≤ ${TARGETS.lastMs} ms, ` +
        `≤ ${TARGETS.cpuMsPerFire} ms server CPU per fire; times from the crossing tick's ingest, CPU over the storm ` +
        `(tick to the recorder's last write) ÷ ${FIRES} fires, ${dynamo ? 'DynamoDB Local (another process) not included' : 'embedded store included'}`,
    );
  } finally {
    clearTimeout(watchdog);
    fs.rmSync(root, { recursive: true, force: true });
    await dynamo?.stop();
  }
  if (failed) {
    console.error('storm bench: exactly-once or completeness check failed (see above)');
    process.exitCode = 1;
  }
}

if (process.argv[2] === 'tabs') runTabs();
else await main();
