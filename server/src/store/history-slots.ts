/**
 * `triggered_at` is the firing tick's epoch milliseconds plus a tie-break fraction n/1000 (n = 0…999): one tick can
 * fire several alerts of one user in the same millisecond, and the history key (user_id, triggered_at) must not let
 * one record overwrite another. Three decimals is all a double keeps beside an epoch millisecond.
 */
export const SLOTS_PER_MS = 1000;

/**
 * The slots a record tries, in order: the slot it was given when its fire was claimed (`preferred`; records parked
 * before slots were handed out have none and start at 0), then 0, then every other slot starting from its
 * notification_id's hash (FNV-1a), so records that collide spread out instead of queueing for the same slots, and
 * every process and every retry of one record tries the same sequence. With `preferred` 0 the sequence is the one
 * earlier versions used, so a record they parked lands where they may already have written it.
 */
export function* slotsOf(notificationId: string, preferred = 0): Generator<number> {
  yield preferred;
  if (preferred !== 0) yield 0;
  let hash = 0x811c9dc5;
  for (let i = 0; i < notificationId.length; i++) {
    hash ^= notificationId.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  const home = (hash >>> 0) % (SLOTS_PER_MS - 1);
  for (let i = 0; i < SLOTS_PER_MS - 1; i++) {
    const slot = 1 + ((home + i) % (SLOTS_PER_MS - 1));
    if (slot !== preferred) yield slot;
  }
}

/** The slot a `triggered_at` names. */
export function slotOf(triggeredAt: number): number {
  return Math.round((triggeredAt - Math.floor(triggeredAt)) * SLOTS_PER_MS) % SLOTS_PER_MS;
}

export function atSlot(ms: number, slot: number): number {
  return Math.floor(ms) + slot / SLOTS_PER_MS;
}

/**
 * Hands out the slots of each (user, millisecond) in order, 0 first, so the fires this process claims never collide
 * with each other and each history write lands at the first try, with no read. Fires claimed elsewhere (another
 * process, or this one before a restart) can still take a slot first; the write then moves on along `slotsOf`.
 * Only recent milliseconds are remembered: a late tick for a forgotten one starts again at 0 and, at worst, pays
 * for that collision.
 */
export class SlotAllocator {
  private readonly next = new Map<string, number>();

  constructor(private readonly capacity = 10_000) {}

  take(userId: string, ms: number): number {
    const key = `${userId}\u0000${Math.floor(ms)}`;
    const slot = this.next.get(key) ?? 0;
    // Re-inserting moves the key to the back, so the oldest untouched entries go first.
    this.next.delete(key);
    this.next.set(key, (slot + 1) % SLOTS_PER_MS);
    if (this.next.size > this.capacity) this.next.delete(this.next.keys().next().value!);
    return slot;
  }
}
