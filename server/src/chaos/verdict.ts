import { expectedFires, holdsAt, type ExpectedFire } from './oracle.js';
import type { Plan } from './plan.js';

/**
 * Compares what the server recorded and delivered with what the oracle expects, and explains every difference
 * (pure: the run's evidence in, the verdict out).
 *
 * A kill -9 may lose what docs/alerts.md and docs/storage.md say it may (the crash window): ticks answered 202 and
 * still queued for the store, and alert decisions made in memory and not yet claimed in the store. A lost fire is
 * inside that window when the evidence says it could have been in flight at the kill:
 *  - `tick_lost`: its tick was answered 202 by the killed process and is not in the store;
 *  - `unconfirmed`: its tick was answered after the killed process last reported an empty write queue;
 *  - `decision_queued`: the killed process recorded no later fire of that alert, so the decision may still have
 *    been waiting in the alert's recording queue (a later recorded fire proves the queue had passed it);
 *  - `rearm_lost`: the fire was due on the first tick the restarted server evaluated for the symbol, because the
 *    alert had re-armed on ticks the crash lost: no stored tick since the alert's last recorded fire had its
 *    condition false, so the re-arm check at start-up (engine/rearm-from-history.ts) could not see it.
 * Anything else missing is lost outside the window: a bug. A fire recorded that the oracle does not expect is
 * spurious; it is documented ("if its condition still holds when ticks resume, the alert fires then") only on
 * the first tick the restarted server evaluated for its symbol, and only when the alert's previous expected fire
 * was lost. A second record of the same (alert, tick) is a duplicate, always a bug.
 *
 * Every recorded fire must reach its user's tab, live or by the replay on reconnect (docs/socket-api.md).
 */

export interface TickOutcome {
  /** The server process that answered 202 for it: 0 for the first, n after the n-th kill. */
  epoch: number;
  /** When the 202 arrived (driver clock, ms). */
  ackedAt: number;
  /** An earlier attempt of its batch got no answer (the server died under it) and it was posted again. */
  resent: boolean;
}

export interface KillOutcome {
  /** The process killed: the ticks it answered carry this epoch. */
  epoch: number;
  /** When SIGKILL was sent (driver clock, ms). */
  at: number;
  /** The highest tick answered before the last health report, by this process, of an empty write queue; -1 if none. */
  checkpointSeq: number;
}

export interface HistoryRecord {
  notification_id: string;
  user_id: string;
  alert_id: string;
  symbol: string;
  triggered_at: number;
}

export interface Evidence {
  plan: Plan;
  /** The server's alert id of each planned alert, by plan index. */
  alertIds: readonly string[];
  /** By tick seq; every tick ends up answered 202 exactly once. */
  ticks: readonly TickOutcome[];
  kills: readonly KillOutcome[];
  /** By tick seq: whether the tick is in the store at the end. */
  stored: readonly boolean[];
  /** Every user's history as `GET /api/notifications` pages it. */
  history: readonly HistoryRecord[];
  /** Per user, how many times their tab received each notification id. */
  received: ReadonlyMap<string, ReadonlyMap<string, number>>;
}

export const INSIDE_REASONS = ['tick_lost', 'unconfirmed', 'decision_queued', 'rearm_lost'] as const;
export type InsideReason = (typeof INSIDE_REASONS)[number];

export interface FireIssue {
  alert: number;
  seq: number;
  user: string;
  symbol: string;
  timestamp: number;
  epoch: number;
  note: string;
}

export interface KillReport {
  epoch: number;
  /** Ticks answered after the last report of an empty write queue. */
  windowTicks: number;
  /** From the first of those ticks' 202 to the kill. */
  windowMs: number;
  /** Ticks answered 202 by the killed process and missing from the store. */
  ticksLost: number;
  /** Age at the kill of the oldest of them (0 when none was lost). */
  exposureMs: number;
  firesLost: Record<InsideReason | 'outside', number>;
  /** Age at the kill of the tick of the oldest fire lost inside the window (0 when none was). */
  oldestFireLostMs: number;
}

export interface Verdict {
  fires: {
    expected: number;
    /** Distinct records in the history. */
    recorded: number;
    matched: number;
    lostInside: Record<InsideReason, number>;
    lostOutside: number;
    duplicated: number;
    spuriousInside: number;
    spuriousOutside: number;
    /** Records naming an alert or tick that the plan does not have. */
    unmatched: number;
    /** Records the history listing returned more than once (a paging fault, not a second fire). */
    listedTwice: number;
  };
  kills: KillReport[];
  deliveries: {
    recorded: number;
    received: number;
    lost: number;
    /** Received ids that are not in the history. */
    unknown: number;
    /** Receipts of an id already received (the tab drops them by notification_id). */
    repeated: number;
  };
  samples: { lostOutside: FireIssue[]; duplicated: FireIssue[]; spuriousOutside: FireIssue[]; undelivered: string[] };
  ok: boolean;
}

const MAX_SAMPLES = 10;

export function judge(evidence: Evidence, expected: readonly ExpectedFire[] = expectedFires(evidence.plan)): Verdict {
  const { plan, ticks, kills, stored } = evidence;
  const key = (alert: number, seq: number) => alert * plan.ticks.length + seq;
  const indexById = new Map(evidence.alertIds.map((id, index) => [id, index]));
  const killByEpoch = new Map(kills.map((k) => [k.epoch, k]));

  // The history, once per notification id, matched to (alert, tick).
  const records = new Map<string, HistoryRecord>();
  let listedTwice = 0;
  for (const record of evidence.history) {
    if (records.has(record.notification_id)) listedTwice += 1;
    else records.set(record.notification_id, record);
  }
  const recordedCount = new Map<number, number>();
  const recordedSeqs = plan.alerts.map((): number[] => []);
  let unmatched = 0;
  for (const record of records.values()) {
    const alert = indexById.get(record.alert_id);
    const seq = Math.floor(record.triggered_at) - plan.startMs;
    const tick = plan.ticks[seq];
    if (alert === undefined || !tick || tick.symbol !== record.symbol || plan.alerts[alert]!.symbol !== tick.symbol) {
      unmatched += 1;
      continue;
    }
    const k = key(alert, seq);
    recordedCount.set(k, (recordedCount.get(k) ?? 0) + 1);
    recordedSeqs[alert]!.push(seq);
  }
  for (const seqs of recordedSeqs) seqs.sort((a, b) => a - b);

  // The first ticks each process started after a kill evaluated per symbol: what was posted again, then its first
  // new tick. (After a clean restart the shutdown flushed everything: nothing is excused there.)
  const uncertain = new Set<number>();
  const firstNew = new Set<string>();
  for (const tick of plan.ticks) {
    const outcome = ticks[tick.seq]!;
    if (!killByEpoch.has(outcome.epoch - 1)) continue;
    if (outcome.resent) {
      uncertain.add(tick.seq);
      continue;
    }
    const slot = `${outcome.epoch}:${tick.symbol}`;
    if (!firstNew.has(slot)) {
      firstNew.add(slot);
      uncertain.add(tick.seq);
    }
  }

  /** Whether the restarted server must have held the alert armed at this tick (so a miss there is a bug). */
  const mustBeArmed = (alert: number, seq: number): boolean => {
    const epoch = ticks[seq]!.epoch;
    const claims = recordedSeqs[alert]!.filter((s) => ticks[s]!.epoch < epoch);
    if (claims.length === 0) return true;
    const planned = plan.alerts[alert]!;
    for (let y = claims.at(-1)! + 1; y < seq; y++) {
      const tick = plan.ticks[y]!;
      if (tick.symbol !== planned.symbol || ticks[y]!.epoch >= epoch || !stored[y]) continue;
      if (!holdsAt(planned, tick)) return true;
    }
    return false;
  };

  const classifyLoss = (alert: number, seq: number): InsideReason | 'outside' => {
    const outcome = ticks[seq]!;
    const kill = killByEpoch.get(outcome.epoch);
    if (kill) {
      if (!stored[seq]) return 'tick_lost';
      if (seq > kill.checkpointSeq) return 'unconfirmed';
      const later = recordedSeqs[alert]!.some((s) => s > seq && ticks[s]!.epoch === outcome.epoch);
      if (!later) return 'decision_queued';
    }
    if (uncertain.has(seq) && !mustBeArmed(alert, seq)) return 'rearm_lost';
    return 'outside';
  };

  const issue = (alert: number, seq: number, note: string): FireIssue => {
    const tick = plan.ticks[seq]!;
    return {
      alert,
      seq,
      user: plan.alerts[alert]!.user,
      symbol: tick.symbol,
      timestamp: tick.timestamp,
      epoch: ticks[seq]!.epoch,
      note,
    };
  };

  const lostInside = Object.fromEntries(INSIDE_REASONS.map((r) => [r, 0])) as Record<InsideReason, number>;
  let lostOutside = 0;
  let matched = 0;
  const expectedKeys = new Set<number>();
  const lostKeys = new Set<number>();
  const killReports = new Map<number, KillReport>(
    kills.map((kill) => [kill.epoch, killReport(kill, plan, ticks, stored)]),
  );
  const samples: Verdict['samples'] = { lostOutside: [], duplicated: [], spuriousOutside: [], undelivered: [] };
  /** The expected fire before each one of the same alert, to tell a replacement fire from a spurious one. */
  const previousExpected = new Map<number, number | undefined>();
  const lastExpectedOf = new Map<number, number>();
  for (const fire of expected) {
    const k = key(fire.alert, fire.seq);
    expectedKeys.add(k);
    previousExpected.set(k, lastExpectedOf.get(fire.alert));
    lastExpectedOf.set(fire.alert, fire.seq);
    if ((recordedCount.get(k) ?? 0) > 0) {
      matched += 1;
      continue;
    }
    lostKeys.add(k);
    const reason = classifyLoss(fire.alert, fire.seq);
    // A re-arm lost belongs to the kill before the process that evaluated its tick.
    const epoch = ticks[fire.seq]!.epoch;
    const report = killReports.get(reason === 'rearm_lost' ? epoch - 1 : epoch);
    if (report) report.firesLost[reason] += 1;
    if (reason === 'outside') {
      lostOutside += 1;
      if (samples.lostOutside.length < MAX_SAMPLES) samples.lostOutside.push(issue(fire.alert, fire.seq, 'lost'));
    } else {
      lostInside[reason] += 1;
      if (report && reason !== 'rearm_lost') {
        const kill = killByEpoch.get(report.epoch)!;
        report.oldestFireLostMs = Math.max(report.oldestFireLostMs, kill.at - ticks[fire.seq]!.ackedAt);
      }
    }
  }

  let duplicated = 0;
  let spuriousInside = 0;
  let spuriousOutside = 0;
  for (const [alert, seqs] of recordedSeqs.entries()) {
    let previous = -1;
    for (const seq of seqs) {
      if (seq === previous) continue;
      previous = seq;
      const k = key(alert, seq);
      const count = recordedCount.get(k)!;
      if (count > 1) {
        duplicated += count - 1;
        if (samples.duplicated.length < MAX_SAMPLES) samples.duplicated.push(issue(alert, seq, `recorded ${count}×`));
      }
      if (expectedKeys.has(k)) continue;
      // The alert's last expected fire before this tick, found by scanning back (spurious fires are rare).
      let before: number | undefined;
      for (let s = seq - 1; s >= 0 && before === undefined; s--) if (expectedKeys.has(key(alert, s))) before = s;
      const replacement = uncertain.has(seq) && before !== undefined && lostKeys.has(key(alert, before));
      if (replacement) {
        spuriousInside += count;
      } else {
        spuriousOutside += count;
        if (samples.spuriousOutside.length < MAX_SAMPLES) samples.spuriousOutside.push(issue(alert, seq, 'spurious'));
      }
    }
  }

  // Deliveries: every distinct record must have reached its user's tab.
  let received = 0;
  let lostDeliveries = 0;
  let repeated = 0;
  let unknown = 0;
  for (const record of records.values()) {
    if ((evidence.received.get(record.user_id)?.get(record.notification_id) ?? 0) > 0) {
      received += 1;
    } else {
      lostDeliveries += 1;
      if (samples.undelivered.length < MAX_SAMPLES) samples.undelivered.push(record.notification_id);
    }
  }
  for (const ids of evidence.received.values()) {
    for (const [id, times] of ids) {
      if (!records.has(id)) unknown += 1;
      repeated += Math.max(0, times - 1);
    }
  }

  const fires: Verdict['fires'] = {
    expected: expected.length,
    recorded: records.size,
    matched,
    lostInside,
    lostOutside,
    duplicated,
    spuriousInside,
    spuriousOutside,
    unmatched,
    listedTwice,
  };
  const deliveries: Verdict['deliveries'] = {
    recorded: records.size,
    received,
    lost: lostDeliveries,
    unknown,
    repeated,
  };
  return {
    fires,
    kills: [...killReports.values()],
    deliveries,
    samples,
    ok:
      duplicated === 0 &&
      lostOutside === 0 &&
      spuriousOutside === 0 &&
      unmatched === 0 &&
      listedTwice === 0 &&
      lostDeliveries === 0 &&
      unknown === 0,
  };
}

function killReport(
  kill: KillOutcome,
  plan: Plan,
  ticks: readonly TickOutcome[],
  stored: readonly boolean[],
): KillReport {
  let windowTicks = 0;
  let windowStart: number | undefined;
  let ticksLost = 0;
  let oldestLost: number | undefined;
  for (const tick of plan.ticks) {
    const outcome = ticks[tick.seq]!;
    if (outcome.epoch !== kill.epoch) continue;
    if (tick.seq > kill.checkpointSeq) {
      windowTicks += 1;
      windowStart ??= outcome.ackedAt;
    }
    if (!stored[tick.seq]) {
      ticksLost += 1;
      oldestLost = Math.min(oldestLost ?? outcome.ackedAt, outcome.ackedAt);
    }
  }
  return {
    epoch: kill.epoch,
    windowTicks,
    windowMs: windowStart === undefined ? 0 : Math.max(0, kill.at - windowStart),
    ticksLost,
    exposureMs: oldestLost === undefined ? 0 : Math.max(0, kill.at - oldestLost),
    firesLost: { tick_lost: 0, unconfirmed: 0, decision_queued: 0, rearm_lost: 0, outside: 0 },
    oldestFireLostMs: 0,
  };
}
