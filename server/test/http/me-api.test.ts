import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Quote } from '@tickwatch/shared';
import { startTestServer, type TestServer } from '../support/harness.js';
import { signIn } from '../support/users.js';

describe(`watchlist, quotes and auth settings on ${inject('dynamoKind')}`, () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ FEED: 'none' });
  });
  afterAll(() => server.close());

  it('tells the dashboard how to sign in', async () => {
    expect(await (await fetch(`${server.url}/api/auth/settings`)).json()).toEqual({ mode: 'dev' });
  });

  it('keeps a watchlist per user, starting from a default, and validates it', async () => {
    const ann = await signIn(server, 'ann-watch');
    const initial = (await (await ann.request('GET', '/api/me/watchlist')).json()) as { symbols: string[] };
    expect(initial.symbols.length).toBeGreaterThan(0);
    expect((await ann.request('PUT', '/api/me/watchlist', { symbols: ['TSLA', 'BRK.B'] })).status).toBe(200);
    expect(await (await ann.request('GET', '/api/me/watchlist')).json()).toEqual({ symbols: ['TSLA', 'BRK.B'] });
    const other = await signIn(server, 'ben-watch');
    expect(await (await other.request('GET', '/api/me/watchlist')).json()).toEqual(initial);
    const bad = await ann.request('PUT', '/api/me/watchlist', { symbols: ['ok', 'AAPL', 'AAPL'] });
    expect(bad.status).toBe(400);
    const paths = ((await bad.json()) as { error: { issues: { path: string }[] } }).error.issues.map((i) => i.path);
    expect(paths).toEqual(expect.arrayContaining(['symbols.0', 'symbols']));
    expect((await fetch(`${server.url}/api/me/watchlist`)).status).toBe(401);
  });

  it('quotes the latest trade and the trading day bar', async () => {
    const t = Date.now() - 3_000;
    await server.ingest([
      { symbol: 'QTE', timestamp: t, price: 10, volume: 1 },
      { symbol: 'QTE', timestamp: t + 1, price: 12, volume: 1 },
      { symbol: 'QTE', timestamp: t + 2, price: 9, volume: 1 },
      { symbol: 'QTE', timestamp: t + 3, price: 11, volume: 1 },
    ]);
    const { items } = (await (await fetch(`${server.url}/api/quotes?symbols=qte,NONE`)).json()) as { items: Quote[] };
    expect(items).toEqual([
      {
        symbol: 'QTE',
        last: { symbol: 'QTE', timestamp: t + 3, price: 11, volume: 1, source: 'http_ingest' },
        day: { open: 10, high: 12, low: 9, close: 11 },
      },
      { symbol: 'NONE', last: null, day: null },
    ]);
    expect((await fetch(`${server.url}/api/quotes?symbols=`)).status).toBe(400);
  });
});
