import type {
  Alert,
  AlertDefinitionInput,
  AlertPage,
  AlertPreview,
  AuthSettings,
  Candle,
  CandleInterval,
  ChannelSettings,
  DevLoginResponse,
  ErrorBody,
  FeedAlertSettings,
  FieldIssue,
  NotificationPage,
  Quote,
  SymbolHealth,
  SymbolHealthList,
  Tick,
  Watchlist,
  WebhookSecret,
} from '@tickwatch/shared';

export class ApiRequestError extends Error {
  readonly issues: FieldIssue[];
  constructor(
    readonly status: number,
    body: ErrorBody | undefined,
  ) {
    super(body?.error.message ?? `Request failed with status ${status}`);
    this.issues = body?.error.issues ?? [];
  }
}

/** A failed request in a sentence: the server's field issues when it named them, else its message. */
export function describeApiError(err: unknown): string {
  if (err instanceof ApiRequestError && err.issues.length > 0) {
    return err.issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message)).join('; ');
  }
  return err instanceof Error ? err.message : 'Something went wrong';
}

export type Api = ReturnType<typeof createApi>;

/**
 * The REST API, typed with the shared contract. `onUnauthorized` runs when the server no longer accepts the
 * token (expired, or the server's secret changed), so the dashboard can ask the user to sign in again.
 */
export function createApi(token: string | null, onUnauthorized: () => void = () => {}) {
  async function request<T>(method: string, path: string, body?: unknown, signal?: AbortSignal): Promise<T> {
    const res = await fetch(path, {
      method,
      ...(signal ? { signal } : {}),
      headers: {
        accept: 'application/json',
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    if (res.status === 401 && token) onUnauthorized();
    if (!res.ok)
      throw new ApiRequestError(res.status, (await res.json().catch(() => undefined)) as ErrorBody | undefined);
    return (res.status === 204 ? undefined : await res.json()) as T;
  }
  const query = (params: Record<string, string | number | undefined>) => {
    const search = new URLSearchParams();
    for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== '') search.set(k, String(v));
    const text = search.toString();
    return text ? `?${text}` : '';
  };

  return {
    authSettings: () => request<AuthSettings>('GET', '/api/auth/settings'),
    devLogin: (userId: string) => request<DevLoginResponse>('POST', '/api/auth/dev-login', { user_id: userId }),
    me: () => request<{ user_id: string }>('GET', '/api/me'),
    quotes: (symbols: string[]) =>
      request<{ items: Quote[] }>('GET', `/api/quotes${query({ symbols: symbols.join(',') })}`).then((b) => b.items),
    /** Each traded symbol's latest tick (`items`) and the feed health of every symbol traded or named by the feed. */
    symbols: () => request<{ items: Tick[] } & SymbolHealthList>('GET', '/api/symbols'),
    /** The feed health of any symbol: live, quiet since, never traded, or not carried by the feed. */
    symbolHealth: (symbol: string) => request<SymbolHealth>('GET', `/api/symbols/${encodeURIComponent(symbol)}`),
    candles: (symbol: string, interval: CandleInterval, from: number, to?: number) =>
      request<{ candles: Candle[] }>(
        'GET',
        `/api/ticks/${encodeURIComponent(symbol)}/candles${query({ interval, from, to })}`,
      ).then((b) => b.candles),
    watchlist: () => request<Watchlist>('GET', '/api/me/watchlist').then((b) => b.symbols),
    setWatchlist: (symbols: string[]) =>
      request<Watchlist>('PUT', '/api/me/watchlist', { symbols }).then((b) => b.symbols),
    channels: () => request<ChannelSettings>('GET', '/api/me/channels'),
    setChannels: (channels: Partial<ChannelSettings>) => request<ChannelSettings>('PUT', '/api/me/channels', channels),
    /** A new webhook signing secret in place of the old one; this answer is the only time it is shown. */
    rotateWebhookSecret: () => request<WebhookSecret>('POST', '/api/me/channels/webhook-secret').then((b) => b.secret),
    alerts: (cursor?: string) => request<AlertPage>('GET', `/api/alerts${query({ limit: 100, cursor })}`),
    createAlert: (definition: AlertDefinitionInput) => request<Alert>('POST', '/api/alerts', definition),
    updateAlert: (alertId: string, patch: Record<string, unknown>) =>
      request<Alert>('PATCH', `/api/alerts/${alertId}`, patch),
    deleteAlert: (alertId: string) => request<void>('DELETE', `/api/alerts/${alertId}`),
    /** Replays a draft over the symbol's stored last 24 h; `signal` cancels a preview the draft has moved past. */
    previewAlert: (definition: AlertDefinitionInput, signal?: AbortSignal) =>
      request<AlertPreview>('POST', '/api/alerts/preview', definition, signal),
    feedAlerts: () => request<FeedAlertSettings>('GET', '/api/me/feed-alerts'),
    setFeedAlerts: (settings: FeedAlertSettings) => request<FeedAlertSettings>('PUT', '/api/me/feed-alerts', settings),
    notifications: (params: { cursor?: string; symbol?: string; from?: number; to?: number; limit?: number }) =>
      request<NotificationPage>('GET', `/api/notifications${query({ limit: params.limit ?? 25, ...params })}`),
  };
}
