import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type {
  Ack,
  Alert,
  AlertDefinitionInput,
  ErrorBody,
  FundamentalMetric,
  NotificationPage,
  Operator,
} from '@tickwatch/shared';
import { eventually, INGEST_KEY, startTestServer, type TestServer } from '../support/harness.js';
import { connectClient } from '../support/sockets.js';
import { priceAlert, signIn, type TestUser } from '../support/users.js';

/** A cursor as a client could craft one: any JSON, base64url-encoded like the real ones. */
const craft = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** Numbers neither DynamoDB (1e-130 … 9.99e125, 38 digits) nor the SDK (within ±2^53) can hold. */
const UNSTORABLE = [1e16, 1e-200, 5e-324, 1e300, -1e-200];

async function expectIssue(res: Response, path: string, what: string): Promise<void> {
  expect(res.status, `${what}: ${res.status}`).toBe(400);
  const body = (await res.json()) as ErrorBody;
  expect(body.error.id, what).toBe('validation_failed');
  expect(body.error.message, what).toEqual(expect.any(String));
  expect(
    body.error.issues?.map((i) => i.path),
    what,
  ).toContain(path);
}

describe(`numbers the store can hold on ${inject('dynamoKind')}`, () => {
  let server: TestServer;
  let trader: TestUser;
  const t0 = Date.now() - 60_000;

  beforeAll(async () => {
    // The bounds are checked per stored trade.
    server = await startTestServer({ RATE_LIMIT_ALERT_WRITES_PER_MINUTE: '10000', TICK_STORE: 'trades' });
    trader = await signIn(server, 'numbers-trader');
    await server.ingest({ symbol: 'NUM', timestamp: t0, price: 100, volume: 10 });
  });
  afterAll(() => server.close());

  it('refuses a tick whose price, volume or timestamp the store cannot hold, naming the field', async () => {
    for (const price of [...UNSTORABLE, 2e9, 1e-7]) {
      await expectIssue(
        await server.ingest({ symbol: 'NUM', timestamp: t0 + 1, price, volume: 1 }),
        'price',
        `price ${price}`,
      );
    }
    for (const volume of [1e16, 2 ** 53, 1e13]) {
      await expectIssue(
        await server.ingest({ symbol: 'NUM', timestamp: t0 + 1, price: 1, volume }),
        'volume',
        `volume ${volume}`,
      );
    }
    await expectIssue(
      await server.ingest([
        { symbol: 'NUM', timestamp: t0 + 1, price: 1, volume: 1 },
        { symbol: 'NUM', timestamp: t0 + 2, price: 1e16, volume: 1 },
      ]),
      '1.price',
      'a batch',
    );
  });

  it('stores and reads back ticks at the edges of the documented bounds', async () => {
    const edges = [
      { symbol: 'EDGE', timestamp: t0 + 10, price: 1e-6, volume: 0 },
      { symbol: 'EDGE', timestamp: t0 + 11, price: 1e9, volume: 1e12 },
    ];
    expect((await server.ingest(edges)).status).toBe(202);
    await eventually(async () => {
      const res = await fetch(`${server.url}/api/ticks/EDGE`);
      const page = (await res.json()) as { items: { price: number; volume: number }[] };
      expect(page.items.map((t) => [t.price, t.volume])).toEqual([
        [1e9, 1e12],
        [1e-6, 0],
      ]);
    });
    expect(server.app.pipeline.stats().failedBatches).toBe(0);
  });

  it('refuses alert levels, condition numbers and options the store cannot hold, on create and on edit', async () => {
    const cases: [Record<string, unknown>, string][] = [
      ...UNSTORABLE.map((threshold): [Record<string, unknown>, string] => [
        priceAlert('NUM', '>', threshold),
        'condition.threshold',
      ]),
      [priceAlert('NUM', '>', 2e9), 'condition.threshold'],
      ...UNSTORABLE.map((threshold): [Record<string, unknown>, string] => [
        {
          symbol: 'NUM',
          condition_type: 'fundamental',
          condition: { metric: 'pe_ratio', operator: '>', threshold },
          notification_method: 'websocket',
        },
        'condition.threshold',
      ]),
      [
        {
          symbol: 'NUM',
          condition_type: 'indicator',
          condition: { indicator: 'sma', interval: '1m', operator: '>', threshold: -1e-200 },
          notification_method: 'websocket',
        },
        'condition.threshold',
      ],
      [
        {
          symbol: 'NUM',
          condition_type: 'indicator',
          condition: { indicator: 'bollinger', interval: '1m', operator: '>', band: 'upper', std_dev: 1e-200 },
          notification_method: 'websocket',
        },
        'condition.std_dev',
      ],
      [priceAlert('NUM', '>', 100, { expires_at: 1e16 }), 'expires_at'],
      [priceAlert('NUM', '>', 100, { expires_at: 1e-200 }), 'expires_at'],
    ];
    for (const [body, path] of cases) {
      await expectIssue(await trader.request('POST', '/api/alerts', body), path, JSON.stringify(body));
    }
    const alert = await trader.createAlert(priceAlert('NUM', '>', 100));
    for (const threshold of UNSTORABLE) {
      await expectIssue(
        await trader.request('PATCH', `/api/alerts/${alert.alert_id}`, { condition: { threshold } }),
        'condition.threshold',
        `PATCH threshold ${threshold}`,
      );
    }
    await expectIssue(
      await trader.request('PATCH', `/api/alerts/${alert.alert_id}`, { expires_at: 1e16 }),
      'expires_at',
      'PATCH expires_at',
    );
  });

  it('refuses fundamentals the store cannot hold, naming the field', async () => {
    const put = (body: unknown) =>
      fetch(`${server.url}/api/fundamentals/NUM`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json', 'x-api-key': INGEST_KEY },
        body: JSON.stringify(body),
      });
    for (const value of UNSTORABLE) {
      for (const field of ['eps_ttm', 'shares_outstanding', 'annual_dividend']) {
        await expectIssue(await put({ [field]: value }), field, `${field} ${value}`);
      }
    }
    expect((await put({ eps_ttm: -2.5, shares_outstanding: 1e13, annual_dividend: 0 })).status).toBe(200);
  });

  it('refuses query numbers the store cannot hold instead of failing with a 500', async () => {
    const queries: [string, string][] = [
      ['/api/ticks/NUM?to=9007199254740991', 'to'],
      ['/api/ticks/NUM?from=1e16', 'from'],
      ['/api/ticks/NUM?limit=1e-200', 'limit'],
      ['/api/ticks/NUM/candles?to=9007199254740991', 'to'],
      ['/api/notifications?from=1e-200', 'from'],
      ['/api/notifications?to=9007199254740991', 'to'],
      ['/api/notifications?to=5e-324', 'to'],
      ['/api/alerts?limit=5e-324', 'limit'],
    ];
    for (const [path, field] of queries) await expectIssue(await trader.request('GET', path), field, path);
  });

  it('answers a crafted cursor on every paged route with a 400 naming cursor', async () => {
    const garbage = [
      '!!not-base64!!',
      Buffer.from('not json').toString('base64url'),
      craft(null),
      craft(42),
      craft([1, 2]),
      craft('timestamp'),
      'A'.repeat(5000),
    ];
    const routes: [string, unknown[]][] = [
      [
        '/api/ticks/NUM',
        [
          { timestamp: 'x' },
          { timestamp: 1e-200 },
          { timestamp: 1e300 },
          { timestamp: 5e-324 },
          { timestamp: t0, extra: 1 },
        ],
      ],
      [
        '/api/notifications',
        [
          { user_id: 'numbers-trader', triggered_at: 1e-200 },
          { user_id: 'numbers-trader', triggered_at: 5e-324 },
          { user_id: 'numbers-trader', triggered_at: 1e300 },
          { user_id: 'numbers-trader', triggered_at: '1' },
          { user_id: 7, triggered_at: 1 },
        ],
      ],
      [
        '/api/alerts',
        [
          { alert_id: '', user_id: 'numbers-trader', created_at: 1 },
          { alert_id: 'a', user_id: 'numbers-trader', created_at: 1e300 },
          { alert_id: 'a', user_id: 'numbers-trader', created_at: 1e-200 },
          { alert_id: 'a'.repeat(600), user_id: 'numbers-trader', created_at: 1 },
        ],
      ],
    ];
    for (const [route, keys] of routes) {
      for (const cursor of [...garbage, ...keys.map(craft)]) {
        const path = `${route}?cursor=${encodeURIComponent(cursor)}`;
        await expectIssue(await trader.request('GET', path), 'cursor', `${route} cursor ${cursor.slice(0, 60)}`);
      }
    }
  });

  it('answers notifications:replay with numbers the store cannot hold with a validation error', async () => {
    const socket = await connectClient(server.url, { token: trader.token });
    try {
      for (const after of [1e308, 1e-200, 5e-324, 1e16]) {
        const ack = (await socket.socket.timeout(5000).emitWithAck('notifications:replay', { after })) as Ack<unknown>;
        expect(ack, `after ${after}`).toMatchObject({
          ok: false,
          error: { id: 'validation_failed', issues: [{ path: 'after' }] },
        });
      }
      expect(await socket.socket.timeout(5000).emitWithAck('notifications:replay', { after: 0 })).toEqual({
        ok: true,
        data: { replayed: 0 },
      });
    } finally {
      socket.close();
    }
  });

  it('records fires whose derived numbers sit at the far ends of the bounds', async () => {
    const put = await fetch(`${server.url}/api/fundamentals/BIG`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json', 'x-api-key': INGEST_KEY },
      // market_cap = 1e9 × 1e13 = 1e22 and P/E = 1e9 / 1e-6 = 1e15: beyond what the SDK can store as numbers.
      body: JSON.stringify({ eps_ttm: 1e-6, shares_outstanding: 1e13, annual_dividend: 1e-6 }),
    });
    expect(put.status).toBe(200);
    const whale = await signIn(server, 'whale');
    const fundamental = (metric: FundamentalMetric, operator: Operator, threshold: number): AlertDefinitionInput => ({
      symbol: 'BIG',
      condition_type: 'fundamental',
      condition: { metric, operator, threshold },
      notification_method: 'websocket',
    });
    await whale.createAlert(fundamental('market_cap', '>', 1e15));
    await whale.createAlert(fundamental('pe_ratio', '>', 1e14));
    await whale.createAlert(fundamental('dividend_yield', '<', 1e-6));
    await whale.createAlert(priceAlert('BIG', '>=', 1e9));
    await server.ingest({ symbol: 'BIG', timestamp: t0 + 100, price: 1e9, volume: 1e12 });
    const page = await eventually<NotificationPage>(async () => {
      const p = await whale.notifications();
      expect(p.items).toHaveLength(4);
      return p;
    });
    expect(page.items.map((r) => r.current_price)).toEqual([1e9, 1e9, 1e9, 1e9]);
    expect(page.items.map((r) => r.threshold).sort((a, b) => a - b)).toEqual([1e-6, 1e9, 1e14, 1e15]);
    const alerts = (await (await whale.request('GET', '/api/alerts')).json()) as { items: Alert[] };
    expect(alerts.items.every((a) => a.trigger_count === 1)).toBe(true);
  });
});

describe(`small input holes on ${inject('dynamoKind')}`, () => {
  let server: TestServer;
  let trader: TestUser;

  beforeAll(async () => {
    server = await startTestServer({ RATE_LIMIT_ALERT_WRITES_PER_MINUTE: '10000' });
    trader = await signIn(server, 'holes-trader');
  });
  afterAll(() => server.close());

  it('refuses prototype keys and unknown keys in a PATCH condition, and leaves the alert as it was', async () => {
    const alert = await trader.createAlert(priceAlert('HOLE', '>', 100));
    const bodies = [
      '{"condition":{"__proto__":{"threshold":5}}}',
      '{"condition":{"constructor":{"prototype":{"polluted":true}}}}',
      '{"condition":{"threshold":90,"polluted":true}}',
      '{"condition":{"prototype":1}}',
      '{"condition_type":"price_threshold","condition":{"__proto__":{"operator":"<"}}}',
    ];
    for (const body of bodies) {
      const res = await fetch(`${server.url}/api/alerts/${alert.alert_id}`, {
        method: 'PATCH',
        headers: { authorization: `Bearer ${trader.token}`, 'content-type': 'application/json' },
        body,
      });
      await expectIssue(res, 'condition', body);
    }
    const now = (await (await trader.request('GET', `/api/alerts/${alert.alert_id}`)).json()) as Alert;
    expect(now.condition).toEqual({ operator: '>', threshold: 100, price_type: 'close' });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    // A partial condition of the alert's own type still merges.
    const ok = await trader.request('PATCH', `/api/alerts/${alert.alert_id}`, { condition: { threshold: 90 } });
    expect(ok.status).toBe(200);
  });

  it('accepts a replay from far in the future as "nothing newer"', async () => {
    const socket = await connectClient(server.url, { token: trader.token });
    try {
      expect(
        await socket.socket.timeout(5000).emitWithAck('notifications:replay', { after: 8_640_000_000_000_000 }),
      ).toEqual({ ok: true, data: { replayed: 0 } });
    } finally {
      socket.close();
    }
  });
});
