import { describe, it, expect } from 'vitest';
import seedrandom from 'seedrandom';
import {
  CROSS_OPERATORS,
  LEVEL_OPERATORS,
  OPERATORS,
  PRICE_TYPES,
  isCrossOperator,
  type CrossOperator,
  type FundamentalCondition,
  type Fundamentals,
  type IndicatorCondition,
  type LevelOperator,
  type Operator,
  type PriceType,
  type Tick,
} from '@tickwatch/shared';
import type { AlertItem } from '../store/alerts-repository.js';
import { MarketState } from '../market/market-state.js';
import { AlertBook, trackerKey, type EngineAction, type LiveAlert } from './alert-book.js';
import { SYMBOL, T0, alertItem, live, tick, totalOverSeeds, type AlertOptions } from './alert-book.fixtures.js';
import { crossed, holds } from './conditions.js';

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const utc = (iso: string) => Date.parse(`${iso}Z`);

/** 00:00 ET on 2026-01-15 and 2026-01-16. */
const MIDNIGHT = utc('2026-01-15T05:00:00.000');
const NEXT_MIDNIGHT = MIDNIGHT + DAY;

// ---------------------------------------------------------------------------------------------------------------
// Factories

function priceAlert(operator: Operator, threshold: number, price_type: PriceType = 'close', options?: AlertOptions) {
  return live(
    alertItem({ condition_type: 'price_threshold', condition: { operator, threshold, price_type } }, options),
  );
}

function fundamentalAlert(
  metric: FundamentalCondition['metric'],
  operator: Operator,
  threshold: number,
  options?: AlertOptions,
) {
  return live(alertItem({ condition_type: 'fundamental', condition: { metric, operator, threshold } }, options));
}

function indicatorAlert(condition: IndicatorCondition, options?: AlertOptions) {
  return live(alertItem({ condition_type: 'indicator', condition }, options));
}

const markets = new WeakMap<AlertBook, MarketState>();

/** The market state a book's ticks move: the engine keeps one for all symbols, each test one per book. */
function marketOf(book: AlertBook): MarketState {
  let market = markets.get(book);
  if (!market) {
    market = new MarketState();
    markets.set(book, market);
  }
  return market;
}

/** Moves the book's market by one tick and evaluates the move, as the engine does with live ticks. */
function evaluate(book: AlertBook, t: Tick): EngineAction[] {
  const move = marketOf(book).apply(t);
  if (!move) throw new Error(`tick at ${t.timestamp} is older than the latest: not a live move`);
  return book.onMove(move);
}

/** A book and a clock: each tick comes `step` after the previous one unless told when. */
class Tape {
  readonly book: AlertBook;
  private next: number;

  constructor(
    start = T0,
    private readonly step = SECOND,
    book?: AlertBook,
  ) {
    this.book = book ?? new AlertBook(SYMBOL);
    this.next = start;
  }

  get now(): number {
    return this.next - this.step;
  }

  tick(price: number, at = this.next): EngineAction[] {
    this.next = at + this.step;
    return evaluate(this.book, tick(price, at));
  }

  /** One summary line per tick. */
  play(...prices: number[]): string[][] {
    return prices.map((price) => summarize(this.tick(price)));
  }

  warm(price: number, at = this.next): void {
    this.next = at + this.step;
    marketOf(this.book).apply(tick(price, at));
  }
}

function summarize(actions: readonly EngineAction[]): string[] {
  return actions.map((a) => (a.kind === 'fire' ? `fire ${a.alert.id}` : `rearm ${a.alert.id}`));
}

function onlyFire(actions: readonly EngineAction[]): Extract<EngineAction, { kind: 'fire' }> {
  expect(actions).toHaveLength(1);
  const [action] = actions;
  if (action?.kind !== 'fire') throw new Error(`expected one fire, got ${JSON.stringify(summarize(actions))}`);
  return action;
}

const fundamentals = (values: Partial<Fundamentals>): Fundamentals => ({
  eps_ttm: null,
  shares_outstanding: null,
  annual_dividend: null,
  ...values,
});

// ---------------------------------------------------------------------------------------------------------------

const LEVEL = 100;
const TARGETS = { below: 99, at: 100, above: 101 } as const;
type Where = keyof typeof TARGETS;
const WHERES = Object.keys(TARGETS) as Where[];

/** Whether each level operator holds for a value below, at and above the level. */
const LEVEL_TRUTH: Record<LevelOperator, Record<Where, boolean>> = {
  '>': { below: false, at: false, above: true },
  '>=': { below: false, at: true, above: true },
  '<': { below: true, at: false, above: false },
  '<=': { below: true, at: true, above: false },
};

/** Whether a move from 90, 100 or 110 to a value below, at or above the level is a crossing. */
const CROSS_TRUTH: Record<CrossOperator, Record<'from90' | 'from100' | 'from110', Record<Where, boolean>>> = {
  crosses_above: {
    from90: { below: false, at: false, above: true },
    from100: { below: false, at: false, above: true },
    from110: { below: false, at: false, above: false },
  },
  crosses_below: {
    from90: { below: false, at: false, above: false },
    from100: { below: true, at: false, above: false },
    from110: { below: true, at: false, above: false },
  },
};

/**
 * Warm-up prices and a last price after which `pt` is `x` and the three other day-bar values are not: an alert on
 * the wrong price type would get a different answer.
 */
const ISOLATING: Record<PriceType, (x: number) => [warm: number[], last: number]> = {
  open: (x) => [[x, x + 7], x - 7],
  high: (x) => [[x - 7, x], x - 3],
  low: (x) => [[x + 7, x], x + 3],
  close: (x) => [[x + 7, x - 7], x],
};

/** Two ticks after which the day bar's `pt` moved from `start` to `target` (a new ET day where it cannot intraday). */
function transition(pt: PriceType, start: number, target: number): Tick[] {
  const sameDay = pt === 'close' || (pt === 'high' && target >= start) || (pt === 'low' && target <= start);
  return [tick(start, T0), tick(target, sameDay ? T0 + SECOND : T0 + DAY)];
}

const levelCases = PRICE_TYPES.flatMap((pt) =>
  LEVEL_OPERATORS.flatMap((op) => WHERES.map((where) => [pt, op, where, LEVEL_TRUTH[op][where]] as const)),
);
const allOperatorCases = PRICE_TYPES.flatMap((pt) =>
  OPERATORS.flatMap((op) => WHERES.map((where) => [pt, op, where] as const)),
);

describe('AlertBook: every operator on every price type', () => {
  it.each(allOperatorCases)(
    '%s %s 100 with the first price %s the level: a level fires if it holds, a crossing never does',
    (pt, op, where) => {
      const tape = new Tape();
      const alert = priceAlert(op, LEVEL, pt, { id: 'a' });
      tape.book.add(alert);
      const actions = tape.tick(TARGETS[where]);
      const expected = isCrossOperator(op) ? false : LEVEL_TRUTH[op][where];
      expect(summarize(actions)).toEqual(expected ? ['fire a'] : []);
      if (expected) expect(onlyFire(actions)).toMatchObject({ value: TARGETS[where], level: LEVEL, disarm: true });
    },
  );

  it.each(levelCases)(
    '%s %s 100 added when only the %s is %s the level: fires on its first tick exactly when it holds (%s)',
    (pt, op, where, expected) => {
      const tape = new Tape();
      const [warm, last] = ISOLATING[pt](TARGETS[where]);
      for (const price of warm) tape.warm(price);
      tape.book.add(priceAlert(op, LEVEL, pt, { id: 'a' }));
      const actions = tape.tick(last);
      expect(marketOf(tape.book).dayBar(SYMBOL)![pt]).toBe(TARGETS[where]);
      for (const other of PRICE_TYPES.filter((p) => p !== pt)) {
        expect(marketOf(tape.book).dayBar(SYMBOL)![other]).not.toBe(TARGETS[where]);
      }
      expect(summarize(actions)).toEqual(expected ? ['fire a'] : []);
      if (expected) expect(onlyFire(actions).value).toBe(TARGETS[where]);
    },
  );

  it.each(levelCases)(
    '%s %s 100 moving from the false side to %s the level fires exactly when it holds (%s)',
    (pt, op, where, expected) => {
      const book = new AlertBook(SYMBOL);
      book.add(priceAlert(op, LEVEL, pt, { id: 'a' }));
      const start = op === '>' || op === '>=' ? 90 : 110;
      const [first, second] = transition(pt, start, TARGETS[where]);
      expect(evaluate(book, first!)).toEqual([]);
      const actions = evaluate(book, second!);
      expect(marketOf(book).dayBar(SYMBOL)![pt]).toBe(TARGETS[where]);
      expect(summarize(actions)).toEqual(expected ? ['fire a'] : []);
    },
  );

  it.each(levelCases)(
    '%s %s 100 moving from the true side to %s the level re-arms exactly when it no longer holds (holds: %s)',
    (pt, op, where, stillHolds) => {
      const book = new AlertBook(SYMBOL);
      book.add(priceAlert(op, LEVEL, pt, { id: 'a' }));
      const start = op === '>' || op === '>=' ? 110 : 90;
      const [first, second] = transition(pt, start, TARGETS[where]);
      expect(summarize(evaluate(book, first!))).toEqual(['fire a']);
      expect(summarize(evaluate(book, second!))).toEqual(stillHolds ? [] : ['rearm a']);
    },
  );

  const crossCases = PRICE_TYPES.flatMap((pt) =>
    CROSS_OPERATORS.flatMap((op) =>
      ([90, 100, 110] as const).flatMap((start) =>
        WHERES.map((where) => [pt, op, start, where, CROSS_TRUTH[op][`from${start}`][where]] as const),
      ),
    ),
  );

  it.each(crossCases)('%s %s 100 moving from %s to %s the level fires: %s', (pt, op, start, where, expected) => {
    const book = new AlertBook(SYMBOL);
    book.add(priceAlert(op, LEVEL, pt, { id: 'a' }));
    const [first, second] = transition(pt, start, TARGETS[where]);
    expect(evaluate(book, first!)).toEqual([]);
    const actions = evaluate(book, second!);
    expect(summarize(actions)).toEqual(expected ? ['fire a'] : []);
    if (expected) {
      expect(onlyFire(actions)).toMatchObject({ value: TARGETS[where], level: LEVEL, disarm: false, disable: false });
    }
  });

  it('evaluates each alert against its own price type only', () => {
    const tape = new Tape();
    for (const pt of PRICE_TYPES) tape.book.add(priceAlert('>', LEVEL, pt, { id: pt }));
    // open 95; high 105, close 105; close back to 98; close 110 (high already fired and still true)
    expect(tape.play(95, 105, 98, 110)).toEqual([[], ['fire high', 'fire close'], ['rearm close'], ['fire close']]);
    // The next ET day opens at 101: open and low now hold; high (110 → 101) and close (110 → 101) still hold.
    expect(summarize(tape.tick(101, T0 + DAY))).toEqual(['fire open', 'fire low']);
  });

  it('treats open as the first trade of the ET day, whatever follows', () => {
    const tape = new Tape();
    tape.book.add(priceAlert('<', LEVEL, 'open', { id: 'open' }));
    expect(tape.play(101, 50, 20, 150)).toEqual([[], [], [], []]);
    expect(marketOf(tape.book).dayBar(SYMBOL)!).toEqual({ open: 101, high: 150, low: 20, close: 150 });
  });

  it('treats high and low as the running extremes of the day', () => {
    const tape = new Tape();
    tape.book.add(priceAlert('>=', 105, 'high', { id: 'high' }));
    tape.book.add(priceAlert('<=', 95, 'low', { id: 'low' }));
    expect(tape.play(100, 106, 100, 94, 100, 120, 80)).toEqual([[], ['fire high'], [], ['fire low'], [], [], []]);
    expect(marketOf(tape.book).dayBar(SYMBOL)!).toEqual({ open: 100, high: 120, low: 80, close: 80 });
  });
});

describe('AlertBook: level conditions', () => {
  it('fires when the condition becomes true, with the value, level and tick', () => {
    const tape = new Tape();
    const alert = priceAlert('>', LEVEL, 'close', { id: 'a' });
    tape.book.add(alert);
    expect(tape.tick(99)).toEqual([]);
    const actions = tape.tick(101.5);
    expect(actions).toEqual([
      {
        kind: 'fire',
        alert,
        tick: tick(101.5, tape.now),
        value: 101.5,
        level: LEVEL,
        before: null,
        disarm: true,
        disable: false,
      },
    ]);
    expect(alert.armed).toBe(false);
    expect(alert.lastFiredMs).toBe(tape.now);
  });

  it('fires on the first tick after it is added when the condition already holds', () => {
    const tape = new Tape();
    expect(tape.play(105, 106)).toEqual([[], []]);
    tape.book.add(priceAlert('>', LEVEL, 'close', { id: 'a' }));
    expect(tape.play(106)).toEqual([['fire a']]);
  });

  it('fires on the very first tick the book sees when the condition holds', () => {
    const tape = new Tape();
    tape.book.add(priceAlert('<=', LEVEL, 'close', { id: 'a' }));
    expect(tape.play(50)).toEqual([['fire a']]);
  });

  it('fires on the first tick even when that tick leaves the price where the warm-up left it', () => {
    const tape = new Tape();
    tape.warm(105);
    tape.book.add(priceAlert('>', LEVEL, 'close', { id: 'a' }));
    expect(tape.play(105)).toEqual([['fire a']]);
  });

  it('does not trigger twice while price stays above', () => {
    const tape = new Tape();
    tape.book.add(priceAlert('>', LEVEL, 'close', { id: 'a' }));
    expect(tape.play(101, 102, 150, 100.5, 100.01, 120)).toEqual([['fire a'], [], [], [], [], []]);
  });

  it('re-arms once when the condition turns false, and fires again when it turns true', () => {
    const tape = new Tape();
    const alert = priceAlert('>', LEVEL, 'close', { id: 'a' });
    tape.book.add(alert);
    expect(tape.play(101, 100)).toEqual([['fire a'], ['rearm a']]);
    expect(alert.armed).toBe(true);
    expect(tape.play(99, 98, 100, 97)).toEqual([[], [], [], []]);
    expect(tape.play(100.01)).toEqual([['fire a']]);
  });

  it('emits a re-arm action that names the alert', () => {
    const tape = new Tape();
    const alert = priceAlert('<', LEVEL, 'close', { id: 'a' });
    tape.book.add(alert);
    tape.tick(99);
    expect(tape.tick(100)).toEqual([{ kind: 'rearm', alert }]);
  });

  it('fires once per entry into the condition while the price hovers around the level', () => {
    const prices = [99, 101, 100, 101, 99.5, 100, 100.01, 100, 100, 100.5, 101, 99, 100];
    const count = (op: LevelOperator) => {
      const tape = new Tape();
      tape.book.add(priceAlert(op, LEVEL, 'close', { id: 'a' }));
      const out = tape.play(...prices).flat();
      return {
        fires: out.filter((s) => s.startsWith('fire')).length,
        rearms: out.filter((s) => s.startsWith('rearm')).length,
      };
    };
    // > : fires at 101, 101, 100.01, 100.5 — re-arms at 100, 99.5, 100, 99
    expect(count('>')).toEqual({ fires: 4, rearms: 4 });
    // >=: fires at 101, 100 (after 99.5) — re-arms at 99.5, 99, fires at the final 100
    expect(count('>=')).toEqual({ fires: 3, rearms: 2 });
    // < : fires at 99, 99.5, 99 — re-arms at 101, 100, 100
    expect(count('<')).toEqual({ fires: 3, rearms: 3 });
    // <=: fires at 99, 100, 99.5, 100, 99 — re-arms at 101, 101, 100.01, 100.5
    expect(count('<=')).toEqual({ fires: 5, rearms: 4 });
  });

  it('stays quiet on the first tick when loaded disarmed and the condition still holds', () => {
    const tape = new Tape();
    tape.book.add(priceAlert('>', LEVEL, 'close', { id: 'a', armed: false }));
    expect(tape.play(105, 106, 99, 101)).toEqual([[], [], ['rearm a'], ['fire a']]);
  });

  it('re-arms on the first tick when loaded disarmed and the condition no longer holds', () => {
    const tape = new Tape();
    tape.warm(95);
    const alert = priceAlert('>', LEVEL, 'close', { id: 'a', armed: false });
    tape.book.add(alert);
    expect(tape.play(96)).toEqual([['rearm a']]);
    expect(alert.armed).toBe(true);
  });

  it('fires only the alerts whose conditions changed, in level order on one price type', () => {
    const tape = new Tape();
    tape.book.add(priceAlert('>', 103, 'close', { id: 'c' }));
    tape.book.add(priceAlert('>', 101, 'close', { id: 'a' }));
    tape.book.add(priceAlert('>', 102, 'close', { id: 'b' }));
    tape.book.add(priceAlert('>', 110, 'close', { id: 'far' }));
    expect(tape.play(100)).toEqual([[]]);
    expect(tape.play(105)).toEqual([['fire a', 'fire b', 'fire c']]);
  });
});

describe('AlertBook: crossings', () => {
  it('fires on every crossing and never re-arms', () => {
    const tape = new Tape();
    tape.book.add(priceAlert('crosses_above', LEVEL, 'close', { id: 'up' }));
    tape.book.add(priceAlert('crosses_below', LEVEL, 'close', { id: 'down' }));
    expect(tape.play(99, 101, 102, 99, 98, 101, 99)).toEqual([
      [],
      ['fire up'],
      [],
      ['fire down'],
      [],
      ['fire up'],
      ['fire down'],
    ]);
  });

  it('leaves a crossing alert armed after it fires', () => {
    const tape = new Tape();
    const alert = priceAlert('crosses_above', LEVEL, 'close', { id: 'a' });
    tape.book.add(alert);
    tape.play(99);
    expect(onlyFire(tape.tick(101))).toMatchObject({
      disarm: false,
      disable: false,
      value: 101,
      level: LEVEL,
      before: 99,
    });
    expect(alert.armed).toBe(true);
  });

  it('fires on a gap that jumps over the level in one tick, both ways', () => {
    const tape = new Tape();
    tape.book.add(priceAlert('crosses_above', LEVEL, 'close', { id: 'up' }));
    tape.book.add(priceAlert('crosses_below', LEVEL, 'close', { id: 'down' }));
    expect(tape.play(50, 150, 50)).toEqual([[], ['fire up'], ['fire down']]);
  });

  it('does not count rising onto the level as crossing above; leaving it upwards does', () => {
    const tape = new Tape();
    tape.book.add(priceAlert('crosses_above', LEVEL, 'close', { id: 'up' }));
    expect(tape.play(99, 100, 100, 101)).toEqual([[], [], [], ['fire up']]);
  });

  it('counts touching the level from below and falling back as crossing below, not above (TradingView rule)', () => {
    const tape = new Tape();
    tape.book.add(priceAlert('crosses_above', LEVEL, 'close', { id: 'up' }));
    tape.book.add(priceAlert('crosses_below', LEVEL, 'close', { id: 'down' }));
    expect(tape.play(99, 100, 99)).toEqual([[], [], ['fire down']]);
  });

  it('counts touching the level from above and rising back as crossing above, not below', () => {
    const tape = new Tape();
    tape.book.add(priceAlert('crosses_above', LEVEL, 'close', { id: 'up' }));
    tape.book.add(priceAlert('crosses_below', LEVEL, 'close', { id: 'down' }));
    expect(tape.play(101, 100, 101)).toEqual([[], [], ['fire up']]);
  });

  it('cannot cross on the very first tick the book sees, however far from the level', () => {
    const tape = new Tape();
    tape.book.add(priceAlert('crosses_above', LEVEL, 'close', { id: 'up' }));
    tape.book.add(priceAlert('crosses_below', LEVEL, 'close', { id: 'down' }));
    expect(tape.play(150, 151)).toEqual([[], []]);
    expect(tape.play(99)).toEqual([['fire down']]);
  });

  it('uses the price the book saw before the alert was added', () => {
    const tape = new Tape();
    expect(tape.play(99)).toEqual([[]]);
    tape.book.add(priceAlert('crosses_above', LEVEL, 'close', { id: 'a' }));
    expect(tape.play(101)).toEqual([['fire a']]);
  });

  it('does not fire on the first tick after it is added when both prices are on the same side', () => {
    const tape = new Tape();
    tape.play(101);
    tape.book.add(priceAlert('crosses_above', LEVEL, 'close', { id: 'a' }));
    expect(tape.play(102)).toEqual([[]]);
  });

  it('uses a warmed-up price as the previous one', () => {
    const tape = new Tape();
    tape.warm(98);
    tape.warm(99);
    tape.book.add(priceAlert('crosses_above', LEVEL, 'close', { id: 'a' }));
    expect(tape.play(100.5)).toEqual([['fire a']]);
  });
});

// ---------------------------------------------------------------------------------------------------------------
// The ordered index against a straightforward evaluator

interface Spec {
  id: string;
  pt: PriceType;
  op: Operator;
  level: number;
  once: boolean;
  cooldownSeconds: number;
  /** Epoch seconds, or null. */
  expiresAt: number | null;
}

/**
 * Every alert, every tick, no index, straight from docs/alerts.md: what the book must agree with. Evaluating every
 * level alert on every tick makes "fires at the first tick after the cooldown if still true and armed" automatic.
 */
class NaiveBook {
  private alerts: (Spec & { armed: boolean; lastFired: number | null })[] = [];
  private values: Partial<Record<PriceType, number>> = {};
  private day = Number.NaN;

  add(spec: Spec): void {
    this.alerts.push({ ...spec, armed: true, lastFired: null });
  }

  remove(id: string): void {
    this.alerts = this.alerts.filter((a) => a.id !== id);
  }

  onTick(price: number, day: number, time: number): string[] {
    const previous = this.values;
    this.values =
      day === this.day && previous.open !== undefined
        ? {
            open: previous.open,
            high: Math.max(previous.high!, price),
            low: Math.min(previous.low!, price),
            close: price,
          }
        : { open: price, high: price, low: price, close: price };
    this.day = day;
    const out: string[] = [];
    for (const alert of [...this.alerts]) {
      if (alert.expiresAt !== null && time >= alert.expiresAt * 1000) {
        this.remove(alert.id);
        continue;
      }
      const cooling = alert.lastFired !== null && time < alert.lastFired + alert.cooldownSeconds * 1000;
      const v0 = previous[alert.pt];
      const v1 = this.values[alert.pt]!;
      let fired = false;
      if (isCrossOperator(alert.op)) {
        fired = !cooling && v0 !== undefined && crossed(alert.op, v0, v1, alert.level);
      } else {
        const truth = holds(alert.op, v1, alert.level);
        if (truth && alert.armed && !cooling) {
          fired = true;
          alert.armed = false;
        } else if (!truth && !alert.armed) {
          alert.armed = true;
          out.push(`rearm ${alert.id}`);
        }
      }
      if (fired) {
        alert.lastFired = time;
        out.push(`fire ${alert.id} ${v1} ${alert.level}`);
        if (alert.once) this.remove(alert.id);
      }
    }
    return out.sort();
  }
}

function detailed(actions: readonly EngineAction[]): string[] {
  return actions
    .map((a) => (a.kind === 'fire' ? `fire ${a.alert.id} ${a.value} ${a.level}` : `rearm ${a.alert.id}`))
    .sort();
}

describe('AlertBook: the ordered index', () => {
  it('fires exactly the crossings whose levels lie between the previous and the current price', () => {
    const book = new AlertBook(SYMBOL);
    for (let level = 0.5; level <= 500; level += 0.5) {
      book.add(priceAlert('crosses_above', level, 'close', { id: `up@${level}` }));
      book.add(priceAlert('crosses_below', level, 'close', { id: `down@${level}` }));
    }
    expect(book.size).toBe(2000);
    expect(evaluate(book, tick(100.25, T0))).toEqual([]);
    const up = evaluate(book, tick(200.25, T0 + SECOND));
    const expectedLevels = Array.from({ length: 200 }, (_, i) => 100.5 + i * 0.5);
    expect(up.map((a) => a.alert.id)).toEqual(expectedLevels.map((l) => `up@${l}`));
    const down = evaluate(book, tick(100.25, T0 + 2 * SECOND));
    expect(down.map((a) => a.alert.id).sort()).toEqual(expectedLevels.map((l) => `down@${l}`).sort());
  });

  /** Runs one seeded walk through the book and the reference; returns how many fires and re-arms it saw. */
  function walk(seed: string, options: { cooldowns: boolean; expiry: boolean }) {
    const random = seedrandom(seed);
    const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
    // Levels and prices on one 0.5 grid, so that prices often land exactly on levels.
    const level = () => 80 + 0.5 * Math.floor(random() * 81);
    const book = new AlertBook(SYMBOL);
    const naive = new NaiveBook();
    const alerts = new Map<string, LiveAlert>();
    let n = 0;
    const addRandom = () => {
      const spec: Spec = {
        id: `${seed}-${n++}`,
        pt: pick(PRICE_TYPES),
        op: pick(OPERATORS),
        level: level(),
        once: random() < 0.1,
        cooldownSeconds: options.cooldowns ? pick([0, 5, 30, 120]) : 0,
        // Within the first ~25 minutes of the walk, in whole seconds.
        expiresAt: options.expiry && random() < 0.3 ? T0 / 1000 + Math.floor(random() * 1500) : null,
      };
      const alert = priceAlert(spec.op, spec.level, spec.pt, {
        id: spec.id,
        trigger_mode: spec.once ? 'once' : 'rearm',
        cooldown_seconds: spec.cooldownSeconds,
        expires_at: spec.expiresAt,
      });
      alerts.set(spec.id, alert);
      book.add(alert);
      naive.add(spec);
    };
    for (let i = 0; i < 150; i++) addRandom();

    let price = 100;
    let day = 0;
    let time = T0;
    let fires = 0;
    let rearms = 0;
    for (let step = 0; step < 300; step++) {
      if (random() < 0.03) addRandom();
      if (random() < 0.03 && alerts.size > 0) {
        const id = pick([...alerts.keys()]);
        book.remove(alerts.get(id)!);
        alerts.delete(id);
        naive.remove(id);
      }
      if (random() < 0.02) {
        day += 1;
        time = T0 + day * DAY;
      } else {
        time += options.cooldowns ? (1 + Math.floor(random() * 10)) * SECOND : SECOND;
      }
      const jump = random() < 0.05 ? (random() < 0.5 ? -1 : 1) * (5 + Math.floor(random() * 30) * 0.5) : 0;
      price = Math.min(125, Math.max(75, price + jump + (Math.floor(random() * 9) - 4) * 0.5));
      const actions = evaluate(book, tick(price, time));
      for (const a of actions) if (a.kind === 'fire' && a.disable) alerts.delete(a.alert.id);
      const expected = naive.onTick(price, day, time);
      expect(detailed(actions), `${seed}, step ${step}, price ${price}`).toEqual(expected);
      fires += expected.filter((s) => s.startsWith('fire')).length;
      rearms += expected.filter((s) => s.startsWith('rearm')).length;
    }
    if (!options.expiry) expect(book.size).toBe(alerts.size);
    return { fires, rearms };
  }

  it('agrees with evaluating every alert on every tick, over seeded random walks with adds, removes and new days', () => {
    const { fires, rearms } = totalOverSeeds(12, (seed) =>
      walk(`alert-book-walk-${seed}`, { cooldowns: false, expiry: false }),
    );
    // The walks must actually exercise the book.
    expect(fires).toBeGreaterThan(500);
    expect(rearms).toBeGreaterThan(100);
  });

  it('agrees with the per-tick reading of cooldowns and expiry, over seeded random walks', () => {
    const { fires, rearms } = totalOverSeeds(12, (seed) =>
      walk(`alert-book-cooldown-walk-${seed}`, { cooldowns: true, expiry: true }),
    );
    expect(fires).toBeGreaterThan(300);
    expect(rearms).toBeGreaterThan(100);
  });
});

// ---------------------------------------------------------------------------------------------------------------

describe('AlertBook: cooldown_seconds', () => {
  it('does not fire a level that turns true again within the cooldown, and fires it when the cooldown ends', () => {
    const tape = new Tape(T0, 10 * SECOND);
    const alert = priceAlert('>', LEVEL, 'close', { id: 'a', cooldown_seconds: 60 });
    tape.book.add(alert);
    expect(tape.play(101)).toEqual([['fire a']]); // t = 0
    expect(tape.play(99, 101, 102, 103, 104)).toEqual([['rearm a'], [], [], [], []]); // t = 10 … 50
    const actions = tape.tick(105); // t = 60: exactly the end of the cooldown
    expect(onlyFire(actions)).toMatchObject({ value: 105, level: LEVEL, disarm: true });
    expect(alert.lastFiredMs).toBe(T0 + 60 * SECOND);
    expect(tape.play(106, 107)).toEqual([[], []]);
  });

  it('fires at the first tick after the cooldown ended when no tick came exactly at its end', () => {
    const tape = new Tape();
    tape.book.add(priceAlert('>', LEVEL, 'close', { id: 'a', cooldown_seconds: 60 }));
    tape.tick(101, T0);
    tape.tick(99, T0 + 10 * SECOND);
    expect(summarize(tape.tick(101, T0 + 20 * SECOND))).toEqual([]);
    expect(summarize(tape.tick(101, T0 + 59_999))).toEqual([]);
    expect(summarize(tape.tick(100.5, T0 + 75 * SECOND))).toEqual(['fire a']);
  });

  it('does not fire at the end of the cooldown when the level no longer holds then', () => {
    const tape = new Tape();
    tape.book.add(priceAlert('>', LEVEL, 'close', { id: 'a', cooldown_seconds: 60 }));
    tape.tick(101, T0);
    tape.tick(99, T0 + 10 * SECOND);
    tape.tick(101, T0 + 20 * SECOND);
    // Still armed, so turning false again is no new re-arm.
    expect(summarize(tape.tick(99, T0 + 30 * SECOND))).toEqual([]);
    expect(summarize(tape.tick(98, T0 + 60 * SECOND))).toEqual([]);
    expect(summarize(tape.tick(97, T0 + 90 * SECOND))).toEqual([]);
    expect(summarize(tape.tick(101, T0 + 100 * SECOND))).toEqual(['fire a']);
  });

  it('fires a level that turned true within the cooldown at its end even if the price did not move since', () => {
    const tape = new Tape();
    tape.book.add(priceAlert('<', LEVEL, 'close', { id: 'a', cooldown_seconds: 30 }));
    tape.tick(99, T0);
    tape.tick(100, T0 + SECOND);
    tape.tick(99, T0 + 2 * SECOND);
    expect(summarize(tape.tick(99, T0 + 30 * SECOND))).toEqual(['fire a']);
  });

  it('does not fire a crossing inside the cooldown, not even when the cooldown ends', () => {
    const tape = new Tape();
    tape.book.add(priceAlert('crosses_above', LEVEL, 'close', { id: 'a', cooldown_seconds: 60 }));
    tape.tick(99, T0 - SECOND);
    expect(summarize(tape.tick(101, T0))).toEqual(['fire a']);
    tape.tick(99, T0 + 10 * SECOND);
    expect(summarize(tape.tick(101, T0 + 20 * SECOND))).toEqual([]);
    expect(summarize(tape.tick(102, T0 + 70 * SECOND))).toEqual([]);
    tape.tick(99, T0 + 80 * SECOND);
    expect(summarize(tape.tick(101, T0 + 90 * SECOND))).toEqual(['fire a']);
  });

  it('fires a crossing at the exact end of the cooldown', () => {
    const tape = new Tape();
    tape.book.add(priceAlert('crosses_below', LEVEL, 'close', { id: 'a', cooldown_seconds: 60 }));
    tape.tick(101, T0 - SECOND);
    tape.tick(99, T0);
    tape.tick(101, T0 + 30 * SECOND);
    expect(summarize(tape.tick(99, T0 + 60 * SECOND))).toEqual(['fire a']);
  });

  it('counts the cooldown from the last fire stored before a restart', () => {
    const tape = new Tape();
    tape.book.add(priceAlert('>', LEVEL, 'close', { id: 'a', cooldown_seconds: 60, last_fired_ms: T0 - 30 * SECOND }));
    expect(summarize(tape.tick(101, T0))).toEqual([]);
    expect(summarize(tape.tick(101, T0 + 29 * SECOND))).toEqual([]);
    expect(summarize(tape.tick(101, T0 + 30 * SECOND))).toEqual(['fire a']);
  });

  it('fires again immediately after re-arming when there is no cooldown', () => {
    const tape = new Tape(T0, 1);
    tape.book.add(priceAlert('>', LEVEL, 'close', { id: 'a', cooldown_seconds: 0 }));
    expect(tape.play(101, 99, 101)).toEqual([['fire a'], ['rearm a'], ['fire a']]);
  });

  it('does not fire at the end of the cooldown an alert removed meanwhile', () => {
    const tape = new Tape();
    const alert = priceAlert('>', LEVEL, 'close', { id: 'a', cooldown_seconds: 60 });
    tape.book.add(alert);
    tape.tick(101, T0);
    tape.tick(99, T0 + SECOND);
    tape.tick(101, T0 + 2 * SECOND);
    tape.book.remove(alert);
    expect(summarize(tape.tick(102, T0 + 60 * SECOND))).toEqual([]);
    expect(alert.recheckAt).toBeUndefined();
  });

  it('keeps looking again at the other cooling alerts after one of them is removed', () => {
    const tape = new Tape();
    const removed = priceAlert('>', LEVEL, 'close', { id: 'removed', cooldown_seconds: 30 });
    tape.book.add(removed);
    tape.book.add(priceAlert('>', LEVEL, 'close', { id: 'kept', cooldown_seconds: 60 }));
    tape.tick(101, T0);
    tape.tick(99, T0 + SECOND);
    expect(summarize(tape.tick(101, T0 + 2 * SECOND))).toEqual([]);
    tape.book.remove(removed);
    expect(summarize(tape.tick(101, T0 + 30 * SECOND))).toEqual([]);
    expect(summarize(tape.tick(101, T0 + 60 * SECOND))).toEqual(['fire kept']);
  });

  it('looks again at several cooling alerts in the order their cooldowns end', () => {
    const tape = new Tape();
    tape.book.add(priceAlert('>', LEVEL, 'close', { id: 'long', cooldown_seconds: 120 }));
    tape.book.add(priceAlert('>', 101, 'close', { id: 'short', cooldown_seconds: 30 }));
    expect(summarize(tape.tick(102, T0))).toEqual(['fire long', 'fire short']);
    expect(summarize(tape.tick(99, T0 + SECOND))).toEqual(['rearm long', 'rearm short']);
    expect(summarize(tape.tick(102, T0 + 2 * SECOND))).toEqual([]);
    expect(summarize(tape.tick(102, T0 + 30 * SECOND))).toEqual(['fire short']);
    expect(summarize(tape.tick(102, T0 + 119 * SECOND))).toEqual([]);
    expect(summarize(tape.tick(102, T0 + 120 * SECOND))).toEqual(['fire long']);
  });

  it('applies the cooldown to fundamental level alerts too', () => {
    const tape = new Tape();
    tape.book.setFundamentals(fundamentals({ eps_ttm: 5 }));
    tape.book.add(fundamentalAlert('pe_ratio', '>', 20, { id: 'pe', cooldown_seconds: 60 }));
    expect(summarize(tape.tick(110, T0))).toEqual(['fire pe']);
    expect(summarize(tape.tick(90, T0 + SECOND))).toEqual(['rearm pe']);
    expect(summarize(tape.tick(110, T0 + 2 * SECOND))).toEqual([]);
    expect(summarize(tape.tick(110, T0 + 60 * SECOND))).toEqual(['fire pe']);
  });
});

describe("AlertBook: trigger_mode 'once'", () => {
  it('fires once with disable set, leaves the book and is disabled', () => {
    const tape = new Tape();
    const alert = priceAlert('>', LEVEL, 'close', { id: 'a', trigger_mode: 'once' });
    tape.book.add(alert);
    expect(tape.book.size).toBe(1);
    const action = onlyFire(tape.tick(101));
    expect(action).toMatchObject({ disable: true, disarm: true });
    expect(alert.item.enabled).toBe(false);
    expect(tape.book.size).toBe(0);
    expect(tape.play(99, 101, 99, 150)).toEqual([[], [], [], []]);
  });

  it('fires a crossing once, with disable set and disarm not', () => {
    const tape = new Tape();
    const alert = priceAlert('crosses_below', LEVEL, 'low', { id: 'a', trigger_mode: 'once' });
    tape.book.add(alert);
    tape.tick(101);
    expect(onlyFire(tape.tick(99))).toMatchObject({ disable: true, disarm: false, value: 99 });
    expect(alert.item.enabled).toBe(false);
    expect(tape.play(101, 98)).toEqual([[], []]);
    expect(tape.book.size).toBe(0);
  });

  it('does not touch the other alerts at the same level', () => {
    const tape = new Tape();
    tape.book.add(priceAlert('>', LEVEL, 'close', { id: 'once', trigger_mode: 'once' }));
    tape.book.add(priceAlert('>', LEVEL, 'close', { id: 'rearm' }));
    expect(tape.play(101, 99, 101)).toEqual([['fire once', 'fire rearm'], ['rearm rearm'], ['fire rearm']]);
  });

  it('takes a fundamental alert out of the book after its one fire', () => {
    const tape = new Tape();
    tape.book.setFundamentals(fundamentals({ annual_dividend: 4 }));
    const alert = fundamentalAlert('dividend_yield', '>', 4, { id: 'y', trigger_mode: 'once' });
    tape.book.add(alert);
    expect(onlyFire(tape.tick(50))).toMatchObject({ value: 8, level: 4, disable: true });
    expect(alert.item.enabled).toBe(false);
    expect(tape.book.size).toBe(0);
    expect(tape.play(200, 50)).toEqual([[], []]);
  });
});

describe('AlertBook: expires_at', () => {
  const EXPIRES = T0 / 1000 + 60;

  it('fires up to the millisecond before expiry', () => {
    const tape = new Tape();
    tape.book.add(priceAlert('>', LEVEL, 'close', { id: 'a', expires_at: EXPIRES }));
    expect(summarize(tape.tick(101, EXPIRES * 1000 - 1))).toEqual(['fire a']);
  });

  it('does not fire at expiry, notes it and leaves the book', () => {
    const tape = new Tape();
    const alert = priceAlert('>', LEVEL, 'close', { id: 'a', expires_at: EXPIRES });
    tape.book.add(alert);
    tape.tick(99, T0);
    expect(summarize(tape.tick(101, EXPIRES * 1000))).toEqual([]);
    expect(alert.statusNote).toBe('expired');
    expect(tape.book.size).toBe(0);
    expect(tape.play(99, 101)).toEqual([[], []]);
  });

  it('does not fire a crossing after expiry', () => {
    const tape = new Tape();
    const alert = priceAlert('crosses_above', LEVEL, 'close', { id: 'a', expires_at: EXPIRES });
    tape.book.add(alert);
    tape.tick(99, T0);
    expect(summarize(tape.tick(101, EXPIRES * 1000 + 5 * SECOND))).toEqual([]);
    expect(alert.statusNote).toBe('expired');
    expect(tape.book.size).toBe(0);
  });

  it('never fires after expiry, even when the price reaches the level long after', () => {
    const tape = new Tape();
    tape.book.add(priceAlert('>', LEVEL, 'close', { id: 'a', expires_at: EXPIRES }));
    tape.tick(99, T0);
    tape.tick(98, EXPIRES * 1000 + SECOND);
    tape.tick(97, EXPIRES * 1000 + 2 * SECOND);
    expect(summarize(tape.tick(150, EXPIRES * 1000 + HOUR))).toEqual([]);
  });

  it('does not fire a level whose cooldown ends after its expiry', () => {
    const tape = new Tape();
    const alert = priceAlert('>', LEVEL, 'close', { id: 'a', cooldown_seconds: 120, expires_at: EXPIRES });
    tape.book.add(alert);
    tape.tick(101, T0);
    tape.tick(99, T0 + SECOND);
    tape.tick(101, T0 + 2 * SECOND);
    expect(summarize(tape.tick(101, T0 + 120 * SECOND))).toEqual([]);
    expect(alert.statusNote).toBe('expired');
    expect(tape.book.size).toBe(0);
  });

  it('takes an expired fundamental alert out of the book at its first tick at or after expiry', () => {
    const tape = new Tape();
    tape.book.setFundamentals(fundamentals({ eps_ttm: 5 }));
    const alert = fundamentalAlert('pe_ratio', '>', 20, { id: 'pe', expires_at: EXPIRES });
    tape.book.add(alert);
    tape.tick(90, T0);
    expect(summarize(tape.tick(150, EXPIRES * 1000))).toEqual([]);
    expect(alert.statusNote).toBe('expired');
    expect(tape.book.size).toBe(0);
  });
});

describe('AlertBook: the ET trading day', () => {
  it('resets open, high and low on the first tick at or after ET midnight', () => {
    const tape = new Tape();
    tape.tick(100, T0);
    tape.tick(110, T0 + HOUR);
    tape.tick(90, NEXT_MIDNIGHT - 1);
    expect(marketOf(tape.book).dayBar(SYMBOL)!).toEqual({ open: 100, high: 110, low: 90, close: 90 });
    tape.tick(95, NEXT_MIDNIGHT);
    expect(marketOf(tape.book).dayBar(SYMBOL)!).toEqual({ open: 95, high: 95, low: 95, close: 95 });
  });

  it('keeps the day going past UTC midnight until ET midnight', () => {
    const tape = new Tape();
    tape.tick(100, T0);
    tape.tick(120, utc('2026-01-16T03:00:00.000')); // 22:00 ET on the 15th
    expect(marketOf(tape.book).dayBar(SYMBOL)!).toEqual({ open: 100, high: 120, low: 100, close: 120 });
  });

  it('lets an alert on the day high fire again on a new day after re-arming', () => {
    const tape = new Tape();
    tape.book.add(priceAlert('>=', 105, 'high', { id: 'high' }));
    expect(summarize(tape.tick(100, T0))).toEqual([]);
    expect(summarize(tape.tick(105, T0 + HOUR))).toEqual(['fire high']);
    expect(summarize(tape.tick(101, T0 + 2 * HOUR))).toEqual([]);
    expect(summarize(tape.tick(106, T0 + 3 * HOUR))).toEqual([]);
    expect(summarize(tape.tick(100, NEXT_MIDNIGHT + HOUR))).toEqual(['rearm high']);
    expect(summarize(tape.tick(104, NEXT_MIDNIGHT + 2 * HOUR))).toEqual([]);
    expect(summarize(tape.tick(105.5, NEXT_MIDNIGHT + 3 * HOUR))).toEqual(['fire high']);
  });

  it('lets an alert on the day low fire again on a new day after re-arming', () => {
    const tape = new Tape();
    tape.book.add(priceAlert('<', 95, 'low', { id: 'low' }));
    expect(tape.play(100, 94, 96, 90)).toEqual([[], ['fire low'], [], []]);
    expect(summarize(tape.tick(97, NEXT_MIDNIGHT))).toEqual(['rearm low']);
    expect(summarize(tape.tick(94.5, NEXT_MIDNIGHT + SECOND))).toEqual(['fire low']);
  });

  it('fires an open alert on the new day when the new open crosses its level', () => {
    const tape = new Tape();
    tape.book.add(priceAlert('crosses_above', LEVEL, 'open', { id: 'gap-up' }));
    tape.book.add(priceAlert('>', LEVEL, 'open', { id: 'open>' }));
    expect(tape.play(95, 120, 130)).toEqual([[], [], []]);
    expect(summarize(tape.tick(101, NEXT_MIDNIGHT + 9.5 * HOUR))).toEqual(['fire gap-up', 'fire open>']);
  });

  it('counts the reset of the day high as a move of the high (a crosses_below alert on the high fires on it)', () => {
    // Not a trade through the level: the series of day highs drops at the new day, and crossings follow the series.
    const tape = new Tape();
    tape.book.add(priceAlert('crosses_below', 103, 'high', { id: 'high-down' }));
    tape.play(100, 105, 101);
    expect(summarize(tape.tick(101, NEXT_MIDNIGHT))).toEqual(['fire high-down']);
  });

  it('starts the new day at ET midnight on the day daylight saving time begins (23-hour day)', () => {
    // 2026-03-08: clocks go from 02:00 EST to 03:00 EDT; that day runs 05:00Z to 04:00Z the next day.
    const tape = new Tape();
    tape.book.add(priceAlert('>=', 110, 'high', { id: 'high' }));
    tape.tick(100, utc('2026-03-08T15:00:00.000'));
    expect(summarize(tape.tick(110, utc('2026-03-08T20:00:00.000')))).toEqual(['fire high']);
    tape.tick(104, utc('2026-03-09T03:59:59.999')); // 23:59:59.999 EDT on the 8th
    expect(marketOf(tape.book).dayBar(SYMBOL)!).toEqual({ open: 100, high: 110, low: 100, close: 104 });
    expect(summarize(tape.tick(103, utc('2026-03-09T04:00:00.000')))).toEqual(['rearm high']); // 00:00 EDT
    expect(marketOf(tape.book).dayBar(SYMBOL)!).toEqual({ open: 103, high: 103, low: 103, close: 103 });
    expect(summarize(tape.tick(111, utc('2026-03-09T14:00:00.000')))).toEqual(['fire high']);
  });

  it('starts the new day at ET midnight on the day daylight saving time ends (25-hour day)', () => {
    // 2026-11-01: clocks go from 02:00 EDT back to 01:00 EST; that day runs 04:00Z to 05:00Z the next day.
    const tape = new Tape();
    tape.book.add(priceAlert('<=', 90, 'low', { id: 'low' }));
    tape.tick(100, utc('2026-11-01T04:00:00.000')); // 00:00 EDT on the 1st
    expect(marketOf(tape.book).dayBar(SYMBOL)!).toEqual({ open: 100, high: 100, low: 100, close: 100 });
    expect(summarize(tape.tick(90, utc('2026-11-01T15:00:00.000')))).toEqual(['fire low']);
    tape.tick(95, utc('2026-11-02T04:30:00.000')); // 23:30 EST on the 1st
    expect(marketOf(tape.book).dayBar(SYMBOL)!).toEqual({ open: 100, high: 100, low: 90, close: 95 });
    expect(summarize(tape.tick(96, utc('2026-11-02T05:00:00.000')))).toEqual(['rearm low']); // 00:00 EST
    expect(marketOf(tape.book).dayBar(SYMBOL)!).toEqual({ open: 96, high: 96, low: 96, close: 96 });
  });

  it('is never handed a late tick from an earlier day: the market state does not make it a move', () => {
    const tape = new Tape();
    tape.book.add(priceAlert('<', 60, 'close', { id: 'close' }));
    tape.book.add(priceAlert('<', 60, 'low', { id: 'low' }));
    tape.tick(150, NEXT_MIDNIGHT + 10 * HOUR);
    expect(marketOf(tape.book).apply(tick(50, T0))).toBeUndefined();
    expect(marketOf(tape.book).dayBar(SYMBOL)!).toEqual({ open: 150, high: 150, low: 150, close: 150 });
  });
});

// ---------------------------------------------------------------------------------------------------------------

describe('AlertBook: fundamental conditions', () => {
  it('waits with a note naming the missing field until fundamentals are loaded, then fires', () => {
    const tape = new Tape();
    const pe = fundamentalAlert('pe_ratio', '>', 20, { id: 'pe' });
    const cap = fundamentalAlert('market_cap', '>=', 1e12, { id: 'cap' });
    const yld = fundamentalAlert('dividend_yield', '<', 2, { id: 'yield' });
    tape.book.addAll([pe, cap, yld]);
    expect(tape.play(110)).toEqual([[]]);
    expect(pe.statusNote).toBe('no eps_ttm loaded for AAPL');
    expect(cap.statusNote).toBe('no shares_outstanding loaded for AAPL');
    expect(yld.statusNote).toBe('no annual_dividend loaded for AAPL');

    tape.book.setFundamentals(fundamentals({ eps_ttm: 5, shares_outstanding: 1e10, annual_dividend: 2 }));
    const actions = tape.tick(110);
    expect(summarize(actions)).toEqual(['fire pe', 'fire cap', 'fire yield']);
    const byId = new Map(actions.map((a) => [a.alert.id, a]));
    expect(byId.get('pe')).toMatchObject({ value: 22, level: 20, disarm: true });
    expect(byId.get('cap')).toMatchObject({ value: 1.1e12, level: 1e12 });
    const y = byId.get('yield');
    expect(y?.kind === 'fire' && y.value).toBeCloseTo(200 / 110, 10);
    expect([pe, cap, yld].map((a) => a.statusNote)).toEqual([null, null, null]);
  });

  it('says why P/E cannot be evaluated when trailing EPS is not positive', () => {
    const tape = new Tape();
    tape.book.setFundamentals(fundamentals({ eps_ttm: -1.5 }));
    const pe = fundamentalAlert('pe_ratio', '<', 10, { id: 'pe' });
    tape.book.add(pe);
    expect(tape.play(5)).toEqual([[]]);
    expect(pe.statusNote).toBe('P/E is undefined for AAPL: trailing EPS -1.5 is not positive');
  });

  it('does not evaluate at all before a tick, and fires nothing on setFundamentals alone', () => {
    const book = new AlertBook(SYMBOL);
    const pe = fundamentalAlert('pe_ratio', '>', 0, { id: 'pe' });
    book.add(pe);
    book.setFundamentals(fundamentals({ eps_ttm: 1 }));
    expect(pe.statusNote).toBeNull();
    expect(evaluate(book, tick(10, T0))).toHaveLength(1);
  });

  it('stays quiet while true, re-arms once when false and fires again', () => {
    const tape = new Tape();
    tape.book.setFundamentals(fundamentals({ annual_dividend: 2 }));
    tape.book.add(fundamentalAlert('dividend_yield', '>=', 2, { id: 'y' }));
    // yields: 2.0 (fire), 2.5, 1.98 (re-arm), 1.9, 2.02 (fire)
    expect(tape.play(100, 80, 101, 105, 99)).toEqual([['fire y'], [], ['rearm y'], [], ['fire y']]);
  });

  it('fires a metric crossing between consecutive ticks, never on the first tick', () => {
    const tape = new Tape();
    tape.book.setFundamentals(fundamentals({ eps_ttm: 5 }));
    tape.book.add(fundamentalAlert('pe_ratio', 'crosses_above', 20, { id: 'up' }));
    tape.book.add(fundamentalAlert('pe_ratio', 'crosses_below', 20, { id: 'down' }));
    expect(tape.play(110, 99, 101, 102, 100, 99)).toEqual([[], ['fire down'], ['fire up'], [], [], ['fire down']]);
  });

  it('crosses from the price before the alert was added', () => {
    const tape = new Tape();
    tape.book.setFundamentals(fundamentals({ shares_outstanding: 1e9 }));
    tape.play(99);
    tape.book.add(fundamentalAlert('market_cap', 'crosses_above', 1e11, { id: 'cap' }));
    expect(tape.play(101)).toEqual([['fire cap']]);
  });

  it('reports the metric on both sides of a crossing, the first evaluation included', () => {
    const tape = new Tape();
    tape.book.setFundamentals(fundamentals({ eps_ttm: 5 }));
    tape.play(99);
    tape.book.add(fundamentalAlert('pe_ratio', 'crosses_above', 20, { id: 'up' }));
    expect(onlyFire(tape.tick(101))).toMatchObject({ before: 19.8, value: 20.2, level: 20 });
    tape.play(99);
    expect(onlyFire(tape.tick(102))).toMatchObject({ before: 19.8, value: 20.4, level: 20 });
  });

  it('crosses from the last price once fundamentals arrive later', () => {
    const tape = new Tape();
    const pe = fundamentalAlert('pe_ratio', 'crosses_above', 20, { id: 'up' });
    tape.book.add(pe);
    expect(tape.play(99)).toEqual([[]]);
    tape.book.setFundamentals(fundamentals({ eps_ttm: 5 }));
    expect(tape.play(101)).toEqual([['fire up']]);
  });

  it('does not carry the last comparison across ticks it could not evaluate', () => {
    const tape = new Tape();
    tape.book.setFundamentals(fundamentals({ eps_ttm: 5 }));
    tape.book.add(fundamentalAlert('pe_ratio', 'crosses_above', 20, { id: 'up' }));
    expect(tape.play(99)).toEqual([[]]); // P/E 19.8
    tape.book.setFundamentals(undefined);
    expect(tape.play(101)).toEqual([[]]); // would be 20.2, but cannot be evaluated
    tape.book.setFundamentals(fundamentals({ eps_ttm: 5 }));
    // Compared with the previous price (P/E 20.2), not with the last evaluated 19.8: no crossing.
    expect(tape.play(102)).toEqual([[]]);
  });

  it('goes back to waiting when fundamentals are withdrawn', () => {
    const tape = new Tape();
    tape.book.setFundamentals(fundamentals({ eps_ttm: 5 }));
    const pe = fundamentalAlert('pe_ratio', '>', 20, { id: 'pe' });
    tape.book.add(pe);
    tape.play(90);
    tape.book.setFundamentals(undefined);
    expect(tape.play(150)).toEqual([[]]);
    expect(pe.statusNote).toBe('no eps_ttm loaded for AAPL');
  });
});

describe('AlertBook: indicator conditions', () => {
  /** SMA(3) on 1-minute bars; with one tick a minute, the mean of the last three prices. */
  const sma3 = (fields: Partial<IndicatorCondition> = {}): IndicatorCondition => ({
    indicator: 'sma',
    interval: '1m',
    period: 3,
    operator: 'crosses_above',
    ...fields,
  });
  const minute = (i: number) => T0 + i * MINUTE;
  const history = (...prices: number[]) => prices.map((price, i) => tick(price, minute(i)));

  it('returns the tracker key to warm for the first alert of a computation, nothing for the next', () => {
    const book = new AlertBook(SYMBOL);
    const key = book.add(indicatorAlert(sma3()));
    expect(key).toBe(trackerKey(sma3()));
    expect(book.add(indicatorAlert(sma3({ operator: '<' })))).toBeUndefined();
    expect(book.add(indicatorAlert(sma3({ threshold: 100 })))).toBe(trackerKey(sma3({ threshold: 100 })));
    expect(book.add(priceAlert('>', 1))).toBeUndefined();
    expect(book.add(fundamentalAlert('pe_ratio', '>', 1))).toBeUndefined();
    expect(book.trackerKeysWarming().sort()).toEqual([trackerKey(sma3()), trackerKey(sma3({ threshold: 100 }))].sort());
    expect(book.size).toBe(5);
  });

  it("notes 'loading indicator history' until warmed, then how far it is warmed up", () => {
    const tape = new Tape(T0, MINUTE);
    const alert = indicatorAlert(sma3(), { id: 'sma' });
    const key = tape.book.add(alert)!;
    expect(tape.play(100)).toEqual([[]]);
    expect(alert.statusNote).toBe('loading indicator history');
    tape.book.warmTracker(key, []);
    expect(tape.book.trackerKeysWarming()).toEqual([]);
    expect(tape.play(101)).toEqual([[]]);
    expect(alert.statusNote).toBe('warming up: 2 of 3 1m bars');
    expect(tape.play(102)).toEqual([[]]);
    expect(alert.statusNote).toBeNull();
  });

  it('is ready on the first live tick when the stored history is long enough', () => {
    const tape = new Tape(minute(3), MINUTE);
    const alert = indicatorAlert(sma3({ operator: '>', threshold: 100 }), { id: 'sma' });
    const key = tape.book.add(alert)!;
    tape.book.warmTracker(key, history(101, 101, 101));
    const action = onlyFire(tape.tick(101));
    expect(action).toMatchObject({ value: 101, level: 100, disarm: true });
    expect(alert.statusNote).toBeNull();
  });

  it('replays the live ticks seen while loading after the stored ones', () => {
    const tape = new Tape(minute(2), MINUTE);
    const alert = indicatorAlert(sma3({ operator: '>=', threshold: 0 }), { id: 'sma' });
    const key = tape.book.add(alert)!;
    tape.tick(90); // minute 2, buffered while the history loads
    tape.book.warmTracker(key, history(100, 100));
    const action = onlyFire(tape.tick(110)); // minute 3: SMA(100, 90, 110)
    expect(action.value).toBeCloseTo(100, 10);
  });

  it('skips stored ticks at or after the first live tick it buffered', () => {
    const tape = new Tape(minute(2), MINUTE);
    const alert = indicatorAlert(sma3({ operator: '>=', threshold: 0 }), { id: 'sma' });
    const key = tape.book.add(alert)!;
    tape.tick(90); // minute 2, buffered
    // The stored history reaches past the first buffered tick: that part must not be replayed.
    tape.book.warmTracker(key, [...history(100, 100), tick(1000, minute(3))]);
    const action = onlyFire(tape.tick(110)); // minute 3: SMA(100, 90, 110), not SMA(100, 100, 110)
    expect(action.value).toBeCloseTo(100, 10);
  });

  it('fires when the price crosses its moving average', () => {
    const tape = new Tape(minute(3), MINUTE);
    const up = indicatorAlert(sma3(), { id: 'up' });
    const down = indicatorAlert(sma3({ operator: 'crosses_below' }), { id: 'down' });
    const key = tape.book.add(up)!;
    tape.book.add(down);
    tape.book.warmTracker(key, history(100, 100, 100));
    expect(tape.play(100)).toEqual([[]]); // SMA 100, price on it
    const fire = onlyFire(tape.tick(103)); // SMA(100, 100, 103) = 101: price 2 above
    expect(fire).toMatchObject({ alert: up, value: 103, level: 101, disarm: false });
    const actions = tape.tick(95); // SMA(100, 103, 95) = 99.33: price below
    expect(summarize(actions)).toEqual(['fire down']);
  });

  it('fires when the moving level passes under an unchanged price', () => {
    const tape = new Tape(minute(3), MINUTE);
    const up = indicatorAlert(sma3(), { id: 'up' });
    tape.book.warmTracker(tape.book.add(up)!, history(110, 110, 110));
    expect(tape.play(90)).toEqual([[]]); // SMA 103.33, price 90
    expect(tape.play(100)).toEqual([[]]); // SMA 100, price 100: on the level
    const fire = onlyFire(tape.tick(100)); // SMA 96.67, price still 100
    expect(fire.value).toBe(100);
    expect(fire.level).toBeCloseTo(96.667, 3);
  });

  it('lets an alert added to a warm tracker see a crossing on its first tick', () => {
    const tape = new Tape(minute(3), MINUTE);
    const first = indicatorAlert(sma3({ operator: '<' }), { id: 'first' });
    tape.book.warmTracker(tape.book.add(first)!, history(100, 100, 100));
    tape.play(100);
    expect(tape.book.add(indicatorAlert(sma3(), { id: 'late' }))).toBeUndefined();
    expect(tape.play(103)).toEqual([['fire late']]);
  });

  it('fires, re-arms and fires again a level on the indicator against a threshold', () => {
    const tape = new Tape(minute(3), MINUTE);
    const alert = indicatorAlert(sma3({ operator: '>', threshold: 101 }), { id: 'sma' });
    tape.book.warmTracker(tape.book.add(alert)!, history(100, 100, 100));
    // SMAs: 100, 101 (not > 101), 102, 103, 101.67, 100.33 (re-arm), 102.33 (fire)
    expect(tape.play(100, 103, 103, 103, 99, 99, 109)).toEqual([
      [],
      [],
      ['fire sma'],
      [],
      [],
      ['rearm sma'],
      ['fire sma'],
    ]);
  });

  it("passes on the indicator's own reason while it cannot be computed (VWAP without volume)", () => {
    const book = new AlertBook(SYMBOL);
    const alert = indicatorAlert({ indicator: 'vwap', interval: '1m', operator: '>', threshold: 50 }, { id: 'vwap' });
    book.warmTracker(book.add(alert)!, []);
    expect(evaluate(book, { ...tick(100, T0), volume: 0 })).toEqual([]);
    expect(alert.statusNote).toBe('VWAP needs volume: none traded yet this trading day');
    const fire = onlyFire(evaluate(book, tick(100, T0 + SECOND)));
    expect(fire).toMatchObject({ value: 100, level: 50 });
    expect(alert.statusNote).toBeNull();
  });

  it('shares one tracker between alerts of the same computation and drops it with the last one', () => {
    const book = new AlertBook(SYMBOL);
    const a = indicatorAlert(sma3(), { id: 'a' });
    const b = indicatorAlert(sma3({ operator: '>' }), { id: 'b' });
    const key = book.add(a)!;
    book.add(b);
    book.remove(a);
    expect(book.trackerKeysWarming()).toEqual([key]);
    book.remove(b);
    expect(book.trackerKeysWarming()).toEqual([]);
    expect(book.size).toBe(0);
  });
});

describe('AlertBook: remove and addAll', () => {
  it('stops all actions of an alert removed mid-stream, and leaves the others alone', () => {
    const tape = new Tape();
    const gone = priceAlert('>', LEVEL, 'close', { id: 'gone' });
    const kept = priceAlert('>', LEVEL, 'close', { id: 'kept' });
    tape.book.add(gone);
    tape.book.add(kept);
    expect(tape.play(101)).toEqual([['fire gone', 'fire kept']]);
    tape.book.remove(gone);
    expect(tape.book.size).toBe(1);
    expect(tape.play(99, 101)).toEqual([['rearm kept'], ['fire kept']]);
  });

  it('stops a removed crossing, fundamental or indicator alert', () => {
    const tape = new Tape(T0, MINUTE);
    tape.book.setFundamentals(fundamentals({ eps_ttm: 1 }));
    const cross = priceAlert('crosses_above', LEVEL, 'close', { id: 'cross' });
    const pe = fundamentalAlert('pe_ratio', 'crosses_above', LEVEL, { id: 'pe' });
    const sma = indicatorAlert(
      { indicator: 'sma', interval: '1m', period: 2, operator: '>', threshold: 0 },
      { id: 'sma' },
    );
    tape.book.add(cross);
    tape.book.add(pe);
    tape.book.warmTracker(tape.book.add(sma)!, []);
    tape.play(99, 99);
    for (const alert of [cross, pe, sma]) tape.book.remove(alert);
    expect(tape.book.size).toBe(0);
    expect(tape.play(101, 99, 101)).toEqual([[], [], []]);
  });

  it('removes an alert that was added but never saw a tick', () => {
    const tape = new Tape();
    const alert = priceAlert('>', LEVEL, 'close', { id: 'a' });
    tape.book.add(alert);
    tape.book.remove(alert);
    expect(tape.play(101)).toEqual([[]]);
  });

  it('gives the same actions over the same ticks as adding one by one', () => {
    for (let seed = 0; seed < 6; seed++) {
      const random = seedrandom(`add-all-${seed}`);
      const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
      const items: AlertItem[] = [];
      for (let i = 0; i < 80; i++) {
        const options: AlertOptions = {
          id: `a${i}`,
          trigger_mode: random() < 0.15 ? 'once' : 'rearm',
          armed: random() < 0.8,
          cooldown_seconds: random() < 0.2 ? 30 : 0,
        };
        const roll = random();
        if (roll < 0.8) {
          // Levels on a coarse grid so that many alerts share a level and their order matters.
          const spec = {
            operator: pick(OPERATORS),
            threshold: 95 + Math.floor(random() * 11),
            price_type: pick(PRICE_TYPES),
          };
          items.push(alertItem({ condition_type: 'price_threshold', condition: spec }, options));
        } else if (roll < 0.9) {
          const spec = {
            metric: pick(['pe_ratio', 'market_cap', 'dividend_yield'] as const),
            operator: pick(OPERATORS),
            threshold: 0,
          };
          spec.threshold = spec.metric === 'pe_ratio' ? 20 : spec.metric === 'market_cap' ? 1e11 : 1;
          items.push(alertItem({ condition_type: 'fundamental', condition: spec }, options));
        } else {
          items.push(
            alertItem(
              {
                condition_type: 'indicator',
                condition: { indicator: 'sma', interval: '1m', period: 2, operator: pick(OPERATORS) },
              },
              options,
            ),
          );
        }
      }
      const run = (load: (book: AlertBook, alerts: LiveAlert[]) => string[]) => {
        const book = new AlertBook(SYMBOL);
        book.setFundamentals(fundamentals({ eps_ttm: 5, shares_outstanding: 1e9, annual_dividend: 1 }));
        // Some alerts already there, so that addAll meets a non-empty index on some price types.
        book.add(
          live(
            alertItem(
              { condition_type: 'price_threshold', condition: { operator: '>', threshold: 100, price_type: 'close' } },
              { id: 'pre' },
            ),
          ),
        );
        const keys = load(book, items.map(live));
        for (const key of keys) book.warmTracker(key, []);
        const walk = seedrandom(`add-all-walk-${seed}`);
        let price = 100;
        const out: string[][] = [];
        for (let i = 0; i < 200; i++) {
          price = Math.max(90, Math.min(110, price + Math.floor(walk() * 5) - 2));
          const at = T0 + i * 20 * SECOND + (i >= 120 ? DAY : 0);
          out.push(
            evaluate(book, tick(price, at)).map((a) =>
              a.kind === 'fire'
                ? `fire ${a.alert.id} ${a.value} ${a.level} ${a.disarm} ${a.disable}`
                : `rearm ${a.alert.id}`,
            ),
          );
        }
        return { out, size: book.size, keys };
      };
      const together = run((book, alerts) => book.addAll(alerts));
      const oneByOne = run((book, alerts) => alerts.flatMap((alert) => book.add(alert) ?? []));
      expect(together.keys).toEqual(oneByOne.keys);
      expect(together.out).toEqual(oneByOne.out);
      expect(together.size).toBe(oneByOne.size);
      expect(together.out.flat().length).toBeGreaterThan(50);
    }
  });

  it('loads threshold alerts on an empty book in one go and evaluates them all on the next tick', () => {
    const tape = new Tape();
    tape.warm(100);
    const alerts = [
      priceAlert('>', 99, 'close', { id: 'a' }),
      priceAlert('>', 99, 'close', { id: 'b' }),
      priceAlert('crosses_above', 100.5, 'close', { id: 'c' }),
      priceAlert('<', 50, 'low', { id: 'd' }),
    ];
    expect(tape.book.addAll(alerts)).toEqual([]);
    expect(tape.book.size).toBe(4);
    expect(tape.play(101)).toEqual([['fire a', 'fire b', 'fire c']]);
  });
});
