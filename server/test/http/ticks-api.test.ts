import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { storedTickSchema, type Candle, type Tick, type TickPage } from '@tickwatch/shared';
import { eventually, INGEST_KEY, startTestServer, uniquePrefix, type TestServer } from '../support/harness.js';

/** One item per trade (TICK_STORE=trades); stored seconds are the next describe's. */
describe(`tick ingest and read API on ${inject('dynamoKind')}`, () => {
  let server: TestServer;
  const t0 = Date.now() - 60_000;

  beforeAll(async () => {
    server = await startTestServer({ TICK_STORE: 'trades' });
  });
  afterAll(() => server.close());

  const get = (path: string) => fetch(server.url + path);
  const getJson = async <T>(path: string): Promise<T> => {
    const res = await get(path);
    if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
    return (await res.json()) as T;
  };

  it('accepts one tick and serves it back as the latest, from the range query and in /api/symbols', async () => {
    const res = await server.ingest({ symbol: 'AAPL', timestamp: t0, price: 205.5, volume: 1000 });
    expect(res.status).toBe(202);
    expect(await res.json()).toEqual({ accepted: 1 });
    const expected: Tick = { symbol: 'AAPL', timestamp: t0, price: 205.5, volume: 1000, source: 'http_ingest' };
    expect(await getJson<Tick>('/api/ticks/AAPL/latest')).toEqual(expected);
    const page = await eventually(async () => {
      const p = await getJson<TickPage>('/api/ticks/AAPL');
      expect(p.items).toHaveLength(1);
      return p;
    });
    expect(page.items[0]).toEqual(expected);
    const symbols = await getJson<{ items: Tick[] }>('/api/symbols');
    expect(symbols.items.map((t) => t.symbol)).toContain('AAPL');
  });

  it('keeps two trades of one symbol in the same millisecond as two ticks, volumes intact', async () => {
    const ts = t0 + 5;
    await server.ingest([
      { symbol: 'SAME', timestamp: ts, price: 10, volume: 100 },
      { symbol: 'SAME', timestamp: ts, price: 10.01, volume: 250 },
    ]);
    const page = await eventually(async () => {
      const p = await getJson<TickPage>('/api/ticks/SAME');
      expect(p.items).toHaveLength(2);
      return p;
    });
    // Newest first: the later trade in the millisecond comes first.
    expect(page.items.map((t) => [t.timestamp, t.price, t.volume])).toEqual([
      [ts, 10.01, 250],
      [ts, 10, 100],
    ]);
    const { candles } = await getJson<{ candles: Candle[] }>(
      `/api/ticks/SAME/candles?interval=1m&from=${ts - 1}&to=${ts + 1}`,
    );
    expect(candles).toHaveLength(1);
    expect(candles[0]).toMatchObject({ open: 10, close: 10.01, volume: 350, trades: 2 });
  });

  it('pages newest first with a cursor, within from/to', async () => {
    const ticks = Array.from({ length: 25 }, (_, i) => ({
      symbol: 'PAGE',
      timestamp: t0 + i * 10,
      price: 100 + i,
      volume: i,
    }));
    expect((await server.ingest(ticks)).status).toBe(202);
    await eventually(async () => expect((await getJson<TickPage>('/api/ticks/PAGE?limit=100')).items).toHaveLength(25));

    const seen: number[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page: TickPage = await getJson(
        `/api/ticks/PAGE?limit=7&from=${t0 + 20}&to=${t0 + 200}${cursor ? `&cursor=${cursor}` : ''}`,
      );
      seen.push(...page.items.map((t) => t.timestamp));
      cursor = page.nextCursor;
      pages += 1;
    } while (cursor && pages < 10);
    const expected = Array.from({ length: 19 }, (_, i) => t0 + 200 - i * 10);
    expect(seen).toEqual(expected);
    expect(pages).toBe(3);
  });

  it('ends the listing, rather than failing, when a cursor has fallen out of the live window', async () => {
    const stale = Buffer.from(JSON.stringify({ timestamp: 1_000_000 })).toString('base64url');
    const res = await get(`/api/ticks/PAGE?cursor=${stale}`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ items: [] });
  });

  it('aggregates stored ticks into OHLCV candles', async () => {
    const base = Math.floor(t0 / 60_000) * 60_000 - 120_000;
    const prices = [
      [base + 1_000, 50, 10],
      [base + 30_000, 52, 5],
      [base + 59_999, 49, 1],
      [base + 60_000, 51, 7],
    ] as const;
    await server.ingest(prices.map(([timestamp, price, volume]) => ({ symbol: 'BARS', timestamp, price, volume })));
    const body = await eventually(async () => {
      const b = await getJson<{ candles: Candle[] }>(
        `/api/ticks/BARS/candles?interval=1m&from=${base}&to=${base + 119_999}`,
      );
      expect(b.candles).toHaveLength(2);
      return b;
    });
    expect(body.candles).toEqual([
      { start: base, open: 50, high: 52, low: 49, close: 49, volume: 16, trades: 3 },
      { start: base + 60_000, open: 51, high: 51, low: 51, close: 51, volume: 7, trades: 1 },
    ]);
  });

  it('rejects a batch with one bad tick with the failing field paths, and stores none of it', async () => {
    const res = await server.ingest([
      { symbol: 'BAD', timestamp: t0, price: 1, volume: 1 },
      { symbol: 'BAD', timestamp: t0 + 1, price: -3, volume: 1.5 },
      { symbol: 'bad!', timestamp: 1_700_000_000, price: 1, volume: 1 },
    ]);
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: { id: string; issues: { path: string }[] } };
    expect(body.error.id).toBe('validation_failed');
    expect(body.error.issues.map((i) => i.path).sort()).toEqual(['1.price', '1.volume', '2.symbol', '2.timestamp']);
    expect((await get('/api/ticks/BAD/latest')).status).toBe(404);
  });

  it('rejects unknown fields, a client-chosen source, and non-JSON bodies', async () => {
    const extra = await server.ingest({ symbol: 'X', timestamp: t0, price: 1, volume: 1, source: 'simulator' });
    expect(extra.status).toBe(400);
    const res = await fetch(`${server.url}/api/ticks`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': INGEST_KEY },
      body: '{"symbol":',
    });
    expect(res.status).toBe(400);
  });

  it('refuses ingest without the right key', async () => {
    const tick = { symbol: 'KEY', timestamp: t0, price: 1, volume: 1 };
    const none = await fetch(`${server.url}/api/ticks`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(tick),
    });
    expect(none.status).toBe(401);
    const wrong = await fetch(`${server.url}/api/ticks`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': 'not-the-key' },
      body: JSON.stringify(tick),
    });
    expect(wrong.status).toBe(401);
    expect((await get('/api/ticks/KEY/latest')).status).toBe(404);
  });

  it('answers 413 for more than 1000 ticks or an oversized body', async () => {
    const many = Array.from({ length: 1001 }, (_, i) => ({ symbol: 'BIG', timestamp: t0 + i, price: 1, volume: 1 }));
    expect((await server.ingest(many)).status).toBe(413);
    const huge = await fetch(`${server.url}/api/ticks`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': INGEST_KEY },
      body: JSON.stringify({ symbol: 'BIG', timestamp: t0, price: 1, volume: 1, pad: 'x'.repeat(400_000) }),
    });
    expect(huge.status).toBe(413);
  });

  it('answers 404 with a clear message for a symbol it has never seen, and 400 for a malformed one', async () => {
    const res = await get('/api/ticks/NOPE/latest');
    expect(res.status).toBe(404);
    expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(/NOPE/);
    expect((await get('/api/ticks/NOPE')).status).toBe(404);
    // A chart of a symbol with no trades is an empty range, not an error (the dashboard's console stays clean).
    const empty = await get('/api/ticks/NOPE/candles');
    expect(empty.status).toBe(200);
    expect(((await empty.json()) as { candles: unknown[] }).candles).toEqual([]);
    const bad = await get('/api/ticks/not a symbol/latest');
    expect(bad.status).toBe(400);
    expect((await get('/api/ticks/AAPL?limit=0')).status).toBe(400);
    expect((await get('/api/ticks/AAPL?cursor=garbage')).status).toBe(400);
    expect((await get('/api/ticks/AAPL/candles?interval=7m')).status).toBe(400);
  });

  it('reports store and feed status in /api/health', async () => {
    const health = await getJson<{ status: string; store: { reachable: boolean }; feed: { kind: string } }>(
      '/api/health',
    );
    expect(health.status).toBe('ok');
    expect(health.store.reachable).toBe(true);
    expect(health.feed.kind).toBe('none');
  });

  it('answers unknown API routes with a JSON 404', async () => {
    const res = await get('/api/nothing-here');
    expect(res.status).toBe(404);
    expect(((await res.json()) as { error: { id: string } }).error.id).toBe('not_found');
  });
});

describe(`stored seconds (TICK_STORE=seconds) on ${inject('dynamoKind')}`, () => {
  it('returns one entry per traded second, with its open, high, low, volume and trade count, newest first', async () => {
    const server = await startTestServer({ TICK_STORE: 'seconds' });
    try {
      const s0 = Math.floor((Date.now() - 60_000) / 1000) * 1000;
      const trades = [
        [s0 + 10, 10, 1],
        [s0 + 10, 12, 2],
        [s0 + 500, 9, 3],
        [s0 + 999, 11, 4],
        [s0 + 1_200, 20, 5],
        [s0 + 1_100, 21, 6],
      ].map(([timestamp, price, volume]) => ({ symbol: 'SECS', timestamp, price, volume }));
      expect((await server.ingest(trades)).status).toBe(202);
      const page = await eventually(async () => {
        const res = await fetch(`${server.url}/api/ticks/SECS`);
        const body = (await res.json()) as TickPage;
        expect(body.items).toHaveLength(2);
        return body;
      });
      expect(page.items.map((item) => storedTickSchema.parse(item))).toEqual([
        { ...at(s0 + 1_200, 20, 11), open: 21, high: 21, low: 20, trades: 2 },
        { ...at(s0 + 999, 11, 10), open: 10, high: 12, low: 9, trades: 4 },
      ]);
    } finally {
      await server.close();
    }
  });

  it('writes a symbol’s open second when the server shuts down', async () => {
    const prefix = uniquePrefix();
    const first = await startTestServer({ TABLE_PREFIX: prefix, TICK_STORE: 'seconds' });
    const now = Date.now();
    expect((await first.ingest({ symbol: 'OPEN', timestamp: now, price: 3, volume: 7 })).status).toBe(202);
    await first.close();
    const second = await startTestServer({ TABLE_PREFIX: prefix, TICK_STORE: 'seconds' });
    try {
      const body = (await (await fetch(`${second.url}/api/ticks/OPEN`)).json()) as TickPage;
      expect(body.items).toEqual([{ ...at(now, 3, 7), symbol: 'OPEN', open: 3, high: 3, low: 3, trades: 1 }]);
    } finally {
      await second.close();
    }
  });

  function at(timestamp: number, price: number, volume: number) {
    return { symbol: 'SECS', timestamp, price, volume, source: 'http_ingest' };
  }
});

describe(`persistence back-pressure on ${inject('dynamoKind')}`, () => {
  it('answers 503 with Retry-After when the write queue cannot take the whole batch', async () => {
    const server = await startTestServer({ PERSIST_QUEUE_CAPACITY: '10' });
    try {
      const t = Date.now() - 1000;
      const batch = Array.from({ length: 11 }, (_, i) => ({ symbol: 'FULL', timestamp: t + i, price: 1, volume: 1 }));
      const res = await server.ingest(batch);
      expect(res.status).toBe(503);
      expect(res.headers.get('retry-after')).toBe('1');
      expect((await fetch(`${server.url}/api/ticks/FULL/latest`)).status).toBe(404);
      expect((await server.ingest(batch.slice(0, 10))).status).toBe(202);
    } finally {
      await server.close();
    }
  });
});
