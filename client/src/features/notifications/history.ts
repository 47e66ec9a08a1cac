import { symbolSchema, type DeliveryStatus, type NotificationRecord } from '@tickwatch/shared';

/** What the history is narrowed to; `from`/`to` in epoch ms, both inclusive, like `GET /api/notifications`. */
export interface HistoryFilter {
  symbol?: string;
  from?: number;
  to?: number;
}

/** The filter form's raw values: a ticker as typed and two `<input type="date">` values (YYYY-MM-DD or empty). */
export interface HistoryFilterInput {
  symbol: string;
  from: string;
  to: string;
}

export type HistoryFilterField = keyof HistoryFilterInput;

export type ParsedHistoryFilter =
  { ok: true; filter: HistoryFilter } | { ok: false; errors: Partial<Record<HistoryFilterField, string>> };

const DATE_INPUT = /^(\d{4})-(\d{2})-(\d{2})$/;

function localDate(value: string, dayOffset: number): number | null {
  const match = DATE_INPUT.exec(value);
  if (!match) return null;
  const [year, month, day] = [Number(match[1]), Number(match[2]) - 1, Number(match[3])];
  const date = new Date(year, month, day);
  // new Date() rolls 2025-02-30 over into March: such a day does not exist.
  if (date.getFullYear() !== year || date.getMonth() !== month || date.getDate() !== day) return null;
  return new Date(year, month, day + dayOffset).getTime();
}

/** Midnight at the start of a `YYYY-MM-DD` day in the browser's time zone, or null for a non-date. */
export const localDayStart = (value: string): number | null => localDate(value, 0);

/** The last millisecond of a `YYYY-MM-DD` day in the browser's time zone (23 or 25 hours long on DST days). */
export function localDayEnd(value: string): number | null {
  const next = localDate(value, 1);
  return next === null ? null : next - 1;
}

/** Validates the filter form: an upper-case ticker (typed case is forgiven) and a from-day not after the to-day. */
export function parseHistoryFilter(input: HistoryFilterInput): ParsedHistoryFilter {
  const errors: Partial<Record<HistoryFilterField, string>> = {};
  const filter: HistoryFilter = {};

  const symbol = input.symbol.trim().toUpperCase();
  if (symbol) {
    const parsed = symbolSchema.safeParse(symbol);
    if (parsed.success) filter.symbol = parsed.data;
    else errors.symbol = parsed.error.issues[0]?.message ?? 'must be a ticker symbol';
  }
  if (input.from) {
    const from = localDayStart(input.from);
    if (from === null) errors.from = 'must be a date';
    else filter.from = from;
  }
  if (input.to) {
    const to = localDayEnd(input.to);
    if (to === null) errors.to = 'must be a date';
    else filter.to = to;
  }
  if (filter.from !== undefined && filter.to !== undefined && filter.from > filter.to) {
    errors.to = 'must not be before the start date';
  }
  return Object.keys(errors).length > 0 ? { ok: false, errors } : { ok: true, filter };
}

/**
 * Whether a record belongs in the filtered history, exactly as the server decides: `triggered_at` carries a
 * sub-millisecond tie-break, and the server's `to` covers the whole of its last millisecond.
 */
export function matchesFilter(record: NotificationRecord, filter: HistoryFilter): boolean {
  if (filter.symbol !== undefined && record.symbol !== filter.symbol) return false;
  if (filter.from !== undefined && record.triggered_at < filter.from) return false;
  if (filter.to !== undefined && Math.floor(record.triggered_at) > filter.to) return false;
  return true;
}

/** Delivery only moves forward: pending, then sent or failed, never back. */
const STATUS_RANK: Record<DeliveryStatus, number> = { pending: 0, sent: 1, failed: 1 };

/** Of two copies of one record, the one further along (on a tie, `incoming`, the later news). */
function newer(current: NotificationRecord, incoming: NotificationRecord): NotificationRecord {
  return STATUS_RANK[incoming.delivery_status] >= STATUS_RANK[current.delivery_status] ? incoming : current;
}

const newestFirst = (a: NotificationRecord, b: NotificationRecord) =>
  b.triggered_at - a.triggered_at || (a.notification_id < b.notification_id ? -1 : 1);

/**
 * `base` with `incoming` added, one row per notification_id (a stale copy never overwrites a later status),
 * newest first. Used to append a page and to fold in live records.
 */
export function upsertRecords(base: NotificationRecord[], incoming: NotificationRecord[]): NotificationRecord[] {
  const byId = new Map<string, NotificationRecord>();
  for (const record of [...base, ...incoming]) {
    const current = byId.get(record.notification_id);
    byId.set(record.notification_id, current ? newer(current, record) : record);
  }
  return [...byId.values()].sort(newestFirst);
}

/**
 * What the history table shows: the pages loaded from the server plus the records that arrived by socket (new
 * fires and delivery updates) that match the filter. While older pages remain (`complete` false), a live record
 * older than the oldest loaded row is left for "Load more" to bring in its place, so the table has no gaps.
 */
export function mergeHistory(
  loaded: NotificationRecord[],
  live: NotificationRecord[],
  filter: HistoryFilter,
  complete: boolean,
): NotificationRecord[] {
  const oldest = loaded.at(-1)?.triggered_at;
  const loadedIds = new Set(loaded.map((r) => r.notification_id));
  const relevant = live.filter(
    (r) =>
      loadedIds.has(r.notification_id) ||
      (matchesFilter(r, filter) && (complete || oldest === undefined || r.triggered_at >= oldest)),
  );
  return relevant.length === 0 ? loaded : upsertRecords(loaded, relevant);
}

/** The moment a fire happened, to mark on a chart: its tick, or for a record kept without evidence its own fields. */
export function fireMoment(record: NotificationRecord): { time: number; price: number } {
  if (record.evidence) return { time: record.evidence.tick.timestamp, price: record.evidence.tick.price };
  return { time: Math.floor(record.triggered_at), price: record.current_price };
}
