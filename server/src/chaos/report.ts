import type { KillReport, Verdict } from './verdict.js';

/** What a chaos run prints (pure formatting). */

/** The p-th percentile (0–100) by nearest rank; 0 for no values. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))]!;
}

const n = (value: number) => value.toLocaleString('en-US');
const ms = (value: number) => `${Math.round(value)}`;

export function fireLines(verdict: Verdict): string[] {
  const f = verdict.fires;
  const inside = f.lostInside;
  const lostIn = inside.tick_lost + inside.unconfirmed + inside.decision_queued + inside.rearm_lost;
  const d = verdict.deliveries;
  const lines = [
    `fires       expected ${n(f.expected)}, recorded ${n(f.recorded)}, matched ${n(f.matched)}`,
    `  lost      ${n(lostIn + f.lostOutside)}: inside the crash window ${n(lostIn)} (tick lost ${inside.tick_lost}, ` +
      `unconfirmed ${inside.unconfirmed}, decision queued ${inside.decision_queued}, re-arm lost ${inside.rearm_lost}); ` +
      `outside ${n(f.lostOutside)}`,
    `  duplicated ${n(f.duplicated)}`,
    `  spurious  ${n(f.spuriousInside + f.spuriousOutside)}: fired again after a restart in place of a lost one ` +
      `${n(f.spuriousInside)}; outside ${n(f.spuriousOutside)}` +
      (f.unmatched > 0 ? `; records matching no planned alert or tick ${n(f.unmatched)}` : ''),
    `deliveries  recorded ${n(d.recorded)}, received by the user's tab ${n(d.received)}, lost ${n(d.lost)}` +
      ` (received twice ${n(d.repeated)}, received but not in the history ${n(d.unknown)})`,
  ];
  if (f.listedTwice > 0) lines.push(`  the history listing returned ${n(f.listedTwice)} records twice`);
  for (const [label, issues] of [
    ['lost outside the window', verdict.samples.lostOutside],
    ['duplicated', verdict.samples.duplicated],
    ['spurious outside the window', verdict.samples.spuriousOutside],
  ] as const) {
    for (const i of issues) {
      lines.push(
        `  ${label}: alert #${i.alert} of ${i.user} on ${i.symbol}, tick #${i.seq} (timestamp ${i.timestamp}, ` +
          `answered by server process ${i.epoch}): ${i.note}`,
      );
    }
  }
  for (const id of verdict.samples.undelivered) lines.push(`  never reached its tab: notification ${id}`);
  return lines;
}

export function killTable(kills: readonly KillReport[]): string[] {
  if (kills.length === 0) return [];
  const head =
    'kill  unconfirmed ticks  unconfirmed ms  ticks lost  exposure ms  fires lost: tick lost, unconfirmed, decision, re-arm, outside  oldest fire lost ms';
  return [
    head,
    ...kills.map((k, i) => {
      const f = k.firesLost;
      return (
        `${String(i + 1).padStart(4)}  ${String(k.windowTicks).padStart(17)}  ${ms(k.windowMs).padStart(14)}  ` +
        `${String(k.ticksLost).padStart(10)}  ${ms(k.exposureMs).padStart(11)}  ` +
        `${`${f.tick_lost}, ${f.unconfirmed}, ${f.decision_queued}, ${f.rearm_lost}, ${f.outside}`.padStart(60)}  ` +
        `${ms(k.oldestFireLostMs).padStart(19)}`
      );
    }),
  ];
}

export interface Spread {
  p50: number;
  max: number;
}

/** p50 and max over the kills of what each lost: the crash window's size. */
export function windowSummary(kills: readonly KillReport[]): {
  ticksLost: Spread;
  exposureMs: Spread;
  windowTicks: Spread;
  windowMs: Spread;
  firesLost: Spread;
  oldestFireLostMs: Spread;
} {
  const of = (pick: (k: KillReport) => number) => {
    const values = kills.map(pick);
    return { p50: percentile(values, 50), max: values.length ? Math.max(...values) : 0 };
  };
  return {
    ticksLost: of((k) => k.ticksLost),
    exposureMs: of((k) => k.exposureMs),
    windowTicks: of((k) => k.windowTicks),
    windowMs: of((k) => k.windowMs),
    firesLost: of(
      (k) => k.firesLost.tick_lost + k.firesLost.unconfirmed + k.firesLost.decision_queued + k.firesLost.rearm_lost,
    ),
    oldestFireLostMs: of((k) => k.oldestFireLostMs),
  };
}
