import { describe, it, expect } from 'vitest';
import { FeedHealth, type FeedHealthOptions } from './feed-health.js';
import { MarketHours } from './market-hours.js';

const SECOND = 1000;
const QUIET_MS = 120 * SECOND;
const utc = (iso: string) => Date.parse(`${iso}Z`);
/** Thursday 2026-01-15, 10:00 EST: the US market is open. */
const OPEN = utc('2026-01-15T15:00:00.000');

function tracker(options: Partial<FeedHealthOptions> = {}): FeedHealth {
  return new FeedHealth({ quietMs: QUIET_MS, hours: new MarketHours('always'), carried: 'any', ...options });
}

describe('FeedHealth.state', () => {
  it('is live from a trade until FEED_QUIET_SECONDS have passed, then quiet since that trade', () => {
    const health = tracker();
    health.recordTrade('AAPL', OPEN, OPEN);
    expect(health.state('AAPL', OPEN + QUIET_MS - 1)).toEqual({
      symbol: 'AAPL',
      state: 'live',
      since: null,
      last_trade_at: OPEN,
    });
    expect(health.state('AAPL', OPEN + QUIET_MS)).toEqual({
      symbol: 'AAPL',
      state: 'quiet',
      since: OPEN,
      last_trade_at: OPEN,
    });
  });

  it('is live again with the next trade', () => {
    const health = tracker();
    health.recordTrade('AAPL', OPEN, OPEN);
    const later = OPEN + 10 * QUIET_MS;
    expect(health.state('AAPL', later).state).toBe('quiet');
    health.recordTrade('AAPL', later, later);
    expect(health.state('AAPL', later + 1)).toMatchObject({ state: 'live', last_trade_at: later });
  });

  it('keeps the newest trade: a late one does not move the time back', () => {
    const health = tracker();
    health.recordTrade('AAPL', OPEN, OPEN);
    health.recordTrade('AAPL', OPEN - 60 * SECOND, OPEN + SECOND);
    expect(health.state('AAPL', OPEN + QUIET_MS)).toMatchObject({ state: 'quiet', since: OPEN });
  });

  it('counts a trade stamped in the future as of its arrival', () => {
    const health = tracker();
    health.recordTrade('AAPL', OPEN + 3_600_000, OPEN);
    expect(health.state('AAPL', OPEN + QUIET_MS)).toMatchObject({ state: 'quiet', since: OPEN });
  });

  it('is quiet at once for a trade replayed from long ago', () => {
    const health = tracker();
    health.recordTrade('AAPL', OPEN - 3_600_000, OPEN);
    expect(health.state('AAPL', OPEN)).toMatchObject({ state: 'quiet', since: OPEN - 3_600_000 });
  });

  it('names a symbol without trades never seen when the feed may carry it, not carried when it does not', () => {
    const carried = tracker({ carried: new Set(['AAPL']) });
    expect(carried.state('AAPL', OPEN)).toEqual({
      symbol: 'AAPL',
      state: 'never_seen',
      since: null,
      last_trade_at: null,
    });
    expect(carried.state('ZZZZ', OPEN)).toEqual({
      symbol: 'ZZZZ',
      state: 'not_carried',
      since: null,
      last_trade_at: null,
    });
    expect(tracker().state('ZZZZ', OPEN).state).toBe('never_seen');
  });

  it('treats a symbol the feed does not carry but that traded (HTTP ingest) like any other', () => {
    const health = tracker({ carried: new Set(['AAPL']) });
    health.recordTrade('ZZZZ', OPEN, OPEN);
    expect(health.state('ZZZZ', OPEN).state).toBe('live');
    expect(health.state('ZZZZ', OPEN + QUIET_MS)).toMatchObject({ state: 'quiet', since: OPEN });
  });
});

describe('FeedHealth with US equity hours', () => {
  const hours = new MarketHours('us-equities');

  it('never makes a symbol quiet while the market is closed', () => {
    const health = tracker({ hours });
    const lastTrade = utc('2026-01-15T20:59:00.000'); // 15:59 EST
    health.recordTrade('AAPL', lastTrade, lastTrade);
    expect(health.state('AAPL', utc('2026-01-16T03:00:00.000')).state).toBe('live');
    expect(health.state('AAPL', utc('2026-01-16T14:30:59.999')).state).toBe('live');
    expect(health.state('AAPL', utc('2026-01-16T14:31:00.000'))).toMatchObject({ state: 'quiet', since: lastTrade });
  });

  it('keeps a symbol quiet at the close quiet since its last trade through the night', () => {
    const health = tracker({ hours });
    const lastTrade = utc('2026-01-15T20:00:00.000'); // 15:00 EST
    health.recordTrade('AAPL', lastTrade, lastTrade);
    for (const at of ['2026-01-15T21:00:00.000', '2026-01-16T05:00:00.000', '2026-01-17T12:00:00.000']) {
      expect(health.state('AAPL', utc(at))).toMatchObject({ state: 'quiet', since: lastTrade });
    }
  });
});

describe('FeedHealth.changes', () => {
  it('reports each traded symbol once as it first trades, goes quiet and trades again', () => {
    const health = tracker();
    expect(health.changes(OPEN)).toEqual([]);
    health.recordTrade('AAPL', OPEN, OPEN);
    health.recordTrade('MSFT', OPEN, OPEN);
    expect(health.changes(OPEN).map((h) => [h.symbol, h.state])).toEqual([
      ['AAPL', 'live'],
      ['MSFT', 'live'],
    ]);
    health.recordTrade('MSFT', OPEN + QUIET_MS - 1, OPEN + QUIET_MS - 1);
    expect(health.changes(OPEN + QUIET_MS - 1)).toEqual([]);
    expect(health.changes(OPEN + QUIET_MS)).toEqual([
      { symbol: 'AAPL', state: 'quiet', since: OPEN, last_trade_at: OPEN },
    ]);
    expect(health.changes(OPEN + QUIET_MS + SECOND)).toEqual([]);
    health.recordTrade('AAPL', OPEN + QUIET_MS + SECOND, OPEN + QUIET_MS + SECOND);
    expect(health.changes(OPEN + QUIET_MS + SECOND)).toMatchObject([{ symbol: 'AAPL', state: 'live' }]);
  });

  it('reports a new quiet spell with its own since', () => {
    const health = tracker();
    health.recordTrade('AAPL', OPEN, OPEN);
    health.changes(OPEN + QUIET_MS);
    const again = OPEN + 5 * QUIET_MS;
    health.recordTrade('AAPL', again, again);
    // Live and quiet again between two calls: the new since is news.
    expect(health.changes(again + QUIET_MS)).toEqual([
      { symbol: 'AAPL', state: 'quiet', since: again, last_trade_at: again },
    ]);
  });
});

describe('FeedHealth.symbols', () => {
  it('lists traded symbols and those the feed names, once each, sorted', () => {
    const health = tracker({ carried: new Set(['MSFT', 'AAPL']) });
    health.recordTrade('ZZZZ', OPEN, OPEN);
    health.recordTrade('AAPL', OPEN, OPEN);
    expect(health.symbols()).toEqual(['AAPL', 'MSFT', 'ZZZZ']);
  });
});
