import { describe, expect, it } from 'vitest';
import type { NotificationRecord } from '@tickwatch/shared';
import {
  fireMoment,
  describeFilter,
  localEnd,
  localStart,
  matchesFilter,
  mergeHistory,
  parseHistoryFilter,
  upsertRecords,
} from './history';

function record(id: string, triggeredAt: number, patch: Partial<NotificationRecord> = {}): NotificationRecord {
  return {
    notification_id: id,
    user_id: 'alice',
    alert_id: 'a1',
    symbol: 'AAPL',
    current_price: 205.5,
    threshold: 200,
    triggered_at: triggeredAt,
    notification_method: 'websocket',
    delivery_status: 'pending',
    message_id: null,
    condition_type: 'price_threshold',
    message: 'AAPL last price 205.50 crossed above 200.00',
    ...patch,
  };
}

const ids = (records: NotificationRecord[]) => records.map((r) => r.notification_id);

describe('local time bounds', () => {
  it('starts a bare day at local midnight and ends it one millisecond before the next', () => {
    expect(localStart('2025-03-14')).toBe(new Date(2025, 2, 14).getTime());
    expect(localEnd('2025-03-14')).toBe(new Date(2025, 2, 15).getTime() - 1);
  });

  it('covers the whole minute, or second, a date and time names', () => {
    expect(localStart('2025-03-14T14:30')).toBe(new Date(2025, 2, 14, 14, 30).getTime());
    expect(localEnd('2025-03-14T14:30')).toBe(new Date(2025, 2, 14, 14, 31).getTime() - 1);
    expect(localStart('2025-03-14T14:30:15')).toBe(new Date(2025, 2, 14, 14, 30, 15).getTime());
    expect(localEnd('2025-03-14T14:30:15')).toBe(new Date(2025, 2, 14, 14, 30, 16).getTime() - 1);
  });

  it('rolls over the ends of hours, days, months and years', () => {
    expect(localEnd('2024-12-31')).toBe(new Date(2025, 0, 1).getTime() - 1);
    expect(localEnd('2024-02-29')).toBe(new Date(2024, 2, 1).getTime() - 1);
    expect(localEnd('2024-12-31T23:59')).toBe(new Date(2025, 0, 1).getTime() - 1);
  });

  it('rejects days and times that do not exist and text that is not a date', () => {
    expect(localStart('2025-02-30')).toBeNull();
    expect(localStart('2025-13-01')).toBeNull();
    expect(localStart('2025-03-14T24:00')).toBeNull();
    expect(localStart('2025-03-14T12:60')).toBeNull();
    expect(localStart('2025-03-14 12:00')).toBeNull();
    expect(localEnd('14/03/2025')).toBeNull();
    expect(localStart('')).toBeNull();
  });
});

describe('parseHistoryFilter', () => {
  it('returns an empty filter for empty inputs', () => {
    expect(parseHistoryFilter({ symbol: ' ', from: '', to: '' })).toEqual({ ok: true, filter: {} });
  });

  it('upper-cases and trims the typed symbol', () => {
    expect(parseHistoryFilter({ symbol: ' brk.b ', from: '', to: '' })).toEqual({
      ok: true,
      filter: { symbol: 'BRK.B' },
    });
  });

  it('rejects a symbol that is not a ticker', () => {
    const parsed = parseHistoryFilter({ symbol: 'NOT A TICKER', from: '', to: '' });
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.errors.symbol).toMatch(/ticker/);
  });

  it('turns a date and time range into its first and last local millisecond', () => {
    expect(parseHistoryFilter({ symbol: '', from: '2025-03-01T09:30', to: '2025-03-01T10:15' })).toEqual({
      ok: true,
      filter: { from: new Date(2025, 2, 1, 9, 30).getTime(), to: new Date(2025, 2, 1, 10, 16).getTime() - 1 },
    });
  });

  it('turns a bare date range into local day start and end in epoch ms', () => {
    expect(parseHistoryFilter({ symbol: 'MSFT', from: '2025-03-01', to: '2025-03-02' })).toEqual({
      ok: true,
      filter: { symbol: 'MSFT', from: new Date(2025, 2, 1).getTime(), to: new Date(2025, 2, 3).getTime() - 1 },
    });
  });

  it('accepts a single day, or a single minute, as both ends of the range', () => {
    expect(parseHistoryFilter({ symbol: '', from: '2025-03-01', to: '2025-03-01' }).ok).toBe(true);
    expect(parseHistoryFilter({ symbol: '', from: '2025-03-01T10:00', to: '2025-03-01T10:00' }).ok).toBe(true);
  });

  it('rejects a range that ends before it starts', () => {
    expect(parseHistoryFilter({ symbol: '', from: '2025-03-02', to: '2025-03-01' })).toEqual({
      ok: false,
      errors: { to: 'must not be before the start' },
    });
    expect(parseHistoryFilter({ symbol: '', from: '2025-03-01T10:01', to: '2025-03-01T10:00' }).ok).toBe(false);
  });

  it('reports every bad field at once', () => {
    const parsed = parseHistoryFilter({ symbol: '$$', from: 'yesterday', to: '2025-02-31' });
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(Object.keys(parsed.errors).sort()).toEqual(['from', 'symbol', 'to']);
  });
});

describe('matchesFilter', () => {
  it('matches everything without a filter', () => {
    expect(matchesFilter(record('n1', 1000), {})).toBe(true);
  });

  it('matches the symbol exactly', () => {
    expect(matchesFilter(record('n1', 1000), { symbol: 'AAPL' })).toBe(true);
    expect(matchesFilter(record('n1', 1000, { symbol: 'MSFT' }), { symbol: 'AAPL' })).toBe(false);
  });

  it('includes both ends of the range, the last millisecond with its sub-millisecond tie-break', () => {
    const filter = { from: 1000, to: 2000 };
    expect(matchesFilter(record('n1', 999.9), filter)).toBe(false);
    expect(matchesFilter(record('n1', 1000), filter)).toBe(true);
    expect(matchesFilter(record('n1', 2000.42), filter)).toBe(true);
    expect(matchesFilter(record('n1', 2001), filter)).toBe(false);
  });
});

describe('upsertRecords', () => {
  it('appends a page without repeating rows, newest first', () => {
    const merged = upsertRecords([record('n3', 3000), record('n2', 2000)], [record('n2', 2000), record('n1', 1000)]);
    expect(ids(merged)).toEqual(['n3', 'n2', 'n1']);
  });

  it('keeps the later delivery status whichever copy arrives last', () => {
    const sent = record('n1', 1000, { delivery_status: 'sent' });
    const pending = record('n1', 1000);
    expect(upsertRecords([pending], [sent])[0]?.delivery_status).toBe('sent');
    expect(upsertRecords([sent], [pending])[0]?.delivery_status).toBe('sent');
  });

  it('orders records fired in the same millisecond by their tie-break', () => {
    expect(ids(upsertRecords([record('a', 1000.001)], [record('b', 1000.002)]))).toEqual(['b', 'a']);
  });
});

describe('mergeHistory', () => {
  const loaded = [record('n3', 3000), record('n2', 2000)];

  it('returns the loaded rows untouched when nothing live is relevant', () => {
    expect(mergeHistory(loaded, [], {}, true)).toBe(loaded);
    expect(mergeHistory(loaded, [record('m', 5000, { symbol: 'MSFT' })], { symbol: 'AAPL' }, true)).toBe(loaded);
  });

  it('adds a new fire at the top', () => {
    expect(ids(mergeHistory(loaded, [record('n4', 4000)], {}, false))).toEqual(['n4', 'n3', 'n2']);
  });

  it('updates the delivery status and failure reason of a loaded row', () => {
    const failed = record('n2', 2000, { delivery_status: 'failed', failure_reason: 'SMTP refused' });
    const merged = mergeHistory(loaded, [failed], {}, false);
    expect(merged.map((r) => r.delivery_status)).toEqual(['pending', 'failed']);
    expect(merged[1]?.failure_reason).toBe('SMTP refused');
  });

  it('does not let a stale live copy undo a status the server already reported', () => {
    const merged = mergeHistory([record('n2', 2000, { delivery_status: 'sent' })], [record('n2', 2000)], {}, true);
    expect(merged[0]?.delivery_status).toBe('sent');
  });

  it('respects the symbol and date filters for new fires', () => {
    const live = [record('msft', 4000, { symbol: 'MSFT' }), record('late', 9000), record('ok', 4000)];
    expect(ids(mergeHistory(loaded, live, { symbol: 'AAPL', to: 5000 }, true))).toEqual(['ok', 'n3', 'n2']);
  });

  it('leaves live records older than the loaded pages to "Load more" while pages remain', () => {
    const old = record('n1', 1000, { delivery_status: 'sent' });
    expect(ids(mergeHistory(loaded, [old], {}, false))).toEqual(['n3', 'n2']);
    expect(ids(mergeHistory(loaded, [old], {}, true))).toEqual(['n3', 'n2', 'n1']);
  });

  it('shows live fires when the history was empty', () => {
    expect(ids(mergeHistory([], [record('n1', 1000)], {}, true))).toEqual(['n1']);
  });

  it('collapses duplicates within the live list itself', () => {
    const live = [record('n4', 4000, { delivery_status: 'sent' }), record('n4', 4000)];
    const merged = mergeHistory(loaded, live, {}, true);
    expect(ids(merged)).toEqual(['n4', 'n3', 'n2']);
    expect(merged[0]?.delivery_status).toBe('sent');
  });
});

describe('fireMoment', () => {
  it('is the tick of the evidence', () => {
    const evidence = {
      tick: { price: 205.25, timestamp: 1_000_000 },
      value: 205.25,
      level: 200,
      before: 199,
      condition: 'AAPL last price crosses above 200.00',
    };
    expect(fireMoment(record('n1', 1_000_000.002, { evidence }))).toEqual({ time: 1_000_000, price: 205.25 });
  });

  it('is the record’s own millisecond and price when it was kept without evidence', () => {
    expect(fireMoment(record('n1', 1_000_000.002))).toEqual({ time: 1_000_000, price: 205.5 });
  });
});

describe('the filter caption', () => {
  const now = new Date(2026, 10, 29, 18, 0).getTime();

  it('names the symbol and both ends with their times', () => {
    const from = new Date(2026, 10, 28, 14, 30).getTime();
    const to = new Date(2026, 10, 29, 9, 15).getTime();
    expect(describeFilter({ symbol: 'AAPL', from, to }, now)).toBe(': AAPL, from Nov 28 14:30, to 09:15:00');
    expect(describeFilter({}, now)).toBe('');
  });
});
