/**
 * Exponential back-off with jitter: the one retry schedule of the write queue, the fire recorder, delivery, the
 * Polygon feed and the store's batch deletes.
 */
export interface BackoffPolicy {
  /** The first retry's delay ceiling; it doubles with every attempt. */
  baseMs: number;
  /** The ceiling stops growing here. */
  maxMs: number;
  /**
   * `equal` (the default) waits between half the ceiling and all of it: never much sooner than planned. `full` waits
   * anywhere from 0 to the ceiling, which spreads out many clients that failed together (servers reconnecting to
   * one feed after its outage).
   */
  jitter?: 'equal' | 'full';
}

/** How long to wait before retry number `attempt` (1 for the first retry). */
export function backoffDelay(attempt: number, policy: BackoffPolicy, random: () => number = Math.random): number {
  const ceiling = Math.min(policy.maxMs, policy.baseMs * 2 ** Math.max(0, attempt - 1));
  return policy.jitter === 'full' ? random() * ceiling : ceiling / 2 + random() * (ceiling / 2);
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
