import fs from 'node:fs/promises';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import dynalite, { type DynaliteOptions } from 'dynalite';
import { create } from 'dynalite/db/index.js';
import { Level } from 'level';
import { DynaliteRequestHandler } from './dynalite-handler.js';

export interface EmbeddedStore {
  /** The SDK's request handler for this store: calls reach dynalite without a socket or a signature. */
  requestHandler: DynaliteRequestHandler;
  /** Waits for the calls in flight, then closes the files. */
  close(): Promise<void>;
}

/** The embedded store as a DynamoDB endpoint on a loopback port, for clients in other processes. */
export interface ServedEmbeddedStore {
  endpoint: string;
  close(): Promise<void>;
}

/**
 * Opens dynalite's store (DynamoDB's API on LevelDB) inside this process, for the server's own client. `dataDir`
 * undefined keeps everything in memory.
 *
 * Gaps we rely on the code to cover (see docs/storage.md): no TransactWriteItems, no UpdateTimeToLive and no TTL
 * expiry, so the server sweeps expired ticks itself and never needs transactions.
 */
export async function startEmbeddedStore(dataDir: string | undefined): Promise<EmbeddedStore> {
  const requestHandler = new DynaliteRequestHandler(create(await storeOptions(dataDir)));
  return { requestHandler, close: () => requestHandler.close() };
}

/**
 * An embedded store behind dynalite's own HTTP server on a loopback port: for what needs an endpoint rather than a
 * handler in this process (the integration tests share one store across their worker processes; the ingest bench
 * measures this path as its baseline).
 */
export async function serveEmbeddedStore(dataDir: string | undefined): Promise<ServedEmbeddedStore> {
  const server: Server = dynalite(await storeOptions(dataDir));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Tables ready at once (dynalite's default is half a second in CREATING), files under `dataDir/dynamodb`. */
async function storeOptions(dataDir: string | undefined): Promise<DynaliteOptions> {
  const options: DynaliteOptions = { createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 };
  if (!dataDir) return options;
  const dbPath = path.join(dataDir, 'dynamodb');
  await fs.mkdir(dbPath, { recursive: true });
  await assertNotLocked(dbPath, dataDir);
  return { ...options, path: dbPath };
}

/**
 * LevelDB allows one process per directory. dynalite would only find out on its first request, as an uncaught
 * error, so we try the lock ourselves first and turn "locked" into a message an operator can act on.
 */
async function assertNotLocked(dbPath: string, dataDir: string): Promise<void> {
  const probe = new Level(dbPath);
  try {
    await probe.open();
  } catch (err) {
    const cause = (err as { cause?: { code?: string } }).cause;
    if (cause?.code === 'LEVEL_LOCKED') {
      throw new Error(`DATA_DIR ${dataDir} is in use by another Tickwatch server; stop it or choose another DATA_DIR`);
    }
    throw err;
  } finally {
    await probe.close();
  }
}
