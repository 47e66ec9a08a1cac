import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { expectedFires } from './oracle.js';
import { makePlan, type PlanSize } from './plan.js';
import { fireLines, killTable, windowSummary } from './report.js';
import { runScenario, type ScenarioResult, type StoreTarget } from './scenario.js';
import { ServerProcess } from './server-process.js';
import { dynamoDbLocalPid, loadTestSupport, type ChaosSupport } from './support.js';

/**
 * `npm run chaos`: the chaos run of docs/chaos.md against the embedded store and Amazon's DynamoDB Local.
 *   --quick          a smaller run (about a minute per store)
 *   --crash-window   measure what kill -9 loses under a steady ingest rate, instead of the fault mix
 *   --store <name>   embedded, dynamodb-local or both (default)
 *   --seed <text>    the seed of the plan (default tickwatch-chaos)
 *   --rate <n>       ticks posted per second
 * Exits non-zero on any duplicate fire, any fire lost or fired outside the crash window, any recorded fire that
 * never reached its user's tab.
 */

// The chaos run is on Node 20 by design, as the tests are: the SDK's notice about its future Node 22 requirement
// (DynamoDB Local's readiness check uses the SDK in this process) would otherwise interrupt the report.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));

const { values: args } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    'crash-window': { type: 'boolean', default: false },
    store: { type: 'string', default: 'both' },
    seed: { type: 'string', default: 'tickwatch-chaos' },
    rate: { type: 'string' },
  },
});

const STORE_NAMES = ['embedded', 'dynamodb-local'] as const;
const isStore = (name: string): name is StoreTarget['name'] => (STORE_NAMES as readonly string[]).includes(name);
if (args.store !== 'both' && !isStore(args.store)) {
  console.error(`--store must be embedded, dynamodb-local or both, not ${args.store}`);
  process.exit(2);
}
const STORES: StoreTarget['name'][] = isStore(args.store) ? [args.store] : [...STORE_NAMES];

const crashWindow = args['crash-window'];
const rate = Number(args.rate ?? (crashWindow ? 200 : args.quick ? 50 : 25));
if (!Number.isFinite(rate) || rate <= 0) {
  console.error(`--rate must be a positive number of ticks per second, not ${args.rate}`);
  process.exit(2);
}
/**
 * The chaos mix: at 25 ticks/s the 320 alerts fire about 40 times a second, what the embedded store records in
 * real time on a 2-core machine; the full run expects over 6,000 fires per store. The crash-window run posts a
 * steady rate (20 requests a second, batches growing with the rate) for about 45 s, with 8 alerts (so that
 * recording fires does not load the store much), and kills the server 8 times.
 */
const size: PlanSize = crashWindow
  ? {
      users: 4,
      alertsPerUser: 2,
      symbols: 4,
      ticks: Math.round(rate * (args.quick ? 17 : 45)),
      batchSize: Math.max(10, Math.round(rate / 20)),
      kills: args.quick ? 3 : 8,
      outages: 0,
      restarts: 0,
      drops: 0,
    }
  : args.quick
    ? {
        users: 12,
        alertsPerUser: 6,
        symbols: 4,
        ticks: 1_200,
        batchSize: 10,
        kills: 2,
        outages: 1,
        restarts: 1,
        drops: 15,
      }
    : {
        users: 40,
        alertsPerUser: 8,
        symbols: 4,
        ticks: 4_000,
        batchSize: 10,
        kills: 4,
        outages: 2,
        restarts: 1,
        drops: 60,
      };

/** Child processes to kill however this process ends. */
const children = new Set<number>();
process.on('exit', () => {
  for (const child of ServerProcess.running) child.kill('SIGKILL');
  for (const pid of children) {
    try {
      process.kill(pid, 'SIGCONT');
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
});
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => process.exit(130));

const print = (line = '') => console.log(line);
const spreadOf = (v: { p50: number; max: number }) => `${Math.round(v.p50)}/${Math.round(v.max)}`;

async function runStore(support: ChaosSupport, name: StoreTarget['name'], workDir: string): Promise<ScenarioResult> {
  // Ticks stamped a few minutes in the past, one millisecond apart: all live (the store keeps 24 h), all distinct.
  const plan = makePlan(`${args.seed}:${name}`, size, Date.now() - 10 * 60_000);
  const expected = expectedFires(plan).length;
  print();
  print(
    `== ${name}: ${crashWindow ? 'crash window' : 'chaos'} run, seed "${plan.seed}", ${plan.ticks.length} ticks at ` +
      `${rate}/s, ${plan.alerts.length} level alerts of ${plan.users.length} users, ${expected} fires expected ==`,
  );
  const progress = (line: string) => print(`  ${line}`);
  if (name === 'embedded') {
    const dataDir = path.join(workDir, 'data-embedded');
    await fs.mkdir(dataDir, { recursive: true });
    return runScenario({
      root: ROOT,
      support,
      store: { name, env: { DATA_DIR: dataDir } },
      plan,
      rate,
      workDir,
      progress,
    });
  }
  const dynamo = await support.startDynamoDbLocal();
  const pid = dynamoDbLocalPid(dynamo.endpoint);
  children.add(pid);
  try {
    return await runScenario({
      root: ROOT,
      support,
      store: {
        name,
        env: { DYNAMODB_ENDPOINT: dynamo.endpoint, TABLE_PREFIX: 'chaos_', DATA_DIR: workDir },
        outage: { stop: () => process.kill(pid, 'SIGSTOP'), resume: () => process.kill(pid, 'SIGCONT') },
      },
      plan,
      rate,
      workDir,
      progress,
    });
  } finally {
    process.kill(pid, 'SIGCONT');
    await dynamo.stop();
    children.delete(pid);
  }
}

function printResult(result: ScenarioResult): void {
  const { verdict, faults } = result;
  print(
    `faults      ${faults.kills} kill -9, ${faults.outages} store outages (${(faults.outageMs / 1000).toFixed(1)} s), ` +
      `${faults.drops} tab drops; ${faults.reposted} batches posted again after the server died under them`,
  );
  for (const line of fireLines(verdict)) print(line);
  for (const line of killTable(verdict.kills)) print(line);
  for (const stopped of result.restarts)
    print(`restart     SIGTERM mid-run → exit ${stopped.code}: "${stopped.lastLine}"`);
  print(`shutdown    SIGTERM → exit ${result.shutdown.code}: "${result.shutdown.lastLine}"`);
  print(
    `took        ${(result.durationMs / 1000).toFixed(0)} s; ${result.probes.count} health probes, ` +
      `write queue at most ${result.probes.maxQueued} ticks; server log ${result.logFile}`,
  );
  print(`verdict     ${verdict.ok ? 'OK' : 'FAILED'}`);
}

async function main(): Promise<number> {
  const workDir = await fs.mkdtemp(path.join(os.tmpdir(), 'tickwatch-chaos-'));
  const support = await loadTestSupport(ROOT);
  const results: ScenarioResult[] = [];
  for (const store of STORES) {
    const result = await runStore(support, store, workDir);
    printResult(result);
    results.push(result);
  }
  print();
  print('== summary ==');
  print(
    'store           expected  recorded  lost in window  lost outside  duplicated  spurious in/out  deliveries lost',
  );
  for (const r of results) {
    const f = r.verdict.fires;
    const inside = Object.values(f.lostInside).reduce((a, b) => a + b, 0);
    print(
      `${r.store.padEnd(14)}  ${String(f.expected).padStart(8)}  ${String(f.recorded).padStart(8)}  ` +
        `${String(inside).padStart(14)}  ${String(f.lostOutside).padStart(12)}  ${String(f.duplicated).padStart(10)}  ` +
        `${`${f.spuriousInside}/${f.spuriousOutside}`.padStart(15)}  ${String(r.verdict.deliveries.lost).padStart(15)}`,
    );
  }
  if (crashWindow) {
    print();
    print('== crash window: what one kill -9 loses ==');
    print(
      'store           kills  ticks lost p50/max  exposure ms p50/max  fires lost p50/max  oldest fire lost ms p50/max',
    );
    for (const r of results) {
      const s = windowSummary(r.verdict.kills);
      print(
        `${r.store.padEnd(14)}  ${String(r.verdict.kills.length).padStart(5)}  ${spreadOf(s.ticksLost).padStart(18)}  ` +
          `${spreadOf(s.exposureMs).padStart(19)}  ${spreadOf(s.firesLost).padStart(18)}  ` +
          `${spreadOf(s.oldestFireLostMs).padStart(27)}`,
      );
    }
    print(
      'ticks answered after the last empty-queue health report (unconfirmed), p50/max: ' +
        results.map((r) => `${r.store} ${spreadOf(windowSummary(r.verdict.kills).windowTicks)}`).join(', '),
    );
  }
  const ok = results.every((r) => r.verdict.ok);
  if (ok) await fs.rm(workDir, { recursive: true, force: true });
  else print(`server logs kept in ${workDir}`);
  print(ok ? 'chaos: OK' : 'chaos: FAILED (see above)');
  return ok ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
