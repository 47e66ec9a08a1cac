import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { allNotifications, createAlert, devLogin, health, postTicks, storedTickTimes } from './api.js';
import type { Plan, PlannedFault } from './plan.js';
import { ServerProcess } from './server-process.js';
import type { ChaosSupport } from './support.js';
import { Tab } from './tabs.js';
import {
  judge,
  type Evidence,
  type HistoryRecord,
  type KillOutcome,
  type TickOutcome,
  type Verdict,
} from './verdict.js';

/**
 * One chaos run against one store, with real processes: the built server, its store, one socket.io-client tab per
 * user. It posts the plan's ticks at a steady rate through `POST /api/ticks` (posting a batch again when the
 * server died under it, as a vendor would), strikes the plan's faults as the batches go by, then lets everything
 * settle, stops the server cleanly (SIGTERM), starts it again, and collects the evidence the verdict needs: what
 * each tick's 202 came from, the kills and the last empty-queue report before each, which ticks are stored, every
 * user's history and what every tab received.
 */

export interface StoreTarget {
  name: 'embedded' | 'dynamodb-local';
  /** The server's store settings: DATA_DIR for the embedded store, DYNAMODB_ENDPOINT and TABLE_PREFIX otherwise. */
  env: Record<string, string>;
  /** Stops and resumes the store's process (DynamoDB Local); absent when the store lives inside the server. */
  outage?: { stop(): void; resume(): void };
}

export interface ScenarioOptions {
  root: string;
  support: ChaosSupport;
  store: StoreTarget;
  plan: Plan;
  /** Ticks posted per second, in the plan's batches spaced evenly. */
  rate: number;
  /** Where the server log goes. */
  workDir: string;
  /** How long nothing new must arrive before the run counts as settled (default 3 s). */
  quietMs?: number;
  progress?: (line: string) => void;
}

export interface ScenarioResult {
  store: StoreTarget['name'];
  evidence: Evidence;
  verdict: Verdict;
  /** The clean shutdown's exit code and last log line. */
  shutdown: { code: number | null; lastLine: string };
  durationMs: number;
  logFile: string;
  faults: { kills: number; outages: number; outageMs: number; drops: number; reposted: number };
  /** The clean restarts in the middle of the run: exit code and last log line of each. */
  restarts: { code: number | null; lastLine: string }[];
  probes: { count: number; maxQueued: number };
}

export const INGEST_KEY = 'chaos-ingest-key-0123456789';
const JWT_SECRET = 'chaos-run-secret-0123456789abcdef0123456789';
const SETTLE_TIMEOUT_MS = 120_000;
/** No new delivery for this long, every tab connected and the write queue empty: the server has settled. */
const QUIET_MS = 3_000;
const PROBE_EVERY_MS = 150;
const SUPERVISOR_ATTEMPTS = 5;

/** Closed while the server is down; a restart that fails breaks it, and whoever waits at it gets the error. */
class Gate {
  private open!: () => void;
  private broken!: (err: unknown) => void;
  readonly passed: Promise<void>;
  constructor() {
    this.passed = new Promise((resolve, reject) => {
      this.open = resolve;
      this.broken = reject;
    });
    this.passed.catch(() => {});
  }
  release(): void {
    this.open();
  }
  break(err: unknown): void {
    this.broken(err);
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function runScenario(options: ScenarioOptions): Promise<ScenarioResult> {
  const { plan, store, support } = options;
  const say = options.progress ?? (() => {});
  const started = performance.now();
  const logFile = path.join(options.workDir, `server-${store.name}.log`);
  const spec = {
    root: options.root,
    port: await support.freePort(),
    logFile,
    env: {
      NODE_ENV: 'test',
      FEED: 'none',
      LOG_LEVEL: 'info',
      AUTH_MODE: 'dev',
      JWT_SECRET,
      INGEST_API_KEY: INGEST_KEY,
      RATE_LIMIT_SIGNIN_PER_MINUTE: '1000000',
      RATE_LIMIT_ALERT_WRITES_PER_MINUTE: '1000000',
      RATE_LIMIT_INGEST_PER_MINUTE: '1000000',
      // The evidence is per trade: which posted ticks the store holds.
      TICK_STORE: 'trades',
      ...store.env,
    },
  };

  let server = await ServerProcess.start(spec);
  let up = new Gate();
  up.release();
  let incarnation = 0;
  let outageActive = false;
  let ingesting = true;
  const tabs: Tab[] = [];
  try {
    // Users, their alerts and their tabs.
    const tokens = await Promise.all(plan.users.map((user) => devLogin(server.url, user)));
    const alertIds: string[] = new Array<string>(plan.alerts.length);
    const queue = [...plan.alerts];
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        for (let alert = queue.shift(); alert; alert = queue.shift()) {
          alertIds[alert.index] = await createAlert(server.url, tokens[plan.users.indexOf(alert.user)]!, alert);
        }
      }),
    );
    plan.users.forEach((user, i) => tabs.push(new Tab(server.url, user, tokens[i]!)));
    await Promise.all(tabs.map((tab) => tab.waitConnected()));
    say(`${store.name}: ${plan.users.length} users, ${plan.alerts.length} alerts, tabs connected`);

    const ticks: TickOutcome[] = new Array<TickOutcome>(plan.ticks.length);
    const kills: KillOutcome[] = [];
    const checkpoints = new Map<number, number>();
    let lastAcked = -1;
    /** A batch is on its way to the server. */
    let posting = false;
    let reposted = 0;
    let outages = 0;
    let outageMs = 0;
    let drops = 0;
    const probes = { count: 0, maxQueued: 0 };

    /** Starts the server again after a kill or a stop, and opens the gate the ticks wait at (or breaks it). */
    const startAgain = async () => {
      try {
        server = await supervised(() => ServerProcess.start(spec), say);
      } catch (err) {
        up.break(err);
        throw err;
      }
      up.release();
    };

    const killAndRestart = async (restartAfterMs: number) => {
      const victim = server;
      const epoch = incarnation;
      // In one synchronous step: no batch may be posted between the count moving on and the kill.
      up = new Gate();
      incarnation += 1;
      const at = performance.now();
      victim.child.kill('SIGKILL');
      kills.push({ epoch, at, checkpointSeq: checkpoints.get(epoch) ?? -1 });
      const answered = lastAcked;
      await victim.kill9();
      await sleep(restartAfterMs);
      await startAgain();
      say(`${store.name}: kill -9 #${kills.length} (ticks answered up to #${answered}), restarted`);
    };

    const restarts: ScenarioResult['restarts'] = [];
    const cleanRestart = async () => {
      up = new Gate();
      incarnation += 1;
      const stopped = await server.terminate(support);
      restarts.push(stopped);
      say(`${store.name}: SIGTERM under load → exit ${stopped.code}: "${stopped.lastLine}"; restarting`);
      await startAgain();
    };

    const strike = (fault: PlannedFault): Promise<void> | undefined => {
      if (fault.kind === 'drop') {
        drops += 1;
        void tabs[fault.user]!.drop(fault.offlineMs);
        return undefined;
      }
      if (fault.kind === 'restart') return sleep(fault.delayMs).then(cleanRestart);
      if (fault.kind === 'kill') {
        return (async () => {
          await sleep(fault.delayMs);
          const deadline = performance.now() + 5_000;
          while (fault.underRequest && !posting && performance.now() < deadline) await sleep(1);
          await killAndRestart(fault.restartAfterMs);
        })();
      }
      if (!store.outage) return undefined;
      const outage = store.outage;
      return (async () => {
        outages += 1;
        outageMs += fault.durationMs;
        const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
        say(
          `${store.name}: store outage #${outages} for ${seconds(fault.durationMs)} (SIGSTOP)` +
            (fault.killAtMs === null ? '' : `, kill -9 of the server ${seconds(fault.killAtMs)} into it`),
        );
        outageActive = true;
        outage.stop();
        let restarted: Promise<void> | undefined;
        try {
          if (fault.killAtMs === null) {
            await sleep(fault.durationMs);
          } else {
            await sleep(fault.killAtMs);
            // The restart cannot finish before the store answers again.
            restarted = killAndRestart(0);
            restarted.catch(() => {});
            await sleep(fault.durationMs - fault.killAtMs);
          }
        } finally {
          outage.resume();
          outageActive = false;
        }
        await restarted;
      })();
    };

    // The health probe: the last moment each process said its write queue was empty.
    const prober = (async () => {
      while (ingesting) {
        const epoch = incarnation;
        const seq = lastAcked;
        const report = await health(server.url, 5_000);
        if (report && incarnation === epoch) {
          probes.count += 1;
          probes.maxQueued = Math.max(probes.maxQueued, report.persistence.queued);
          if (report.persistence.queued === 0) checkpoints.set(epoch, Math.max(checkpoints.get(epoch) ?? -1, seq));
        }
        await sleep(PROBE_EVERY_MS);
      }
    })();

    // Kills and outages one after another, each when its batch has gone by; ticks keep flowing meanwhile.
    let faultChain: Promise<void> = Promise.resolve();
    let nextFault = 0;
    const intervalMs = (plan.batches[0] ? plan.batches[0].to - plan.batches[0].from : 1) * (1000 / options.rate);
    let due = performance.now();
    for (const [b, batch] of plan.batches.entries()) {
      due += intervalMs;
      const wait = due - performance.now();
      if (wait > 0) await sleep(wait);
      else if (wait < -1000) due = performance.now();
      const body = plan.ticks.slice(batch.from, batch.to);
      let resent = false;
      for (let attempt = 0; ; attempt++) {
        if (attempt > 200) throw new Error(`batch ${b} was not accepted after ${attempt} attempts`);
        await up.passed;
        const epoch = incarnation;
        posting = true;
        const outcome = await postTicks(server.url, INGEST_KEY, body).finally(() => (posting = false));
        if (outcome.kind === 'accepted') {
          const ackedAt = performance.now();
          for (const tick of body) ticks[tick.seq] = { epoch, ackedAt, resent };
          lastAcked = batch.to - 1;
          if (resent) reposted += 1;
          break;
        }
        if (outcome.kind === 'full') {
          await sleep(outcome.retryAfterMs);
          continue;
        }
        // No answer: the server died under the request. Post the same batch to the next one.
        resent = true;
        const deadline = performance.now() + 5_000;
        while (incarnation === epoch && performance.now() < deadline) await sleep(20);
      }
      for (; nextFault < plan.faults.length && plan.faults[nextFault]!.afterBatch <= b; nextFault++) {
        const fault = plan.faults[nextFault]!;
        if (fault.kind === 'drop') strike(fault);
        else faultChain = faultChain.then(() => strike(fault));
        faultChain.catch(() => {});
      }
      if (b % Math.max(1, Math.floor(plan.batches.length / 10)) === 0 && b > 0) {
        say(
          `${store.name}: ${Math.round((b / plan.batches.length) * 100)}% of ticks posted, ${received(tabs)} fires received`,
        );
      }
    }
    await faultChain;
    ingesting = false;
    await prober;

    say(`${store.name}: all ${plan.ticks.length} ticks answered 202; waiting for the server to settle`);
    const quietMs = options.quietMs ?? QUIET_MS;
    await settle(() => server.url, tabs, quietMs);
    const shutdown = await server.terminate(support);
    say(`${store.name}: SIGTERM → exit ${shutdown.code}: "${shutdown.lastLine}"`);
    server = await ServerProcess.start(spec);
    await Promise.all(tabs.map((tab) => tab.waitConnected()));
    await settle(() => server.url, tabs, quietMs);

    // The evidence: every user's history, what is stored, what each tab received.
    const history: HistoryRecord[] = [];
    for (let i = 0; i < plan.users.length; i += 8) {
      const pages = await Promise.all(
        plan.users.slice(i, i + 8).map((_, j) => allNotifications(server.url, tokens[i + j]!)),
      );
      for (const page of pages) history.push(...page);
    }
    const storedTimes = new Set<number>();
    const last = plan.startMs + plan.ticks.length;
    for (const symbol of plan.symbols) {
      for (const t of await storedTickTimes(server.url, symbol, plan.startMs, last)) storedTimes.add(t);
    }
    const evidence: Evidence = {
      plan,
      alertIds,
      ticks,
      kills,
      stored: plan.ticks.map((t) => storedTimes.has(t.timestamp)),
      history,
      received: new Map(tabs.map((tab) => [tab.user, tab.received])),
    };
    for (const tab of tabs) tab.close();
    await server.terminate(support);
    return {
      store: store.name,
      evidence,
      verdict: judge(evidence),
      shutdown,
      durationMs: performance.now() - started,
      logFile,
      faults: { kills: kills.length, outages, outageMs, drops, reposted },
      restarts,
      probes,
    };
  } finally {
    ingesting = false;
    for (const tab of tabs) tab.close();
    if (outageActive) store.outage?.resume();
    if (server.alive) await server.kill9();
  }
}

/**
 * Starts the server as a supervisor (systemd, ECS, Compose) would: a server that gives up at start-up, for
 * instance because the store does not answer during an outage, is started again, a bounded number of times.
 */
async function supervised(start: () => Promise<ServerProcess>, say: (line: string) => void): Promise<ServerProcess> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await start();
    } catch (err) {
      if (attempt >= SUPERVISOR_ATTEMPTS) throw err;
      say(`the server did not start (${String(err).split('\n')[0]}); starting it again`);
      await sleep(1_000);
    }
  }
}

function received(tabs: readonly Tab[]): number {
  let n = 0;
  for (const tab of tabs) n += tab.received.size;
  return n;
}

/**
 * Waits (bounded) until the write queue is empty, every tab is connected, and no tab has received anything new
 * for a few seconds: the recorder and delivery have caught up.
 */
async function settle(url: () => string, tabs: readonly Tab[], quietMs: number): Promise<void> {
  const deadline = performance.now() + SETTLE_TIMEOUT_MS;
  let count = received(tabs);
  let quietSince = performance.now();
  while (performance.now() < deadline) {
    await sleep(250);
    const now = received(tabs);
    if (now !== count) {
      count = now;
      quietSince = performance.now();
      continue;
    }
    if (performance.now() - quietSince < quietMs || !tabs.every((tab) => tab.connected)) continue;
    const report = await health(url());
    if (report?.persistence.queued === 0) return;
  }
  throw new Error(`the server did not settle within ${SETTLE_TIMEOUT_MS / 1000} s`);
}
