import { describe, expect, it } from 'vitest';
import seedrandom from 'seedrandom';
import {
  CHANNEL_EVENTS,
  MOVE_DIRECTIONS,
  MOVE_UNITS,
  type ChannelEvent,
  type ConditionSpec,
  type MoveDirection,
  type MoveUnit,
  type Tick,
} from '@tickwatch/shared';
import { MarketState } from '../market/market-state.js';
import { AlertBook, moveGroupKey, type EngineAction, type LiveAlert } from './alert-book.js';
import {
  SYMBOL,
  T0,
  alertItem,
  live as liveOf,
  tick,
  totalOverSeeds,
  type AlertOptions,
} from './alert-book.fixtures.js';
import { moveOf } from './conditions.js';

const SECOND = 1000;
const MINUTE = 60 * SECOND;

const live = (spec: ConditionSpec, options: AlertOptions = {}): LiveAlert => liveOf(alertItem(spec, options));

const moveAlert = (
  direction: MoveDirection,
  amount: number,
  unit: MoveUnit,
  window_minutes: number,
  options?: AlertOptions,
) => live({ condition_type: 'price_move', condition: { direction, amount, unit, window_minutes } }, options);

const channelAlert = (event: ChannelEvent, lower: number, upper: number, options?: AlertOptions) =>
  live({ condition_type: 'price_channel', condition: { event, lower, upper } }, options);

/** A book fed through a market state, as the engine feeds it; move windows are warmed with the ticks so far. */
class Tape {
  readonly book = new AlertBook(SYMBOL);
  readonly ticks: Tick[] = [];
  private readonly market = new MarketState();

  /** Adds an alert as the engine does: a new move window is warmed with the stored ticks before the next tick. */
  add(alert: LiveAlert): LiveAlert {
    const key = this.book.add(alert);
    if (key) this.book.warmTracker(key, this.ticks);
    return alert;
  }

  tick(price: number, at: number): EngineAction[] {
    const t = tick(price, at);
    this.ticks.push(t);
    const move = this.market.apply(t);
    if (!move) throw new Error(`tick at ${at} is older than the latest`);
    return this.book.onMove(move);
  }
}

type Fire = Extract<EngineAction, { kind: 'fire' }>;
const fires = (actions: readonly EngineAction[]) => actions.filter((a): a is Fire => a.kind === 'fire');
const summary = (actions: readonly EngineAction[]) =>
  actions.map((a) =>
    a.kind === 'fire' ? `fire ${a.alert.id} ${a.value} ${a.level} ${a.before}` : `rearm ${a.alert.id}`,
  );

describe('AlertBook: price moves', () => {
  it('fires when the price rises the amount above the window low, once, and re-arms when the move falls back', () => {
    const tape = new Tape();
    tape.add(moveAlert('up', 2, 'price', 5, { id: 'up2' }));
    expect(tape.tick(100, T0)).toEqual([]);
    expect(tape.tick(101, T0 + MINUTE)).toEqual([]);
    expect(summary(tape.tick(102, T0 + 2 * MINUTE))).toEqual(['fire up2 2 2 100']);
    expect(tape.tick(103, T0 + 3 * MINUTE)).toEqual([]);
    expect(summary(tape.tick(101.5, T0 + 4 * MINUTE))).toEqual(['rearm up2']);
    expect(summary(tape.tick(102.5, T0 + 4.5 * MINUTE))).toEqual(['fire up2 2.5 2 100']);
  });

  it('measures from the low of the last N minutes only: an older low leaves the window and the move re-arms', () => {
    const tape = new Tape();
    tape.add(moveAlert('up', 2, 'price', 5, { id: 'up2' }));
    tape.tick(100, T0);
    expect(fires(tape.tick(102, T0 + MINUTE))).toHaveLength(1);
    // At T0 + 5 min the 100 is exactly five minutes old and still counts; a second later it has left.
    expect(tape.tick(102, T0 + 5 * MINUTE)).toEqual([]);
    expect(summary(tape.tick(102, T0 + 5 * MINUTE + SECOND))).toEqual(['rearm up2']);
  });

  it('fires on a single tick that jumps past the amount (gap-safe), with the move and the reference price', () => {
    const tape = new Tape();
    tape.add(moveAlert('up', 1, 'percent', 15, { id: 'pct' }));
    tape.tick(200, T0);
    const [fire] = fires(tape.tick(210, T0 + SECOND));
    expect(fire).toMatchObject({ value: 5, level: 1, before: 200, disarm: true });
  });

  it('measures a down move from the window high, in percent of that high', () => {
    const tape = new Tape();
    tape.add(moveAlert('down', 2, 'percent', 10, { id: 'down' }));
    tape.tick(200, T0);
    tape.tick(205, T0 + MINUTE);
    expect(tape.tick(201, T0 + 2 * MINUTE)).toEqual([]);
    const [fire] = fires(tape.tick(200.9, T0 + 3 * MINUTE));
    expect(fire).toMatchObject({ value: 2, level: 2, before: 205 });
  });

  it('treats a move of exactly the amount as reached, whatever the float error of the subtraction', () => {
    const tape = new Tape();
    tape.add(moveAlert('up', 0.1, 'price', 1, { id: 'tenth' }));
    tape.tick(100, T0);
    expect(fires(tape.tick(100.1, T0 + SECOND))).toHaveLength(1);
  });

  it('evaluates an alert in full on its first tick: a move already reached fires at once', () => {
    const tape = new Tape();
    tape.tick(100, T0);
    tape.tick(104, T0 + MINUTE);
    tape.add(moveAlert('up', 3, 'price', 5, { id: 'late' }));
    expect(summary(tape.tick(104, T0 + 2 * MINUTE))).toEqual(['fire late 4 3 100']);
  });

  it('after a restart, sees the move its stored history holds on the first live tick', () => {
    const history = [tick(100, T0), tick(101, T0 + MINUTE)];
    const market = new MarketState();
    for (const t of history) market.apply(t);
    const book = new AlertBook(SYMBOL);
    const key = book.addAll([moveAlert('up', 2, 'price', 5, { id: 'restart' })]);
    expect(key).toEqual([moveGroupKey({ direction: 'up', window_minutes: 5 })]);
    book.warmTracker(key[0]!, history);
    const fired = fires(book.onMove(market.apply(tick(102, T0 + 2 * MINUTE))!));
    expect(fired.map((f) => [f.value, f.before])).toEqual([[2, 100]]);
  });

  it('buffers live ticks while its window loads, says so, and then replays them after the stored ones', () => {
    const market = new MarketState();
    const book = new AlertBook(SYMBOL);
    const alert = moveAlert('up', 2, 'price', 5, { id: 'warming' });
    const key = book.add(alert)!;
    expect(book.trackerKeysWarming()).toEqual([key]);
    expect(book.onMove(market.apply(tick(101, T0 + MINUTE))!)).toEqual([]);
    expect(alert.statusNote).toBe('loading price history');
    // The stored copy of the live tick is skipped: the buffer has it.
    book.warmTracker(key, [tick(99, T0), tick(101, T0 + MINUTE)]);
    expect(alert.statusNote).toBeNull();
    expect(book.trackerKeysWarming()).toEqual([]);
    const fired = fires(book.onMove(market.apply(tick(101, T0 + 2 * MINUTE))!));
    expect(fired.map((f) => [f.value, f.before])).toEqual([[2, 99]]);
  });

  it('shares one window between the alerts of a direction and window, and drops it with the last of them', () => {
    const tape = new Tape();
    const a = tape.add(moveAlert('up', 1, 'price', 5));
    const b = tape.add(moveAlert('up', 2, 'percent', 5));
    expect(tape.book.add(moveAlert('up', 3, 'price', 5))).toBeUndefined();
    expect(tape.book.size).toBe(3);
    tape.book.remove(a);
    tape.book.remove(b);
    expect(tape.book.size).toBe(1);
  });

  it('fires again at the end of the cooldown if the move is still reached, as a level does', () => {
    const tape = new Tape();
    tape.add(moveAlert('up', 1, 'price', 5, { id: 'cool', cooldown_seconds: 30 }));
    tape.tick(100, T0);
    expect(fires(tape.tick(101, T0 + SECOND))).toHaveLength(1);
    expect(summary(tape.tick(100.5, T0 + 2 * SECOND))).toEqual(['rearm cool']);
    expect(tape.tick(101.5, T0 + 3 * SECOND)).toEqual([]);
    expect(tape.tick(101.5, T0 + 20 * SECOND)).toEqual([]);
    expect(summary(tape.tick(101.5, T0 + 31 * SECOND))).toEqual(['fire cool 1.5 1 100']);
  });
});

describe('AlertBook: price channels', () => {
  it('fires "enters" on a move from outside to inside, through the bound it passed', () => {
    const tape = new Tape();
    tape.add(channelAlert('enters', 195, 200, { id: 'in' }));
    tape.tick(194, T0);
    expect(summary(tape.tick(195, T0 + SECOND))).toEqual(['fire in 195 195 194']);
    expect(tape.tick(199, T0 + 2 * SECOND)).toEqual([]);
    expect(tape.tick(201, T0 + 3 * SECOND)).toEqual([]);
    expect(summary(tape.tick(200, T0 + 4 * SECOND))).toEqual(['fire in 200 200 201']);
  });

  it('fires "exits" on a move from inside to outside; the bounds are inside', () => {
    const tape = new Tape();
    tape.add(channelAlert('exits', 195, 200, { id: 'out' }));
    tape.tick(200, T0);
    expect(summary(tape.tick(200.01, T0 + SECOND))).toEqual(['fire out 200.01 200 200']);
    expect(tape.tick(196, T0 + 2 * SECOND)).toEqual([]);
    expect(summary(tape.tick(190, T0 + 3 * SECOND))).toEqual(['fire out 190 195 196']);
  });

  it('counts a gap from one side of the channel to the other as both entering and exiting', () => {
    const tape = new Tape();
    tape.add(channelAlert('enters', 195, 200, { id: 'in' }));
    tape.add(channelAlert('exits', 195, 200, { id: 'out' }));
    tape.tick(190, T0);
    expect(summary(tape.tick(210, T0 + SECOND)).sort()).toEqual(['fire in 210 195 190', 'fire out 210 200 190']);
    expect(summary(tape.tick(180, T0 + 2 * SECOND)).sort()).toEqual(['fire in 180 200 210', 'fire out 180 195 210']);
  });

  it('does not fire on its first tick without a previous price, and misses an event during its cooldown', () => {
    const tape = new Tape();
    tape.add(channelAlert('enters', 195, 200, { id: 'in', cooldown_seconds: 60 }));
    expect(tape.tick(197, T0)).toEqual([]);
    tape.tick(190, T0 + SECOND);
    expect(fires(tape.tick(197, T0 + 2 * SECOND))).toHaveLength(1);
    tape.tick(190, T0 + 3 * SECOND);
    expect(tape.tick(197, T0 + 4 * SECOND)).toEqual([]);
    expect(tape.tick(197, T0 + 70 * SECOND)).toEqual([]);
  });
});

// -------------------------------------------------------------------------------------------------------------
// The reference: every alert on every tick, every tick kept, straight from docs/alerts.md.

type Spec =
  | { id: string; kind: 'move'; direction: MoveDirection; unit: MoveUnit; amount: number; minutes: number }
  | { id: string; kind: 'channel'; event: ChannelEvent; lower: number; upper: number };
type Common = { once: boolean; cooldownSeconds: number; expiresAt: number | null };

class NaiveBook {
  private alerts: (Spec & Common & { armed: boolean; lastFired: number | null })[] = [];
  private ticks: [time: number, price: number][] = [];

  add(spec: Spec & Common): void {
    this.alerts.push({ ...spec, armed: true, lastFired: null });
  }

  remove(id: string): void {
    this.alerts = this.alerts.filter((a) => a.id !== id);
  }

  onTick(price: number, time: number): string[] {
    const previous = this.ticks[this.ticks.length - 1]?.[1];
    this.ticks.push([time, price]);
    const out: string[] = [];
    for (const alert of [...this.alerts]) {
      if (alert.expiresAt !== null && time >= alert.expiresAt * 1000) {
        this.remove(alert.id);
        continue;
      }
      const cooling = alert.lastFired !== null && time < alert.lastFired + alert.cooldownSeconds * 1000;
      let fired: string | undefined;
      if (alert.kind === 'move') {
        const inWindow = this.ticks.filter(([t]) => t >= time - alert.minutes * MINUTE).map(([, p]) => p);
        const reference = alert.direction === 'up' ? Math.min(...inWindow) : Math.max(...inWindow);
        // The arithmetic (and its rounding) is the condition's definition; the window and the triggering are tested.
        const move = moveOf(alert.direction, alert.unit, reference, price);
        const truth = move >= alert.amount;
        if (truth && alert.armed && !cooling) {
          alert.armed = false;
          fired = `${move} ${alert.amount} ${reference}`;
        } else if (!truth && !alert.armed) {
          alert.armed = true;
          out.push(`rearm ${alert.id}`);
        }
      } else if (previous !== undefined && !cooling) {
        const inside = (p: number) => alert.lower <= p && p <= alert.upper;
        const through =
          (previous < alert.lower && price > alert.upper) || (previous > alert.upper && price < alert.lower);
        if (alert.event === 'enters' && (through || (!inside(previous) && inside(price)))) {
          fired = `${price} ${previous < alert.lower ? alert.lower : alert.upper} ${previous}`;
        }
        if (alert.event === 'exits' && (through || (inside(previous) && !inside(price)))) {
          fired = `${price} ${price < alert.lower ? alert.lower : alert.upper} ${previous}`;
        }
      }
      if (fired !== undefined) {
        alert.lastFired = time;
        out.push(`fire ${alert.id} ${fired}`);
        if (alert.once) this.remove(alert.id);
      }
    }
    return out.sort();
  }
}

describe('AlertBook: moves and channels against the naive evaluator', () => {
  function walk(seed: string, options: { cooldowns: boolean; expiry: boolean }) {
    const random = seedrandom(seed);
    const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
    const tape = new Tape();
    const naive = new NaiveBook();
    const alerts = new Map<string, LiveAlert>();
    let n = 0;
    const addRandom = () => {
      const id = `${seed}-${n++}`;
      const common: Common = {
        once: random() < 0.1,
        cooldownSeconds: options.cooldowns ? pick([0, 5, 30, 120]) : 0,
        expiresAt: options.expiry && random() < 0.3 ? T0 / 1000 + Math.floor(random() * 1500) : null,
      };
      const spec: Spec =
        random() < 0.5
          ? {
              id,
              kind: 'move',
              direction: pick(MOVE_DIRECTIONS),
              unit: pick(MOVE_UNITS),
              amount: 0.5 * (1 + Math.floor(random() * 16)),
              minutes: pick([1, 2, 5]),
            }
          : (() => {
              // Bounds on the prices' 0.5 grid, so that prices often land exactly on them.
              const lower = 80 + 0.5 * Math.floor(random() * 70);
              return {
                id,
                kind: 'channel',
                event: pick(CHANNEL_EVENTS),
                lower,
                upper: lower + 0.5 * (1 + Math.floor(random() * 20)),
              };
            })();
      const itemOptions: AlertOptions = {
        id,
        trigger_mode: common.once ? 'once' : 'rearm',
        cooldown_seconds: common.cooldownSeconds,
        expires_at: common.expiresAt,
      };
      const alert =
        spec.kind === 'move'
          ? moveAlert(spec.direction, spec.amount, spec.unit, spec.minutes, itemOptions)
          : channelAlert(spec.event, spec.lower, spec.upper, itemOptions);
      alerts.set(id, tape.add(alert));
      naive.add({ ...spec, ...common });
    };
    for (let i = 0; i < 120; i++) addRandom();

    let price = 100;
    let time = T0;
    let fired = 0;
    let rearmed = 0;
    for (let step = 0; step < 400; step++) {
      if (random() < 0.03) addRandom();
      if (random() < 0.03 && alerts.size > 0) {
        const id = pick([...alerts.keys()]);
        tape.book.remove(alerts.get(id)!);
        alerts.delete(id);
        naive.remove(id);
      }
      // Mostly seconds apart, sometimes a silence longer than every window.
      time += random() < 0.02 ? 10 * MINUTE : (1 + Math.floor(random() * 10)) * SECOND;
      const jump = random() < 0.05 ? (random() < 0.5 ? -1 : 1) * (5 + Math.floor(random() * 30) * 0.5) : 0;
      price = Math.min(125, Math.max(75, price + jump + (Math.floor(random() * 9) - 4) * 0.5));
      const actions = tape.tick(price, time);
      for (const a of actions) if (a.kind === 'fire' && a.disable) alerts.delete(a.alert.id);
      const expected = naive.onTick(price, time);
      expect([...summary(actions)].sort(), `${seed}, step ${step}, price ${price}`).toEqual(expected);
      fired += expected.filter((s) => s.startsWith('fire')).length;
      rearmed += expected.filter((s) => s.startsWith('rearm')).length;
    }
    if (!options.expiry) expect(tape.book.size).toBe(alerts.size);
    return { fires: fired, rearms: rearmed };
  }

  it('agrees with evaluating every alert on every tick, over seeded random walks with adds and removes', () => {
    const { fires, rearms } = totalOverSeeds(10, (seed) =>
      walk(`moves-walk-${seed}`, { cooldowns: false, expiry: false }),
    );
    // The walks must actually exercise the book.
    expect(fires).toBeGreaterThan(500);
    expect(rearms).toBeGreaterThan(100);
  });

  it('agrees with the per-tick reading of cooldowns, trigger_mode once and expiry, over seeded random walks', () => {
    const { fires, rearms } = totalOverSeeds(10, (seed) =>
      walk(`moves-cooldown-walk-${seed}`, { cooldowns: true, expiry: true }),
    );
    expect(fires).toBeGreaterThan(300);
    expect(rearms).toBeGreaterThan(100);
  });
});

describe('AlertBook.addAll: moves and channels', () => {
  it('gives the same actions over the same ticks as adding one by one, with the same windows to warm', () => {
    for (let seed = 0; seed < 5; seed++) {
      const random = seedrandom(`moves-add-all-${seed}`);
      const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
      const specs = Array.from({ length: 200 }, (_, i): (() => LiveAlert) => {
        const options: AlertOptions = {
          id: `m${i}`,
          armed: random() < 0.8,
          trigger_mode: random() < 0.15 ? 'once' : 'rearm',
          cooldown_seconds: random() < 0.2 ? 30 : 0,
        };
        if (random() < 0.5) {
          const [direction, amount, unit, minutes] = [
            pick(MOVE_DIRECTIONS),
            0.5 + Math.floor(random() * 8) * 0.5,
            pick(MOVE_UNITS),
            pick([1, 5]),
          ];
          return () => moveAlert(direction, amount, unit, minutes, options);
        }
        const [event, lower, width] = [
          pick(CHANNEL_EVENTS),
          90 + Math.floor(random() * 20),
          1 + Math.floor(random() * 5),
        ];
        return () => channelAlert(event, lower, lower + width, options);
      });
      const history = [tick(100, T0 - 2 * MINUTE), tick(98, T0 - MINUTE)];
      const books = [new AlertBook(SYMBOL), new AlertBook(SYMBOL)] as const;
      const [bulk, single] = books;
      const bulkKeys = bulk.addAll(specs.map((make) => make()));
      const singleKeys = specs.map((make) => single.add(make())).filter((key) => key !== undefined);
      expect(new Set(bulkKeys)).toEqual(new Set(singleKeys));
      expect(bulk.size).toBe(single.size);
      for (const key of bulkKeys) for (const book of books) book.warmTracker(key, history);
      const markets = [new MarketState(), new MarketState()];
      for (const [i, book] of books.entries()) for (const t of history) book.onMove(markets[i]!.apply(t)!);
      const walk = seedrandom(`moves-add-all-walk-${seed}`);
      let price = 100;
      for (let step = 0; step < 300; step++) {
        price = Math.max(80, Math.min(120, price + (Math.floor(walk() * 9) - 4) * 0.5));
        const t = tick(price, T0 + step * 5 * SECOND);
        const [a, b] = books.map((book, i) => summary(book.onMove(markets[i]!.apply(t)!)).sort());
        expect(a, `${seed} step ${step}`).toEqual(b);
      }
    }
  });
});
