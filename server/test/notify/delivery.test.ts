import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { DELIVERY_FAILURES, type NotificationRecord } from '@tickwatch/shared';
import { eventually, startTestServer, type TestServer } from '../support/harness.js';
import { FakeSmtp, parseMessage } from '../support/fake-smtp.js';
import { FakeSns, snsError } from '../support/fake-sns.js';
import { connectClient, type ConnectedClient } from '../support/sockets.js';
import { priceAlert, signIn, type TestUser } from '../support/users.js';

describe(`notification delivery on ${inject('dynamoKind')}`, () => {
  let server: TestServer;
  let smtp: FakeSmtp;
  let sns: FakeSns;
  const clients: ConnectedClient[] = [];
  let clock = Date.now() - 60_000;

  beforeAll(async () => {
    smtp = await FakeSmtp.start();
    sns = await FakeSns.start();
    server = await startTestServer({
      SMTP_URL: smtp.url,
      MAIL_FROM: 'Tickwatch <alerts@tickwatch.test>',
      SNS_ENDPOINT: sns.endpoint,
      NOTIFY_MAX_ATTEMPTS: '3',
      NOTIFY_RETRY_BASE_MS: '20',
      NOTIFY_ACK_TIMEOUT_MS: '2000',
    });
  });
  afterEach(() => {
    for (const c of clients.splice(0)) c.close();
  });
  afterAll(async () => {
    await server.close();
    await smtp.close();
    await sns.close();
  });

  async function connect(user: TestUser, options: { acknowledge?: boolean } = {}) {
    const client = await connectClient(server.url, { token: user.token, ...options });
    clients.push(client);
    return client;
  }

  /** Crosses `symbol` above 100 once and waits until the fire is recorded and handed to delivery. */
  async function fire(symbol: string): Promise<void> {
    for (const price of [90, 110]) {
      clock += 10;
      expect((await server.ingest({ symbol, timestamp: clock, price, volume: 1 })).status).toBe(202);
    }
    await server.app.engine.idle();
  }

  async function historyOf(user: TestUser, symbol: string): Promise<NotificationRecord[]> {
    return (await user.notifications(`?symbol=${symbol}`)).items;
  }

  it('pushes a fire to every tab of its user, none to anyone else, and marks it sent when acknowledged', async () => {
    const alice = await signIn(server, 'alice-tabs');
    const mallory = await signIn(server, 'mallory');
    await alice.createAlert(priceAlert('TABS', '>', 100));
    await mallory.createAlert(priceAlert('OTHER', '>', 100));
    const [tab1, tab2, intruder] = [await connect(alice), await connect(alice), await connect(mallory)];
    await fire('TABS');
    await eventually(() => {
      expect(tab1.alerts).toHaveLength(1);
      expect(tab2.alerts).toHaveLength(1);
    });
    expect(tab1.alerts[0]).toMatchObject({ user_id: 'alice-tabs', symbol: 'TABS', current_price: 110 });
    const [record] = await eventually(async () => {
      const items = await historyOf(alice, 'TABS');
      expect(items[0]?.delivery_status).toBe('sent');
      return items;
    });
    expect(record!.message_id).toBeNull();
    await eventually(() => expect(tab1.updates.map((u) => u.delivery_status)).toContain('sent'));
    expect(intruder.alerts).toHaveLength(0);
    expect(intruder.updates).toHaveLength(0);
  });

  it('leaves a fire pending while no tab acknowledges it', async () => {
    const bob = await signIn(server, 'bob-silent');
    await bob.createAlert(priceAlert('SILENT', '>', 100));
    const tab = await connect(bob, { acknowledge: false });
    await fire('SILENT');
    await eventually(() => expect(tab.alerts).toHaveLength(1));
    await server.app.delivery.idle();
    expect((await historyOf(bob, 'SILENT'))[0]?.delivery_status).toBe('pending');
  });

  it('replays fires a user missed while offline, exactly once, and marks them sent', async () => {
    const carol = await signIn(server, 'carol-offline');
    await carol.createAlert(priceAlert('AWAY', '>', 100));
    await fire('AWAY');
    await fire('AWAY');
    await server.app.delivery.idle();
    expect((await historyOf(carol, 'AWAY')).map((r) => r.delivery_status)).toEqual(['pending', 'pending']);

    const tab = await connect(carol);
    const ack = await tab.socket.timeout(5000).emitWithAck('notifications:replay', { after: 0 });
    expect(ack).toEqual({ ok: true, data: { replayed: 2 } });
    expect(tab.alerts.map((r) => r.symbol)).toEqual(['AWAY', 'AWAY']);
    expect(tab.alerts[0]!.triggered_at).toBeLessThan(tab.alerts[1]!.triggered_at);
    const newest = tab.alerts[1]!.triggered_at;
    await eventually(async () =>
      expect((await historyOf(carol, 'AWAY')).map((r) => r.delivery_status)).toEqual(['sent', 'sent']),
    );

    // Reconnecting with the newest it has seen brings nothing twice.
    const again = await connect(carol);
    expect(await again.socket.timeout(5000).emitWithAck('notifications:replay', { after: newest })).toEqual({
      ok: true,
      data: { replayed: 0 },
    });
    expect(again.alerts).toHaveLength(0);
  });

  it('replays a fire recorded while the tab was away even when it is stamped before the newest one the tab saw', async () => {
    const dora = await signIn(server, 'dora-late');
    await dora.createAlert(priceAlert('LATER', '>', 100));
    await dora.createAlert(priceAlert('BEHIND', '>', 100));
    const tab = await connect(dora);
    const now = Date.now();
    // The tab sees and acknowledges a fire stamped now.
    for (const [timestamp, price] of [
      [now - 10, 90],
      [now, 110],
    ] as const) {
      await server.ingest({ symbol: 'LATER', timestamp, price, volume: 1 });
    }
    await eventually(() => expect(tab.alerts.map((r) => r.symbol)).toEqual(['LATER']));
    const newestSeen = tab.alerts[0]!.triggered_at;
    tab.close();
    // While it is away, a feed that runs behind records a fire stamped 4 s earlier.
    for (const [timestamp, price] of [
      [now - 4_010, 90],
      [now - 4_000, 110],
    ] as const) {
      await server.ingest({ symbol: 'BEHIND', timestamp, price, volume: 1 });
    }
    await server.app.engine.idle();
    await server.app.delivery.idle();
    const back = await connect(dora);
    const ack = await back.socket.timeout(5000).emitWithAck('notifications:replay', { after: newestSeen });
    expect(ack).toEqual({ ok: true, data: { replayed: 1 } });
    expect(back.alerts.map((r) => [r.symbol, r.triggered_at < newestSeen])).toEqual([['BEHIND', true]]);
    await eventually(async () => expect((await historyOf(dora, 'BEHIND'))[0]?.delivery_status).toBe('sent'));
  });

  it('refuses replay to an anonymous socket and rejects a malformed request', async () => {
    const anonymous = await connectClient(server.url);
    clients.push(anonymous);
    const refused = await anonymous.socket.timeout(5000).emitWithAck('notifications:replay', { after: 0 });
    expect(refused).toMatchObject({ ok: false, error: { id: 'unauthorized' } });
    const dave = await signIn(server, 'dave-bad');
    const tab = await connect(dave);
    const bad = await tab.socket.timeout(5000).emitWithAck('notifications:replay', { after: -1 } as never);
    expect(bad).toMatchObject({ ok: false, error: { id: 'validation_failed' } });
  });

  it('emails a fire through SMTP and records the Message-ID', async () => {
    const erin = await signIn(server, 'erin-mail');
    expect((await erin.request('PUT', '/api/me/channels', { email: 'erin@example.com' })).status).toBe(200);
    await erin.createAlert(priceAlert('MAIL', '>', 100, { notification_method: 'email' }));
    const tab = await connect(erin);
    await fire('MAIL');
    await eventually(() => expect(smtp.messages.filter((m) => m.rcptTo.includes('erin@example.com'))).toHaveLength(1));
    const message = smtp.messages.find((m) => m.rcptTo.includes('erin@example.com'))!;
    const { headers, parts } = parseMessage(message.raw);
    expect(headers.get('subject')).toContain('MAIL last price 110.00 is above 100.00');
    expect(parts.get('text/plain')).toContain('Price 110');
    const record = await eventually(async () => {
      const [r] = await historyOf(erin, 'MAIL');
      expect(r?.delivery_status).toBe('sent');
      return r!;
    });
    expect(record.message_id).toBe(headers.get('message-id'));
    // The open dashboard hears about it too, whatever the method.
    await eventually(() => expect(tab.alerts).toHaveLength(1));
  });

  it('marks an SNS fire failed after its retries, with the reason, and still sends the next one', async () => {
    const frank = await signIn(server, 'frank-sms');
    expect((await frank.request('PUT', '/api/me/channels', { sns_target: '+15550001111' })).status).toBe(200);
    await frank.createAlert(priceAlert('SMS', '>', 100, { notification_method: 'sns' }));
    const before = sns.requests.length;
    sns.replies.push(
      snsError(500, 'Receiver', 'InternalError', 'try later'),
      snsError(500, 'Receiver', 'InternalError', 'try later'),
      snsError(500, 'Receiver', 'InternalError', 'try later'),
    );
    await fire('SMS');
    const failed = await eventually(async () => {
      const [r] = await historyOf(frank, 'SMS');
      expect(r?.delivery_status).toBe('failed');
      return r!;
    });
    expect(failed).toMatchObject({ failure_id: 'gave_up', failure_reason: DELIVERY_FAILURES.gave_up });
    expect(sns.requests.length - before).toBe(3);

    await fire('SMS');
    const items = await eventually(async () => {
      const records = await historyOf(frank, 'SMS');
      expect(records[0]?.delivery_status).toBe('sent');
      return records;
    });
    expect(items[0]!.message_id).toMatch(/^msg-/);
    expect(sns.requests.at(-1)!.params.get('PhoneNumber')).toBe('+15550001111');
  });

  it('fails at once, without retrying, when SNS rejects the target', async () => {
    const gina = await signIn(server, 'gina-topic');
    await gina.request('PUT', '/api/me/channels', { sns_target: 'arn:aws:sns:ca-west-1:123456789012:gina' });
    await gina.createAlert(priceAlert('TOPIC', '>', 100, { notification_method: 'sns' }));
    const before = sns.requests.length;
    sns.replies.push(snsError(404, 'Sender', 'NotFound', 'Topic does not exist'));
    await fire('TOPIC');
    const failed = await eventually(async () => {
      const [r] = await historyOf(gina, 'TOPIC');
      expect(r?.delivery_status).toBe('failed');
      return r!;
    });
    // The provider's own words stay in the log: the trader reads the fixed, documented reason.
    expect(failed).toMatchObject({ failure_id: 'rejected', failure_reason: DELIVERY_FAILURES.rejected });
    expect(sns.requests.length - before).toBe(1);
  });

  it('keeps notification channels per user, validates them, and refuses alerts without a target', async () => {
    const hal = await signIn(server, 'hal-channels');
    expect(await (await hal.request('GET', '/api/me/channels')).json()).toEqual({
      email: null,
      sns_target: null,
      webhook_url: null,
      webhook_secret_set: false,
    });
    const refused = await hal.request(
      'POST',
      '/api/alerts',
      priceAlert('CHAN', '>', 1, { notification_method: 'email' }),
    );
    expect(refused.status).toBe(400);
    expect(((await refused.json()) as { error: { issues: { path: string }[] } }).error.issues[0]?.path).toBe(
      'notification_method',
    );
    const bad = await hal.request('PUT', '/api/me/channels', { email: 'not-an-address', sns_target: '555' });
    expect(bad.status).toBe(400);
    const paths = ((await bad.json()) as { error: { issues: { path: string }[] } }).error.issues
      .map((i) => i.path)
      .sort();
    expect(paths).toEqual(['email', 'sns_target']);
    await hal.request('PUT', '/api/me/channels', { email: 'hal@example.com' });
    expect(await (await hal.request('GET', '/api/me/channels')).json()).toEqual({
      email: 'hal@example.com',
      sns_target: null,
      webhook_url: null,
      webhook_secret_set: false,
    });
    const other = await signIn(server, 'not-hal');
    expect(await (await other.request('GET', '/api/me/channels')).json()).toMatchObject({
      email: null,
      sns_target: null,
    });
    expect(
      (await hal.request('POST', '/api/alerts', priceAlert('CHAN', '>', 1, { notification_method: 'email' }))).status,
    ).toBe(201);
  });
});
