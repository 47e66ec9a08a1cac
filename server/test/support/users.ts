import type { Alert, AlertDefinitionInput, NotificationPage } from '@tickwatch/shared';
import type { TestServer } from './harness.js';

/** A signed-in user of a test server, talking to the API as the dashboard would. */
export interface TestUser {
  userId: string;
  token: string;
  request(method: string, path: string, body?: unknown): Promise<Response>;
  createAlert(definition: AlertDefinitionInput): Promise<Alert>;
  notifications(query?: string): Promise<NotificationPage>;
}

export async function signIn(server: TestServer, userId: string): Promise<TestUser> {
  const res = await fetch(`${server.url}/api/auth/dev-login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ user_id: userId }),
  });
  if (!res.ok) throw new Error(`dev-login failed: ${res.status} ${await res.text()}`);
  const { token } = (await res.json()) as { token: string };
  const request = (method: string, path: string, body?: unknown) =>
    fetch(server.url + path, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  return {
    userId,
    token,
    request,
    async createAlert(definition) {
      const created = await request('POST', '/api/alerts', definition);
      if (created.status !== 201) throw new Error(`create alert failed: ${created.status} ${await created.text()}`);
      return (await created.json()) as Alert;
    },
    async notifications(query = '') {
      const res = await request('GET', `/api/notifications${query}`);
      if (!res.ok) throw new Error(`notifications failed: ${res.status} ${await res.text()}`);
      return (await res.json()) as NotificationPage;
    },
  };
}

export const priceAlert = (
  symbol: string,
  operator: string,
  threshold: number,
  extra: Record<string, unknown> = {},
): AlertDefinitionInput =>
  ({
    symbol,
    condition_type: 'price_threshold',
    condition: { operator, threshold, price_type: 'close' },
    notification_method: 'websocket',
    ...extra,
  }) as AlertDefinitionInput;
