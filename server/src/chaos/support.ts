import type { ChildProcess } from 'node:child_process';
import { spawnSync } from 'node:child_process';
import path from 'node:path';

/**
 * The process helpers the chaos run shares with the integration tests: free loopback ports, a stop that asks
 * nicely first (server/test/support/processes.ts), and Amazon's DynamoDB Local started exactly as the integration
 * tests start it (server/test/support/dynamodb-local.ts). The integration test passes them in directly; the
 * command line loads those TypeScript modules through Vite's module runner (the one Vitest runs them with),
 * since they live outside the compiled server.
 */
export interface DynamoDbLocal {
  endpoint: string;
  stop(): Promise<void>;
}

export interface ChaosSupport {
  freePort(): Promise<number>;
  stopProcess(child: ChildProcess, graceMs: number): Promise<void>;
  startDynamoDbLocal(): Promise<DynamoDbLocal>;
}

export async function loadTestSupport(root: string): Promise<ChaosSupport> {
  const { runnerImport } = await import('vite');
  const support = (file: string) => path.join(root, 'server/test/support', file);
  const [{ module: processes }, { module: dynamo }] = await Promise.all([
    runnerImport<Pick<ChaosSupport, 'freePort' | 'stopProcess'>>(support('processes.ts')),
    runnerImport<Pick<ChaosSupport, 'startDynamoDbLocal'>>(support('dynamodb-local.ts')),
  ]);
  return {
    freePort: processes.freePort,
    stopProcess: processes.stopProcess,
    startDynamoDbLocal: dynamo.startDynamoDbLocal,
  };
}

/**
 * The process id of the DynamoDB Local this process started on `port` (its `java … -port <port>` child), so a
 * store outage can be simulated by stopping it (SIGSTOP) and letting it go on (SIGCONT): in-memory DynamoDB
 * Local keeps its tables through that, not through a restart.
 */
export function dynamoDbLocalPid(endpoint: string): number {
  const port = new URL(endpoint).port;
  const ps = spawnSync('ps', ['-A', '-o', 'pid=,ppid=,args='], { encoding: 'utf8' });
  if (ps.status !== 0) throw new Error(`ps failed: ${ps.stderr}`);
  for (const line of ps.stdout.split('\n')) {
    const match = /^\s*(\d+)\s+(\d+)\s+(.*)$/.exec(line);
    if (!match) continue;
    const [, pid, ppid, args] = match;
    if (Number(ppid) !== process.pid || !args!.includes('DynamoDBLocal.jar')) continue;
    if (args!.split(/\s+/).join(' ').includes(`-port ${port}`)) return Number(pid);
  }
  throw new Error(`no DynamoDB Local child of this process listens on port ${port}`);
}
