import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { stopProcess } from './processes.js';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const MAIN = path.join(ROOT, 'server/dist/main.js');

/**
 * Brings server/dist up to date (`tsc -b`, a no-op when nothing changed), so a test of the built server runs what
 * `npm start` would run from the sources under test.
 */
export function buildServer(): void {
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  const built = spawnSync(process.execPath, [tsc, '-b', path.join(ROOT, 'tsconfig.json')], { encoding: 'utf8' });
  if (built.status !== 0) throw new Error(`tsc -b failed:\n${built.stdout}${built.stderr}`);
}

export interface ServerProcess {
  /** Resolves when the process has exited, with its exit code (null when a signal ended it). */
  exited: Promise<number | null>;
  stdout(): string;
  stderr(): string;
  stop(): Promise<void>;
}

/**
 * Spawns `node server/dist/main.js` (what `npm start` runs) with exactly `env` on top of a minimal environment:
 * nothing from the developer's shell (no AWS credentials or profile, a throw-away HOME), and the SDK never asks
 * the instance metadata service, so every connection it makes is one the test chose. `exited` resolves with the
 * exit code (null when a signal ended it), once the throw-away HOME is removed.
 */
export function spawnServer(env: Record<string, string>): { child: ChildProcess; exited: Promise<number | null> } {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'tickwatch-home-'));
  const child = spawn(process.execPath, [MAIN], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: home,
      AWS_EC2_METADATA_DISABLED: 'true',
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      NODE_ENV: 'test',
      HOST: '127.0.0.1',
      FEED: 'none',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => {
      fs.rmSync(home, { recursive: true, force: true });
      resolve(code);
    }),
  );
  return { child, exited };
}

/** The built server in a process of its own (spawnServer), with its output kept for error messages. */
export function startServerProcess(env: Record<string, string>): ServerProcess {
  let stdout = '';
  let stderr = '';
  const { child, exited } = spawnServer(env);
  child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return { exited, stdout: () => stdout, stderr: () => stderr, stop: () => stopProcess(child, 10_000) };
}

/** Waits until the server answers /api/health with 200; fails with its output if it exits or takes too long. */
export async function waitForHealth(url: string, server: ServerProcess, timeoutMs = 20_000): Promise<void> {
  let exitCode: number | null | undefined;
  void server.exited.then((code) => (exitCode = code));
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (exitCode !== undefined || Date.now() > deadline) {
      const why = exitCode !== undefined ? `exited (${exitCode})` : `was not healthy within ${timeoutMs} ms`;
      throw new Error(`server ${why}:\n${server.stdout()}${server.stderr()}`);
    }
    try {
      if ((await fetch(`${url}/api/health`)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
