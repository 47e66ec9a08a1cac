import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { eventually, INGEST_KEY, startTestServer, type TestServer } from '../support/harness.js';
import { parsePrometheusText, sampleSum, type MetricFamily } from '../support/prometheus-text.js';
import { connectClient, type ConnectedClient } from '../support/sockets.js';
import { priceAlert, signIn } from '../support/users.js';

const METRICS_KEY = 'metrics-read-key-0123456789';

/** GET /metrics scraped as Prometheus would, its text read by a Prometheus text-format parser. */
describe(`metrics on ${inject('dynamoKind')}`, () => {
  let server: TestServer;
  const clients: ConnectedClient[] = [];
  beforeAll(async () => {
    server = await startTestServer({ METRICS_API_KEY: METRICS_KEY });
  });
  afterAll(async () => {
    for (const client of clients) client.close();
    await server.close();
  });

  async function scrape(): Promise<Map<string, MetricFamily>> {
    const res = await fetch(`${server.url}/metrics`, { headers: { authorization: `Bearer ${INGEST_KEY}` } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    return parsePrometheusText(await res.text());
  }

  it('answers only with the operator key, as a bearer token or in x-api-key', async () => {
    expect((await fetch(`${server.url}/metrics`)).status).toBe(401);
    const wrong = await fetch(`${server.url}/metrics`, { headers: { authorization: 'Bearer not-the-key-at-all' } });
    expect(wrong.status).toBe(401);
    expect((await fetch(`${server.url}/metrics`, { headers: { 'x-api-key': INGEST_KEY } })).status).toBe(200);
  });

  it('takes METRICS_API_KEY for metrics and usage, and nothing else', async () => {
    const asReader = { authorization: `Bearer ${METRICS_KEY}` };
    expect((await fetch(`${server.url}/metrics`, { headers: asReader })).status).toBe(200);
    expect((await fetch(`${server.url}/api/usage`, { headers: asReader })).status).toBe(200);
    const post = await fetch(`${server.url}/api/ticks`, {
      method: 'POST',
      headers: { ...asReader, 'content-type': 'application/json' },
      body: JSON.stringify({ symbol: 'MET', timestamp: Date.now(), price: 1, volume: 1 }),
    });
    expect(post.status).toBe(401);
  });

  it("reports the process's event-loop lag and memory", async () => {
    const families = await scrape();
    expect(families.get('nodejs_eventloop_lag_seconds')?.type).toBe('GAUGE');
    expect(sampleSum(families, 'process_resident_memory_bytes')).toBeGreaterThan(0);
    expect(sampleSum(families, 'nodejs_heap_size_used_bytes')).toBeGreaterThan(0);
  });

  it('counts consumed units, fires, deliveries, sockets and frames as ticks and fires flow', async () => {
    const before = await scrape();
    const ticks = (families: Map<string, MetricFamily>, outcome: string) =>
      sampleSum(families, 'tickwatch_ticks_total', { source: 'http_ingest', outcome });
    const units = (families: Map<string, MetricFamily>, table: string, kind: string) =>
      sampleSum(families, 'tickwatch_dynamodb_consumed_units_total', { table, kind });

    const user = await signIn(server, 'metrics-user');
    await user.createAlert(priceAlert('MET', '>', 100));
    expect((await user.request('GET', '/api/alerts')).status).toBe(200);
    const dashboard = await connectClient(server.url, { token: user.token });
    const widget = await connectClient(server.url);
    clients.push(dashboard, widget);
    expect(await widget.socket.timeout(5000).emitWithAck('ticks:subscribe', ['MET'])).toMatchObject({ ok: true });

    const now = Date.now();
    expect(
      (await server.ingest([99, 101, 102].map((price, i) => ({ symbol: 'MET', timestamp: now + i, price, volume: 5 }))))
        .status,
    ).toBe(202);
    await eventually(() => expect(dashboard.alerts).toHaveLength(1));
    await eventually(() => expect(widget.frames.length).toBeGreaterThan(0));

    const after = await eventually(async () => {
      const families = await scrape();
      expect(sampleSum(families, 'tickwatch_deliveries_total', { channel: 'websocket', status: 'sent' })).toBe(1);
      expect(units(families, 'ticks', 'write')).toBeGreaterThanOrEqual(units(before, 'ticks', 'write') + 1);
      // A second is stored once it has closed (TICK_STORE=seconds); the history record is written behind the delivery.
      expect(ticks(families, 'stored') - ticks(before, 'stored')).toBe(3);
      expect(units(families, 'notifications', 'write')).toBeGreaterThan(units(before, 'notifications', 'write'));
      return families;
    });
    expect(ticks(after, 'received') - ticks(before, 'received')).toBe(3);
    expect(ticks(after, 'accepted') - ticks(before, 'accepted')).toBe(3);
    expect(sampleSum(after, 'tickwatch_tick_write_queue_depth')).toBe(0);
    expect(sampleSum(after, 'tickwatch_tick_write_queue_oldest_age_seconds')).toBe(0);
    expect(sampleSum(after, 'tickwatch_fires_recorded_total')).toBe(
      sampleSum(before, 'tickwatch_fires_recorded_total') + 1,
    );
    // Creating the alert wrote it and its two indexes, listing read them; the fire claimed it.
    expect(units(after, 'alerts', 'write')).toBeGreaterThanOrEqual(units(before, 'alerts', 'write') + 3);
    expect(units(after, 'alerts', 'read')).toBeGreaterThan(units(before, 'alerts', 'read'));
    const sources = new Set(after.get('tickwatch_dynamodb_consumed_units_total')!.metrics.map((m) => m.labels?.source));
    expect([...sources].every((source) => source === 'reported' || source === 'computed')).toBe(true);
    expect(sampleSum(after, 'tickwatch_sockets_connected', { kind: 'public' })).toBe(1);
    expect(sampleSum(after, 'tickwatch_sockets_connected', { kind: 'signed_in' })).toBe(1);
    expect(sampleSum(after, 'tickwatch_socket_frames_total')).toBeGreaterThan(
      sampleSum(before, 'tickwatch_socket_frames_total'),
    );

    widget.close();
    await eventually(async () =>
      expect(sampleSum(await scrape(), 'tickwatch_sockets_connected', { kind: 'public' })).toBe(0),
    );
  });

  it('counts a refused batch as received and refused, none of it accepted', async () => {
    const count = (families: Map<string, MetricFamily>, outcome: string) =>
      sampleSum(families, 'tickwatch_ticks_total', { source: 'http_ingest', outcome });
    const before = await scrape();
    const bad = [{ symbol: 'MET', timestamp: Date.now(), price: -1, volume: 1 }, { symbol: 'MET' }];
    expect((await server.ingest(bad)).status).toBe(400);
    const after = await scrape();
    expect(count(after, 'received') - count(before, 'received')).toBe(2);
    expect(count(after, 'refused') - count(before, 'refused')).toBe(2);
    expect(count(after, 'accepted')).toBe(count(before, 'accepted'));
  });
});

describe(`feed metrics on ${inject('dynamoKind')}`, () => {
  it("counts the simulator's ticks as received, accepted and, once their seconds close, stored", async () => {
    const server = await startTestServer({ FEED: 'simulator', SIM_SYMBOLS: 'FDA,FDB', SIM_TICKS_PER_SECOND: '200' });
    try {
      const count = async (outcome: string) => {
        const res = await fetch(`${server.url}/metrics`, { headers: { 'x-api-key': INGEST_KEY } });
        return sampleSum(parsePrometheusText(await res.text()), 'tickwatch_ticks_total', {
          source: 'simulator',
          outcome,
        });
      };
      await eventually(async () => expect(await count('stored')).toBeGreaterThan(0), 10_000);
      await server.app.feed.stop();
      await eventually(async () => expect(await count('stored')).toBe(await count('accepted')), 10_000);
      expect(await count('received')).toBe(await count('accepted'));
      expect(await count('dropped')).toBe(0);
    } finally {
      await server.close();
    }
  });
});
