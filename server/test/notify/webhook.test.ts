import { spawn, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import {
  DELIVERY_FAILURES,
  type ChannelSettings,
  type ErrorBody,
  type NotificationRecord,
  type WebhookSecret,
} from '@tickwatch/shared';
import { UserSettingsRepository } from '../../src/store/user-settings-repository.js';
import { eventually, startTestServer, type TestServer } from '../support/harness.js';
import { stopProcess } from '../support/processes.js';
import { priceAlert, signIn, type TestUser } from '../support/users.js';
import { WebhookReceiver, type ReceivedWebhook } from '../support/webhook-receiver.js';

const EXAMPLE = fileURLToPath(new URL('../../../examples/webhook-receiver.mjs', import.meta.url));

/** Checks a delivery's signature the way docs/webhooks.md tells a receiver to, independently of the server's code. */
function verifies(secret: string, delivery: ReceivedWebhook): boolean {
  const header = String(delivery.headers['tickwatch-signature']);
  const match = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(header);
  if (!match) return false;
  const expected = crypto.createHmac('sha256', secret).update(`${match[1]}.`).update(delivery.rawBody).digest();
  return crypto.timingSafeEqual(Buffer.from(match[2]!, 'hex'), expected);
}

const payloadOf = (delivery: ReceivedWebhook) =>
  JSON.parse(delivery.rawBody.toString('utf8')) as {
    event: string;
    delivery_id: string;
    attempt: number;
    notification: NotificationRecord;
  };

/** One server, its users and their fires: crossing `symbol` above 100 once fires each of its alerts. */
function fires(getServer: () => TestServer) {
  let clock = Date.now() - 60_000;
  return {
    async fire(symbol: string): Promise<void> {
      for (const price of [90, 110]) {
        clock += 10;
        expect((await getServer().ingest({ symbol, timestamp: clock, price, volume: 1 })).status).toBe(202);
      }
      await getServer().app.engine.idle();
    },
    async settled(user: TestUser, symbol: string): Promise<NotificationRecord> {
      return eventually(async () => {
        const [record] = (await user.notifications(`?symbol=${symbol}`)).items;
        expect(record?.delivery_status).toMatch(/^(sent|failed)$/);
        return record!;
      });
    },
  };
}

async function setUp(user: TestUser, channels: Partial<ChannelSettings>): Promise<string> {
  const saved = await user.request('PUT', '/api/me/channels', channels);
  expect(saved.status).toBe(200);
  const res = await user.request('POST', '/api/me/channels/webhook-secret');
  expect(res.status).toBe(201);
  return ((await res.json()) as WebhookSecret).secret;
}

describe(`webhook delivery on ${inject('dynamoKind')}`, () => {
  let server: TestServer;
  let receiver: WebhookReceiver;
  const { fire, settled } = fires(() => server);

  beforeAll(async () => {
    receiver = await WebhookReceiver.start();
    server = await startTestServer({
      WEBHOOK_ALLOW_HOSTS: '127.0.0.1',
      NOTIFY_MAX_ATTEMPTS: '3',
      NOTIFY_RETRY_BASE_MS: '20',
    });
  });
  afterEach(() => receiver.reset());
  afterAll(async () => {
    await server?.close();
    await receiver?.close();
  });

  it('shows the secret once, then only whether one is set, and to its own user only', async () => {
    const alice = await signIn(server, 'alice-secret');
    const before = (await (await alice.request('GET', '/api/me/channels')).json()) as ChannelSettings;
    expect(before).toEqual({ email: null, sns_target: null, webhook_url: null, webhook_secret_set: false });

    const secret = await setUp(alice, { webhook_url: receiver.url });
    expect(secret).toMatch(/^whsec_[0-9a-f]{64}$/);
    const after = await alice.request('GET', '/api/me/channels');
    const text = await after.text();
    expect(JSON.parse(text)).toEqual({
      email: null,
      sns_target: null,
      webhook_url: receiver.url,
      webhook_secret_set: true,
    });
    expect(text).not.toContain(secret);

    const bob = await signIn(server, 'bob-secret');
    expect(await (await bob.request('GET', '/api/me/channels')).json()).toMatchObject({ webhook_secret_set: false });
    const anonymous = await fetch(`${server.url}/api/me/channels/webhook-secret`, { method: 'POST' });
    expect(anonymous.status).toBe(401);
  });

  it('POSTs a fire as signed JSON that a real receiver verifies, and records it sent with the delivery id', async () => {
    const alice = await signIn(server, 'alice-hook');
    const secret = await setUp(alice, { webhook_url: receiver.url });
    const alert = await alice.createAlert(priceAlert('HOOK', '>', 100, { notification_method: 'webhook' }));

    await fire('HOOK');
    const record = await settled(alice, 'HOOK');

    expect(receiver.received).toHaveLength(1);
    const delivery = receiver.received[0]!;
    expect(verifies(secret, delivery)).toBe(true);
    expect(verifies(`${secret}0`, delivery)).toBe(false);
    expect(delivery.headers['content-type']).toBe('application/json');
    expect(delivery.headers['tickwatch-event']).toBe('alert.triggered');
    const payload = payloadOf(delivery);
    expect(payload).toMatchObject({ event: 'alert.triggered', attempt: 1 });
    expect(payload.delivery_id).toBe(delivery.headers['tickwatch-delivery']);
    expect(payload.notification).toMatchObject({
      notification_id: record.notification_id,
      alert_id: alert.alert_id,
      user_id: 'alice-hook',
      symbol: 'HOOK',
      current_price: 110,
      notification_method: 'webhook',
      message: record.message,
    });
    const signedAt = Number(/^t=(\d+),/.exec(String(delivery.headers['tickwatch-signature']))![1]);
    expect(Math.abs(signedAt - Date.now() / 1000)).toBeLessThan(300);
    expect(record).toMatchObject({ delivery_status: 'sent', message_id: payload.delivery_id });
  });

  it('signs with the new secret once it is rotated, and the old one stops verifying', async () => {
    const carol = await signIn(server, 'carol-rotate');
    const old = await setUp(carol, { webhook_url: receiver.url });
    const rotated = await carol.request('POST', '/api/me/channels/webhook-secret');
    const { secret } = (await rotated.json()) as WebhookSecret;
    expect(secret).not.toBe(old);
    await carol.createAlert(priceAlert('ROTA', '>', 100, { notification_method: 'webhook' }));

    await fire('ROTA');
    await settled(carol, 'ROTA');

    expect(verifies(secret, receiver.received[0]!)).toBe(true);
    expect(verifies(old, receiver.received[0]!)).toBe(false);
  });

  it('retries a receiver that answers 503 twice, and records the third attempt sent', async () => {
    const dave = await signIn(server, 'dave-retry');
    const secret = await setUp(dave, { webhook_url: receiver.url });
    await dave.createAlert(priceAlert('RETRY', '>', 100, { notification_method: 'webhook' }));
    receiver.answers.push(503, 503);

    await fire('RETRY');
    const record = await settled(dave, 'RETRY');

    expect(receiver.received.map((r) => r.status)).toEqual([503, 503, 204]);
    const payloads = receiver.received.map(payloadOf);
    expect(payloads.map((p) => p.attempt)).toEqual([1, 2, 3]);
    expect(new Set(payloads.map((p) => p.notification.notification_id))).toEqual(new Set([record.notification_id]));
    expect(new Set(payloads.map((p) => p.delivery_id)).size).toBe(3);
    expect(receiver.received.every((r) => verifies(secret, r))).toBe(true);
    expect(record).toMatchObject({ delivery_status: 'sent', message_id: payloads[2]!.delivery_id });
  });

  it('retries 429 and 408 too, and gives up after the last attempt', async () => {
    const erin = await signIn(server, 'erin-gives-up');
    await setUp(erin, { webhook_url: receiver.url });
    await erin.createAlert(priceAlert('GIVEUP', '>', 100, { notification_method: 'webhook' }));
    receiver.answers.push(429, 408, 500);

    await fire('GIVEUP');
    const record = await settled(erin, 'GIVEUP');

    expect(receiver.received.map((r) => r.status)).toEqual([429, 408, 500]);
    expect(record).toMatchObject({
      delivery_status: 'failed',
      message_id: null,
      failure_id: 'gave_up',
      failure_reason: DELIVERY_FAILURES.gave_up,
    });
  });

  it('fails a fire at once, as rejected, when the receiver answers 400', async () => {
    const frank = await signIn(server, 'frank-rejected');
    await setUp(frank, { webhook_url: receiver.url });
    await frank.createAlert(priceAlert('REJECT', '>', 100, { notification_method: 'webhook' }));
    receiver.answers.push(400);

    await fire('REJECT');
    const record = await settled(frank, 'REJECT');

    expect(receiver.received).toHaveLength(1);
    expect(record).toMatchObject({ delivery_status: 'failed', failure_id: 'rejected' });
  });

  it('refuses a webhook alert until its URL and secret are set, and fails a fire whose URL was removed since', async () => {
    const gina = await signIn(server, 'gina-unset');
    const refused = async () => {
      const res = await gina.request(
        'POST',
        '/api/alerts',
        priceAlert('NOURL', '>', 100, { notification_method: 'webhook' }),
      );
      expect(res.status).toBe(400);
      expect(((await res.json()) as ErrorBody).error.issues).toEqual([
        { path: 'notification_method', message: expect.stringContaining('webhook URL') as unknown },
      ]);
    };
    await refused();
    expect((await gina.request('PUT', '/api/me/channels', { webhook_url: receiver.url })).status).toBe(200);
    await refused();

    await setUp(gina, { webhook_url: receiver.url });
    await gina.createAlert(priceAlert('NOURL', '>', 100, { notification_method: 'webhook' }));
    expect((await gina.request('PUT', '/api/me/channels', { webhook_url: null })).status).toBe(200);
    await fire('NOURL');
    expect(await settled(gina, 'NOURL')).toMatchObject({
      delivery_status: 'failed',
      failure_id: 'no_target',
      failure_reason: DELIVERY_FAILURES.no_target,
    });
    expect(receiver.connections).toBe(0);
  });

  it('refuses a URL with credentials or another scheme, naming the field', async () => {
    const hal = await signIn(server, 'hal-bad-url');
    for (const webhook_url of ['https://user:pass@hooks.example.com/', 'ftp://hooks.example.com/', 'not a url']) {
      const res = await hal.request('PUT', '/api/me/channels', { webhook_url });
      expect(res.status, webhook_url).toBe(400);
      expect(await res.json()).toMatchObject({ error: { issues: [{ path: 'webhook_url' }] } });
    }
  });

  it('delivers to the runnable example receiver, which verifies the signature and refuses a forgery', async () => {
    const ivy = await signIn(server, 'ivy-example');
    const secret = (await (await ivy.request('POST', '/api/me/channels/webhook-secret')).json()) as WebhookSecret;
    const example = spawn(process.execPath, [EXAMPLE], {
      env: { PATH: process.env.PATH, PORT: '0', HOST: '127.0.0.1', TICKWATCH_WEBHOOK_SECRET: secret.secret },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    try {
      const lines = readLines(example);
      const { listening } = (await lines.next()) as { listening: string };
      expect(listening).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
      expect((await ivy.request('PUT', '/api/me/channels', { webhook_url: listening })).status).toBe(200);
      await ivy.createAlert(priceAlert('EXAMPLE', '>', 100, { notification_method: 'webhook' }));

      await fire('EXAMPLE');
      const record = await settled(ivy, 'EXAMPLE');

      expect(await lines.next()).toMatchObject({
        verified: true,
        duplicate: false,
        event: 'alert.triggered',
        attempt: 1,
        delivery: record.message_id,
        notification_id: record.notification_id,
        message: record.message,
      });
      expect(record.delivery_status).toBe('sent');

      const body = JSON.stringify({ event: 'alert.triggered', attempt: 1, notification: { notification_id: 'x' } });
      const t = Math.floor(Date.now() / 1000);
      const forged = crypto.createHmac('sha256', 'whsec_guess').update(`${t}.${body}`).digest('hex');
      const res = await fetch(listening, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'tickwatch-signature': `t=${t},v1=${forged}` },
        body,
      });
      expect(res.status).toBe(400);
      expect(await lines.next()).toEqual({ verified: false, reason: 'signature does not match' });
    } finally {
      await stopProcess(example, 5_000);
    }
  });
});

describe(`webhook address guard on ${inject('dynamoKind')}`, () => {
  let server: TestServer;
  let receiver: WebhookReceiver;
  let settings: UserSettingsRepository;
  const { fire, settled } = fires(() => server);

  beforeAll(async () => {
    receiver = await WebhookReceiver.start();
    server = await startTestServer({ NOTIFY_MAX_ATTEMPTS: '3', NOTIFY_RETRY_BASE_MS: '20' });
    settings = new UserSettingsRepository(server.store.clients.doc, server.store.tables.userSettings);
  });
  afterEach(() => receiver.reset());
  afterAll(async () => {
    await server?.close();
    await receiver?.close();
  });

  it.each([
    'http://127.0.0.1:9/hook',
    'http://10.1.2.3/hook',
    'http://169.254.169.254/latest/meta-data/',
    'http://192.168.0.1/',
    'http://[::1]:9/',
    'http://[::ffff:10.0.0.1]/',
    'http://0x7f000001/',
  ])('refuses to save %s, naming the field', async (webhook_url) => {
    const user = await signIn(server, 'jo-literal');
    const res = await user.request('PUT', '/api/me/channels', { webhook_url });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({
      error: {
        id: 'validation_failed',
        issues: [{ path: 'webhook_url', message: 'must not lead to a loopback, private or link-local address' }],
      },
    });
    expect(await (await user.request('GET', '/api/me/channels')).json()).toMatchObject({ webhook_url: null });
  });

  it('fails a fire to a host name that resolves to loopback as refused_address; the receiver sees no connection', async () => {
    const kim = await signIn(server, 'kim-localhost');
    // A host name cannot be judged on save; it is judged when delivery resolves it (from the hosts file here).
    await setUp(kim, { webhook_url: receiver.urlAt('localhost') });
    await kim.createAlert(priceAlert('LOCAL', '>', 100, { notification_method: 'webhook' }));

    await fire('LOCAL');
    const record = await settled(kim, 'LOCAL');

    expect(record).toMatchObject({
      delivery_status: 'failed',
      failure_id: 'refused_address',
      failure_reason: DELIVERY_FAILURES.refused_address,
    });
    expect(receiver.connections).toBe(0);
    expect(receiver.received).toHaveLength(0);
  });

  // Other private literals are refused the same way; webhook-channel.test.ts shows it without any socket at all.
  it('fails a fire to the receiver on 127.0.0.1 saved before the rule applied, without a connection', async () => {
    const lee = await signIn(server, 'lee-literal');
    // Saved while WEBHOOK_ALLOW_HOSTS still named it: the rule holds at delivery time too.
    await settings.updateChannels(lee.userId, { webhook_url: receiver.url }, Math.floor(Date.now() / 1000));
    await settings.setWebhookSecret(lee.userId, 'whsec_stored', Math.floor(Date.now() / 1000));
    await lee.createAlert(priceAlert('LITERAL', '>', 100, { notification_method: 'webhook' }));

    await fire('LITERAL');

    expect(await settled(lee, 'LITERAL')).toMatchObject({ delivery_status: 'failed', failure_id: 'refused_address' });
    expect(receiver.connections).toBe(0);
  });
});

/** The example receiver's stdout, one JSON value per line, read in order. */
function readLines(child: ChildProcess) {
  const queue: unknown[] = [];
  const waiting: ((line: unknown) => void)[] = [];
  readline.createInterface({ input: child.stdout! }).on('line', (line) => {
    const value: unknown = JSON.parse(line);
    const next = waiting.shift();
    if (next) next(value);
    else queue.push(value);
  });
  return {
    next(): Promise<unknown> {
      if (queue.length > 0) return Promise.resolve(queue.shift());
      return new Promise((resolve) => waiting.push(resolve));
    },
  };
}
