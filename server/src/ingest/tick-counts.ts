import { TICK_SOURCES, type Tick } from '@tickwatch/shared';

/**
 * What became of ticks, by source:
 * - `received`: reached the server (an HTTP batch's every tick, valid or not; each trade a feed handed over);
 * - `accepted`: taken for storage (queued for the store, or in a cluster appended to the tick log);
 * - `refused`: not taken, and the sender told so (HTTP 400 or 503, a feed's malformed trade);
 * - `dropped`: shown live but never stored (the store queue was full, or the store refused the item for good);
 * - `stored`: written to the ticks table (in `seconds` mode, the trades a stored second covers).
 */
export const TICK_OUTCOMES = ['received', 'accepted', 'refused', 'dropped', 'stored'] as const;
export type TickOutcome = (typeof TICK_OUTCOMES)[number];
type Source = Tick['source'];

/** Running counts, one plain number per outcome and source, so counting costs the tick path an addition. */
export class TickCounts {
  private readonly counts = Object.fromEntries(
    TICK_OUTCOMES.map((outcome) => [outcome, Object.fromEntries(TICK_SOURCES.map((source) => [source, 0]))]),
  ) as Record<TickOutcome, Record<Source, number>>;

  add(outcome: TickOutcome, source: Source, count = 1): void {
    this.counts[outcome][source] += count;
  }

  snapshot(): { outcome: TickOutcome; source: Source; count: number }[] {
    return TICK_OUTCOMES.flatMap((outcome) =>
      TICK_SOURCES.map((source) => ({ outcome, source, count: this.counts[outcome][source] })),
    );
  }
}
