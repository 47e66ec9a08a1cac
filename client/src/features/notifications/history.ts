import { symbolSchema, type DeliveryStatus, type NotificationRecord } from '@tickwatch/shared';
import { formatMoment } from '../../format';

/** What the history is narrowed to; `from`/`to` in epoch ms, both inclusive, like `GET /api/notifications`. */
export interface HistoryFilter {
  symbol?: string;
  from?: number;
  to?: number;
}

/**
 * The filter form's raw values: a ticker as typed and two `<input type="datetime-local">` values
 * (`YYYY-MM-DDTHH:MM`, seconds optional) or empty. A bare `YYYY-MM-DD` is taken as that whole day.
 */
export interface HistoryFilterInput {
  symbol: string;
  from: string;
  to: string;
}

export type HistoryFilterField = keyof HistoryFilterInput;

export type ParsedHistoryFilter =
  { ok: true; filter: HistoryFilter } | { ok: false; errors: Partial<Record<HistoryFilterField, string>> };

const LOCAL_INPUT = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2}))?)?$/;

/** The local instant a form value names and how long the span it names lasts (a day, a minute or a second). */
function localSpan(value: string): { start: number; end: number } | null {
  const match = LOCAL_INPUT.exec(value);
  if (!match) return null;
  const [year, month, day] = [Number(match[1]), Number(match[2]) - 1, Number(match[3])];
  const hasTime = match[4] !== undefined;
  const [hour, minute, second] = [Number(match[4] ?? 0), Number(match[5] ?? 0), Number(match[6] ?? 0)];
  if (hour > 23 || minute > 59 || second > 59) return null;
  const date = new Date(year, month, day, hour, minute, second);
  // new Date() rolls 2025-02-30 over into March: such a day does not exist.
  if (date.getFullYear() !== year || date.getMonth() !== month || date.getDate() !== day) return null;
  const end = !hasTime
    ? new Date(year, month, day + 1)
    : match[6] === undefined
      ? new Date(year, month, day, hour, minute + 1)
      : new Date(year, month, day, hour, minute, second + 1);
  return { start: date.getTime(), end: end.getTime() - 1 };
}

/** Where a `from` value starts, in the browser's time zone: its minute (or second, or midnight for a bare day). */
export const localStart = (value: string): number | null => localSpan(value)?.start ?? null;

/**
 * The last millisecond a `to` value covers: "to 14:35" includes everything in 14:35, "to 2025-03-14" the whole day
 * (23 or 25 hours long on DST days).
 */
export const localEnd = (value: string): number | null => localSpan(value)?.end ?? null;

/** Validates the filter form: an upper-case ticker (typed case is forgiven) and a start not after the end. */
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
    const from = localStart(input.from);
    if (from === null) errors.from = 'must be a date and time';
    else filter.from = from;
  }
  if (input.to) {
    const to = localEnd(input.to);
    if (to === null) errors.to = 'must be a date and time';
    else filter.to = to;
  }
  if (filter.from !== undefined && filter.to !== undefined && filter.from > filter.to) {
    errors.to = 'must not be before the start';
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

/** The filter in words for the table's caption: ": AAPL, from Nov 28 14:30, to 15:00:59" (empty when unfiltered). */
export function describeFilter(filter: HistoryFilter, now: number): string {
  const parts = [
    filter.symbol,
    filter.from !== undefined ? `from ${formatMoment(filter.from, now)}` : undefined,
    filter.to !== undefined ? `to ${formatMoment(filter.to, now)}` : undefined,
  ].filter(Boolean);
  return parts.length > 0 ? `: ${parts.join(', ')}` : '';
}
