import type { HealthReport, NotificationPage, NotificationRecord, StoredTick, TickPage } from '@tickwatch/shared';
import type { PlannedAlert, PlannedTick } from './plan.js';

/** The few REST calls a chaos run makes, as a trader's dashboard and a market-data vendor would make them. */

const REQUEST_TIMEOUT_MS = 15_000;

export class ApiError extends Error {
  override name = 'ApiError';
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

async function call<T>(url: string, init: RequestInit = {}): Promise<T> {
  const res = await fetch(url, { ...init, signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
  const text = await res.text();
  if (!res.ok) throw new ApiError(`${init.method ?? 'GET'} ${url}: ${res.status} ${text.slice(0, 300)}`, res.status);
  return (text ? JSON.parse(text) : undefined) as T;
}

const json = (body: unknown, headers: Record<string, string> = {}): RequestInit => ({
  method: 'POST',
  headers: { 'content-type': 'application/json', ...headers },
  body: JSON.stringify(body),
});

export async function devLogin(base: string, user: string): Promise<string> {
  const { token } = await call<{ token: string }>(`${base}/api/auth/dev-login`, json({ user_id: user }));
  return token;
}

/** A level alert on the last price, re-arming, no cooldown, shown on the dashboard; resolves with its id. */
export async function createAlert(base: string, token: string, alert: PlannedAlert): Promise<string> {
  const created = await call<{ alert_id: string }>(
    `${base}/api/alerts`,
    json(
      {
        symbol: alert.symbol,
        condition_type: 'price_threshold',
        condition: { operator: alert.operator, threshold: alert.level, price_type: 'close' },
        notification_method: 'websocket',
        trigger_mode: 'rearm',
        cooldown_seconds: 0,
      },
      { authorization: `Bearer ${token}` },
    ),
  );
  return created.alert_id;
}

export type PostOutcome = { kind: 'accepted' } | { kind: 'full'; retryAfterMs: number } | { kind: 'no_answer' };

/** POST /api/ticks: 202, 503 (queue full: retry the same batch), or no answer at all (the server died). */
export async function postTicks(base: string, ingestKey: string, ticks: readonly PlannedTick[]): Promise<PostOutcome> {
  let res: Response;
  try {
    res = await fetch(`${base}/api/ticks`, {
      ...json(
        ticks.map((t) => ({ symbol: t.symbol, timestamp: t.timestamp, price: t.price, volume: 100 })),
        { 'x-api-key': ingestKey },
      ),
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
  } catch {
    return { kind: 'no_answer' };
  }
  const text = await res.text().catch(() => undefined);
  if (text === undefined) return { kind: 'no_answer' };
  if (res.status === 202) return { kind: 'accepted' };
  if (res.status === 503) return { kind: 'full', retryAfterMs: Number(res.headers.get('retry-after') ?? 1) * 1000 };
  throw new ApiError(`POST /api/ticks: ${res.status} ${text.slice(0, 300)}`, res.status);
}

/** GET /api/health, which answers 503 with the same report while the store is unreachable. */
export async function health(base: string, timeoutMs = 5_000): Promise<HealthReport | undefined> {
  try {
    const res = await fetch(`${base}/api/health`, { signal: AbortSignal.timeout(timeoutMs) });
    if (res.status !== 200 && res.status !== 503) return undefined;
    return (await res.json()) as HealthReport;
  } catch {
    return undefined;
  }
}

/** The user's whole history, newest first, following the cursor. */
export async function allNotifications(base: string, token: string): Promise<NotificationRecord[]> {
  const records: NotificationRecord[] = [];
  let cursor: string | undefined;
  do {
    const query = new URLSearchParams({ limit: '200', ...(cursor ? { cursor } : {}) });
    const page = await call<NotificationPage>(`${base}/api/notifications?${query}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    records.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  return records;
}

/** Timestamps of every stored tick of `symbol` in [from, to], following the cursor. */
export async function storedTickTimes(base: string, symbol: string, from: number, to: number): Promise<number[]> {
  return (await storedTicks(base, symbol, from, to)).map((tick) => tick.timestamp);
}

/** Every stored tick (or second, TICK_STORE=seconds) of `symbol` in [from, to], following the cursor. */
export async function storedTicks(base: string, symbol: string, from: number, to: number): Promise<StoredTick[]> {
  const ticks: StoredTick[] = [];
  let cursor: string | undefined;
  do {
    const query = new URLSearchParams({
      from: String(from),
      to: String(to),
      limit: '1000',
      ...(cursor ? { cursor } : {}),
    });
    let page: TickPage;
    try {
      page = await call<TickPage>(`${base}/api/ticks/${symbol}?${query}`);
    } catch (err) {
      // A symbol with no stored tick at all is a 404.
      if (err instanceof ApiError && err.status === 404) return ticks;
      throw err;
    }
    ticks.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  return ticks;
}
