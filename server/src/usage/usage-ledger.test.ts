import { describe, expect, it } from 'vitest';
import { LEDGER_MINUTES, UsageLedger } from './usage-ledger.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const T0 = Date.UTC(2026, 10, 2, 14, 30);

describe('UsageLedger', () => {
  it('sums units per table and kind over a window of whole minutes, the current one included', () => {
    const ledger = new UsageLedger(T0 - 3 * HOUR);
    ledger.record('ticks', 'write', 1, T0 - 90 * MINUTE);
    ledger.record('ticks', 'write', 2, T0 - 30 * MINUTE);
    ledger.record('ticks', 'read', 0.5, T0 - 30 * MINUTE);
    ledger.record('alerts', 'write', 3, T0);
    const hour = ledger.window(HOUR, T0 + 5_000);
    expect(hour.tables.ticks).toEqual({ read: 0.5, write: 2 });
    expect(hour.tables.alerts).toEqual({ read: 0, write: 3 });
    expect(hour.tables.notifications).toEqual({ read: 0, write: 0 });
    expect(hour.from).toBe(T0 - 59 * MINUTE);
    expect(hour.coveredMs).toBe(59 * MINUTE + 5_000);
    expect(ledger.window(24 * HOUR, T0).tables.ticks.write).toBe(3);
  });

  it('covers only the time since it started while younger than the window', () => {
    const ledger = new UsageLedger(T0 - 10 * MINUTE);
    expect(ledger.window(HOUR, T0).coveredMs).toBe(10 * MINUTE);
    expect(ledger.window(24 * HOUR, T0).coveredMs).toBe(10 * MINUTE);
  });

  it('forgets minutes older than 24 hours as their slots are reused, and ignores units that arrive for them', () => {
    const ledger = new UsageLedger(T0);
    ledger.record('ticks', 'write', 5, T0);
    const dayLater = T0 + LEDGER_MINUTES * MINUTE;
    ledger.record('ticks', 'write', 1, dayLater);
    ledger.record('ticks', 'write', 7, T0);
    expect(ledger.window(24 * HOUR, dayLater).tables.ticks.write).toBe(1);
    expect(ledger.window(HOUR, dayLater + HOUR).tables.ticks.write).toBe(0);
  });

  it('gives the same totals as a plain list of every record, over seeded random traffic', () => {
    let seed = 42;
    const random = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
    const ledger = new UsageLedger(T0);
    const records: { at: number; units: number; kind: 'read' | 'write' }[] = [];
    let at = T0;
    for (let i = 0; i < 5_000; i++) {
      at += Math.floor(random() * 40_000);
      const record = {
        at,
        units: Math.ceil(random() * 4) / 2,
        kind: random() < 0.5 ? ('read' as const) : ('write' as const),
      };
      records.push(record);
      ledger.record('ticks', record.kind, record.units, record.at);
    }
    for (const windowMs of [HOUR, 24 * HOUR]) {
      const window = ledger.window(windowMs, at);
      const inside = records.filter((r) => r.at >= window.from && r.at <= at);
      const sum = (kind: string) => inside.filter((r) => r.kind === kind).reduce((s, r) => s + r.units, 0);
      expect(window.tables.ticks).toEqual({ read: sum('read'), write: sum('write') });
    }
  });
});
