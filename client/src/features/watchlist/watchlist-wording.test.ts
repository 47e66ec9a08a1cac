import { describe, expect, it } from 'vitest';
import type { SymbolHealth } from '@tickwatch/shared';
import { addedNote, awaitingFirstTrade } from './watchlist-wording';

const health = (state: SymbolHealth['state'], since: number | null = null): SymbolHealth => ({
  symbol: 'XYZ',
  state,
  since,
  last_trade_at: since,
});
const clock = (ms: number) => `@${ms}`;

describe('addedNote', () => {
  it('says plainly that the feed does not carry the symbol', () => {
    expect(addedNote(health('not_carried'), clock)).toBe(
      'The feed does not carry XYZ: it will show prices only if one arrives. Check the spelling, or remove it.',
    );
  });

  it('says a symbol the feed may carry has not traded yet', () => {
    expect(addedNote(health('never_seen'), clock)).toMatch(/^No trade of XYZ has reached Tickwatch yet/);
  });

  it('says since when a quiet symbol has not traded, and nothing for a live one', () => {
    expect(addedNote(health('quiet', 5), clock)).toBe('XYZ is quiet: no trade since @5.');
    expect(addedNote(health('live', null), clock)).toBeNull();
  });
});

describe('awaitingFirstTrade', () => {
  it('is a symbol with no price that the server has never seen trade', () => {
    expect(awaitingFirstTrade(health('not_carried'), false)).toBe(true);
    expect(awaitingFirstTrade(health('never_seen'), false)).toBe(true);
    expect(awaitingFirstTrade(health('not_carried'), true)).toBe(false);
    expect(awaitingFirstTrade(health('quiet', 5), false)).toBe(false);
    expect(awaitingFirstTrade(null, false)).toBe(false);
  });
});
