import seedrandom from 'seedrandom';

/**
 * What a chaos run does, decided up front from a seed (pure: no I/O, no clock): the users and their level alerts,
 * the price walk posted to `POST /api/ticks`, how it is cut into batches, and when the faults strike. The same
 * seed and start time give the same plan, so a failing run can be replayed.
 */

export type LevelOperator = '>' | '<';

export interface PlannedAlert {
  /** Position in `Plan.alerts`; records are matched back to it through the alert id the server gave it. */
  index: number;
  user: string;
  symbol: string;
  operator: LevelOperator;
  /** A price level with a third decimal, so that no two-decimal price ever equals it. */
  level: number;
}

export interface PlannedTick {
  /** Position in `Plan.ticks`: the order ticks are posted in. */
  seq: number;
  symbol: string;
  price: number;
  /** Epoch ms, `startMs + seq`: unique across every symbol, so a fire is named by (alert, timestamp). */
  timestamp: number;
}

export interface PlannedBatch {
  /** Ticks `from` … `to - 1`, posted in one request. */
  from: number;
  to: number;
}

export type PlannedFault =
  /**
   * kill -9 of the server `delayMs` after batch `afterBatch` was answered (or, `underRequest`, at the first moment
   * after that when a batch is on its way, so the server may die before answering it), then a restart on the
   * same store `restartAfterMs` later.
   */
  | { kind: 'kill'; afterBatch: number; delayMs: number; underRequest: boolean; restartAfterMs: number }
  /**
   * The store stops answering (SIGSTOP of DynamoDB Local) for `durationMs`; with `killAtMs`, the server is also
   * killed that far into the outage, and its restart waits for the store.
   */
  | { kind: 'outage'; afterBatch: number; durationMs: number; killAtMs: number | null }
  /** The clean shutdown path under load: SIGTERM, which flushes what is queued, then a start on the same store. */
  | { kind: 'restart'; afterBatch: number; delayMs: number }
  /** One user's tab loses its connection abruptly and comes back `offlineMs` later, replaying what it missed. */
  | { kind: 'drop'; afterBatch: number; user: number; offlineMs: number };

export interface PlanSize {
  users: number;
  alertsPerUser: number;
  symbols: number;
  ticks: number;
  batchSize: number;
  kills: number;
  outages: number;
  /** Clean restarts (SIGTERM) in the middle of the run. */
  restarts: number;
  drops: number;
}

export interface Plan {
  seed: string;
  startMs: number;
  users: string[];
  symbols: string[];
  alerts: PlannedAlert[];
  ticks: PlannedTick[];
  batches: PlannedBatch[];
  /** Ordered by `afterBatch`. Kills, outages and restarts never share a stretch of batches; drops go anywhere. */
  faults: PlannedFault[];
}

/** Prices wander around this, pulled back towards it, and alert levels sit within `LEVEL_SPREAD` of it. */
export const CENTRE_PRICE = 100;
const LEVEL_SPREAD = 6;
const STEP_SD = 0.6;
const PULL = 0.02;
/** Outages of the store last this long (docs/chaos.md). */
export const OUTAGE_MS = { min: 5_000, max: 13_000 };
const DROP_MS = { min: 200, max: 3_000 };

export function makePlan(seed: string, size: PlanSize, startMs: number): Plan {
  const rng = seedrandom(seed);
  const users = Array.from({ length: size.users }, (_, i) => `chaos-user-${String(i + 1).padStart(3, '0')}`);
  const symbols = Array.from({ length: size.symbols }, (_, i) => `CHAOS${String.fromCharCode(65 + i)}`);

  const alerts: PlannedAlert[] = [];
  for (const user of users) {
    for (let j = 0; j < size.alertsPerUser; j++) {
      const cents = Math.round((CENTRE_PRICE + (rng() * 2 - 1) * LEVEL_SPREAD) * 100);
      alerts.push({
        index: alerts.length,
        user,
        symbol: symbols[Math.floor(rng() * symbols.length)]!,
        operator: rng() < 0.5 ? '>' : '<',
        level: (cents + 0.5) / 100,
      });
    }
  }

  const prices = new Map(symbols.map((s) => [s, CENTRE_PRICE]));
  const ticks: PlannedTick[] = [];
  for (let seq = 0; seq < size.ticks; seq++) {
    const symbol = symbols[Math.floor(rng() * symbols.length)]!;
    const last = prices.get(symbol)!;
    const next = last + PULL * (CENTRE_PRICE - last) + STEP_SD * gaussian(rng);
    const price = Math.round(Math.min(Math.max(next, CENTRE_PRICE / 2), CENTRE_PRICE * 2) * 100) / 100;
    prices.set(symbol, price);
    ticks.push({ seq, symbol, price, timestamp: startMs + seq });
  }

  const batches: PlannedBatch[] = [];
  for (let from = 0; from < ticks.length; from += size.batchSize) {
    batches.push({ from, to: Math.min(from + size.batchSize, ticks.length) });
  }

  return {
    seed,
    startMs,
    users,
    symbols,
    alerts,
    ticks,
    batches,
    faults: planFaults(rng, size, batches.length),
  };
}

/**
 * Kills, outages and clean restarts each get their own stretch of the run (never the first tenth, so the server has fired a few
 * times first, nor the last), at a random point in it; which stretch gets which kind is shuffled. Drops are spread
 * at random over the whole run.
 */
function planFaults(rng: seedrandom.PRNG, size: PlanSize, batches: number): PlannedFault[] {
  const kinds: ('kill' | 'outage' | 'restart')[] = [
    ...Array.from({ length: size.kills }, () => 'kill' as const),
    ...Array.from({ length: size.outages }, () => 'outage' as const),
    ...Array.from({ length: size.restarts }, () => 'restart' as const),
  ];
  for (let i = kinds.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    [kinds[i], kinds[j]] = [kinds[j]!, kinds[i]!];
  }
  const first = Math.floor(batches * 0.1);
  const last = Math.floor(batches * 0.9);
  const stretch = (last - first) / Math.max(kinds.length, 1);
  let outages = 0;
  const faults: PlannedFault[] = kinds.map((kind, i) => {
    // In the first half of its stretch: what follows gives the server time to recover before the next fault.
    const afterBatch = Math.floor(first + stretch * i + rng() * stretch * 0.5);
    if (kind === 'restart') return { kind, afterBatch, delayMs: Math.floor(rng() * 40) };
    if (kind === 'kill') {
      return {
        kind,
        afterBatch,
        delayMs: Math.floor(rng() * 40),
        underRequest: rng() < 0.5,
        restartAfterMs: Math.floor(rng() * 500),
      };
    }
    const durationMs = Math.floor(OUTAGE_MS.min + rng() * (OUTAGE_MS.max - OUTAGE_MS.min));
    // Every other outage (the first one included) also loses the server, with all it queued meanwhile.
    const killAtMs = outages++ % 2 === 0 ? Math.floor(durationMs * (0.3 + 0.4 * rng())) : null;
    return { kind, afterBatch, durationMs, killAtMs };
  });
  for (let i = 0; i < size.drops; i++) {
    faults.push({
      kind: 'drop',
      afterBatch: Math.floor(rng() * batches),
      user: Math.floor(rng() * size.users),
      offlineMs: Math.floor(DROP_MS.min + rng() * (DROP_MS.max - DROP_MS.min)),
    });
  }
  return faults.sort((a, b) => a.afterBatch - b.afterBatch);
}

/** A standard normal draw (Box–Muller). */
function gaussian(rng: () => number): number {
  const u = 1 - rng();
  const v = rng();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}
