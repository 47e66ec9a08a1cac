import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { openStore } from '../../src/store/open-store.js';
import { eventually, INGEST_KEY, silentLog } from '../support/harness.js';

/** The zero-configuration path: no DYNAMODB_ENDPOINT, so the server starts dynalite on files under DATA_DIR. */
describe('embedded store under DATA_DIR', () => {
  const dirs: string[] = [];
  afterEach(async () => {
    for (const dir of dirs.splice(0)) await fs.rm(dir, { recursive: true, force: true });
  });

  async function boot(dataDir: string) {
    const config = loadConfig({
      NODE_ENV: 'test',
      PORT: '0',
      FEED: 'none',
      LOG_LEVEL: 'silent',
      DATA_DIR: dataDir,
      INGEST_API_KEY: INGEST_KEY,
      TICK_STORE: 'trades',
    });
    expect(config.store).toEqual({ mode: 'embedded', dataDir });
    const store = await openStore(config, silentLog);
    const app = await createApp(config, { store, log: silentLog, clientDist: '/nonexistent' });
    const url = await app.listen();
    return {
      url,
      async close() {
        await app.close();
        await store.close();
      },
    };
  }

  it('keeps ticks across a restart and restores the latest price from disk', async () => {
    const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'tickwatch-data-'));
    dirs.push(dataDir);
    const first = await boot(dataDir);
    const now = Date.now();
    await fetch(`${first.url}/api/ticks`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': INGEST_KEY },
      body: JSON.stringify([
        { symbol: 'DISK', timestamp: now - 1, price: 1.5, volume: 10 },
        { symbol: 'DISK', timestamp: now, price: 1.75, volume: 20 },
      ]),
    });
    await eventually(async () => {
      const page = (await (await fetch(`${first.url}/api/ticks/DISK`)).json()) as { items: unknown[] };
      expect(page.items).toHaveLength(2);
    });
    await first.close();

    const second = await boot(dataDir);
    try {
      await eventually(async () => {
        const symbols = (await (await fetch(`${second.url}/api/symbols`)).json()) as {
          items: { symbol: string; price: number }[];
        };
        expect(symbols.items).toEqual([expect.objectContaining({ symbol: 'DISK', price: 1.75 })]);
      });
      const page = (await (await fetch(`${second.url}/api/ticks/DISK`)).json()) as { items: { price: number }[] };
      expect(page.items.map((t) => t.price)).toEqual([1.75, 1.5]);
    } finally {
      await second.close();
    }
  });

  it('refuses a second server on the same DATA_DIR with a clear message', async () => {
    const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'tickwatch-data-'));
    dirs.push(dataDir);
    const first = await boot(dataDir);
    try {
      await expect(boot(dataDir)).rejects.toThrow(/in use|lock/i);
    } finally {
      await first.close();
    }
  });
});
