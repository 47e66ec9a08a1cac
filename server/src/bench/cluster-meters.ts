import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import { performance } from 'node:perf_hooks';
import type { Redis } from 'ioredis';
import { startPassThrough } from './dynamodb-pass-through.js';

/**
 * What `npm run bench:cluster` reads from outside the servers, so the servers run unchanged: CPU time of any process
 * from /proc, Redis's own command counts, a sample of who sends Redis what, and the DynamoDB requests the servers
 * make (through a counting pass-through in front of DynamoDB Local).
 */

const CLOCK_TICKS_PER_SECOND = (() => {
  const run = spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' });
  const value = Number(run.stdout?.trim());
  return Number.isFinite(value) && value > 0 ? value : 100;
})();

/**
 * CPU time (user + system, every thread) a process has used so far, in ms, from /proc/<pid>/stat; NaN once it has
 * gone. Resolution is one clock tick (10 ms), plenty over a run of seconds.
 */
export function cpuMsOf(pid: number | undefined): number {
  if (pid === undefined) return NaN;
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces and parentheses: count fields from its closing parenthesis.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const utime = Number(fields[11]);
    const stime = Number(fields[12]);
    return ((utime + stime) * 1000) / CLOCK_TICKS_PER_SECOND;
  } catch {
    return NaN;
  }
}

/** Resident memory of a process in MB, from /proc/<pid>/status; NaN once it has gone. */
export function rssMbOf(pid: number | undefined): number {
  if (pid === undefined) return NaN;
  try {
    const match = /^VmRSS:\s+(\d+) kB/m.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) / 1024 : NaN;
  } catch {
    return NaN;
  }
}

/**
 * CPU time every process on the machine has used so far (all CPUs, from /proc/stat), in ms: against the bench's own
 * processes it shows whether something else was running too.
 */
export function machineBusyMs(): number {
  const line = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0]!;
  const [user, nice, system, , , irq, softirq] = line.trim().split(/\s+/).slice(1).map(Number);
  return ((user! + nice! + system! + irq! + softirq!) * 1000) / CLOCK_TICKS_PER_SECOND;
}

// ---- Redis ----

export interface CommandStat {
  calls: number;
  usec: number;
}

/**
 * `INFO commandstats`: calls and CPU microseconds per command since Redis started. Commands a Lua script runs are
 * counted under their own names as well as inside the script's EVALSHA (whose `usec` includes theirs).
 */
export async function commandStats(redis: Redis): Promise<Map<string, CommandStat>> {
  const info = await redis.info('commandstats');
  const stats = new Map<string, CommandStat>();
  for (const line of info.split('\n')) {
    const match = /^cmdstat_([^:]+):calls=(\d+),usec=(\d+)/.exec(line.trim());
    if (match) stats.set(match[1]!.toUpperCase(), { calls: Number(match[2]), usec: Number(match[3]) });
  }
  return stats;
}

/** `after - before`, command by command; commands not called in between are left out. */
export function commandDelta(
  before: Map<string, CommandStat>,
  after: Map<string, CommandStat>,
): Map<string, CommandStat> {
  const delta = new Map<string, CommandStat>();
  for (const [name, stat] of after) {
    const was = before.get(name) ?? { calls: 0, usec: 0 };
    if (stat.calls > was.calls) delta.set(name, { calls: stat.calls - was.calls, usec: stat.usec - was.usec });
  }
  return delta;
}

/** One line of a MONITOR sample: which connection (or a script) sent which command, for what. */
export interface SampledCommands {
  /** By `connection role · what`: how many in the sample. */
  counts: Map<string, number>;
  /** Ticks appended during the sample (the XADDs to tick streams that the append script ran). */
  ticks: number;
  seconds: number;
}

/**
 * Watches every command Redis runs for `seconds` with MONITOR (which slows Redis down, so never during a measured
 * window) and sorts them by who sent them: the server connection's role (its name is `<node>:<role>`, set by
 * cluster/redis.ts) and the command, a Lua script told apart by the keys it is given; `script ·` for commands a
 * script ran. `keyPrefix` is the cluster's (`tickwatch:<TABLE_PREFIX>`).
 */
export async function sampleCommands(
  redis: Redis,
  url: string,
  keyPrefix: string,
  seconds: number,
): Promise<SampledCommands> {
  const names = await connectionNames(redis);
  const counts = new Map<string, number>();
  let ticks = 0;
  const onCommand = (source: string, args: string[]) => {
    const command = (args[0] ?? '').toUpperCase();
    if (source === 'lua') {
      if (command === 'XADD' && args[1]?.startsWith(`${keyPrefix}:ticks:`)) ticks += 1;
      const key = `script · ${command}`;
      counts.set(key, (counts.get(key) ?? 0) + 1);
      return;
    }
    const name = names.get(source);
    // Only the servers' connections: not the bench's.
    if (!name) return;
    const role = name.slice(name.lastIndexOf(':') + 1);
    const key = `${role} · ${describe(command, args, keyPrefix)}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  };
  // A plain connection of its own: MONITOR turns it into a stream of lines, which a client library's command queue
  // does not expect. Each line: +<time> [<db> <source>] "<command>" "<arg>" ...
  const { hostname, port } = new URL(url);
  const socket = net.connect(Number(port), hostname);
  let buffered = '';
  socket.setEncoding('utf8');
  socket.on('data', (chunk: string) => {
    const lines = (buffered + chunk).split('\r\n');
    buffered = lines.pop() ?? '';
    for (const line of lines) {
      const match = /^\+\S+ \[\d+ ([^\]]+)\] (.*)$/.exec(line);
      if (!match) continue;
      const args = [...match[2]!.matchAll(/"((?:[^"\\]|\\.)*)"/g)].map((m) => m[1]!);
      onCommand(match[1]!, args);
    }
  });
  socket.on('error', () => undefined);
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  socket.write('MONITOR\r\n');
  const begin = Date.now();
  await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
  socket.destroy();
  return { counts, ticks, seconds: (Date.now() - begin) / 1000 };
}

/** Server connections by address (`ip:port`, as MONITOR names the source), from CLIENT LIST. */
async function connectionNames(redis: Redis): Promise<Map<string, string>> {
  const list = (await redis.client('LIST')) as string;
  const names = new Map<string, string>();
  for (const line of list.split('\n')) {
    const addr = /\baddr=(\S+)/.exec(line)?.[1];
    const name = /\bname=(\S+)/.exec(line)?.[1];
    if (addr && name) names.set(addr, name);
  }
  return names;
}

/** A command, or for EVALSHA which of the cluster's scripts it runs (told by its keys; see server/src/cluster). */
function describe(command: string, args: string[], keyPrefix: string): string {
  if (command !== 'EVALSHA') return command;
  const keys = args.slice(3, 3 + Number(args[2] ?? 0)).map((key) => key.slice(keyPrefix.length));
  const [first = '', second = ''] = keys;
  if (first === ':lease:feed' && keys.length > 1) return 'EVALSHA append ticks';
  if (first.startsWith(':lease:shard:') && second.startsWith(':ticks:')) return 'EVALSHA ack + trim';
  if (second.endsWith(':fence')) return 'EVALSHA lease acquire';
  if (first.startsWith(':lease:')) return 'EVALSHA lease renew/release';
  if (first === ':members') return 'EVALSHA heartbeat';
  if (first.startsWith(':rate:')) return 'EVALSHA rate limit';
  return 'EVALSHA other';
}

// ---- DynamoDB ----

export interface OperationCount {
  requests: number;
  /** Put and delete requests inside BatchWriteItem; 0 for other operations. */
  batchItems: number;
  /** Answers of status 400 or more (a claim refused by its condition among them). */
  refused: number;
  /** Time from the request's arrival here to DynamoDB Local's answer, summed, and the longest, in ms. */
  totalMs: number;
  maxMs: number;
}

export interface DynamoDbCounter {
  /** Where the servers send their DynamoDB requests. */
  endpoint: string;
  /** Requests by operation (`PutItem`, `BatchWriteItem`, ...) since the start. */
  counts(): Map<string, OperationCount>;
  /** Starts the longest times over (at the start of a window). */
  resetMax(): void;
  close(): Promise<void>;
}

/**
 * A pass-through to DynamoDB Local that counts each request by its operation (the `x-amz-target` header) before
 * forwarding it unchanged. It costs the servers one more loopback hop per request, not CPU: it runs in the bench.
 */
export async function countDynamoDbRequests(target: string): Promise<DynamoDbCounter> {
  const counts = new Map<string, OperationCount>();
  const proxy = await startPassThrough(
    target,
    (operation, body) => {
      const count = counts.get(operation) ?? { requests: 0, batchItems: 0, refused: 0, totalMs: 0, maxMs: 0 };
      const arrived = performance.now();
      counts.set(operation, count);
      count.requests += 1;
      if (operation === 'BatchWriteItem') {
        const text = body.toString();
        count.batchItems += occurrences(text, '"PutRequest"') + occurrences(text, '"DeleteRequest"');
      }
      return (status) => {
        const ms = performance.now() - arrived;
        count.totalMs += ms;
        count.maxMs = Math.max(count.maxMs, ms);
        if (status >= 400) count.refused += 1;
      };
    },
    { readAnswers: false },
  );
  return {
    endpoint: proxy.endpoint,
    counts: () => new Map([...counts].map(([name, count]) => [name, { ...count }])),
    resetMax: () => {
      for (const count of counts.values()) count.maxMs = 0;
    },
    close: () => proxy.close(),
  };
}

function occurrences(text: string, word: string): number {
  let n = 0;
  for (let at = text.indexOf(word); at >= 0; at = text.indexOf(word, at + word.length)) n += 1;
  return n;
}

/** `after - before`, operation by operation. */
export function operationDelta(
  before: Map<string, OperationCount>,
  after: Map<string, OperationCount>,
): Map<string, OperationCount> {
  const delta = new Map<string, OperationCount>();
  for (const [name, count] of after) {
    const was = before.get(name) ?? { requests: 0, batchItems: 0, refused: 0, totalMs: 0, maxMs: 0 };
    if (count.requests > was.requests)
      delta.set(name, {
        requests: count.requests - was.requests,
        batchItems: count.batchItems - was.batchItems,
        refused: count.refused - was.refused,
        totalMs: count.totalMs - was.totalMs,
        // The longest since the last resetMax().
        maxMs: count.maxMs,
      });
  }
  return delta;
}
