import type { SymbolHealth } from '@tickwatch/shared';

/**
 * What the watchlist says right after a symbol is added, from the server's word on the symbol's feed: plainly when no
 * price should be expected (a typo reads the same as a symbol the feed lacks), nothing when prices are flowing.
 * `clock` writes a time of day in the trader's own time zone.
 */
export function addedNote(health: SymbolHealth, clock: (ms: number) => string): string | null {
  switch (health.state) {
    case 'live':
      return null;
    case 'quiet':
      return health.since === null
        ? `${health.symbol} is quiet: no trade for a while.`
        : `${health.symbol} is quiet: no trade since ${clock(health.since)}.`;
    case 'never_seen':
      return `No trade of ${health.symbol} has reached Tickwatch yet: its price shows when one arrives.`;
    case 'not_carried':
      return `The feed does not carry ${health.symbol}: it will show prices only if one arrives. Check the spelling, or remove it.`;
  }
}

/** Whether a symbol's row has no price to show because none is expected: muted, not flagged as stale. */
export const awaitingFirstTrade = (health: SymbolHealth | null, hasPrice: boolean): boolean =>
  !hasPrice && health !== null && (health.state === 'not_carried' || health.state === 'never_seen');
