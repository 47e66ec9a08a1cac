import fs from 'node:fs/promises';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import dynalite from 'dynalite';
import { Level } from 'level';

export interface EmbeddedStore {
  endpoint: string;
  close(): Promise<void>;
}

/**
 * Starts dynalite (a DynamoDB wire-protocol server backed by LevelDB) inside this process, on a loopback port
 * nobody else is told about. `dataDir` undefined keeps everything in memory (tests).
 *
 * Gaps we rely on the code to cover (see docs/storage.md): no TransactWriteItems, no UpdateTimeToLive and no TTL
 * expiry, so the server sweeps expired ticks itself and never needs transactions.
 */
export async function startEmbeddedStore(dataDir: string | undefined): Promise<EmbeddedStore> {
  let dbPath: string | undefined;
  if (dataDir) {
    dbPath = path.join(dataDir, 'dynamodb');
    await fs.mkdir(dbPath, { recursive: true });
    await assertNotLocked(dbPath, dataDir!);
  }
  const server: Server = dynalite({
    ...(dbPath ? { path: dbPath } : {}),
    createTableMs: 0,
    deleteTableMs: 0,
    updateTableMs: 0,
  });
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
