import { TICK_SOURCES, type Tick } from '@tickwatch/shared';

/**
 * What became of ticks, by source:
 * - `received`: reached the server (an HTTP batch's every tick, valid or not; each trade a feed handed over);
 * - `accepted`: taken for storage (queued for the store, or in a cluster appended to the tick log);
 * - `refused`: not taken, and the sender told so (HTTP 400 or 503);
 * - `dropped`: a feed's tick shown live but not taken for storage (the store queue was full, Redis did not take it);
 * - `stored`: written to the ticks table (in `seconds` mode, the trades a stored second covers, each once);
 * - `dead_lettered`: accepted, then refused by the store for good (logged with the reason).
 */
export const TICK_OUTCOMES = ['received', 'accepted', 'refused', 'dropped', 'stored', 'dead_lettered'] as const;
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
