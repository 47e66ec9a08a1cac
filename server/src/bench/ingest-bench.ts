import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { pino } from 'pino';
import { io } from 'socket.io-client';
import type { ClientToServerEvents, ServerToClientEvents, Tick } from '@tickwatch/shared';
import { createApp } from '../app.js';
import { loadConfig } from '../config.js';
import { startEmbeddedStore } from '../store/embedded-store.js';
import { openStore } from '../store/open-store.js';
import { BATCH_WRITE_LIMIT, TicksRepository, toTickItem } from '../store/ticks-repository.js';

/**
 * `npm run bench:ingest`: the ingest pipeline against the embedded store (dynalite on disk, as `npm start` runs
 * it), all in this process on loopback.
 *  1. baseline: raw BatchWriteItem calls of 25 items, PERSIST_CONCURRENCY at a time, straight to the store;
 *  2. end to end: the same number of ticks POSTed to /api/ticks in batches, timed until the store acknowledged
 *     every write (the pipeline's own counter);
 *  3. latency: ticks POSTed at a fixed rate while a Socket.IO client is subscribed; tick → socket p50/p99.
 */
const TICKS = Number(process.env.BENCH_TICKS ?? 20_000);
const HTTP_BATCH = 500;
const LATENCY_RATE = Number(process.env.BENCH_RATE ?? 1000);
const LATENCY_SECONDS = 5;
const SYMBOLS = Array.from({ length: 50 }, (_, i) => `SYM${i}`);
const log = pino({ level: 'error' });

function makeTicks(count: number, start: number): Tick[] {
  return Array.from({ length: count }, (_, i) => ({
    symbol: SYMBOLS[i % SYMBOLS.length]!,
    timestamp: start + Math.floor(i / SYMBOLS.length),
    price: 100 + (i % 97) / 10,
    volume: 100,
    source: 'http_ingest',
  }));
}

async function baseline(dataDir: string, concurrency: number): Promise<number> {
  const store = await startEmbeddedStore(dataDir);
  const config = loadConfig({
    DYNAMODB_ENDPOINT: store.endpoint,
    TABLE_PREFIX: 'raw_',
    LOG_LEVEL: 'warn',
    AUTH_MODE: 'dev',
  });
  const opened = await openStore(config, log);
  const repository = new TicksRepository(opened.clients.doc, opened.tables.ticks);
  const items = makeTicks(TICKS, Date.now() - 3_600_000).map((t) => toTickItem(t, t.timestamp + Math.random() / 2));
  const batches: (typeof items)[] = [];
  for (let i = 0; i < items.length; i += BATCH_WRITE_LIMIT) batches.push(items.slice(i, i + BATCH_WRITE_LIMIT));
  const started = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < batches.length) {
        let batch = batches[next++]!;
        while (batch.length > 0) batch = await repository.batchPut(batch);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  await opened.close();
  await store.close();
  return TICKS / seconds;
}

async function endToEnd(dataDir: string) {
  const config = loadConfig({
    DATA_DIR: dataDir,
    PORT: '0',
    FEED: 'none',
    LOG_LEVEL: 'warn',
    INGEST_API_KEY: 'bench-ingest-key-0123456789',
    PERSIST_QUEUE_CAPACITY: String(TICKS * 2),
    // Unbatched frames, so the latency is the pipeline's own; bench:fanout measures conflation.
    TICK_FLUSH_MS: '0',
  });
  const store = await openStore(config, log);
  const app = await createApp(config, { store, log, clientDist: '/nonexistent' });
  const url = await app.listen();
  const post = async (ticks: Omit<Tick, 'source'>[]) => {
    const res = await fetch(`${url}/api/ticks`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': config.ingestApiKey },
      body: JSON.stringify(ticks),
    });
    if (res.status !== 202) throw new Error(`ingest answered ${res.status}: ${await res.text()}`);
  };
  const strip = (ticks: Tick[]) => ticks.map(({ source: _source, ...rest }) => rest);

  // Throughput: POST everything, then wait for the store to have acknowledged every tick.
  const ticks = makeTicks(TICKS, Date.now() - 3_600_000);
  const writtenBefore = app.pipeline.stats().written;
  const started = performance.now();
  for (let i = 0; i < ticks.length; i += HTTP_BATCH) await post(strip(ticks.slice(i, i + HTTP_BATCH)));
  const acceptedSeconds = (performance.now() - started) / 1000;
  const deadline = Date.now() + 300_000;
  while (app.pipeline.stats().written - writtenBefore < TICKS) {
    if (Date.now() > deadline) throw new Error('store did not take every tick within 5 minutes');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  const storedSeconds = (performance.now() - started) / 1000;

  // Latency: a subscribed socket, ticks posted every 10 ms at LATENCY_RATE per second.
  const socket = io(url, { transports: ['websocket'] }) as import('socket.io-client').Socket<
    ServerToClientEvents,
    ClientToServerEvents
  >;
  await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
  await socket.emitWithAck('ticks:subscribe', SYMBOLS);
  const latencies: number[] = [];
  socket.on('ticks', (frame) => {
    // Each tick carries the moment it was sent as its volume, so the measurement needs no bookkeeping.
    for (const tick of frame) if (tick.price === 1) latencies.push(Date.now() - tick.volume);
  });
  const begin = Date.now();
  const end = begin + LATENCY_SECONDS * 1000;
  let sent = 0;
  let t = begin;
  while (Date.now() < end) {
    const now = Date.now();
    // Send whatever is due by now, so HTTP round trips do not lower the stated rate.
    const due = Math.floor(((now - begin) / 1000) * LATENCY_RATE) - sent;
    if (due > 0) {
      t = Math.max(t + 1, now);
      const batch = Array.from({ length: Math.min(due, 1000) }, (_, i) => ({
        symbol: SYMBOLS[(sent + i) % SYMBOLS.length]!,
        timestamp: t,
        price: 1,
        volume: now,
      }));
      sent += batch.length;
      await post(batch);
    }
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  const settle = Date.now() + 5000;
  while (latencies.length < sent && Date.now() < settle) await new Promise((resolve) => setTimeout(resolve, 20));
  socket.disconnect();
  await app.close();
  await store.close();
  latencies.sort((a, b) => a - b);
  const pct = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))] ?? NaN;
  return {
    acceptedPerSecond: TICKS / acceptedSeconds,
    storedPerSecond: TICKS / storedSeconds,
    latency: { sent, received: latencies.length, p50: pct(50), p99: pct(99), max: latencies.at(-1) ?? NaN },
    achievedRate: sent / LATENCY_SECONDS,
  };
}

const root = await fs.mkdtemp(path.join(os.tmpdir(), 'tickwatch-bench-'));
try {
  const concurrency = loadConfig({}).persistence.concurrency;
  console.log(
    `Ingest benchmark: ${TICKS} ticks over ${SYMBOLS.length} symbols, embedded store on disk, ${os.cpus().length} CPUs`,
  );
  const raw = await baseline(path.join(root, 'raw'), concurrency);
  const e2e = await endToEnd(path.join(root, 'e2e'));
  const rows = [
    ['baseline: raw BatchWriteItem (25/call)', `${raw.toFixed(0)} ticks/s`, '1.00'],
    ['HTTP accepted (202)', `${e2e.acceptedPerSecond.toFixed(0)} ticks/s`, (e2e.acceptedPerSecond / raw).toFixed(2)],
    ['HTTP → stored (end to end)', `${e2e.storedPerSecond.toFixed(0)} ticks/s`, (e2e.storedPerSecond / raw).toFixed(2)],
  ];
  console.log('');
  for (const [name, value, ratio] of rows)
    console.log(`${name!.padEnd(42)} ${value!.padStart(14)}   x${ratio} of baseline`);
  const l = e2e.latency;
  console.log('');
  console.log(
    `tick → socket latency at ${e2e.achievedRate.toFixed(0)} ticks/s (target ${LATENCY_RATE}/s, ${SYMBOLS.length} symbols, 1 client, unbatched): ` +
      `p50 ${l.p50} ms, p99 ${l.p99} ms, max ${l.max} ms (${l.received}/${l.sent} received)`,
  );
} finally {
  await fs.rm(root, { recursive: true, force: true });
}
