import { formatNumber } from '@tickwatch/shared';

/** The dashboard's own formats; prices themselves are written by the shared `formatNumber`, as the server writes them. */

export type Direction = 'up' | 'down' | 'flat';

export interface Change {
  /** "+1.625 (+0.79%)", "-0.50 (-0.24%)", "0.00 (0.00%)". */
  text: string;
  /** The absolute change alone, signed: "+1.625". */
  amount: string;
  /** The relative change alone, signed, in brackets: "(+0.79%)". */
  percent: string;
  direction: Direction;
}

/**
 * Change and % change of `last` since `open` (the trading day's open), rounded as displayed. Each part takes its sign
 * from its own rounded text, so nothing ever reads "-0.00" or "(-0.00%)": a change too small to show is flat.
 */
export function formatChange(last: number, open: number): Change {
  const diff = last - open;
  const magnitude = formatNumber(Math.abs(diff));
  const direction: Direction = magnitude === '0.00' ? 'flat' : diff > 0 ? 'up' : 'down';
  const sign = direction === 'up' ? '+' : direction === 'down' ? '-' : '';
  const amount = `${sign}${magnitude}`;
  const ratio = (open > 0 && direction !== 'flat' ? (Math.abs(diff) / open) * 100 : 0).toFixed(2);
  const percent = `(${ratio === '0.00' ? '' : sign}${ratio}%)`;
  return { text: `${amount} ${percent}`, amount, percent, direction };
}

const pad = (n: number) => String(n).padStart(2, '0');

/** Local wall-clock time of an epoch-ms instant: "09:05", or "09:05:07" with seconds. */
export function formatClock(ms: number, withSeconds = false): string {
  const d = new Date(ms);
  const hm = `${pad(d.getHours())}:${pad(d.getMinutes())}`;
  return withSeconds ? `${hm}:${pad(d.getSeconds())}` : hm;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** The local day of an instant: "Nov 28". */
export function formatDay(ms: number): string {
  const d = new Date(ms);
  return `${MONTHS[d.getMonth()]} ${d.getDate()}`;
}

/**
 * An instant as a list row shows it, in the browser's time zone: "14:32:05" today ("14:32" without `seconds`),
 * "Nov 28 14:32" another day of this year, "Nov 28 2025 14:32" before it.
 */
export function formatMoment(epochMs: number, now: number, seconds = true): string {
  const at = new Date(epochMs);
  const today = new Date(now);
  if (at.toDateString() === today.toDateString()) return formatClock(epochMs, seconds);
  const year = at.getFullYear() === today.getFullYear() ? '' : ` ${at.getFullYear()}`;
  return `${formatDay(epochMs)}${year} ${formatClock(epochMs)}`;
}
