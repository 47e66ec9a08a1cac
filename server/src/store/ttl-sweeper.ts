import type { Logger } from '../log.js';
import type { TicksRepository } from './ticks-repository.js';

/**
 * Deletes expired ticks on a timer, for stores without TTL expiry (the embedded one). Reads already ignore expired
 * ticks; this only keeps the data directory from growing without bound.
 */
export function startTtlSweeper(ticks: TicksRepository, intervalMs: number, log: Logger): () => Promise<void> {
  let running: Promise<void> | undefined;
  const sweep = () => {
    running ??= ticks
      .deleteExpired()
      .then((deleted) => {
        if (deleted > 0) log.info({ deleted }, 'swept expired ticks');
      })
      .catch((err: unknown) => log.warn({ err }, 'sweeping expired ticks failed'))
      .finally(() => {
        running = undefined;
      });
  };
  sweep();
  const timer = setInterval(sweep, intervalMs);
  timer.unref();
  return async () => {
    clearInterval(timer);
    await running;
  };
}
