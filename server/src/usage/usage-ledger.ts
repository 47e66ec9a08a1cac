import type { CapacityKind } from '../store/consumed-capacity.js';
import { TABLE_NAMES, type TableKey } from '../store/tables.js';

/** Read and write units of one table. */
export interface TableUnits {
  read: number;
  write: number;
}

export type UnitsByTable = Record<TableKey, TableUnits>;

export interface UsageWindow {
  /** Epoch ms: the start of the window's first minute, and the time asked about. */
  from: number;
  to: number;
  /** How much of the window the ledger has seen: less than its length while the ledger is younger than that. */
  coveredMs: number;
  tables: UnitsByTable;
}

const MINUTE_MS = 60_000;
export const HOUR_MS = 3_600_000;
export const DAY_MS = 24 * HOUR_MS;

/** The two windows /api/usage answers with. */
export interface UsageWindows {
  lastHour: UsageWindow;
  last24h: UsageWindow;
}
/** Minutes kept: 24 h, the longest window asked about. */
export const LEDGER_MINUTES = 24 * 60;
const TABLE_KEYS = Object.keys(TABLE_NAMES) as TableKey[];
const SLOTS = TABLE_KEYS.length * 2;

export function emptyUnits(): UnitsByTable {
  return Object.fromEntries(TABLE_KEYS.map((key) => [key, { read: 0, write: 0 }])) as UnitsByTable;
}

/**
 * Consumed units per table and kind, minute by minute over the last 24 hours, in memory: what /api/usage sums over a
 * window. A fixed ring of minutes, so recording is O(1) and memory does not grow with traffic.
 */
export class UsageLedger {
  private readonly minutes: number[] = new Array<number>(LEDGER_MINUTES).fill(-1);
  private readonly units = new Float64Array(LEDGER_MINUTES * SLOTS);

  constructor(private readonly since: number) {}

  record(table: TableKey, kind: CapacityKind, units: number, at: number): void {
    const minute = Math.floor(at / MINUTE_MS);
    const ring = minute % LEDGER_MINUTES;
    if (this.minutes[ring] !== minute) {
      // A minute older than the one in its slot arrived after that one was reused: it is outside every window.
      if (this.minutes[ring]! > minute) return;
      this.minutes[ring] = minute;
      this.units.fill(0, ring * SLOTS, (ring + 1) * SLOTS);
    }
    this.units[ring * SLOTS + slot(table, kind)]! += units;
  }

  windows(at: number): UsageWindows {
    return { lastHour: this.window(HOUR_MS, at), last24h: this.window(DAY_MS, at) };
  }

  /** The units of the `windowMs` up to `at`, whole minutes (the current one so far included). */
  window(windowMs: number, at: number): UsageWindow {
    const last = Math.floor(at / MINUTE_MS);
    const count = Math.min(LEDGER_MINUTES, Math.ceil(windowMs / MINUTE_MS));
    const first = last - count + 1;
    const tables = emptyUnits();
    for (let minute = first; minute <= last; minute++) {
      const ring = minute % LEDGER_MINUTES;
      if (this.minutes[ring] !== minute) continue;
      for (const [i, key] of TABLE_KEYS.entries()) {
        tables[key].read += this.units[ring * SLOTS + i * 2]!;
        tables[key].write += this.units[ring * SLOTS + i * 2 + 1]!;
      }
    }
    const from = first * MINUTE_MS;
    return { from, to: at, coveredMs: Math.max(0, at - Math.max(from, this.since)), tables };
  }
}

function slot(table: TableKey, kind: CapacityKind): number {
  return TABLE_KEYS.indexOf(table) * 2 + (kind === 'write' ? 1 : 0);
}
