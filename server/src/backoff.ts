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

/**
 * Retries that wait on one resource (the store): as soon as any call to it succeeds, every retry still waiting goes
 * at once. So when an outage ends the backlog drains within moments, not after each caller's longest back-off.
 */
export class RetryGroup {
  private readonly sleepers = new Set<() => void>();

  /** Waits `ms`, or less if the resource answers meanwhile. */
  wait(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        this.sleepers.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, ms);
      this.sleepers.add(wake);
    });
  }

  /** The resource answered: wake every waiting retry. */
  succeeded(): void {
    if (this.sleepers.size === 0) return;
    for (const wake of [...this.sleepers]) wake();
  }

  /** Retries waiting now. */
  get waiting(): number {
    return this.sleepers.size;
  }
}
