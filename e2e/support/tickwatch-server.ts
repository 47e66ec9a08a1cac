import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, stopProcess } from '../../server/test/support/processes.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const E2E_INGEST_KEY = 'e2e-ingest-key-0123456789';

export interface RunningServer {
  url: string;
  port: number;
  dataDir: string;
  /** POST ticks through the ingest API, as a market-data vendor would. */
  ingest(ticks: unknown): Promise<void>;
  stop(): Promise<void>;
  output(): string;
}

/** Starts the built server (`node server/dist/main.js`, what `npm start` runs) on a free port and fresh DATA_DIR. */
export async function startServer(
  env: Record<string, string> = {},
  reuse: { dataDir?: string; port?: number } = {},
): Promise<RunningServer> {
  const dataDir = reuse.dataDir ?? (await fs.mkdtemp(path.join(os.tmpdir(), 'tickwatch-e2e-')));
  const port = reuse.port ?? (await freePort());
  let output = '';
  const child = spawn(process.execPath, [path.join(ROOT, 'server/dist/main.js')], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? os.tmpdir(),
      NODE_ENV: 'test',
      PORT: String(port),
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      FEED: 'none',
      INGEST_API_KEY: E2E_INGEST_KEY,
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const url = `http://127.0.0.1:${port}`;
  await waitForHealth(url, child, () => output);
  return {
    url,
    port,
    dataDir,
    output: () => output,
    async ingest(ticks) {
      const res = await fetch(`${url}/api/ticks`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-api-key': E2E_INGEST_KEY },
        body: JSON.stringify(ticks),
      });
      if (res.status !== 202) throw new Error(`ingest failed: ${res.status} ${await res.text()}`);
    },
    stop: () => stopProcess(child, 10_000),
  };
}

async function waitForHealth(url: string, child: ChildProcess, output: () => string): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`server exited (${child.exitCode}):\n${output()}`);
    try {
      const res = await fetch(`${url}/api/health`);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  child.kill('SIGKILL');
  throw new Error(`server did not become healthy within 30 s:\n${output()}`);
}
