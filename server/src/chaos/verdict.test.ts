import { describe, expect, it } from 'vitest';
import { expectedFires } from './oracle.js';
import type { Plan, PlannedAlert } from './plan.js';
import { judge, type Evidence, type HistoryRecord, type KillOutcome } from './verdict.js';

const START = 1_700_000_000_000;

/** One symbol, the given prices one millisecond apart, and the given alerts (each of its own user). */
function planOf(prices: number[], alerts: Omit<PlannedAlert, 'index' | 'user' | 'symbol'>[]): Plan {
  return {
    seed: 'test',
    startMs: START,
    users: alerts.map((_, i) => `u${i}`),
    symbols: ['AAA'],
    alerts: alerts.map((a, index) => ({ ...a, index, user: `u${index}`, symbol: 'AAA' })),
    ticks: prices.map((price, seq) => ({ seq, symbol: 'AAA', price, timestamp: START + seq })),
    batches: [{ from: 0, to: prices.length }],
    faults: [],
  };
}

const above = { operator: '>' as const, level: 100.005 };

interface Setup {
  /** The process that answered each tick: 0 before the first kill, 1 after it, … (default all 0). */
  epochs?: number[];
  resent?: number[];
  kills?: KillOutcome[];
  /** Ticks missing from the store. */
  unstored?: number[];
  /** Recorded fires as [alert, seq]; default exactly what the oracle expects. */
  records?: [number, number][];
  /** Notification ids the tabs did not receive. */
  undelivered?: string[];
  extraReceived?: [string, string][];
  twiceReceived?: string[];
}

function evidenceOf(plan: Plan, setup: Setup = {}): Evidence {
  const records = setup.records ?? expectedFires(plan).map((f): [number, number] => [f.alert, f.seq]);
  const history: HistoryRecord[] = records.map(([alert, seq], i) => ({
    notification_id: `n${i}`,
    user_id: plan.alerts[alert]!.user,
    alert_id: `id-${alert}`,
    symbol: plan.ticks[seq]!.symbol,
    // The tie-break fraction a record gets when several fire in one millisecond.
    triggered_at: plan.ticks[seq]!.timestamp + 0.002,
  }));
  const received = new Map<string, Map<string, number>>(plan.users.map((u) => [u, new Map()]));
  for (const record of history) {
    if (setup.undelivered?.includes(record.notification_id)) continue;
    const times = setup.twiceReceived?.includes(record.notification_id) ? 2 : 1;
    received.get(record.user_id)!.set(record.notification_id, times);
  }
  for (const [user, id] of setup.extraReceived ?? []) received.get(user)!.set(id, 1);
  return {
    plan,
    alertIds: plan.alerts.map((a) => `id-${a.index}`),
    ticks: plan.ticks.map((t) => ({
      epoch: setup.epochs?.[t.seq] ?? 0,
      ackedAt: t.seq * 10,
      resent: setup.resent?.includes(t.seq) ?? false,
    })),
    kills: setup.kills ?? [],
    stored: plan.ticks.map((t) => !setup.unstored?.includes(t.seq)),
    history,
    received,
  };
}

describe('judge', () => {
  it('passes a run where every expected fire is recorded once and reached its tab', () => {
    const plan = planOf([99, 101, 99, 101], [above]);
    const verdict = judge(evidenceOf(plan));
    expect(verdict.fires).toMatchObject({ expected: 2, recorded: 2, matched: 2, lostOutside: 0, duplicated: 0 });
    expect(verdict.deliveries).toMatchObject({ recorded: 2, received: 2, lost: 0 });
    expect(verdict.ok).toBe(true);
  });

  it('fails a fire lost with no kill: outside the crash window', () => {
    const plan = planOf([99, 101, 99, 101], [above]);
    const verdict = judge(evidenceOf(plan, { records: [[0, 1]] }));
    expect(verdict.fires.lostOutside).toBe(1);
    expect(verdict.samples.lostOutside[0]).toMatchObject({ alert: 0, seq: 3, user: 'u0', timestamp: START + 3 });
    expect(verdict.ok).toBe(false);
  });

  it('fails a second record of the same fire', () => {
    const plan = planOf([99, 101, 99, 101], [above]);
    const verdict = judge(
      evidenceOf(plan, {
        records: [
          [0, 1],
          [0, 1],
          [0, 3],
        ],
      }),
    );
    expect(verdict.fires.duplicated).toBe(1);
    expect(verdict.ok).toBe(false);
  });

  describe('a fire due on a tick the killed process answered', () => {
    // Fires at 1, 3 and 5; the first process answers ticks 0–5 and is killed; the second answers 6 and 7.
    const plan = planOf([99, 101, 99, 101, 99, 101, 99, 98], [above]);
    const epochs = [0, 0, 0, 0, 0, 0, 1, 1];
    const kill = (checkpointSeq: number): KillOutcome[] => [{ epoch: 0, at: 100, checkpointSeq }];

    it('is inside the window when its tick is not in the store', () => {
      const records: [number, number][] = [
        [0, 1],
        [0, 3],
      ];
      const verdict = judge(evidenceOf(plan, { epochs, kills: kill(1), unstored: [4, 5], records }));
      expect(verdict.fires.lostInside.tick_lost).toBe(1);
      expect(verdict.kills[0]).toMatchObject({
        windowTicks: 4,
        windowMs: 80,
        ticksLost: 2,
        exposureMs: 60,
        oldestFireLostMs: 50,
      });
      expect(verdict.ok).toBe(true);
    });

    it('is inside the window when its tick came after the last empty-queue report', () => {
      const records: [number, number][] = [
        [0, 1],
        [0, 3],
      ];
      const verdict = judge(evidenceOf(plan, { epochs, kills: kill(3), records }));
      expect(verdict.fires.lostInside.unconfirmed).toBe(1);
      expect(verdict.ok).toBe(true);
    });

    it('is inside the window when the alert recorded nothing later before the kill', () => {
      const records: [number, number][] = [
        [0, 1],
        [0, 3],
      ];
      const verdict = judge(evidenceOf(plan, { epochs, kills: kill(5), records }));
      expect(verdict.fires.lostInside.decision_queued).toBe(1);
      expect(verdict.kills[0]!.oldestFireLostMs).toBe(50);
      expect(verdict.ok).toBe(true);
    });

    it('is a bug when a later fire of the same alert was recorded before the kill', () => {
      const records: [number, number][] = [
        [0, 1],
        [0, 5],
      ];
      const verdict = judge(evidenceOf(plan, { epochs, kills: kill(5), records }));
      expect(verdict.fires.lostOutside).toBe(1);
      expect(verdict.ok).toBe(false);
    });
  });

  describe('the first tick a restarted server evaluates', () => {
    // Fires at 0 and 2; tick 1 re-arms the alert; the process answering 0 and 1 is killed, tick 2 is the restarted one's.
    const plan = planOf([101, 99, 101], [above]);
    const epochs = [0, 0, 1];
    const kills: KillOutcome[] = [{ epoch: 0, at: 100, checkpointSeq: 1 }];

    it('may miss a fire whose re-arm the crash lost with its tick', () => {
      const verdict = judge(evidenceOf(plan, { epochs, kills, unstored: [1], records: [[0, 0]] }));
      expect(verdict.fires.lostInside.rearm_lost).toBe(1);
      expect(verdict.kills[0]!.firesLost.rearm_lost).toBe(1);
      expect(verdict.ok).toBe(true);
    });

    it('must not miss it after a clean restart, which flushed everything', () => {
      const verdict = judge(evidenceOf(plan, { epochs, kills: [], unstored: [1], records: [[0, 0]] }));
      expect(verdict.fires.lostOutside).toBe(1);
    });

    it('must not miss it when the re-arming tick is stored (start-up re-arms from stored ticks)', () => {
      const verdict = judge(evidenceOf(plan, { epochs, kills, records: [[0, 0]] }));
      expect(verdict.fires.lostOutside).toBe(1);
      expect(verdict.ok).toBe(false);
    });

    it('must not miss it when the alert never recorded a fire (it is stored armed)', () => {
      const verdict = judge(evidenceOf(plan, { epochs, kills, unstored: [0, 1], records: [] }));
      expect(verdict.fires.lostInside.tick_lost).toBe(1);
      expect(verdict.fires.lostOutside).toBe(1);
    });
  });

  describe('a fire the oracle does not expect', () => {
    // One fire expected, at 1; the process answering 0 and 1 is killed; 2 and 3 are the restarted one's.
    const plan = planOf([99, 101, 102, 103], [above]);
    const epochs = [0, 0, 1, 1];
    const kills: KillOutcome[] = [{ epoch: 0, at: 100, checkpointSeq: 0 }];

    it('is documented on the restarted server’s first tick when the fire it replaces was lost', () => {
      const verdict = judge(evidenceOf(plan, { epochs, kills, unstored: [1], records: [[0, 2]] }));
      expect(verdict.fires).toMatchObject({ spuriousInside: 1, spuriousOutside: 0 });
      expect(verdict.fires.lostInside.tick_lost).toBe(1);
      expect(verdict.ok).toBe(true);
    });

    it('counts the ticks posted again after the kill among the first ones', () => {
      const verdict = judge(evidenceOf(plan, { epochs, kills, resent: [2], unstored: [1], records: [[0, 3]] }));
      expect(verdict.fires.spuriousInside).toBe(1);
    });

    it('is a bug when the fire it would replace was recorded', () => {
      const verdict = judge(
        evidenceOf(plan, {
          epochs,
          kills,
          records: [
            [0, 1],
            [0, 2],
          ],
        }),
      );
      expect(verdict.fires.spuriousOutside).toBe(1);
      expect(verdict.ok).toBe(false);
    });

    it('is a bug on any later tick', () => {
      const verdict = judge(evidenceOf(plan, { epochs, kills, unstored: [1], records: [[0, 3]] }));
      expect(verdict.fires.spuriousOutside).toBe(1);
    });
  });

  it('fails a record that names no planned alert or tick, and counts records listed twice', () => {
    const plan = planOf([99, 101], [above]);
    const evidence = evidenceOf(plan);
    const stray = { ...evidence.history[0]!, notification_id: 'stray', alert_id: 'unknown' };
    const verdict = judge({ ...evidence, history: [...evidence.history, evidence.history[0]!, stray] });
    expect(verdict.fires).toMatchObject({ unmatched: 1, listedTwice: 1, duplicated: 0 });
    expect(verdict.ok).toBe(false);
  });

  it('fails a recorded fire that never reached its tab, or a receipt the history does not have', () => {
    const plan = planOf([99, 101, 99, 101], [above]);
    expect(judge(evidenceOf(plan, { undelivered: ['n1'] })).deliveries).toMatchObject({ received: 1, lost: 1 });
    expect(judge(evidenceOf(plan, { undelivered: ['n1'] })).samples.undelivered).toEqual(['n1']);
    expect(judge(evidenceOf(plan, { extraReceived: [['u0', 'ghost']] })).deliveries.unknown).toBe(1);
    expect(judge(evidenceOf(plan, { extraReceived: [['u0', 'ghost']] })).ok).toBe(false);
  });

  it('accepts a record received twice (the tab drops it by notification_id)', () => {
    const plan = planOf([99, 101], [above]);
    const verdict = judge(evidenceOf(plan, { twiceReceived: ['n0'] }));
    expect(verdict.deliveries.repeated).toBe(1);
    expect(verdict.ok).toBe(true);
  });
});
