import crypto from 'node:crypto';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Alert, NotificationRecord } from '@tickwatch/shared';
import { AlertsRepository, type PendingNotification } from '../../src/store/alerts-repository.js';
import { NotificationsRepository } from '../../src/store/notifications-repository.js';
import { FakeSmtp, parseMessage } from '../support/fake-smtp.js';
import { eventually, restartedEngine, startTestServer, type TestServer } from '../support/harness.js';
import { connectClient, type ConnectedClient } from '../support/sockets.js';
import { priceAlert, signIn, type TestUser } from '../support/users.js';

const MINUTE = 60_000;

describe(`fires that explain themselves, and message templates, on ${inject('dynamoKind')}`, () => {
  let server: TestServer;
  let smtp: FakeSmtp;
  const clients: ConnectedClient[] = [];
  let clock = Date.now() - 20 * MINUTE;

  beforeAll(async () => {
    smtp = await FakeSmtp.start();
    server = await startTestServer({ SMTP_URL: smtp.url, MAIL_FROM: 'Tickwatch <alerts@tickwatch.test>' });
  });
  afterEach(() => {
    for (const c of clients.splice(0)) c.close();
  });
  afterAll(async () => {
    await server.close();
    await smtp.close();
  });

  /** Sends each price as its own tick, a millisecond apart, and waits until the engine recorded what it decided. */
  async function play(symbol: string, prices: number[]): Promise<number[]> {
    const times: number[] = [];
    for (const price of prices) {
      times.push((clock += 1));
      expect((await server.ingest({ symbol, timestamp: clock, price, volume: 1 })).status).toBe(202);
    }
    await server.app.engine.idle();
    return times;
  }

  async function historyOf(user: TestUser, symbol: string): Promise<NotificationRecord[]> {
    return (await user.notifications(`?symbol=${symbol}`)).items;
  }

  it('keeps the tick, the value before a crossing and the condition as worded, through the API and the socket', async () => {
    const user = await signIn(server, 'evidence-crossing');
    const tab = await connectClient(server.url, { token: user.token });
    clients.push(tab);
    await user.createAlert(priceAlert('EVX', 'crosses_above', 100));
    const [, at] = await play('EVX', [99.5, 101.25]);
    const [record] = await historyOf(user, 'EVX');
    expect(record?.evidence).toEqual({
      tick: { price: 101.25, timestamp: at },
      value: 101.25,
      level: 100,
      before: 99.5,
      condition: 'EVX last price crosses above 100.00',
    });
    expect(record?.message).toBe('EVX last price 101.25 crossed above 100.00');
    await eventually(() => expect(tab.alerts).toHaveLength(1));
    expect(tab.alerts[0]?.evidence).toEqual(record?.evidence);
    const replay = await tab.socket.timeout(5000).emitWithAck('notifications:replay', { after: 0 });
    expect(replay).toEqual({ ok: true, data: { replayed: 1 } });
    await eventually(() => expect(tab.alerts).toHaveLength(2));
    expect(tab.alerts[1]?.evidence).toEqual(record?.evidence);
  });

  it('has no value before for a level condition, and keeps the condition as it was worded when it fired', async () => {
    const user = await signIn(server, 'evidence-level');
    const alert = await user.createAlert(priceAlert('EVL', '>', 50));
    await play('EVL', [49, 51]);
    const patched = await user.request('PATCH', `/api/alerts/${alert.alert_id}`, { condition: { threshold: 60 } });
    expect(patched.status).toBe(200);
    const [record] = await historyOf(user, 'EVL');
    expect(record?.evidence).toMatchObject({
      value: 51,
      level: 50,
      before: null,
      condition: 'EVL last price above 50.00',
    });
    expect(record?.evidence?.values).toBeUndefined();
  });

  it('keeps the indicator value of an indicator condition', async () => {
    const user = await signIn(server, 'evidence-indicator');
    const base = Math.floor(Date.now() / MINUTE) * MINUTE - 30 * MINUTE;
    // Ten one-minute bars at 100: the SMA(5) is 100 before the alert exists.
    await server.ingest(
      Array.from({ length: 10 }, (_, i) => ({ symbol: 'EVI', timestamp: base + i * MINUTE, price: 100, volume: 10 })),
    );
    await eventually(async () => {
      const page = (await (await fetch(`${server.url}/api/ticks/EVI?limit=100`)).json()) as { items: unknown[] };
      expect(page.items).toHaveLength(10);
    });
    await user.createAlert({
      symbol: 'EVI',
      condition_type: 'indicator',
      condition: { indicator: 'sma', period: 5, interval: '1m', operator: 'crosses_above', threshold: 101 },
      notification_method: 'websocket',
      message: '{{symbol}} SMA {{previous}} -> {{indicator}} over {{threshold}} ({{condition}})',
    });
    await server.app.engine.idle();
    await server.ingest({ symbol: 'EVI', timestamp: base + 10 * MINUTE, price: 110, volume: 10 });
    await server.app.engine.idle();
    const [record] = await historyOf(user, 'EVI');
    // One bar of 110 among four of 100: the SMA(5) goes from 100 to 102.
    expect(record?.evidence).toMatchObject({
      value: 102,
      level: 101,
      before: 100,
      values: { indicator: 102 },
      condition: 'EVI SMA(5, 1m) crosses above 101.00',
    });
    expect(record?.message).toBe('EVI SMA 100.00 -> 102.00 over 101.00 (EVI SMA(5, 1m) crosses above 101.00)');
  });

  it('keeps a fundamental metric with its input, and renders a template into the email it sends', async () => {
    const user = await signIn(server, 'evidence-fundamental');
    expect((await user.request('PUT', '/api/me/channels', { email: 'value@example.com' })).status).toBe(200);
    const put = await fetch(`${server.url}/api/fundamentals/EVF`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json', 'x-api-key': server.config.ingestApiKey },
      body: JSON.stringify({ eps_ttm: 10, shares_outstanding: 1e9, annual_dividend: 2 }),
    });
    expect(put.status).toBe(200);
    await user.createAlert({
      symbol: 'EVF',
      condition_type: 'fundamental',
      condition: { metric: 'pe_ratio', operator: '<', threshold: 15 },
      notification_method: 'email',
      message: 'Cheap {{symbol}}: P/E {{metric}} on EPS {{eps_ttm}} at {{price}}, {{time}}',
    });
    const [, at] = await play('EVF', [160, 140]);
    const [record] = await historyOf(user, 'EVF');
    expect(record?.evidence).toEqual({
      tick: { price: 140, timestamp: at },
      value: 14,
      level: 15,
      before: null,
      condition: 'EVF P/E below 15.00',
      values: { metric: 14, eps_ttm: 10 },
    });
    const rendered = `Cheap EVF: P/E 14.00 on EPS 10.00 at 140.00, ${new Date(at!).toISOString()}`;
    expect(record?.message).toBe(rendered);
    const mail = await eventually(() => {
      const found = smtp.messages.find((m) => m.rcptTo.includes('value@example.com'));
      expect(found).toBeDefined();
      return found!;
    });
    const { headers, parts } = parseMessage(mail.raw);
    expect(headers.get('subject')).toContain(rendered);
    expect(parts.get('text/plain')).toContain(rendered);
  });

  it('writes the evidence of a record a crash left parked in its alert', async () => {
    const user = await signIn(server, 'evidence-parked');
    const alert = await user.createAlert(priceAlert('EVP', 'crosses_below', 10));
    const alerts = new AlertsRepository(server.store.clients.doc, server.store.tables.alerts);
    const notifications = new NotificationsRepository(server.store.clients.doc, server.store.tables.notifications);
    const triggeredAt = (clock += 1);
    const pending: PendingNotification = {
      notification_id: crypto.randomUUID(),
      user_id: user.userId,
      alert_id: alert.alert_id,
      symbol: 'EVP',
      current_price: 9.5,
      threshold: 10,
      triggered_at: triggeredAt,
      notification_method: 'websocket',
      condition_type: 'price_threshold',
      message: 'EVP last price 9.50 crossed below 10.00',
      evidence: {
        tick: { price: 9.5, timestamp: triggeredAt },
        value: 9.5,
        level: 10,
        before: 10.25,
        condition: 'EVP last price crosses below 10.00',
      },
    };
    const stored = (await alerts.get(alert.alert_id))!;
    await alerts.claimFire(alert.alert_id, stored.version, {
      lastTriggered: Math.floor(triggeredAt / 1000),
      lastFiredMs: triggeredAt,
      disarm: false,
      disable: false,
      pending,
    });
    // A second engine on the same tables starts as the next run would, and finishes the parked record.
    const engine = await restartedEngine(server, alerts, notifications);
    await engine.close();
    const [record] = await historyOf(user, 'EVP');
    expect(record?.notification_id).toBe(pending.notification_id);
    expect(record?.evidence).toEqual(pending.evidence);
  });

  it('reads an alert stored before templates as having none, and fires it with the standard sentence', async () => {
    const user = await signIn(server, 'evidence-old-alert');
    const alert = await user.createAlert(priceAlert('EVO', '>', 10, { message: '{{symbol}} up' }));
    await server.store.clients.doc.send(
      new UpdateCommand({
        TableName: server.store.tables.alerts,
        Key: { alert_id: alert.alert_id },
        UpdateExpression: 'REMOVE message',
      }),
    );
    const read = (await (await user.request('GET', `/api/alerts/${alert.alert_id}`)).json()) as Alert;
    expect(read.message).toBe('');
    const listed = (await (await user.request('GET', '/api/alerts')).json()) as { items: Alert[] };
    expect(listed.items.map((a) => a.message)).toEqual(['']);
    const patched = await user.request('PATCH', `/api/alerts/${alert.alert_id}`, { note: 'old' });
    expect(((await patched.json()) as Alert).message).toBe('');
    await play('EVO', [5, 11]);
    const [record] = await historyOf(user, 'EVO');
    expect(record?.message).toBe('EVO last price 11.00 is above 10.00');
  });

  it('refuses a template with an unknown placeholder or unbalanced braces, naming the field', async () => {
    const user = await signIn(server, 'evidence-templates');
    const bad = await user.request('POST', '/api/alerts', priceAlert('EVT', '>', 10, { message: '{{symbl}} up' }));
    expect(bad.status).toBe(400);
    const created = await user.createAlert(priceAlert('EVT', '>', 10, { message: '{{symbol}} up' }));
    expect(created.message).toBe('{{symbol}} up');
    for (const message of ['{{prcie}}', '{{price', 'price}}']) {
      const res = await user.request('PATCH', `/api/alerts/${created.alert_id}`, { message });
      expect(res.status, message).toBe(400);
      const { error } = (await res.json()) as { error: { issues: { path: string; message: string }[] } };
      expect(error.issues.map((i) => i.path)).toEqual(['message']);
      expect(error.issues[0]?.message).toMatch(
        message === '{{prcie}}' ? /\{\{prcie\}\} is not a placeholder/ : /\{\{|\}\}/,
      );
    }
    const cleared = await user.request('PATCH', `/api/alerts/${created.alert_id}`, { message: '' });
    expect(((await cleared.json()) as Alert).message).toBe('');
    await play('EVT', [5, 11]);
    const [record] = await historyOf(user, 'EVT');
    expect(record?.message).toBe('EVT last price 11.00 is above 10.00');
  });
});
