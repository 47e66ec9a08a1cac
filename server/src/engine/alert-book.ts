import {
  MOVE_UNITS,
  PRICE_TYPES,
  isCrossOperator,
  type Fundamentals,
  type IndicatorCondition,
  type MoveDirection,
  type MoveUnit,
  type Operator,
  type PriceChannelCondition,
  type PriceMoveCondition,
  type PriceType,
  type Tick,
} from '@tickwatch/shared';
import type { PriceMove } from '../market/market-state.js';
import type { AlertItem } from '../store/alerts-repository.js';
import { channelBoundPassed, crossed, holds, moveOf, transitionRange } from './conditions.js';
import { readMetric } from './fundamentals.js';
import { createIndicatorTracker, type IndicatorReading, type IndicatorTracker } from './indicators.js';
import { LevelIndex } from './level-index.js';
import { moveWindow, type RollingExtreme } from './rolling-extreme.js';

/** The engine's working copy of one alert. */
export interface LiveAlert {
  readonly id: string;
  /** The stored item as last read or written; the definition comes from here. */
  item: AlertItem;
  /** May fire when its condition is (or becomes) true; false after a level fire until the condition is false. */
  armed: boolean;
  lastFiredMs: number | null;
  /** Why it cannot be evaluated right now, or null. */
  statusNote: string | null;
  /** Evaluate in full at the next tick (new, changed or just loaded), instead of only when a level is crossed. */
  fresh: boolean;
  /** For conditions with moving levels: the last observed value − level, for crossing detection. */
  lastDiff?: number;
  lastReading?: { value: number; level: number };
  /** When a fire suppressed by the cooldown is looked at again. */
  recheckAt?: number;
}

export type EngineAction =
  | {
      kind: 'fire';
      alert: LiveAlert;
      tick: Tick;
      /**
       * The compared value (price, indicator, metric) and the level it was compared with. For a price move, the move
       * and the amount (in % or in price, as the condition's unit); for a price channel, the price and the bound
       * it passed.
       */
      value: number;
      level: number;
      /**
       * For a crossing or a channel, the compared value before this tick (the other side of the level); for a price
       * move, the price it was measured from (the window's low for up, its high for down); null for other levels.
       */
      before: number | null;
      disarm: boolean;
      disable: boolean;
    }
  | { kind: 'rearm'; alert: LiveAlert };

type DynamicReading = IndicatorReading;
type FireReading = Pick<Extract<EngineAction, { kind: 'fire' }>, 'value' | 'level' | 'before'>;

interface TrackerSlot {
  tracker: IndicatorTracker;
  users: number;
  /** Live ticks seen while stored history is still being loaded; replayed after it. */
  warming?: Tick[];
  reading: IndicatorReading;
  /** The reading before the latest tick, so an alert added since can still see a crossing on its first tick. */
  previous: IndicatorReading;
}

/** The move alerts of one (direction, window) over the symbol's ticks: one rolling extreme for all of them. */
interface MoveGroup {
  direction: MoveDirection;
  window: RollingExtreme;
  /** The group's alerts by amount, one index per unit: a tick visits those between the previous and the new move. */
  amounts: Record<MoveUnit, LevelIndex<LiveAlert>>;
  /** The move per unit at the last tick evaluated, and the window's extreme it was measured from. */
  moves: Partial<Record<MoveUnit, number>>;
  reference?: number;
  /** Alerts to evaluate in full at the group's next evaluated tick. */
  fresh: Set<LiveAlert>;
  /** Live ticks seen while the window's stored ticks are still being loaded; replayed after them. */
  warming?: Tick[];
}

const MAX_WARMING_BUFFER = 50_000;

export function trackerKey(condition: IndicatorCondition): string {
  const { operator: _operator, ...computation } = condition;
  return JSON.stringify(computation, Object.keys(computation).sort());
}

/** Move alerts of one direction and window share a window; the key cannot clash with an indicator's JSON key. */
export function moveGroupKey(condition: Pick<PriceMoveCondition, 'direction' | 'window_minutes'>): string {
  return `move:${condition.direction}:${condition.window_minutes}`;
}

function channelOf(alert: LiveAlert): PriceChannelCondition | undefined {
  return alert.item.condition_type === 'price_channel' ? alert.item.condition : undefined;
}

/**
 * The alerts of one symbol: the threshold alerts in one ordered index per price type, and the indicator and
 * fundamental alerts. It evaluates the symbol's price moves (the market state owns its prices and day bar); `onMove`
 * is pure with respect to I/O: it returns the fires and re-arms for the engine to record.
 *
 * Threshold alerts cost nothing on a tick unless the price moved across their level: a move from p0 to p1 visits
 * only the levels in [min(p0, p1), max(p0, p1)], where the truth of `>`, `>=`, `<`, `<=` and crossings can change.
 * Channels sit in two such indexes, by lower and by upper bound: a price that passes neither bound stays as much
 * inside or outside as it was. Move alerts sit by amount in their group's index: a tick visits those whose amount
 * lies between the group's previous move and its new one.
 */
export class AlertBook {
  /** The day bar's values at the last move evaluated, for cooldown re-checks between moves. */
  private values: Partial<Record<PriceType, number>> = {};
  private indexes = Object.fromEntries(PRICE_TYPES.map((pt) => [pt, new LevelIndex<LiveAlert>()])) as Record<
    PriceType,
    LevelIndex<LiveAlert>
  >;
  private readonly fresh = new Set<LiveAlert>();
  private readonly dynamic = new Set<LiveAlert>();
  private readonly trackers = new Map<string, TrackerSlot>();
  /** Cooldown re-checks, soonest first. Few alerts are ever cooling at once, so a sorted array is enough. */
  private rechecks: LiveAlert[] = [];
  private fundamentals: Fundamentals | undefined;
  private channelLower = new LevelIndex<LiveAlert>();
  private channelUpper = new LevelIndex<LiveAlert>();
  private readonly moveGroups = new Map<string, MoveGroup>();

  constructor(readonly symbol: string) {}

  get size(): number {
    let n = this.dynamic.size + this.channelLower.size;
    for (const pt of PRICE_TYPES) n += this.indexes[pt].size;
    for (const group of this.moveGroups.values()) n += group.amounts.percent.size + group.amounts.price.size;
    return n;
  }

  /**
   * Adds an enabled alert. Returns the key of an indicator tracker or a move window that needs its history loaded,
   * if any (for `warmTracker`).
   */
  add(alert: LiveAlert): string | undefined {
    alert.fresh = true;
    const item = alert.item;
    if (item.condition_type === 'price_threshold') {
      this.indexes[item.condition.price_type].insert(item.condition.threshold, alert);
      this.fresh.add(alert);
      return undefined;
    }
    if (item.condition_type === 'price_channel') {
      this.channelLower.insert(item.condition.lower, alert);
      this.channelUpper.insert(item.condition.upper, alert);
      this.fresh.add(alert);
      return undefined;
    }
    if (item.condition_type === 'price_move') return this.addMove(alert, item.condition);
    this.dynamic.add(alert);
    if (item.condition_type !== 'indicator') return undefined;
    const key = trackerKey(item.condition);
    const slot = this.trackers.get(key);
    if (slot) {
      slot.users += 1;
      return undefined;
    }
    const tracker = createIndicatorTracker(item.condition);
    const reading = tracker.current();
    this.trackers.set(key, { tracker, users: 1, warming: [], reading, previous: reading });
    return key;
  }

  /**
   * Adds many enabled alerts at once (start-up): threshold alerts, channels and the moves of each window and unit
   * go into an empty index with one sort instead of one insert each. Returns the indicator trackers and move
   * windows that need history.
   */
  addAll(alerts: Iterable<LiveAlert>): string[] {
    const warming: string[] = [];
    const byPriceType = new Map<PriceType, [number, LiveAlert][]>();
    const channels: LiveAlert[] = [];
    const moves = new Map<string, { condition: PriceMoveCondition; entries: [number, LiveAlert][] }>();
    for (const alert of alerts) {
      const item = alert.item;
      if (item.condition_type === 'price_threshold' && this.indexes[item.condition.price_type].size === 0) {
        alert.fresh = true;
        this.fresh.add(alert);
        const entries = byPriceType.get(item.condition.price_type) ?? [];
        entries.push([item.condition.threshold, alert]);
        byPriceType.set(item.condition.price_type, entries);
      } else if (item.condition_type === 'price_channel' && this.channelLower.size === 0) {
        alert.fresh = true;
        this.fresh.add(alert);
        channels.push(alert);
      } else if (
        item.condition_type === 'price_move' &&
        !this.moveGroups.get(moveGroupKey(item.condition))?.amounts[item.condition.unit].size
      ) {
        const key = `${moveGroupKey(item.condition)}:${item.condition.unit}`;
        const bulk = moves.get(key) ?? { condition: item.condition, entries: [] };
        bulk.entries.push([item.condition.amount, alert]);
        moves.set(key, bulk);
      } else {
        const key = this.add(alert);
        if (key) warming.push(key);
      }
    }
    for (const [pt, entries] of byPriceType) this.indexes[pt] = LevelIndex.from(entries);
    if (channels.length > 0) {
      this.channelLower = LevelIndex.from(channels.map((a) => [channelOf(a)!.lower, a]));
      this.channelUpper = LevelIndex.from(channels.map((a) => [channelOf(a)!.upper, a]));
    }
    for (const { condition, entries } of moves.values()) {
      const { group, created } = this.moveGroup(condition);
      if (created) warming.push(moveGroupKey(condition));
      group.amounts[condition.unit] = LevelIndex.from(entries);
      for (const [, alert] of entries) {
        alert.fresh = true;
        group.fresh.add(alert);
      }
    }
    return warming;
  }

  private addMove(alert: LiveAlert, condition: PriceMoveCondition): string | undefined {
    const { group, created } = this.moveGroup(condition);
    group.amounts[condition.unit].insert(condition.amount, alert);
    group.fresh.add(alert);
    return created ? moveGroupKey(condition) : undefined;
  }

  private moveGroup(condition: PriceMoveCondition): { group: MoveGroup; created: boolean } {
    const key = moveGroupKey(condition);
    const existing = this.moveGroups.get(key);
    if (existing) return { group: existing, created: false };
    const group: MoveGroup = {
      direction: condition.direction,
      window: moveWindow(condition),
      amounts: { percent: new LevelIndex(), price: new LevelIndex() },
      moves: {},
      fresh: new Set(),
      warming: [],
    };
    this.moveGroups.set(key, group);
    return { group, created: true };
  }

  remove(alert: LiveAlert): void {
    const item = alert.item;
    this.fresh.delete(alert);
    this.rechecks = this.rechecks.filter((a) => a !== alert);
    alert.recheckAt = undefined;
    if (item.condition_type === 'price_threshold') {
      this.indexes[item.condition.price_type].remove(alert);
      return;
    }
    if (item.condition_type === 'price_channel') {
      this.channelLower.remove(alert);
      this.channelUpper.remove(alert);
      return;
    }
    if (item.condition_type === 'price_move') {
      const key = moveGroupKey(item.condition);
      const group = this.moveGroups.get(key);
      if (!group) return;
      group.amounts[item.condition.unit].remove(alert);
      group.fresh.delete(alert);
      if (group.amounts.percent.size + group.amounts.price.size === 0) this.moveGroups.delete(key);
      return;
    }
    if (!this.dynamic.delete(alert) || item.condition_type !== 'indicator') return;
    const key = trackerKey(item.condition);
    const slot = this.trackers.get(key);
    if (slot && --slot.users === 0) this.trackers.delete(key);
  }

  setFundamentals(fundamentals: Fundamentals | undefined): void {
    this.fundamentals = fundamentals;
  }

  /**
   * Replays stored ticks into a new tracker, then the live ticks it saw meanwhile, and puts it in service.
   * Stored ticks at or after the first buffered live tick are skipped: the buffer has those.
   */
  warmTracker(key: string, stored: Iterable<Tick>): void {
    const group = this.moveGroups.get(key);
    if (group) {
      this.warmMoveGroup(group, stored);
      return;
    }
    const slot = this.trackers.get(key);
    if (!slot?.warming) return;
    const buffered = slot.warming;
    const firstLive = buffered[0]?.timestamp ?? Number.POSITIVE_INFINITY;
    for (const tick of stored) if (tick.timestamp < firstLive) slot.tracker.update(tick);
    for (const tick of buffered) slot.tracker.update(tick);
    slot.reading = slot.tracker.current();
    slot.previous = slot.reading;
    slot.warming = undefined;
  }

  private warmMoveGroup(group: MoveGroup, stored: Iterable<Tick>): void {
    if (!group.warming) return;
    const buffered = group.warming;
    const firstLive = buffered[0]?.timestamp ?? Number.POSITIVE_INFINITY;
    let last: Tick | undefined;
    for (const tick of stored) {
      if (tick.timestamp >= firstLive) continue;
      group.window.push(tick.timestamp, tick.price);
      last = tick;
    }
    for (const tick of buffered) {
      group.window.push(tick.timestamp, tick.price);
      last = tick;
    }
    group.warming = undefined;
    for (const alert of group.fresh) alert.statusNote = null;
    if (!last) return;
    const reference = group.window.current()!;
    group.reference = reference;
    for (const unit of MOVE_UNITS) group.moves[unit] = moveOf(group.direction, unit, reference, last.price);
  }

  /** Indicator trackers and move windows still waiting for their stored history. */
  trackerKeysWarming(): string[] {
    const indicators = [...this.trackers].filter(([, slot]) => slot.warming).map(([key]) => key);
    const moves = [...this.moveGroups].filter(([, group]) => group.warming).map(([key]) => key);
    return [...indicators, ...moves];
  }

  onMove(move: PriceMove): EngineAction[] {
    const actions: EngineAction[] = [];
    const { tick, after: current } = move;
    const previous: Partial<Record<PriceType, number>> = move.before ?? {};
    this.values = current;

    for (const pt of PRICE_TYPES) {
      const v0 = previous[pt];
      const v1 = current[pt];
      if (v0 === undefined || v0 === v1) continue;
      for (const alert of passedOver(this.indexes[pt], v0, v1)) this.considerThreshold(alert, v0, v1, tick, actions);
    }
    const c0 = previous.close;
    const c1 = current.close;
    if (this.channelLower.size > 0 && c0 !== undefined && c0 !== c1) {
      const [lo, hi] = transitionRange(c0, c1);
      const hits = passedOver(this.channelLower, c0, c1);
      // An alert with both bounds in the range was collected by its lower one.
      for (const alert of passedOver(this.channelUpper, c0, c1)) {
        const lower = channelOf(alert)!.lower;
        if (!(lo <= lower && lower <= hi)) hits.push(alert);
      }
      for (const alert of hits) this.considerChannel(alert, c0, c1, tick, actions);
    }
    if (this.fresh.size > 0) {
      const fresh = [...this.fresh];
      this.fresh.clear();
      for (const alert of fresh) {
        alert.fresh = false;
        if (alert.item.condition_type === 'price_channel') {
          this.considerChannel(alert, c0, c1, tick, actions);
          continue;
        }
        if (alert.item.condition_type !== 'price_threshold') continue;
        const pt = alert.item.condition.price_type;
        this.considerThreshold(alert, previous[pt], current[pt], tick, actions);
      }
    }
    if (this.dynamic.size > 0) this.evaluateDynamic(tick, previous.close, actions);
    if (this.moveGroups.size > 0) this.evaluateMoves(tick, actions);
    while (this.rechecks.length > 0 && this.rechecks[0]!.recheckAt! <= tick.timestamp) {
      const alert = this.rechecks.shift()!;
      alert.recheckAt = undefined;
      this.recheck(alert, tick, actions);
    }
    return actions;
  }

  private considerThreshold(
    alert: LiveAlert,
    v0: number | undefined,
    v1: number,
    tick: Tick,
    actions: EngineAction[],
  ): void {
    if (alert.item.condition_type !== 'price_threshold') return;
    if (this.expireIfDue(alert, tick)) return;
    const { operator, threshold } = alert.item.condition;
    if (isCrossOperator(operator)) {
      if (v0 !== undefined && crossed(operator, v0, v1, threshold))
        this.fire(alert, tick, { value: v1, level: threshold, before: v0 }, actions, false);
      return;
    }
    this.applyLevel(alert, holds(operator, v1, threshold), tick, v1, threshold, actions);
  }

  private considerChannel(
    alert: LiveAlert,
    c0: number | undefined,
    c1: number,
    tick: Tick,
    actions: EngineAction[],
  ): void {
    const channel = channelOf(alert);
    if (!channel || this.expireIfDue(alert, tick) || c0 === undefined) return;
    const bound = channelBoundPassed(channel, c0, c1);
    if (bound !== null) this.fire(alert, tick, { value: c1, level: bound, before: c0 }, actions, false);
  }

  private evaluateMoves(tick: Tick, actions: EngineAction[]): void {
    for (const group of this.moveGroups.values()) {
      if (group.warming) {
        if (group.warming.length < MAX_WARMING_BUFFER) group.warming.push(tick);
        for (const alert of group.fresh) alert.statusNote = 'loading price history';
        continue;
      }
      const reference = group.window.push(tick.timestamp, tick.price);
      group.reference = reference;
      for (const unit of MOVE_UNITS) {
        // A unit without alerts keeps no move: its next alert comes fresh and is evaluated in full.
        if (group.amounts[unit].size === 0) {
          delete group.moves[unit];
          continue;
        }
        const m1 = moveOf(group.direction, unit, reference, tick.price);
        const m0 = group.moves[unit];
        group.moves[unit] = m1;
        if (m0 === undefined || m0 === m1) continue;
        for (const alert of passedOver(group.amounts[unit], m0, m1))
          this.considerMove(alert, m1, reference, tick, actions);
      }
      if (group.fresh.size > 0) {
        const fresh = [...group.fresh];
        group.fresh.clear();
        for (const alert of fresh) {
          alert.fresh = false;
          if (alert.item.condition_type !== 'price_move') continue;
          this.considerMove(alert, group.moves[alert.item.condition.unit]!, reference, tick, actions);
        }
      }
    }
  }

  private considerMove(alert: LiveAlert, move: number, reference: number, tick: Tick, actions: EngineAction[]): void {
    if (alert.item.condition_type !== 'price_move' || this.expireIfDue(alert, tick)) return;
    const { amount } = alert.item.condition;
    this.applyLevel(alert, move >= amount, tick, move, amount, actions, reference);
  }

  private evaluateDynamic(tick: Tick, previousPrice: number | undefined, actions: EngineAction[]): void {
    for (const slot of this.trackers.values()) {
      if (slot.warming) {
        if (slot.warming.length < MAX_WARMING_BUFFER) slot.warming.push(tick);
        continue;
      }
      slot.previous = slot.reading;
      slot.reading = slot.tracker.update(tick);
    }
    for (const alert of this.dynamic) {
      if (this.expireIfDue(alert, tick)) continue;
      const reading = this.read(alert, tick.price, 'reading');
      if (!reading.ready) {
        alert.statusNote = reading.reason;
        alert.lastDiff = undefined;
        continue;
      }
      alert.statusNote = null;
      const item = alert.item;
      if (item.condition_type !== 'indicator' && item.condition_type !== 'fundamental') continue;
      const operator = item.condition.operator;
      const diff = reading.value - reading.level;
      const earlier = alert.lastDiff === undefined ? this.readingBefore(alert, previousPrice) : alert.lastReading;
      const previousDiff = alert.lastDiff ?? (earlier && earlier.value - earlier.level);
      const before = earlier?.value;
      alert.lastDiff = diff;
      alert.lastReading = { value: reading.value, level: reading.level };
      if (isCrossOperator(operator)) {
        if (previousDiff !== undefined && crossed(operator, previousDiff, diff, 0)) {
          this.fire(alert, tick, { ...alert.lastReading, before: before ?? null }, actions, false);
        }
      } else {
        this.applyLevel(
          alert,
          holds(operator, reading.value, reading.level),
          tick,
          reading.value,
          reading.level,
          actions,
        );
      }
    }
  }

  /** What the alert's comparison stood at before this tick, for an alert that has not been evaluated yet. */
  private readingBefore(
    alert: LiveAlert,
    previousPrice: number | undefined,
  ): { value: number; level: number } | undefined {
    if (previousPrice === undefined) return undefined;
    const before = this.read(alert, previousPrice, 'previous');
    return before.ready ? before : undefined;
  }

  private read(alert: LiveAlert, price: number, which: 'reading' | 'previous'): DynamicReading {
    const item = alert.item;
    if (item.condition_type === 'indicator') {
      const slot = this.trackers.get(trackerKey(item.condition));
      if (!slot || slot.warming) return { ready: false, reason: 'loading indicator history' };
      return slot[which];
    }
    if (item.condition_type === 'fundamental') {
      const metric = readMetric(this.symbol, item.condition.metric, price, this.fundamentals);
      return metric.ready ? { ready: true, value: metric.value, level: item.condition.threshold } : metric;
    }
    return { ready: false, reason: 'not a dynamic condition' };
  }

  /** A cooldown ended: a level condition still met fires now. */
  private recheck(alert: LiveAlert, tick: Tick, actions: EngineAction[]): void {
    const item = alert.item;
    if (item.condition_type === 'price_channel') return;
    if (item.condition_type === 'price_move') {
      const group = this.moveGroups.get(moveGroupKey(item.condition));
      const move = group?.moves[item.condition.unit];
      if (!group || group.warming || move === undefined || this.expireIfDue(alert, tick)) return;
      const { amount } = item.condition;
      this.applyLevel(alert, move >= amount, tick, move, amount, actions, group.reference ?? null);
      return;
    }
    const operator: Operator = item.condition.operator;
    if (isCrossOperator(operator) || this.expireIfDue(alert, tick)) return;
    if (item.condition_type === 'price_threshold') {
      const value = this.values[item.condition.price_type];
      if (value === undefined) return;
      this.applyLevel(
        alert,
        holds(operator, value, item.condition.threshold),
        tick,
        value,
        item.condition.threshold,
        actions,
      );
    } else if (alert.lastReading && alert.statusNote === null) {
      const { value, level } = alert.lastReading;
      this.applyLevel(alert, holds(operator, value, level), tick, value, level, actions);
    }
  }

  private applyLevel(
    alert: LiveAlert,
    truth: boolean,
    tick: Tick,
    value: number,
    level: number,
    actions: EngineAction[],
    before: number | null = null,
  ): void {
    if (truth && alert.armed) {
      this.fire(alert, tick, { value, level, before }, actions, true);
    } else if (!truth && !alert.armed) {
      alert.armed = true;
      actions.push({ kind: 'rearm', alert });
    }
  }

  private fire(alert: LiveAlert, tick: Tick, reading: FireReading, actions: EngineAction[], isLevel: boolean): void {
    const cooldownMs = alert.item.cooldown_seconds * 1000;
    if (alert.lastFiredMs !== null && cooldownMs > 0 && tick.timestamp < alert.lastFiredMs + cooldownMs) {
      // A crossing is a moment and is simply missed; a level that is still met gets looked at when the cooldown ends.
      if (isLevel) this.scheduleRecheck(alert, alert.lastFiredMs + cooldownMs);
      return;
    }
    const disable = alert.item.trigger_mode === 'once';
    alert.armed = !isLevel;
    alert.lastFiredMs = tick.timestamp;
    actions.push({ kind: 'fire', alert, tick, ...reading, disarm: isLevel, disable });
    if (disable) {
      alert.item = { ...alert.item, enabled: false };
      this.remove(alert);
    }
  }

  private scheduleRecheck(alert: LiveAlert, at: number): void {
    if (alert.recheckAt !== undefined) return;
    alert.recheckAt = at;
    const i = this.rechecks.findIndex((a) => a.recheckAt! > at);
    if (i === -1) this.rechecks.push(alert);
    else this.rechecks.splice(i, 0, alert);
  }

  private expireIfDue(alert: LiveAlert, tick: Tick): boolean {
    const expiresAt = alert.item.expires_at;
    if (expiresAt === null || tick.timestamp < expiresAt * 1000) return false;
    this.remove(alert);
    alert.statusNote = 'expired';
    return true;
  }
}

/**
 * The alerts of `index` whose level a move from `from` to `to` passed over (transitionRange), fresh ones left out:
 * they are evaluated in full on their own. Collected before any is evaluated, since a fire may remove its alert from
 * the index (trigger_mode once, expiry).
 */
function passedOver(index: LevelIndex<LiveAlert>, from: number, to: number): LiveAlert[] {
  const hits: LiveAlert[] = [];
  const [lo, hi] = transitionRange(from, to);
  index.forEachInRange(lo, hi, (alert) => {
    if (!alert.fresh) hits.push(alert);
  });
  return hits;
}
