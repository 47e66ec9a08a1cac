import type { NotificationRecord } from '@tickwatch/shared';

export interface Toast {
  /** The alert's latest fire: its message, price and time are what the toast shows. */
  record: NotificationRecord;
  /** How many of the alert's fires arrived while its toast was up (1 for a single fire). */
  count: number;
  /** When the latest of them arrived: the toast stays up for a while after that. */
  shownAt: number;
}

/**
 * Adds a fire to the stack, newest first. A fire of an alert whose toast is still up joins that toast (count
 * plus one, the later fire's message and time, moved to the top, shown afresh) instead of stacking a copy, so a
 * level the price keeps crossing fills one toast, not the screen. At most `max` toasts are kept.
 */
export function addFire(toasts: readonly Toast[], record: NotificationRecord, now: number, max: number): Toast[] {
  const index = toasts.findIndex((t) => t.record.alert_id === record.alert_id);
  if (index === -1) return [{ record, count: 1, shownAt: now }, ...toasts].slice(0, max);
  const existing = toasts[index]!;
  // Replayed fires can arrive out of order: the toast keeps the latest one.
  const latest = record.triggered_at >= existing.record.triggered_at ? record : existing.record;
  const merged = { record: latest, count: existing.count + 1, shownAt: now };
  return [merged, ...toasts.slice(0, index), ...toasts.slice(index + 1)];
}

/** The toasts still within `lifetimeMs` of their latest fire. */
/** The toasts still within their lifetime: the same array when none has expired, so nothing renders again. */
export function unexpired(toasts: Toast[], now: number, lifetimeMs: number): Toast[] {
  const kept = toasts.filter((t) => now - t.shownAt < lifetimeMs);
  return kept.length === toasts.length ? toasts : kept;
}

/** Milliseconds until the first of `toasts` expires. */
export const untilFirstExpiry = (toasts: readonly Toast[], now: number, lifetimeMs: number): number =>
  Math.max(0, Math.min(...toasts.map((t) => t.shownAt)) + lifetimeMs - now);
