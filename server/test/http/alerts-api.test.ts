import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Alert, AlertPage } from '@tickwatch/shared';
import { startTestServer, type TestServer } from '../support/harness.js';
import { priceAlert, signIn, type TestUser } from '../support/users.js';

describe(`alert API on ${inject('dynamoKind')}`, () => {
  let server: TestServer;
  let alice: TestUser;
  let bob: TestUser;

  beforeAll(async () => {
    server = await startTestServer({ MAX_ALERTS_PER_USER: '5' });
    alice = await signIn(server, 'alice');
    bob = await signIn(server, 'bob');
  });
  afterAll(() => server.close());

  it('creates an alert with the seed attributes, owned by the caller', async () => {
    const before = Math.floor(Date.now() / 1000);
    const alert = await alice.createAlert(priceAlert('AAPL', '>', 200));
    expect(alert).toMatchObject({
      user_id: 'alice',
      symbol: 'AAPL',
      condition_type: 'price_threshold',
      condition: { operator: '>', threshold: 200, price_type: 'close' },
      notification_method: 'websocket',
      enabled: true,
      last_triggered: null,
      trigger_count: 0,
      cooldown_seconds: 0,
      trigger_mode: 'rearm',
      expires_at: null,
      state: 'armed',
    });
    expect(alert.alert_id).toMatch(/^[0-9a-f-]{36}$/);
    expect(alert.created_at).toBeGreaterThanOrEqual(before);
    expect(alert.updated_at).toBe(alert.created_at);
    expect(alert).not.toHaveProperty('version');
    expect(alert).not.toHaveProperty('armed');
    const fetched = (await (await alice.request('GET', `/api/alerts/${alert.alert_id}`)).json()) as Alert;
    expect(fetched).toEqual(alert);
  });

  it('never takes the owner from the body', async () => {
    const res = await alice.request('POST', '/api/alerts', { ...priceAlert('AAPL', '>', 1), user_id: 'bob' });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { issues: { path: string }[] } }).error.issues.map((i) => i.path)).toContain(
      '',
    );
  });

  it('rejects invalid definitions with the field paths', async () => {
    const cases: [unknown, string][] = [
      [{ ...priceAlert('AAPL', '>', 1), condition_type: 'astrology' }, 'condition_type'],
      [priceAlert('AAPL', '!=', 1), 'condition.operator'],
      [priceAlert('AAPL', '>', -5), 'condition.threshold'],
      [
        { ...priceAlert('AAPL', '>', 1), condition: { operator: '>', threshold: 1, price_type: 'mid' } },
        'condition.price_type',
      ],
      [priceAlert('aapl!', '>', 1), 'symbol'],
      [{ ...priceAlert('AAPL', '>', 1), notification_method: 'pigeon' }, 'notification_method'],
      [
        {
          symbol: 'AAPL',
          condition_type: 'indicator',
          condition: { indicator: 'tarot', interval: '1m', operator: '>', threshold: 1 },
          notification_method: 'email',
        },
        'condition.indicator',
      ],
      [
        {
          symbol: 'AAPL',
          condition_type: 'indicator',
          condition: { indicator: 'rsi', interval: '1m', operator: '>' },
          notification_method: 'email',
        },
        'condition.threshold',
      ],
      [
        {
          symbol: 'AAPL',
          condition_type: 'fundamental',
          condition: { metric: 'vibes', operator: '>', threshold: 1 },
          notification_method: 'sns',
        },
        'condition.metric',
      ],
      [{ ...priceAlert('AAPL', '>', 1), cooldown_seconds: -1 }, 'cooldown_seconds'],
      [priceAlert('AAPL', '>', 1e200), 'condition.threshold'],
      [
        {
          symbol: 'AAPL',
          condition_type: 'fundamental',
          condition: { metric: 'pe_ratio', operator: '>', threshold: -1e200 },
          notification_method: 'websocket',
        },
        'condition.threshold',
      ],
    ];
    for (const [body, path] of cases) {
      const res = await alice.request('POST', '/api/alerts', body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      const { error } = (await res.json()) as { error: { id: string; issues: { path: string }[] } };
      expect(error.id).toBe('validation_failed');
      expect(error.issues.map((i) => i.path)).toContain(path);
    }
  });

  it("lists the caller's alerts newest first, page by page through the cursor", async () => {
    const carol = await signIn(server, 'carol');
    const created: string[] = [];
    for (let i = 0; i < 3; i++) {
      created.push((await carol.createAlert(priceAlert('MSFT', '>', 100 + i))).alert_id);
      // created_at is in seconds: space them so "newest first" is observable.
      await new Promise((resolve) => setTimeout(resolve, 1100));
    }
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = (await (
        await carol.request('GET', `/api/alerts?limit=2${cursor ? `&cursor=${cursor}` : ''}`)
      ).json()) as AlertPage;
      seen.push(...page.items.map((a) => a.alert_id));
      for (const a of page.items) expect(a.user_id).toBe('carol');
      cursor = page.nextCursor;
      pages += 1;
    } while (cursor && pages < 5);
    expect(seen).toEqual(created.reverse());
  });

  it('updates with PATCH, validating the merged alert', async () => {
    const alert = await alice.createAlert(priceAlert('NVDA', '<', 100));
    const res = await alice.request('PATCH', `/api/alerts/${alert.alert_id}`, {
      condition: { threshold: 90 },
      note: 'dip',
    });
    expect(res.status).toBe(200);
    const updated = (await res.json()) as Alert;
    expect(updated.condition).toEqual({ operator: '<', threshold: 90, price_type: 'close' });
    expect(updated.note).toBe('dip');
    const bad = await alice.request('PATCH', `/api/alerts/${alert.alert_id}`, { condition: { threshold: -1 } });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { issues: { path: string }[] } }).error.issues[0]?.path).toBe(
      'condition.threshold',
    );
    const indicator = await alice.createAlert({
      symbol: 'NVDA',
      condition_type: 'indicator',
      condition: { indicator: 'bollinger', band: 'upper', interval: '5m', operator: '>' },
      notification_method: 'websocket',
    });
    const switched = await alice.request('PATCH', `/api/alerts/${indicator.alert_id}`, {
      condition: { indicator: 'sma', band: null, threshold: 120 },
    });
    expect(switched.status).toBe(200);
    expect(((await switched.json()) as Alert).condition).toEqual({
      indicator: 'sma',
      interval: '5m',
      operator: '>',
      threshold: 120,
    });
    const typeOnly = await alice.request('PATCH', `/api/alerts/${alert.alert_id}`, { condition_type: 'fundamental' });
    expect(typeOnly.status).toBe(400);
    const disabled = (await (
      await alice.request('PATCH', `/api/alerts/${alert.alert_id}`, { enabled: false })
    ).json()) as Alert;
    expect(disabled.state).toBe('disabled');
  });

  it("hides one user's alerts from another: read, update and delete all answer 404", async () => {
    const alert = await alice.createAlert(priceAlert('TSLA', '>', 300));
    expect((await bob.request('GET', `/api/alerts/${alert.alert_id}`)).status).toBe(404);
    expect((await bob.request('PATCH', `/api/alerts/${alert.alert_id}`, { note: 'mine now' })).status).toBe(404);
    expect((await bob.request('DELETE', `/api/alerts/${alert.alert_id}`)).status).toBe(404);
    const bobs = (await (await bob.request('GET', '/api/alerts')).json()) as AlertPage;
    expect(bobs.items.map((a) => a.alert_id)).not.toContain(alert.alert_id);
    const still = (await (await alice.request('GET', `/api/alerts/${alert.alert_id}`)).json()) as Alert;
    expect(still.note).toBe('');
  });

  it('deletes with 204, then the alert is gone', async () => {
    const alert = await bob.createAlert(priceAlert('META', '>', 1));
    expect((await bob.request('DELETE', `/api/alerts/${alert.alert_id}`)).status).toBe(204);
    expect((await bob.request('GET', `/api/alerts/${alert.alert_id}`)).status).toBe(404);
    expect((await bob.request('DELETE', `/api/alerts/${alert.alert_id}`)).status).toBe(404);
  });

  it('caps alerts per user with a 409 that says why', async () => {
    const dave = await signIn(server, 'dave');
    for (let i = 0; i < 5; i++) await dave.createAlert(priceAlert('SPY', '>', 500 + i));
    const res = await dave.request('POST', '/api/alerts', priceAlert('SPY', '>', 600));
    expect(res.status).toBe(409);
    expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(/5 alerts/);
  });

  it('refuses requests without a valid token', async () => {
    expect((await fetch(`${server.url}/api/alerts`)).status).toBe(401);
    const forged = await fetch(`${server.url}/api/alerts`, { headers: { authorization: `Bearer ${alice.token}x` } });
    expect(forged.status).toBe(401);
    expect((await alice.request('GET', '/api/alerts/not-a-uuid')).status).toBe(400);
  });
});

describe(`sign-in modes on ${inject('dynamoKind')}`, () => {
  it('refuses dev sign-in when AUTH_MODE is jwt', async () => {
    const server = await startTestServer({ AUTH_MODE: 'jwt', JWT_SECRET: 'x'.repeat(40) });
    try {
      const res = await fetch(`${server.url}/api/auth/dev-login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ user_id: 'alice' }),
      });
      expect(res.status).toBe(403);
    } finally {
      await server.close();
    }
  });
});
