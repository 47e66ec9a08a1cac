import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Alert, SymbolHealth, SymbolHealthList, Tick } from '@tickwatch/shared';
import { eventually, startTestServer, type TestServer } from '../support/harness.js';
import { connectClient, type ConnectedClient } from '../support/sockets.js';
import { priceAlert, signIn, type TestUser } from '../support/users.js';

const WAIT_MS = 20_000;

/** A tab: it keeps every `symbols:health` entry and `feed:blind` notice it gets, in order. */
const watch = (server: TestServer, token?: string) => connectClient(server.url, token ? { token } : {});

describe(`feed health on ${inject('dynamoKind')}`, () => {
  let server: TestServer;
  const sockets: ConnectedClient[] = [];

  beforeAll(async () => {
    // The simulator carries SIMA only; everything else comes in through the HTTP ingest.
    server = await startTestServer({
      FEED: 'simulator',
      SIM_SYMBOLS: 'SIMA',
      SIM_TICKS_PER_SECOND: '20',
      FEED_QUIET_SECONDS: '1',
    });
  });
  afterAll(async () => {
    for (const socket of sockets) socket.close();
    await server.close();
  });

  const symbol = async (name: string) =>
    (await (await fetch(`${server.url}/api/symbols/${name}`)).json()) as SymbolHealth;

  it('names a symbol the simulator does not carry, and a carried one live', async () => {
    expect(await symbol('NOPE')).toEqual({ symbol: 'NOPE', state: 'not_carried', since: null, last_trade_at: null });
    await eventually(async () => expect((await symbol('SIMA')).state).toBe('live'), WAIT_MS);
    expect((await fetch(`${server.url}/api/symbols/nope!`)).status).toBe(400);
  });

  it('shows an HTTP-ingested symbol live, then quiet since its last trade, then live again', async () => {
    const at = Date.now();
    expect((await server.ingest({ symbol: 'HTTPQ', timestamp: at, price: 10, volume: 1 })).status).toBe(202);
    const quiet = await eventually(async () => {
      const list = (await (await fetch(`${server.url}/api/symbols`)).json()) as SymbolHealthList & { items: Tick[] };
      const entry = list.symbols.find((s) => s.symbol === 'HTTPQ');
      expect(entry?.state).toBe('quiet');
      expect(list.items.map((tick) => tick.symbol)).toContain('HTTPQ');
      expect(list.symbols.find((s) => s.symbol === 'SIMA')).toBeDefined();
      return entry;
    }, WAIT_MS);
    expect(quiet).toEqual({ symbol: 'HTTPQ', state: 'quiet', since: at, last_trade_at: at });
    const next = Date.now();
    await server.ingest({ symbol: 'HTTPQ', timestamp: next, price: 11, volume: 1 });
    // Live as it lands; should a slow machine let a second pass first, quiet since the new trade, not the old one.
    const again = await symbol('HTTPQ');
    expect(again.last_trade_at).toBe(next);
    expect(again.since ?? next).toBe(next);
  });

  it('sends the state on subscribe and each change to the subscribed sockets only', async () => {
    const watcher = await watch(server);
    const bystander = await watch(server);
    sockets.push(watcher, bystander);
    await watcher.subscribe(['HTTPS']);
    await bystander.subscribe(['SIMA']);
    await eventually(
      () => expect(watcher.health).toEqual([expect.objectContaining({ state: 'not_carried' })]),
      WAIT_MS,
    );
    const at = Date.now();
    await server.ingest({ symbol: 'HTTPS', timestamp: at, price: 10, volume: 1 });
    await eventually(
      () => expect(watcher.health.at(-1)).toMatchObject({ symbol: 'HTTPS', state: 'quiet', since: at }),
      WAIT_MS,
    );
    // Live in between, unless a slow machine let the quiet time pass before the sweep after the trade.
    expect([
      [
        ['HTTPS', 'not_carried', null],
        ['HTTPS', 'live', null],
        ['HTTPS', 'quiet', at],
      ],
      [
        ['HTTPS', 'not_carried', null],
        ['HTTPS', 'quiet', at],
      ],
    ]).toContainEqual(watcher.health.map((h) => [h.symbol, h.state, h.since]));
    expect(bystander.health.map((h) => h.symbol)).not.toContain('HTTPS');
  });

  it('does not list a symbol that is only subscribed to, which would tell anyone what others watch', async () => {
    const watcher = await watch(server);
    sockets.push(watcher);
    await watcher.subscribe(['SECRETW']);
    await eventually(() => expect(watcher.health.map((h) => h.symbol)).toEqual(['SECRETW']), WAIT_MS);
    const list = (await (await fetch(`${server.url}/api/symbols`)).json()) as SymbolHealthList;
    expect(list.symbols.map((s) => s.symbol)).not.toContain('SECRETW');
    expect(list.symbols.map((s) => s.symbol)).toContain('SIMA');
  });

  it('gives an alert on a quiet symbol blind_since its last trade, and one on a symbol not carried its creation', async () => {
    const owner = await signIn(server, 'blind-owner');
    const at = Date.now() - 60_000;
    await server.ingest({ symbol: 'ALQ', timestamp: at, price: 10, volume: 1 });
    const quiet = await owner.createAlert(priceAlert('ALQ', '>', 100));
    expect(quiet.blind_since).toBe(at);
    const missing = await owner.createAlert(priceAlert('NOPE', '>', 100));
    expect(missing.blind_since).toBe(missing.created_at * 1000);
    const live = await owner.createAlert(priceAlert('SIMA', '>', 1_000_000));
    expect(live.blind_since).toBeNull();
    const listed = (await (await owner.request('GET', '/api/alerts')).json()) as { items: Alert[] };
    expect(Object.fromEntries(listed.items.map((a) => [a.symbol, a.blind_since]))).toEqual({
      ALQ: at,
      NOPE: missing.created_at * 1000,
      SIMA: null,
    });
  });

  it('keeps the feed-alert setting per user and validates it', async () => {
    const ann = await signIn(server, 'feed-ann');
    const ben = await signIn(server, 'feed-ben');
    expect(await (await ann.request('GET', '/api/me/feed-alerts')).json()).toEqual({ blind_minutes: null });
    expect((await ann.request('PUT', '/api/me/feed-alerts', { blind_minutes: 15 })).status).toBe(200);
    expect(await (await ann.request('GET', '/api/me/feed-alerts')).json()).toEqual({ blind_minutes: 15 });
    expect(await (await ben.request('GET', '/api/me/feed-alerts')).json()).toEqual({ blind_minutes: null });
    for (const blind_minutes of [0, 1441, 1.5, '5']) {
      const bad = await ann.request('PUT', '/api/me/feed-alerts', { blind_minutes });
      expect(bad.status).toBe(400);
      const issues = ((await bad.json()) as { error: { issues: { path: string }[] } }).error.issues;
      expect(issues.map((i) => i.path)).toEqual(['blind_minutes']);
    }
    expect((await ann.request('PUT', '/api/me/feed-alerts', { blind_minutes: null })).status).toBe(200);
    expect(await (await ann.request('GET', '/api/me/feed-alerts')).json()).toEqual({ blind_minutes: null });
    expect((await fetch(`${server.url}/api/me/feed-alerts`)).status).toBe(401);
  });

  it('tells an opted-in user once when a symbol they alert on has been blind N minutes, and nobody else', async () => {
    const users: Record<'opted' | 'later' | 'other', TestUser> = {
      opted: await signIn(server, 'blind-opted'),
      later: await signIn(server, 'blind-later'),
      other: await signIn(server, 'blind-other'),
    };
    await users.opted.createAlert(priceAlert('BLND', '>', 100));
    await users.later.createAlert(priceAlert('BLND', '>', 100));
    await users.other.createAlert(priceAlert('BLNX', '>', 100));
    await users.opted.request('PUT', '/api/me/feed-alerts', { blind_minutes: 1 });
    await users.other.request('PUT', '/api/me/feed-alerts', { blind_minutes: 1 });
    const tabs = {
      opted: await watch(server, users.opted.token),
      later: await watch(server, users.later.token),
      other: await watch(server, users.other.token),
    };
    sockets.push(tabs.opted, tabs.later, tabs.other);

    // Two minutes without a trade: blind for more than one minute as soon as it lands.
    const since = Date.now() - 120_000;
    await server.ingest({ symbol: 'BLND', timestamp: since, price: 10, volume: 1 });
    await eventually(() => expect(tabs.opted.notices).toEqual([{ symbol: 'BLND', since, minutes: 1 }]), WAIT_MS);

    // A later spell of another symbol reaches the other user; anything of BLND would have come before it.
    const otherSince = Date.now() - 120_000;
    await server.ingest({ symbol: 'BLNX', timestamp: otherSince, price: 10, volume: 1 });
    await eventually(
      () => expect(tabs.other.notices).toEqual([{ symbol: 'BLNX', since: otherSince, minutes: 1 }]),
      WAIT_MS,
    );

    // Opting in later still tells of the spell under way, once.
    await users.later.request('PUT', '/api/me/feed-alerts', { blind_minutes: 1 });
    await eventually(() => expect(tabs.later.notices).toEqual([{ symbol: 'BLND', since, minutes: 1 }]), WAIT_MS);
    expect(tabs.opted.notices).toEqual([{ symbol: 'BLND', since, minutes: 1 }]);
    // Not a fire: nothing is recorded in the notification history.
    expect((await users.opted.notifications()).items).toEqual([]);
  });
});

describe(`feed health across a restart on ${inject('dynamoKind')}`, () => {
  it('knows a symbol’s last trade from the store after a restart, rather than calling it never seen', async () => {
    const first = await startTestServer({ FEED_QUIET_SECONDS: '1' });
    const prefix = first.config.tablePrefix;
    const at = Date.now() - 60_000;
    try {
      expect((await first.ingest({ symbol: 'RSTQ', timestamp: at, price: 10, volume: 1 })).status).toBe(202);
    } finally {
      // Closing flushes the queued tick to the store.
      await first.close();
    }
    const second = await startTestServer({ FEED_QUIET_SECONDS: '1', TABLE_PREFIX: prefix });
    try {
      const health = (await (await fetch(`${second.url}/api/symbols/RSTQ`)).json()) as SymbolHealth;
      expect(health).toEqual({ symbol: 'RSTQ', state: 'quiet', since: at, last_trade_at: at });
    } finally {
      await second.close();
    }
  });
});
