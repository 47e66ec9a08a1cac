import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Alert, Tick, UsageReport } from '@tickwatch/shared';
import {
  CLUSTER_INGEST_KEY,
  postUntilAccepted,
  signInOn,
  sleep,
  startCluster,
  symbolsWhere,
  waitForDivision,
  type NodeProcess,
  type Posting,
  type TestCluster,
} from '../support/cluster.js';
import { eventually } from '../support/harness.js';
import { parsePrometheusText, sampleSum } from '../support/prometheus-text.js';
import { connectClient, type ConnectedClient } from '../support/sockets.js';
import { priceAlert } from '../support/users.js';

const kind = inject('dynamoKind');

/**
 * Cluster mode (issue 11), three real server processes on one Redis and the run's DynamoDB Local: a fire, a price
 * and an alert edit each start on one process and must take effect on another. The symbols are chosen by shard, so
 * that the process that owns a symbol (stores its ticks, evaluates its alerts) is never the one a tick was posted to
 * or the one the tab or widget is connected to.
 *
 * Cluster mode refuses the embedded store (it lives inside one process and cannot be shared), so this file runs in
 * the DynamoDB Local pass of the integration tests only.
 */
describe.skipIf(kind !== 'dynamodb-local')(
  'a cluster of three processes (DynamoDB Local pass only: cluster mode needs a shared store)',
  () => {
    let cluster: TestCluster;
    let a: NodeProcess;
    let b: NodeProcess;
    let c: NodeProcess;
    /** Each node's shards, in the order of cluster.nodes. */
    let shards: number[][];
    const sockets: ConnectedClient[] = [];
    const posting: Posting = { unavailable: 0, withoutRetryAfter: 0 };
    let clock = Date.now() - 60_000;
    /** Tick times strictly increasing across the file. */
    const nextTime = () => (clock = Math.max(clock + 1, Date.now()));
    const tick = (symbol: string, price: number) => ({ seq: 0, symbol, price, timestamp: nextTime() });

    beforeAll(async () => {
      cluster = await startCluster();
      [a, b, c] = cluster.nodes as [NodeProcess, NodeProcess, NodeProcess];
      shards = await waitForDivision(cluster.nodes);
    }, 120_000);

    afterAll(async () => {
      for (const socket of sockets) socket.close();
      const left = await cluster?.stop();
      expect(left ?? []).toEqual([]);
    }, 60_000);

    async function connect(node: NodeProcess, token?: string): Promise<ConnectedClient> {
      const client = await connectClient(node.url, token ? { token } : {});
      sockets.push(client);
      return client;
    }

    it('delivers a fire to the tab on another process once, records it once, and marks it sent by the tab’s ack', async () => {
      // The tick goes C → Redis → B (the owner), the fire B → the Socket.IO adapter → the tab on A, the ack back to B.
      const [symbol] = symbolsWhere('DLV', 1, (shard) => shards[1]!.includes(shard));
      const user = await signInOn(b, 'cluster-delivery');
      const tab = await connect(a, user.token);
      const alert = await user.createAlert(b, priceAlert(symbol!, '>', 100));

      await postUntilAccepted(c, [tick(symbol!, 101)], posting);

      await eventually(() => expect(tab.alerts).toHaveLength(1), 10_000);
      // Whatever is still in flight would arrive well within this.
      await sleep(1_000);
      expect(tab.alerts).toHaveLength(1);
      expect(tab.alerts[0]).toMatchObject({ alert_id: alert.alert_id, symbol, current_price: 101 });
      for (const node of cluster.nodes) {
        await eventually(async () => {
          const history = await user.history(node);
          expect(history.map((r) => [r.notification_id, r.delivery_status])).toEqual([
            [tab.alerts[0]!.notification_id, 'sent'],
          ]);
        }, 10_000);
      }
    });

    it('sends a widget on one process the ticks posted to another', async () => {
      // Neither the widget's process (B) nor the one the ticks are posted to (A) owns the symbol.
      const [symbol] = symbolsWhere('WDG', 1, (shard) => shards[2]!.includes(shard));
      const widget = await connect(b);
      expect(await widget.socket.emitWithAck('ticks:subscribe', [symbol!])).toEqual({
        ok: true,
        data: { subscribed: [symbol], invalid: [] },
      });

      const posted = [tick(symbol!, 10.01), tick(symbol!, 10.02), tick(symbol!, 10.03)];
      for (const t of posted) {
        await postUntilAccepted(a, [t], posting);
        await sleep(150);
      }

      const last = posted.at(-1)!;
      const seen = () => widget.frames.flat().filter((t: Tick) => t.symbol === symbol);
      await eventually(() => expect(seen().at(-1)).toMatchObject({ timestamp: last.timestamp, price: 10.03 }), 10_000);
      // Frames are conflated (a frame may skip a tick) but carry nothing that was not posted.
      for (const t of seen()) {
        expect(posted.map((p) => [p.timestamp, p.price])).toContainEqual([t.timestamp, t.price]);
        expect(t.source).toBe('http_ingest');
      }
    });

    it('stops firing an alert disabled through another process within 1 s', async () => {
      // The owner is B; the PATCH goes to A, the ticks to C.
      const [symbol] = symbolsWhere('DIS', 1, (shard) => shards[1]!.includes(shard));
      const user = await signInOn(a, 'cluster-disable');
      const tab = await connect(a, user.token);
      const disabled = await user.createAlert(b, priceAlert(symbol!, 'crosses_above', 100));
      // The same condition left enabled: proves the crossing tick after the PATCH was evaluated.
      const control = await user.createAlert(b, priceAlert(symbol!, 'crosses_above', 100));
      const firesOf = (alert: Alert) => tab.alerts.filter((r) => r.alert_id === alert.alert_id);

      await postUntilAccepted(c, [tick(symbol!, 99)], posting);
      await postUntilAccepted(c, [tick(symbol!, 101)], posting);
      await eventually(() => {
        expect(firesOf(disabled)).toHaveLength(1);
        expect(firesOf(control)).toHaveLength(1);
      }, 10_000);
      await postUntilAccepted(c, [tick(symbol!, 99)], posting);

      const patched = await user.request(a, 'PATCH', `/api/alerts/${disabled.alert_id}`, { enabled: false });
      expect(patched.status).toBe(200);
      expect(((await patched.json()) as Alert).enabled).toBe(false);
      await sleep(1_000);
      await postUntilAccepted(c, [tick(symbol!, 101)], posting);

      await eventually(() => expect(firesOf(control)).toHaveLength(2), 10_000);
      await sleep(1_000);
      expect(firesOf(disabled)).toHaveLength(1);
      const history = await user.history(c);
      expect(history.filter((r) => r.alert_id === disabled.alert_id)).toHaveLength(1);
      expect(history.filter((r) => r.alert_id === control.alert_id)).toHaveLength(2);
    });

    it("answers /api/usage on any process with the whole cluster's consumed units", async () => {
      // Each process stores the ticks of its own shards: the ticks table's writes are spread over all three.
      const posted = [0, 1, 2].map((i) => symbolsWhere(`USG${i}X`, 1, (shard) => shards[i]!.includes(shard))[0]!);
      for (const symbol of posted) await postUntilAccepted(a, [tick(symbol, 50)], posting);
      const usageOf = async (node: NodeProcess) => {
        const res = await fetch(`${node.url}/api/usage`, { headers: { 'x-api-key': CLUSTER_INGEST_KEY } });
        expect(res.status).toBe(200);
        return (await res.json()) as UsageReport;
      };
      /** What one process consumed since it started, by its own /metrics. */
      const consumedBy = async (node: NodeProcess) => {
        const res = await fetch(`${node.url}/metrics`, { headers: { 'x-api-key': CLUSTER_INGEST_KEY } });
        const families = parsePrometheusText(await res.text());
        return {
          ticks: sampleSum(families, 'tickwatch_dynamodb_consumed_units_total', { table: 'ticks', kind: 'write' }),
          all: sampleSum(families, 'tickwatch_dynamodb_consumed_units_total'),
        };
      };
      await eventually(async () => {
        const reports = await Promise.all(cluster.nodes.map(usageOf));
        const own = await Promise.all(cluster.nodes.map(consumedBy));
        for (const report of reports) expect(report.scope).toBe('cluster');
        // Each process adds its units every few seconds; once all have, each answers with the sum of all three.
        const sum = (values: number[]) => Math.round(values.reduce((s, v) => s + v, 0) * 1e6) / 1e6;
        expect(own.every((node) => node.ticks > 0)).toBe(true);
        for (const report of reports) {
          expect(report.lastHour.tables.realtime_ticks!.writeUnits).toBe(sum(own.map((node) => node.ticks)));
          const { readUnits, writeUnits } = report.lastHour.total;
          expect(Math.round((readUnits + writeUnits) * 1e6) / 1e6).toBe(sum(own.map((node) => node.all)));
        }
      }, 20_000);
    });
  },
);
