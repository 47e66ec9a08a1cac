import { describe, expect, it } from 'vitest';
import type { NotificationRecord } from '@tickwatch/shared';
import {
  fireMoment,
  localDayEnd,
  localDayStart,
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

describe('local day bounds', () => {
  it('starts a day at local midnight and ends it one millisecond before the next', () => {
    expect(localDayStart('2025-03-14')).toBe(new Date(2025, 2, 14).getTime());
    expect(localDayEnd('2025-03-14')).toBe(new Date(2025, 2, 15).getTime() - 1);
  });

  it('rolls over month and year ends', () => {
    expect(localDayEnd('2024-12-31')).toBe(new Date(2025, 0, 1).getTime() - 1);
    expect(localDayEnd('2024-02-29')).toBe(new Date(2024, 2, 1).getTime() - 1);
  });

  it('rejects days that do not exist and text that is not a date', () => {
    expect(localDayStart('2025-02-30')).toBeNull();
    expect(localDayStart('2025-13-01')).toBeNull();
    expect(localDayEnd('14/03/2025')).toBeNull();
    expect(localDayStart('')).toBeNull();
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

  it('turns the date range into local day start and end in epoch ms', () => {
    expect(parseHistoryFilter({ symbol: 'MSFT', from: '2025-03-01', to: '2025-03-02' })).toEqual({
      ok: true,
      filter: { symbol: 'MSFT', from: new Date(2025, 2, 1).getTime(), to: new Date(2025, 2, 3).getTime() - 1 },
    });
  });

  it('accepts a single day as both ends of the range', () => {
    const parsed = parseHistoryFilter({ symbol: '', from: '2025-03-01', to: '2025-03-01' });
    expect(parsed.ok).toBe(true);
  });

  it('rejects a range that ends before it starts', () => {
    expect(parseHistoryFilter({ symbol: '', from: '2025-03-02', to: '2025-03-01' })).toEqual({
      ok: false,
      errors: { to: 'must not be before the start date' },
    });
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
