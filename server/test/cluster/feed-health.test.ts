import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { SymbolHealth } from '@tickwatch/shared';
import {
  postUntilAccepted,
  signInOn,
  startCluster,
  waitForDivision,
  type NodeProcess,
  type Posting,
  type TestCluster,
} from '../support/cluster.js';
import { eventually } from '../support/harness.js';
import { connectClient, type ConnectedClient } from '../support/sockets.js';
import { priceAlert } from '../support/users.js';

const kind = inject('dynamoKind');
const WAIT_MS = 20_000;

/**
 * Feed health in a cluster of two processes: a tick posted to one is known to the other (every process follows every
 * tick stream), and a tab on either hears each change and each feed-blind notice once, from its own process.
 */
describe.skipIf(kind !== 'dynamodb-local')('feed health in a cluster (DynamoDB Local pass only)', () => {
  let cluster: TestCluster;
  let a: NodeProcess;
  let b: NodeProcess;
  const sockets: ConnectedClient[] = [];
  const posting: Posting = { unavailable: 0, withoutRetryAfter: 0 };

  beforeAll(async () => {
    cluster = await startCluster({ nodes: 2, env: { FEED_QUIET_SECONDS: '1' } });
    [a, b] = cluster.nodes as [NodeProcess, NodeProcess];
    await waitForDivision(cluster.nodes);
  }, 120_000);

  afterAll(async () => {
    for (const socket of sockets) socket.close();
    const left = await cluster?.stop();
    expect(left ?? []).toEqual([]);
  }, 60_000);

  async function tab(node: NodeProcess, token?: string) {
    const client = await connectClient(node.url, token ? { token } : {});
    sockets.push(client);
    return client;
  }

  it('shows a symbol posted to one process quiet on both, and tells a tab on the other each change once', async () => {
    const watcher = await tab(a);
    await watcher.subscribe(['CFHA', 'CFHB']);
    const at = Date.now();
    await postUntilAccepted(b, [{ seq: 0, symbol: 'CFHA', price: 10, timestamp: at }], posting);
    for (const node of [a, b]) {
      await eventually(async () => {
        const health = (await (await fetch(`${node.url}/api/symbols/CFHA`)).json()) as SymbolHealth;
        expect(health).toEqual({ symbol: 'CFHA', state: 'quiet', since: at, last_trade_at: at });
      }, WAIT_MS);
    }
    await eventually(
      () =>
        expect(watcher.health.filter((h) => h.symbol === 'CFHA').map((h) => [h.state, h.since])).toEqual([
          ['never_seen', null],
          ['live', null],
          ['quiet', at],
        ]),
      WAIT_MS,
    );
    // A later change of another symbol: a second copy of CFHA's changes, from the other process, would be in by then.
    await postUntilAccepted(b, [{ seq: 1, symbol: 'CFHB', price: 10, timestamp: Date.now() }], posting);
    await eventually(
      () => expect(watcher.health.filter((h) => h.symbol === 'CFHB' && h.state === 'quiet')).toHaveLength(1),
      WAIT_MS,
    );
    expect(watcher.health.filter((h) => h.symbol === 'CFHA')).toHaveLength(3);
  });

  it('tells an opted-in user’s tab on one process once, whichever process took the alert and the tick', async () => {
    const user = await signInOn(b, 'cluster-blind');
    await user.createAlert(b, priceAlert('CFHN', '>', 100));
    expect((await user.request(b, 'PUT', '/api/me/feed-alerts', { blind_minutes: 1 })).status).toBe(200);
    const onA = await tab(a, user.token);
    const onB = await tab(b, user.token);
    const since = Date.now() - 120_000;
    await postUntilAccepted(b, [{ seq: 2, symbol: 'CFHN', price: 10, timestamp: since }], posting);
    for (const each of [onA, onB]) {
      await eventually(() => expect(each.notices).toEqual([{ symbol: 'CFHN', since, minutes: 1 }]), WAIT_MS);
    }
    // The next spell is told again, once; a duplicate of the first would have come before it.
    const next = Date.now() - 90_000;
    await postUntilAccepted(a, [{ seq: 3, symbol: 'CFHN', price: 11, timestamp: next }], posting);
    for (const each of [onA, onB]) {
      await eventually(
        () =>
          expect(each.notices).toEqual([
            { symbol: 'CFHN', since, minutes: 1 },
            { symbol: 'CFHN', since: next, minutes: 1 },
          ]),
        WAIT_MS,
      );
    }
  });
});
