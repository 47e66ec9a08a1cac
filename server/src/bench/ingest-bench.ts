import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { pino } from 'pino';
import { io } from 'socket.io-client';
import type { ClientToServerEvents, ServerToClientEvents, Tick } from '@tickwatch/shared';
import { createApp } from '../app.js';
import { loadConfig } from '../config.js';
import { serveEmbeddedStore, startEmbeddedStore } from '../store/embedded-store.js';
import { createDynamoClients, inProcess } from '../store/client.js';
import { openStore } from '../store/open-store.js';
import { ensureTables } from '../store/provision.js';
import { tableNames } from '../store/tables.js';
import { BATCH_WRITE_LIMIT, TicksRepository, toTickItem } from '../store/ticks-repository.js';

/**
 * `npm run bench:ingest`: the ingest pipeline against the embedded store (dynalite on disk, as `npm start` runs
 * it), all in this process, each part measured two ways in the same run:
 *  - loopback (the baseline): dynalite's own HTTP server on a loopback port, every call signed with SigV4, as the
 *    embedded store was reached before it had an in-process handler;
 *  - in-process: the embedded store's request handler, unsigned, as the server reaches it now.
 * The parts:
 *  1. store calls: raw BatchWriteItem calls of 25 items, PERSIST_CONCURRENCY at a time, straight to the store;
 *  2. end to end: the same number of ticks POSTed to /api/ticks in batches, timed until the store acknowledged
 *     every write (the pipeline's own counter);
 *  3. latency (in-process only): ticks POSTed at a fixed rate while a Socket.IO client is subscribed; tick → socket
 *     p50/p99;
 *  4. item calls (in-process only): the fire path's kinds of call (a conditional put, a conditional update returning
 *     the item, a consistent get) through lib-dynamodb's DynamoDBDocumentClient (the baseline, as the server sent
 *     them before) and through our DocumentClient (store/document-client.ts), alternated in chunks so that both
 *     meet the same machine.
 * CPU is the whole process's (user + system, LevelDB's threads included) over a part, divided by its calls or POSTs;
 * the client side of each POST is in it too, the same for both paths.
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

type StorePath = 'loopback' | 'in-process';
const PATHS: StorePath[] = ['loopback', 'in-process'];

/**
 * The server's store settings for `storePath` with its files under `dataDir`: the loopback store is served here
 * and named by DYNAMODB_ENDPOINT; the in-process one is what the server starts itself with DATA_DIR alone.
 */
async function storeFor(storePath: StorePath, dataDir: string) {
  if (storePath === 'in-process') return { env: { DATA_DIR: dataDir }, close: async () => {} };
  const served = await serveEmbeddedStore(dataDir);
  return { env: { DATA_DIR: dataDir, DYNAMODB_ENDPOINT: served.endpoint }, close: served.close };
}

function cpuMsSince(start: NodeJS.CpuUsage): number {
  const { user, system } = process.cpuUsage(start);
  return (user + system) / 1000;
}

async function storeCalls(storePath: StorePath, dataDir: string, ticks: number, concurrency: number) {
  const target = await storeFor(storePath, dataDir);
  const config = loadConfig({ ...target.env, TABLE_PREFIX: 'raw_', LOG_LEVEL: 'warn', AUTH_MODE: 'dev' });
  const opened = await openStore(config, log);
  const repository = new TicksRepository(opened.clients.doc, opened.tables.ticks);
  const items = makeTicks(ticks, Date.now() - 3_600_000).map((t) => toTickItem(t, t.timestamp + Math.random() / 2));
  const batches: (typeof items)[] = [];
  for (let i = 0; i < items.length; i += BATCH_WRITE_LIMIT) batches.push(items.slice(i, i + BATCH_WRITE_LIMIT));
  let calls = 0;
  const cpu = process.cpuUsage();
  const started = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < batches.length) {
        let batch = batches[next++]!;
        while (batch.length > 0) {
          calls++;
          batch = await repository.batchPut(batch);
        }
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  const cpuMs = cpuMsSince(cpu);
  await opened.close();
  await target.close();
  return { ticksPerSecond: ticks / seconds, cpuMsPerCall: cpuMs / calls };
}

const ITEM_CALL_CHUNK = 300;
const ITEM_CALL_ROUNDS = 10;

/** CPU per item call through each client, the two alternated chunk by chunk after a round of warm-up each. */
async function itemCalls(dataDir: string) {
  const store = await startEmbeddedStore(dataDir);
  const ours = createDynamoClients({ region: 'us-east-1', embedded: store.requestHandler });
  const tables = tableNames('items_');
  await ensureTables(ours.raw, tables, log);
  // The same in-process settings without the middleware cache, which lib-dynamodb refuses.
  const plain = new DynamoDBClient({ region: 'us-east-1', ...inProcess(store.requestHandler) });
  const lib = DynamoDBDocumentClient.from(plain, { marshallOptions: { removeUndefinedValues: true } });
  type Send = (command: PutCommand | UpdateCommand | GetCommand) => Promise<unknown>;
  const clients: Record<'lib-dynamodb' | 'DocumentClient', Send> = {
    'lib-dynamodb': (command) => lib.send(command as never),
    DocumentClient: (command) => ours.doc.send(command as never),
  };
  const table = tables.notifications;
  let n = 0;
  const fireLike = async (send: Send) => {
    const key = { user_id: 'bench', triggered_at: n++ };
    await send(
      new PutCommand({
        TableName: table,
        Item: { ...key, alert_id: 'a1', symbol: 'SYM0', current_price: 101.5, evidence: { price: 101.5, level: 100 } },
        ConditionExpression: 'attribute_not_exists(triggered_at)',
      }),
    );
    await send(
      new UpdateCommand({
        TableName: table,
        Key: key,
        UpdateExpression: 'SET delivery_status = :s',
        ConditionExpression: 'attribute_exists(triggered_at)',
        ExpressionAttributeValues: { ':s': 'sent' },
        ReturnValues: 'ALL_NEW',
      }),
    );
    await send(new GetCommand({ TableName: table, Key: key, ConsistentRead: true }));
  };
  const cpuMs = { 'lib-dynamodb': 0, DocumentClient: 0 };
  for (let round = -1; round < ITEM_CALL_ROUNDS; round++) {
    const order =
      round % 2 === 0 ? (['lib-dynamodb', 'DocumentClient'] as const) : (['DocumentClient', 'lib-dynamodb'] as const);
    for (const name of order) {
      const cpu = process.cpuUsage();
      for (let i = 0; i < ITEM_CALL_CHUNK; i++) await fireLike(clients[name]);
      if (round >= 0) cpuMs[name] += cpuMsSince(cpu);
    }
  }
  plain.destroy();
  ours.raw.destroy();
  await store.close();
  const calls = ITEM_CALL_ROUNDS * ITEM_CALL_CHUNK * 3;
  return { baseline: cpuMs['lib-dynamodb'] / calls, ours: cpuMs.DocumentClient / calls };
}

/** The real server on a free loopback port, its store reached by `storePath`, and a sender for POST /api/ticks. */
async function startServer(storePath: StorePath, dataDir: string) {
  const target = await storeFor(storePath, dataDir);
  const config = loadConfig({
    ...target.env,
    PORT: '0',
    FEED: 'none',
    LOG_LEVEL: 'warn',
    AUTH_MODE: 'dev',
    INGEST_API_KEY: 'bench-ingest-key-0123456789',
    PERSIST_QUEUE_CAPACITY: String(TICKS * 2),
    // Unbatched frames, so the latency is the pipeline's own; bench:fanout measures conflation.
    TICK_FLUSH_MS: '0',
    // Every trade its own write, as the figures in docs/storage.md were measured: the store's path is what is compared.
    TICK_STORE: 'trades',
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
  return {
    url,
    app,
    post,
    async close() {
      await app.close();
      await store.close();
      await target.close();
    },
  };
}
type BenchServer = Awaited<ReturnType<typeof startServer>>;

async function withServer<T>(storePath: StorePath, dataDir: string, run: (server: BenchServer) => Promise<T>) {
  const server = await startServer(storePath, dataDir);
  try {
    return await run(server);
  } finally {
    await server.close();
  }
}

/** POST `count` ticks, then wait for the store to have acknowledged each one. */
async function throughput({ app, post }: BenchServer, count = TICKS) {
  const strip = (ticks: Tick[]) => ticks.map(({ source: _source, ...rest }) => rest);
  const ticks = makeTicks(count, Date.now() - 3_600_000);
  const writtenBefore = app.pipeline.stats().written;
  const cpu = process.cpuUsage();
  const started = performance.now();
  for (let i = 0; i < ticks.length; i += HTTP_BATCH) await post(strip(ticks.slice(i, i + HTTP_BATCH)));
  const acceptedSeconds = (performance.now() - started) / 1000;
  const deadline = Date.now() + 300_000;
  while (app.pipeline.stats().written - writtenBefore < count) {
    if (Date.now() > deadline) throw new Error('store did not take every tick within 5 minutes');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  const storedSeconds = (performance.now() - started) / 1000;
  return {
    acceptedPerSecond: count / acceptedSeconds,
    storedPerSecond: count / storedSeconds,
    cpuMsPerPost: cpuMsSince(cpu) / Math.ceil(count / HTTP_BATCH),
  };
}

/** A subscribed socket, ticks posted every 10 ms at LATENCY_RATE per second. */
async function latency({ url, post }: BenchServer) {
  const socket = io(url, { transports: ['websocket'] }) as import('socket.io-client').Socket<
    ServerToClientEvents,
    ClientToServerEvents
  >;
  await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
  await socket.emitWithAck('ticks:subscribe', SYMBOLS);
  const latencies: number[] = [];
  const begin = Date.now();
  socket.on('ticks', (frame) => {
    // Each tick carries the moment it was sent as its volume (ms since `begin`: a volume may not exceed 1e12), so
    // the measurement needs no bookkeeping.
    for (const tick of frame) if (tick.price === 1) latencies.push(Date.now() - begin - tick.volume);
  });
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
        volume: now - begin,
      }));
      sent += batch.length;
      await post(batch);
    }
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  const settle = Date.now() + 5000;
  while (latencies.length < sent && Date.now() < settle) await new Promise((resolve) => setTimeout(resolve, 20));
  socket.disconnect();
  latencies.sort((a, b) => a - b);
  const pct = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))] ?? NaN;
  return {
    sent,
    received: latencies.length,
    p50: pct(50),
    p99: pct(99),
    max: latencies.at(-1) ?? NaN,
    achievedRate: sent / LATENCY_SECONDS,
  };
}

const root = await fs.mkdtemp(path.join(os.tmpdir(), 'tickwatch-bench-'));
try {
  const concurrency = loadConfig({}).persistence.concurrency;
  console.log(
    `Ingest benchmark: ${TICKS} ticks over ${SYMBOLS.length} symbols, embedded store on disk, ${os.cpus().length} CPUs`,
  );
  console.log(
    "loopback (baseline): dynalite over a loopback HTTP port, SigV4-signed; in-process: the embedded store's " +
      'request handler, unsigned (what the server uses)',
  );
  // Unreported: the first calls and POSTs in a process pay for JIT warm-up (measured: a third more CPU per POST),
  // which would count against whichever path ran first.
  for (const storePath of PATHS) {
    await storeCalls(storePath, path.join(root, `warm-up-${storePath}`), TICKS / 10, concurrency);
    await withServer(storePath, path.join(root, `warm-up-e2e-${storePath}`), (server) => throughput(server, TICKS / 4));
  }
  const rawLoopback = await storeCalls('loopback', path.join(root, 'raw-loopback'), TICKS, concurrency);
  const rawInProcess = await storeCalls('in-process', path.join(root, 'raw-in-process'), TICKS, concurrency);
  const e2eLoopback = await withServer('loopback', path.join(root, 'e2e-loopback'), throughput);
  const { e2e, l } = await withServer('in-process', path.join(root, 'e2e-in-process'), async (server) => ({
    e2e: await throughput(server),
    l: await latency(server),
  }));
  const items = await itemCalls(path.join(root, 'item-calls'));

  const rows: [string, number, number, number][] = [
    ['store: BatchWriteItem (25/call), ticks/s', rawLoopback.ticksPerSecond, rawInProcess.ticksPerSecond, 0],
    ['store: CPU per BatchWriteItem (ms)', rawLoopback.cpuMsPerCall, rawInProcess.cpuMsPerCall, 3],
    ['HTTP accepted (202), ticks/s', e2eLoopback.acceptedPerSecond, e2e.acceptedPerSecond, 0],
    ['HTTP → stored (end to end), ticks/s', e2eLoopback.storedPerSecond, e2e.storedPerSecond, 0],
    [`CPU per ingest POST of ${HTTP_BATCH} ticks (ms)`, e2eLoopback.cpuMsPerPost, e2e.cpuMsPerPost, 2],
  ];
  console.log('');
  console.log(`${''.padEnd(44)}${'loopback'.padStart(12)}${'in-process'.padStart(12)}${'ratio'.padStart(9)}`);
  for (const [name, before, after, digits] of rows)
    console.log(
      name.padEnd(44) +
        before.toFixed(digits).padStart(12) +
        after.toFixed(digits).padStart(12) +
        `x${(after / before).toFixed(2)}`.padStart(9),
    );
  console.log('');
  console.log(
    `tick → socket latency, in-process, at ${l.achievedRate.toFixed(0)} ticks/s (target ${LATENCY_RATE}/s, ` +
      `${SYMBOLS.length} symbols, 1 client, unbatched): ` +
      `p50 ${l.p50} ms, p99 ${l.p99} ms, max ${l.max} ms (${l.received}/${l.sent} received)`,
  );
  console.log(
    `item calls, in-process (conditional put, conditional update, get): CPU per call ` +
      `${items.baseline.toFixed(3)} ms through lib-dynamodb's DynamoDBDocumentClient (baseline), ` +
      `${items.ours.toFixed(3)} ms through DocumentClient (x${(items.ours / items.baseline).toFixed(2)})`,
  );
} finally {
  await fs.rm(root, { recursive: true, force: true });
}
