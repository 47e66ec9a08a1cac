import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { HealthReport, TickPage } from '@tickwatch/shared';
import { storedTickTimes } from '../../src/chaos/api.js';
import { healthOf, sleep, startCluster, type NodeProcess, type TestCluster } from '../support/cluster.js';

const kind = inject('dynamoKind');

/** Simulator ticks per second, over both symbols. */
const RATE = 20;
const SYMBOLS = ['FDA', 'FDB'];
/** The window the stored ticks are counted over. */
const WINDOW_MS = 5_000;

/**
 * The feed in a cluster: FEED=simulator on three real server processes, and exactly one of them runs it (the
 * holder of the feed lease); the others stand by. kill -9 of that one must hand the feed to another within 15 s
 * (the issue's bound; the lease is 10 s, renewed every 2 s), and never to two at once: one process streaming at
 * every look, and stored simulator ticks at the configured rate, not twice it.
 *
 * Cluster mode refuses the embedded store (it lives inside one process and cannot be shared), so this file runs in
 * the DynamoDB Local pass of the integration tests only.
 */
describe.skipIf(kind !== 'dynamodb-local')(
  'the feed in a cluster (DynamoDB Local pass only: cluster mode needs a shared store)',
  () => {
    let cluster: TestCluster;

    beforeAll(async () => {
      cluster = await startCluster({
        // One stored item per trade: the stored rate is the feed's.
        env: {
          FEED: 'simulator',
          SIM_TICKS_PER_SECOND: String(RATE),
          SIM_SYMBOLS: SYMBOLS.join(','),
          TICK_STORE: 'trades',
        },
      });
    }, 120_000);

    afterAll(async () => {
      const left = await cluster?.stop();
      expect(left ?? []).toEqual([]);
    }, 60_000);

    it('resumes the feed on another process within 15 s of a kill -9 of its leader, and never runs it twice', async (context) => {
      const nodes = cluster.nodes;
      const leader = await oneStreaming(nodes, 20_000);
      const rateBefore = await storedRate(
        nodes.find((n) => n !== leader)!,
        Date.now(),
      );

      await leader.kill9();
      const killedAt = Date.now();
      const survivors = nodes.filter((node) => node !== leader);
      // Look every 100 ms until one survivor streams, then 5 s more: never two at once, and then always one.
      const looks: { at: number; streaming: string[]; standby: string[] }[] = [];
      let resumedAt: number | undefined;
      while (Date.now() - killedAt < 20_000 && (resumedAt === undefined || Date.now() - resumedAt < 5_000)) {
        const reports = await Promise.all(survivors.map((node) => healthOf(node, 1_000)));
        const look = {
          at: Date.now(),
          streaming: survivors.filter((_, i) => streaming(reports[i])).map((node) => node.name),
          standby: survivors.filter((_, i) => reports[i]?.feed.state === 'standby').map((node) => node.name),
        };
        looks.push(look);
        if (resumedAt === undefined && look.streaming.length > 0) resumedAt = look.at;
        await sleep(100);
      }
      const resumer = survivors.find((node) => looks.at(-1)!.streaming.includes(node.name));
      // The first tick the new leader stored, and the rate once it runs.
      const firstAfter = resumer && (await firstStoredAfter(resumer, killedAt));
      const rateAfter = resumer && resumedAt !== undefined ? await storedRate(resumer, resumedAt + 500) : undefined;

      for (const line of [
        `leader ${leader.name} killed; ${resumer?.name ?? 'no survivor'} streaming ${resumedAt === undefined ? 'never' : `${resumedAt - killedAt} ms`} after the kill (health looked at every 100 ms)`,
        `first stored simulator tick after the kill: ${firstAfter === undefined ? 'none' : `${firstAfter - killedAt} ms`}`,
        `stored simulator ticks per second (configured ${RATE}): before the kill ${rateBefore}, after ${rateAfter ?? 'n/a'}`,
        `looks with two survivors streaming: ${looks.filter((l) => l.streaming.length > 1).length} of ${looks.length}`,
      ]) {
        void context.annotate(line);
      }
      expect(resumedAt, 'a survivor streaming').toBeDefined();
      expect(resumedAt! - killedAt).toBeLessThanOrEqual(15_000);
      expect(firstAfter! - killedAt).toBeLessThanOrEqual(15_000);
      expect(looks.filter((look) => look.streaming.length > 1)).toEqual([]);
      // From the takeover on: exactly one streams and the other stands by.
      for (const look of looks.filter((l) => l.at >= resumedAt!)) {
        expect(look.streaming).toEqual([resumer!.name]);
        expect(look.standby).toHaveLength(survivors.length - 1);
      }
      // One simulator's worth of ticks, not two. The simulator catches up on a late timer, so the count by tick time
      // holds even on a loaded machine; the bounds only tell "one feed" from "none" and "two".
      expect(rateBefore).toBeGreaterThan(RATE * 0.5);
      expect(rateBefore).toBeLessThan(RATE * 1.5);
      expect(rateAfter).toBeGreaterThan(RATE * 0.5);
      expect(rateAfter).toBeLessThan(RATE * 1.5);
    }, 120_000);
  },
);

function streaming(report: HealthReport | undefined): boolean {
  return report?.feed.state === 'streaming' && report.cluster?.feedLeader === true;
}

/** Waits until exactly one node streams the feed and the others stand by; resolves with that node. */
async function oneStreaming(nodes: NodeProcess[], timeoutMs: number): Promise<NodeProcess> {
  const deadline = Date.now() + timeoutMs;
  let last = 'no answer yet';
  while (Date.now() < deadline) {
    const reports = await Promise.all(nodes.map((node) => healthOf(node)));
    const leaders = nodes.filter((_, i) => streaming(reports[i]));
    const standby = reports.filter((r) => r?.feed.state === 'standby').length;
    if (leaders.length === 1 && standby === nodes.length - 1) return leaders[0]!;
    last = JSON.stringify(reports.map((r) => r?.feed.state));
    await sleep(200);
  }
  throw new Error(`not exactly one process streaming the feed within ${timeoutMs / 1000} s: ${last}`);
}

/**
 * Stored simulator ticks per second over [from, from + WINDOW_MS], once every symbol has a stored tick past the
 * window (each shard's ticks are stored in order, so the window is complete by then).
 */
async function storedRate(reader: NodeProcess, from: number): Promise<number> {
  const to = from + WINDOW_MS;
  const deadline = to + 30_000;
  for (;;) {
    const newest = await Promise.all(SYMBOLS.map((symbol) => newestStored(reader, symbol)));
    if (newest.every((t) => t !== undefined && t > to)) break;
    if (Date.now() > deadline) throw new Error(`the ticks of [${from}, ${to}] were not all stored 30 s after`);
    await sleep(250);
  }
  const times = (await Promise.all(SYMBOLS.map((symbol) => storedTickTimes(reader.url, symbol, from, to)))).flat();
  return Math.round((times.length / WINDOW_MS) * 1000 * 10) / 10;
}

async function firstStoredAfter(reader: NodeProcess, after: number): Promise<number | undefined> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    const times = (
      await Promise.all(SYMBOLS.map((symbol) => storedTickTimes(reader.url, symbol, after + 1, after + 60_000)))
    ).flat();
    if (times.length > 0) return Math.min(...times);
    await sleep(250);
  }
  return undefined;
}

async function newestStored(reader: NodeProcess, symbol: string): Promise<number | undefined> {
  const res = await fetch(`${reader.url}/api/ticks/${symbol}?limit=1`);
  if (!res.ok) return undefined;
  return ((await res.json()) as TickPage).items[0]?.timestamp;
}
