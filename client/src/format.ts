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

/** Change and % change of `last` since `open` (the trading day's open), rounded as displayed. */
export function formatChange(last: number, open: number): Change {
  const diff = last - open;
  // Decide the sign from the rounded value, so a float error never reads as "-0.00".
  const direction: Direction = Math.abs(diff) < 0.00005 ? 'flat' : diff > 0 ? 'up' : 'down';
  const sign = direction === 'up' ? '+' : direction === 'down' ? '-' : '';
  const amount = `${sign}${formatNumber(Math.abs(diff))}`;
  const ratio = open > 0 && direction !== 'flat' ? (Math.abs(diff) / open) * 100 : 0;
  const percent = `(${sign}${ratio.toFixed(2)}%)`;
  return { text: `${amount} ${percent}`, amount, percent, direction };
}

const pad = (n: number) => String(n).padStart(2, '0');

/** Local wall-clock time of an epoch-ms instant: "09:05", or "09:05:07" with seconds. */
export function formatClock(ms: number, withSeconds = false): string {
  const d = new Date(ms);
  const hm = `${pad(d.getHours())}:${pad(d.getMinutes())}`;
  return withSeconds ? `${hm}:${pad(d.getSeconds())}` : hm;
}
