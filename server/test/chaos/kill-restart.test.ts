import { execFileSync } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { expectedFires } from '../../src/chaos/oracle.js';
import { makePlan } from '../../src/chaos/plan.js';
import { runScenario, type StoreTarget } from '../../src/chaos/scenario.js';
import type { ChaosSupport } from '../../src/chaos/support.js';
import { freePort, stopProcess } from '../support/processes.js';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const kind = inject('dynamoKind');

/**
 * The short version of `npm run chaos` (docs/chaos.md): the built server in its own process, on the embedded store
 * in its own DATA_DIR (so the store dies with it), killed with SIGKILL once in the middle of a seeded price walk
 * and started again, with a socket.io-client tab per user (a few of them dropped and reconnected). Whatever the
 * kill happens to catch in flight, no fire may be recorded twice, none may be lost or fired outside the crash
 * window, and every recorded fire reaches its tab.
 *
 * It runs in the embedded-store pass of the integration tests only. Against DynamoDB Local the same run, with
 * store outages too, is `npm run chaos`; in that pass it would load the machine while other files wait on DynamoDB
 * Local's background work (tables.test.ts's index upgrade polls with the SDK waiter's 20 s back-off within a 30 s
 * test and times out).
 */
describe.skipIf(kind !== 'embedded')('kill -9 and restart of the server process, on the embedded store', () => {
  let workDir: string;
  const support: ChaosSupport = {
    freePort,
    stopProcess,
    startDynamoDbLocal: () => Promise.reject(new Error('not used: this run is on the embedded store')),
  };

  beforeAll(() => {
    // The test runs the compiled server, as `npm start` does: compile it first (quick when it is up to date).
    execFileSync(process.execPath, [path.join(ROOT, 'node_modules/typescript/bin/tsc'), '-b', 'server'], {
      cwd: ROOT,
      stdio: 'inherit',
    });
  }, 120_000);

  afterAll(async () => {
    if (workDir) await fs.rm(workDir, { recursive: true, force: true });
  });

  it('records every fire once, loses none outside the crash window, and delivers every recorded fire', async () => {
    workDir = await fs.mkdtemp(path.join(os.tmpdir(), 'tickwatch-chaos-test-'));
    const store: StoreTarget = { name: 'embedded', env: { DATA_DIR: path.join(workDir, 'data') } };
    const plan = makePlan(
      'tickwatch-chaos:integration',
      {
        users: 8,
        alertsPerUser: 8,
        symbols: 2,
        ticks: 400,
        batchSize: 10,
        kills: 1,
        outages: 0,
        restarts: 0,
        drops: 4,
      },
      Date.now() - 10 * 60_000,
    );
    expect(expectedFires(plan).length).toBeGreaterThanOrEqual(300);

    const result = await runScenario({ root: ROOT, support, store, plan, rate: 100, workDir, quietMs: 1_500 });

    expect(result.faults.kills).toBe(1);
    const { fires, deliveries } = result.verdict;
    expect({
      duplicated: fires.duplicated,
      lostOutside: fires.lostOutside,
      spuriousOutside: fires.spuriousOutside,
      unmatched: fires.unmatched,
      undelivered: deliveries.lost,
      samples: result.verdict.samples,
    }).toEqual({
      duplicated: 0,
      lostOutside: 0,
      spuriousOutside: 0,
      unmatched: 0,
      undelivered: 0,
      samples: { lostOutside: [], duplicated: [], spuriousOutside: [], undelivered: [] },
    });
    expect(result.verdict.ok).toBe(true);
    // The clean shutdown after the run flushed everything and said so.
    expect(result.shutdown.code).toBe(0);
    expect(result.shutdown.lastLine).toMatch(
      /^stopped: stored \d+ queued ticks and recorded \d+ queued alert decisions/,
    );
  }, 120_000);
});
