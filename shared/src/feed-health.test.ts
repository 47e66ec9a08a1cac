import { describe, expect, it } from 'vitest';
import { describeHealth, feedAlertSettingsSchema, type SymbolHealth } from './feed-health.js';

const clock = (ms: number) => new Date(ms).toISOString().slice(11, 16);
const health = (fields: Partial<SymbolHealth>): SymbolHealth => ({
  symbol: 'AAPL',
  state: 'live',
  since: null,
  last_trade_at: null,
  ...fields,
});

describe('describeHealth', () => {
  it('words each state as the watchlist shows it', () => {
    const since = Date.parse('2026-01-15T10:42:00.000Z');
    expect(describeHealth(health({ state: 'live', last_trade_at: since }), clock)).toBe('live');
    expect(describeHealth(health({ state: 'quiet', since, last_trade_at: since }), clock)).toBe('quiet since 10:42');
    expect(describeHealth(health({ state: 'never_seen' }), clock)).toBe('never traded');
    expect(describeHealth(health({ state: 'not_carried' }), clock)).toBe('not carried by the feed');
  });
});

describe('feedAlertSettingsSchema', () => {
  it('takes whole minutes from 1 to 1440, or null for off', () => {
    for (const blind_minutes of [1, 15, 1440, null])
      expect(feedAlertSettingsSchema.parse({ blind_minutes })).toEqual({ blind_minutes });
  });

  it('refuses anything else, and extra keys', () => {
    for (const body of [
      { blind_minutes: 0 },
      { blind_minutes: 1441 },
      { blind_minutes: 1.5 },
      { blind_minutes: '5' },
      {},
    ])
      expect(feedAlertSettingsSchema.safeParse(body).success).toBe(false);
    expect(feedAlertSettingsSchema.safeParse({ blind_minutes: 5, user_id: 'bob' }).success).toBe(false);
  });
});
