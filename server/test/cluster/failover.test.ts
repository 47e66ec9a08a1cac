import { afterAll, beforeAll, describe, expect, inject, it, type TestContext } from 'vitest';
import type { HealthReport, TickPage } from '@tickwatch/shared';
import { barStart } from '@tickwatch/shared';
import { storedTicks } from '../../src/chaos/api.js';
import type { PlannedTick } from '../../src/chaos/plan.js';
import {
  compareFires,
  expectedFires,
  healthOf,
  healthWithStatus,
  postUntilAccepted,
  seededRandom,
  signInOn,
  sleep,
  startCluster,
  symbolsWhere,
  waitForDivision,
  type ClusterUser,
  type ExpectedFire,
  type FireComparison,
  type NodeProcess,
  type OracleAlert,
  type Posting,
  type TestCluster,
} from '../support/cluster.js';
import { priceAlert } from '../support/users.js';

const kind = inject('dynamoKind');

/** Ticks per POST: a few of each symbol, interleaved. */
const BATCH = 12;
/** Pause between POSTs, so the shard owners are busy for the whole run rather than handed everything at once. */
const PACE_MS = 60;
/** How long the survivors get to store and record everything after the last POST. */
const DRAIN_TIMEOUT_MS = 90_000;
const OPERATORS = ['crosses_above', 'crosses_below', '>', '<'] as const;

/**
 * Faults under load, on three real server processes sharing one Redis and the run's DynamoDB Local: Redis restarted
 * for a few seconds, then a shard owner killed with SIGKILL, each in the middle of a run of ticks whose fires are
 * known in advance. Alerts on the last price cross a level (`crosses_above`/`crosses_below`) or hold one (`>`/`<`),
 * re-arming, no cooldown; the ticks are a seeded random walk around those levels, posted in order with strictly
 * increasing timestamps, and every 503 is retried with the same batch. Afterwards the alert history must hold
 * exactly the fires the tick sequence makes by docs/alerts.md (`expectedFires`): none lost, none twice, none that
 * should not be; and the store every accepted tick, once: with TICK_STORE=trades as an item of its own, with
 * TICK_STORE=seconds in its second's one item, whose trade count adds up to the ticks posted (an owner acknowledges a
 * trade only once its second is stored, and a dead owner's open seconds are rebuilt from the entries it left).
 *
 * Cluster mode refuses the embedded store (it lives inside one process and cannot be shared), so this file runs in
 * the DynamoDB Local pass of the integration tests only. The Redis restart runs first, while all three processes
 * are up; the kill leaves two.
 */
describe.skipIf(kind !== 'dynamodb-local').each(['seconds', 'trades'] as const)(
  'a cluster under faults, TICK_STORE=%s (DynamoDB Local pass only: cluster mode needs a shared store)',
  (mode) => {
    let cluster: TestCluster;
    /** What each fault run found in the tick store, checked by the last test. */
    const tickChecks: { fault: string; ticks: TickCheck }[] = [];

    beforeAll(async () => {
      cluster = await startCluster({ env: { TICK_STORE: mode } });
    }, 120_000);

    afterAll(async () => {
      const left = await cluster?.stop();
      expect(left ?? []).toEqual([]);
    }, 60_000);

    it('loses and duplicates no fire when Redis restarts mid-run, and reports degraded until it is back', async (context) => {
      const nodes = cluster.nodes;
      const shards = await waitForDivision(nodes);
      // One symbol on each node's shards: every owner has work in flight when Redis goes.
      const symbols = nodes.map((_, i) => symbolsWhere(`RDS${'ABC'[i]}`, 1, (shard) => shards[i]!.includes(shard))[0]!);
      const work = await prepare({
        tag: 'redis',
        symbols,
        alertsPerSymbol: 40,
        ticksPerSymbol: 150,
        seed: 6,
        via: nodes,
      });
      const expected = expectedFires(work.alerts, work.ticks);
      expect(expected.length).toBeGreaterThanOrEqual(500);

      const watch = watchHealth(nodes);
      const posting: Posting = { unavailable: 0, withoutRetryAfter: 0 };
      const batches = chunk(work.ticks, BATCH);
      let restart: Promise<void> | undefined;
      let downAt = 0;
      let upAt = 0;
      for (const [i, batch] of batches.entries()) {
        if (i === Math.floor(batches.length / 3)) {
          downAt = Date.now();
          restart = cluster.redis.restart(4_000).then(() => void (upAt = Date.now()));
        }
        await postUntilAccepted(nodes[i % nodes.length]!, batch, posting);
        await sleep(PACE_MS);
      }
      await restart;
      await waitUntil(
        async () => (await Promise.all(nodes.map((node) => healthWithStatus(node)))).every((h) => h?.http === 200),
        30_000,
        'every node healthy again after Redis came back',
      );
      await watch.stop();
      // When each node first answered healthy after Redis was back, by the looks taken every 200 ms meanwhile.
      const recovery = nodes.map((node) => watch.healthySince(node, upAt) - upAt);

      const result = await drainAndCompare(nodes, work, expected, mode);
      tickChecks.push({ fault: 'Redis restart', ticks: result.ticks });
      report(context, [
        `fires expected ${result.expected}, recorded ${result.recorded}, lost ${result.lost.length}, duplicated ${result.duplicated.length}, spurious ${result.spurious.length}`,
        `Redis down ${upAt - downAt} ms; 503 answers retried ${posting.unavailable}; healthy again after Redis was back: ${nodes.map((n, i) => `${n.name} ${recovery[i]} ms`).join(', ')}`,
        `degraded samples while down: ${nodes.map((n) => `${n.name} ${watch.degraded(n, downAt, upAt)}`).join(', ')}`,
        `duplicated by operator: ${byOperator(result.duplicated, work)}; spurious by operator: ${byOperator(result.spurious, work)}`,
        ticksLine(result.ticks),
      ]);
      expect(posting.unavailable).toBeGreaterThan(0);
      expect(posting.withoutRetryAfter).toBe(0);
      for (const node of nodes) expect(watch.degraded(node, downAt, upAt), node.name).toBeGreaterThan(0);
      // No figure in the issue ("recovers after"): ioredis reconnects with a back-off capped at 2 s.
      for (const ms of recovery) expect(ms).toBeLessThanOrEqual(30_000);
      expectExactlyOnce(result, work);
    }, 180_000);

    it('loses and duplicates no fire when a shard owner is killed with kill -9 in the middle of the fires', async (context) => {
      const nodes = cluster.nodes;
      const shards = await waitForDivision(nodes);
      const victim = nodes[0]!;
      const survivors = nodes.slice(1);
      const owned = shards[0]!;
      // Symbols on the victim's shards, a different shard each where it has enough.
      const symbols = symbolsOn(owned, 'KIL', 3);
      const work = await prepare({
        tag: 'kill',
        symbols,
        alertsPerSymbol: 48,
        ticksPerSymbol: 200,
        seed: 4,
        via: survivors,
      });
      const expected = expectedFires(work.alerts, work.ticks);
      expect(expected.length).toBeGreaterThanOrEqual(1_000);

      const posting: Posting = { unavailable: 0, withoutRetryAfter: 0 };
      const batches = chunk(work.ticks, BATCH);
      let killedAt = 0;
      let takeover: Promise<number> | undefined;
      let recordedAtKill: Promise<number> | undefined;
      let postedAtKill = 0;
      for (const [i, batch] of batches.entries()) {
        if (i === Math.floor(batches.length / 2)) {
          await victim.kill9();
          killedAt = Date.now();
          postedAtKill = i * BATCH;
          takeover = waitUntil(
            async () => {
              const held = (await Promise.all(survivors.map((node) => healthOf(node)))).flatMap(
                (h) => h?.cluster?.shards ?? [],
              );
              return owned.every((shard) => held.includes(shard));
            },
            30_000,
            `the survivors holding the victim's shards ${owned.join(',')}`,
          );
          recordedAtKill = history(work.users, survivors[0]!).then((records) => records.length);
        }
        await postUntilAccepted(survivors[i % survivors.length]!, batch, posting);
        await sleep(PACE_MS);
      }
      const takenOverAt = await takeover!;
      await waitForDivision(survivors);

      const result = await drainAndCompare(survivors, work, expected, mode);
      tickChecks.push({ fault: 'kill -9 of a shard owner', ticks: result.ticks });
      const atKill = await recordedAtKill!;
      report(context, [
        `fires expected ${result.expected}, recorded ${result.recorded}, lost ${result.lost.length}, duplicated ${result.duplicated.length}, spurious ${result.spurious.length}`,
        `killed ${victim.name} (shards ${owned.join(',')}) after ${postedAtKill} of ${work.ticks.length} ticks were posted, with ${atKill} fires in the history`,
        `its shards were held by the survivors ${takenOverAt - killedAt} ms after the kill`,
        `duplicated by operator: ${byOperator(result.duplicated, work)}; spurious by operator: ${byOperator(result.spurious, work)}`,
        ticksLine(result.ticks),
      ]);
      // The kill came in the middle of the fires: some recorded before it, the rest after.
      expect(atKill).toBeGreaterThan(0);
      expect(atKill).toBeLessThan(expected.length);
      // server/src/cluster/shard-ownership.ts: a dead process's shards move within 6 s; the issue allows 10.
      expect(takenOverAt - killedAt).toBeLessThanOrEqual(10_000);
      expectExactlyOnce(result, work);
    }, 180_000);

    it('stores every accepted tick exactly once through both faults', () => {
      // A tick stored twice shows twice in GET /api/ticks and counts twice in a candle's volume.
      expect(
        tickChecks.map(({ fault, ticks }) => ({ fault, lost: ticks.lost.slice(0, 5), storedTwice: ticks.duplicated })),
      ).toEqual([
        { fault: 'Redis restart', lost: [], storedTwice: 0 },
        { fault: 'kill -9 of a shard owner', lost: [], storedTwice: 0 },
      ]);
      for (const { ticks } of tickChecks) expect(ticks.trades).toBe(ticks.posted);
    });
  },
);

interface Workload {
  users: ClusterUser[];
  alerts: OracleAlert[];
  ticks: PlannedTick[];
  symbols: string[];
}

/**
 * Signs in four users and creates `alertsPerSymbol` alerts per symbol (`crosses_above`, `crosses_below`, `>`, `<`
 * in turn, spread over the users and over the `via` nodes), with levels spread over 99–101 and never on a cent, so
 * no price lands exactly on one; then a
 * seeded random walk per symbol within 98.80–101.20, the symbols interleaved, each tick a millisecond after the
 * one before.
 */
async function prepare(options: {
  tag: string;
  symbols: string[];
  alertsPerSymbol: number;
  ticksPerSymbol: number;
  seed: number;
  via: NodeProcess[];
}): Promise<Workload> {
  const { tag, symbols, alertsPerSymbol, ticksPerSymbol, seed, via } = options;
  const users = await Promise.all([0, 1, 2, 3].map((i) => signInOn(via[i % via.length]!, `cluster-${tag}-${i}`)));
  const definitions = symbols.flatMap((symbol) =>
    Array.from({ length: alertsPerSymbol }, (_, i) => ({
      symbol,
      operator: OPERATORS[i % OPERATORS.length]!,
      level: Math.round((99 + ((i + 0.5) * 2) / alertsPerSymbol) * 10_000) / 10_000,
    })),
  );
  const alerts: OracleAlert[] = [];
  // A few at a time: the alert writes are not what is measured.
  for (let i = 0; i < definitions.length; i += 8) {
    const created = await Promise.all(
      definitions.slice(i, i + 8).map(async (definition, j) => {
        const n = i + j;
        const alert = await users[n % users.length]!.createAlert(
          via[n % via.length]!,
          priceAlert(definition.symbol, definition.operator, definition.level, {
            trigger_mode: 'rearm',
            cooldown_seconds: 0,
          }),
        );
        return { alertId: alert.alert_id, ...definition };
      }),
    );
    alerts.push(...created);
  }

  const random = seededRandom(seed);
  const prices = new Map(symbols.map((symbol) => [symbol, 100]));
  const start = Date.now() - 120_000;
  const ticks: PlannedTick[] = [];
  for (let seq = 0; seq < symbols.length * ticksPerSymbol; seq++) {
    const symbol = symbols[seq % symbols.length]!;
    let price = prices.get(symbol)! + (random() - 0.5) * 1.2;
    if (price > 101.2) price = 202.4 - price;
    if (price < 98.8) price = 197.6 - price;
    price = Math.round(price * 100) / 100;
    prices.set(symbol, price);
    ticks.push({ seq, symbol, price, timestamp: start + seq });
  }
  return { users, alerts, ticks, symbols };
}

interface TickCheck {
  posted: number;
  /** Items stored: one per tick, or per second of ticks. */
  stored: number;
  /** Trades the stored items hold. */
  trades: number;
  /** Posted ticks not in the store (whose second is not, TICK_STORE=seconds). */
  lost: number[];
  /** Stored items beyond one per posted tick (per second of posted ticks). */
  duplicated: number;
}

/**
 * Waits until every symbol's newest stored tick is its last posted one and no node has alert decisions or ticks
 * queued (an owner records a batch's decisions before it stores the batch's ticks), then compares the history
 * with the expected fires and the stored ticks with the posted ones.
 */
async function drainAndCompare(
  nodes: NodeProcess[],
  work: Workload,
  expected: ReturnType<typeof expectedFires>,
  mode: 'seconds' | 'trades',
): Promise<FireComparison & { ticks: TickCheck }> {
  const last = new Map(work.ticks.map((tick) => [tick.symbol, tick.timestamp]));
  const reader = nodes[0]!;
  const posted = new Map<string, number>();
  for (const tick of work.ticks) posted.set(tick.symbol, (posted.get(tick.symbol) ?? 0) + 1);
  const first = work.ticks[0]!.timestamp;
  const final = work.ticks.at(-1)!.timestamp;
  const drained = async () => {
    for (const [symbol, timestamp] of last) {
      if (mode === 'seconds') {
        // A second corrected by a late trade keeps the key it was first stored under: count its trades instead.
        const items = await storedTicks(reader.url, symbol, first, final);
        if (items.reduce((sum, item) => sum + (item.trades ?? 1), 0) !== posted.get(symbol)) return false;
        continue;
      }
      const res = await fetch(`${reader.url}/api/ticks/${symbol}?limit=1`);
      if (!res.ok || ((await res.json()) as TickPage).items[0]?.timestamp !== timestamp) return false;
    }
    const reports = await Promise.all(nodes.map((node) => healthOf(node)));
    return reports.every((h) => h !== undefined && idle(h));
  };
  try {
    await waitUntil(drained, DRAIN_TIMEOUT_MS, 'the survivors storing every tick and recording every decision');
    // Twice, a moment apart: nothing was still on its way between two looks.
    await sleep(500);
    await waitUntil(drained, 10_000, 'still drained');
  } catch (err) {
    const comparison = compareFires(expected, await history(work.users, reader));
    throw new Error(
      `${(err as Error).message}; so far: expected ${comparison.expected}, recorded ${comparison.recorded}, lost ${comparison.lost.length}`,
      { cause: err },
    );
  }
  const comparison = compareFires(expected, await history(work.users, reader));
  const items = await Promise.all(work.symbols.map((symbol) => storedTicks(reader.url, symbol, first, final)));
  // What identifies a stored item: its trade's millisecond, or its second; per symbol.
  const slot = (symbol: string, timestamp: number) =>
    `${symbol}@${mode === 'seconds' ? barStart(timestamp, 1_000) : timestamp}`;
  const stored = items.flat().map((item) => slot(item.symbol, item.timestamp));
  const storedSet = new Set(stored);
  return {
    ...comparison,
    ticks: {
      posted: work.ticks.length,
      stored: stored.length,
      trades: items.flat().reduce((sum, item) => sum + (item.trades ?? 1), 0),
      lost: work.ticks.filter((tick) => !storedSet.has(slot(tick.symbol, tick.timestamp))).map((t) => t.timestamp),
      duplicated: stored.length - storedSet.size,
    },
  };
}

function idle(report: HealthReport): boolean {
  return report.alerts.queued === 0 && report.persistence.queued === 0 && (report.cluster?.storing ?? 0) === 0;
}

/** Every history record of the workload's users (as `node` reads them). */
async function history(users: ClusterUser[], node: NodeProcess) {
  return (await Promise.all(users.map((user) => user.history(node)))).flat();
}

function expectExactlyOnce(result: FireComparison, work: Workload): void {
  const alerts = new Map(work.alerts.map((alert) => [alert.alertId, alert]));
  const seqs = new Map(work.ticks.map((tick) => [tick.timestamp, tick.seq]));
  // Which alert, and which tick of the sequence: enough to replay a sample by hand.
  const explain = <T extends ExpectedFire>(fires: T[]) =>
    fires.slice(0, 5).map((fire) => {
      const alert = alerts.get(fire.alertId);
      return { ...fire, alert: `${alert?.symbol} ${alert?.operator} ${alert?.level}`, seq: seqs.get(fire.timestamp) };
    });
  expect({
    lost: result.lost.length,
    duplicated: result.duplicated.length,
    spurious: result.spurious.length,
    samples: { lost: explain(result.lost), duplicated: explain(result.duplicated), spurious: explain(result.spurious) },
  }).toEqual({ lost: 0, duplicated: 0, spurious: 0, samples: { lost: [], duplicated: [], spurious: [] } });
  expect(result.recorded).toBe(result.expected);
}

/** How many of `fires` concern each operator, e.g. `crosses_above 12, > 3`. */
function byOperator(fires: ExpectedFire[], work: Workload): string {
  const operators = new Map(work.alerts.map((alert) => [alert.alertId, alert.operator]));
  const counts = new Map<string, number>();
  for (const fire of fires) {
    const operator = operators.get(fire.alertId) ?? '?';
    counts.set(operator, (counts.get(operator) ?? 0) + 1);
  }
  return [...counts].map(([operator, n]) => `${operator} ${n}`).join(', ') || 'none';
}

/** Symbols on `shards`, spread over as many of them as there are symbols where possible. */
function symbolsOn(shards: number[], prefix: string, count: number): string[] {
  const symbols: string[] = [];
  for (const [i, shard] of shards.slice(0, count).entries()) {
    symbols.push(...symbolsWhere(`${prefix}${'ABCDEFGH'[i]}`, 1, (s) => s === shard));
  }
  if (symbols.length < count) {
    symbols.push(...symbolsWhere(`${prefix}Z`, count - symbols.length, (s) => shards.includes(s)));
  }
  return symbols;
}

interface HealthSample {
  node: string;
  at: number;
  http: number;
  report: HealthReport;
}

/**
 * Polls every node's /api/health until stopped: counts the degraded answers (503, Redis unreachable) in a span, and
 * finds the first healthy answer after a moment.
 */
function watchHealth(nodes: NodeProcess[], everyMs = 200) {
  const samples: HealthSample[] = [];
  let stopped = false;
  const loop = (async () => {
    while (!stopped) {
      await Promise.all(
        nodes.map(async (node) => {
          const at = Date.now();
          const answer = await healthWithStatus(node, 1_000);
          if (answer) samples.push({ node: node.name, at, ...answer });
        }),
      );
      await sleep(everyMs);
    }
  })();
  return {
    stop: () => {
      stopped = true;
      return loop;
    },
    degraded: (node: NodeProcess, from: number, to: number) =>
      samples.filter(
        (s) =>
          s.node === node.name &&
          s.at >= from &&
          s.at <= to &&
          s.http === 503 &&
          s.report.status === 'degraded' &&
          s.report.cluster?.redis === 'unreachable',
      ).length,
    healthySince: (node: NodeProcess, from: number) =>
      samples.find((s) => s.node === node.name && s.at >= from && s.http === 200 && s.report.cluster?.redis === 'ok')
        ?.at ?? Number.POSITIVE_INFINITY,
  };
}

/** Polls `check` until it holds; resolves with the time it first did. */
async function waitUntil(check: () => Promise<boolean>, timeoutMs: number, what: string): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check().catch(() => false)) return Date.now();
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}`);
    await sleep(200);
  }
}

function chunk<T>(items: T[], size: number): T[][] {
  const chunks: T[][] = [];
  for (let i = 0; i < items.length; i += size) chunks.push(items.slice(i, i + size));
  return chunks;
}

function ticksLine(ticks: TickCheck): string {
  return `ticks posted ${ticks.posted}, stored ${ticks.stored} items of ${ticks.trades} trades, lost ${ticks.lost.length}, stored twice ${ticks.duplicated}`;
}

/** The run's figures, shown by the verbose reporter (and with a failure). */
function report(context: TestContext, lines: string[]): void {
  for (const line of lines) void context.annotate(line);
}
