import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { health } from './api.js';
import type { ChaosSupport } from './support.js';

/**
 * The built server as `npm start` runs it (`node server/dist/main.js`), in its own process, so that it can be
 * killed with SIGKILL like a crashed host would lose it, and started again on the same store and port.
 */

export interface ServerSpec {
  root: string;
  port: number;
  /** Everything the server is configured with (the parent's environment is not passed on). */
  env: Record<string, string>;
  /** Every line the server logs, across restarts. */
  logFile: string;
}

const START_TIMEOUT_MS = 90_000;
const TAIL_LINES = 80;

export class ServerProcess {
  /** Every server process still running, so the command line can kill them however it ends. */
  static readonly running = new Set<ChildProcess>();
  private readonly tail: string[] = [];
  private partial = '';
  readonly exited: Promise<void>;

  private constructor(
    readonly child: ChildProcess,
    readonly url: string,
    private readonly log: fs.WriteStream,
  ) {
    ServerProcess.running.add(child);
    this.exited = new Promise((resolve) =>
      child.once('exit', () => {
        ServerProcess.running.delete(child);
        resolve();
      }),
    );
    const take = (chunk: Buffer) => {
      log.write(chunk);
      const lines = (this.partial + chunk.toString()).split('\n');
      this.partial = lines.pop() ?? '';
      this.tail.push(...lines);
      if (this.tail.length > TAIL_LINES) this.tail.splice(0, this.tail.length - TAIL_LINES);
    };
    child.stdout?.on('data', take);
    child.stderr?.on('data', take);
  }

  static async start(spec: ServerSpec): Promise<ServerProcess> {
    const log = fs.createWriteStream(spec.logFile, { flags: 'a' });
    const child = spawn(process.execPath, [path.join(spec.root, 'server/dist/main.js')], {
      cwd: spec.root,
      env: {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? os.tmpdir(),
        AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
        ...spec.env,
        PORT: String(spec.port),
        HOST: '127.0.0.1',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const server = new ServerProcess(child, `http://127.0.0.1:${spec.port}`, log);
    const deadline = Date.now() + START_TIMEOUT_MS;
    while (Date.now() < deadline) {
      if (child.exitCode !== null || child.signalCode !== null) {
        throw new Error(
          `the server exited during start-up (${child.exitCode ?? child.signalCode}):\n${server.output()}`,
        );
      }
      if ((await health(server.url, 2_000))?.status === 'ok') return server;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    child.kill('SIGKILL');
    throw new Error(`the server was not healthy within ${START_TIMEOUT_MS / 1000} s:\n${server.output()}`);
  }

  get alive(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** The last lines it logged. */
  output(): string {
    return [...this.tail, this.partial].join('\n');
  }

  /** kill -9: no shutdown path runs, whatever was queued in memory is gone. */
  async kill9(): Promise<void> {
    if (this.alive) this.child.kill('SIGKILL');
    await this.exited;
    this.log.end();
  }

  /**
   * SIGTERM, the clean shutdown path, and what it said last: the line that tells how many queued ticks and alert
   * decisions it flushed. Killed if it has not exited after `graceMs`.
   */
  async terminate(support: ChaosSupport, graceMs = 30_000): Promise<{ code: number | null; lastLine: string }> {
    await support.stopProcess(this.child, graceMs);
    await this.exited;
    await new Promise<void>((resolve) => this.log.end(resolve));
    const lines = [...this.tail, this.partial].filter((line) => line.trim() !== '');
    const stopped = lines.map(messageOf).findLast((msg) => msg?.startsWith('stopped:'));
    return { code: this.child.exitCode, lastLine: stopped ?? messageOf(lines.at(-1) ?? '') ?? '' };
  }
}

/** The `msg` of one JSON log line (the server logs JSON when its output is not a terminal). */
function messageOf(line: string): string | undefined {
  try {
    const parsed = JSON.parse(line) as { msg?: unknown };
    return typeof parsed.msg === 'string' ? parsed.msg : undefined;
  } catch {
    return line || undefined;
  }
}
