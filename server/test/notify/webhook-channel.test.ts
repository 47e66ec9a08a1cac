import http from 'node:http';
import net, { type AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { pino } from 'pino';
import { PermanentDeliveryError, type DeliveryContext } from '../../src/notify/channel.js';
import { WebhookAllowList, guardedLookup } from '../../src/notify/webhook-address.js';
import { WebhookChannel } from '../../src/notify/webhook-channel.js';
import { notificationRecord } from '../support/records.js';
import { WebhookReceiver } from '../support/webhook-receiver.js';

const silent = pino({ level: 'silent' });
const SECRET = 'whsec_channel_test';
const record = notificationRecord({ notification_method: 'webhook' });

const to = (webhook_url: string | null, webhook_secret: string | null = SECRET): DeliveryContext => ({
  targets: async () => ({ email: null, sns_target: null, webhook_url, webhook_secret }),
  shownOnDashboard: Promise.resolve(false),
  attempt: 1,
});

const channel = (allow: string[], extra: Partial<ConstructorParameters<typeof WebhookChannel>[0]> = {}) =>
  new WebhookChannel(
    { allow: new WebhookAllowList(allow), connectTimeoutMs: 2_000, responseTimeoutMs: 2_000, ...extra },
    silent,
  );

const failureOf = async (attempt: Promise<unknown>) => {
  const err = await attempt.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(Error);
  return err instanceof PermanentDeliveryError ? err.failure : 'retry';
};

describe('WebhookChannel', () => {
  let receiver: WebhookReceiver;

  beforeAll(async () => {
    receiver = await WebhookReceiver.start();
  });
  afterEach(() => {
    receiver.reset();
    vi.restoreAllMocks();
  });
  afterAll(async () => {
    await receiver.close();
  });

  it('is sent on a 2xx, with the delivery id it sent as the message id', async () => {
    receiver.answers.push(202);
    const result = await channel(['127.0.0.1']).deliver(record, to(receiver.url));

    expect(result).toEqual({ status: 'sent', messageId: receiver.received[0]!.headers['tickwatch-delivery'] });
  });

  it('closes the connection once the status is in, though the receiver keeps its body open', async () => {
    const closed = new Promise<void>((resolve) => {
      const trickler = http.createServer((_req, res) => {
        res.writeHead(200, { 'content-type': 'text/plain' });
        // A byte every 200 ms keeps the connection from ever being idle for the channel's 2 s timeout.
        const drip = setInterval(() => res.write('.'), 200);
        res.on('close', () => {
          clearInterval(drip);
          trickler.close();
          resolve();
        });
      });
      trickler.listen(0, '127.0.0.1', () => {
        const { port } = trickler.address() as AddressInfo;
        void channel(['127.0.0.1']).deliver(record, to(`http://127.0.0.1:${port}/hook`));
      });
    });
    await closed;
  });

  it.each([
    [301, 'rejected'],
    [400, 'rejected'],
    [404, 'rejected'],
    [410, 'rejected'],
    [408, 'retry'],
    [429, 'retry'],
    [500, 'retry'],
    [503, 'retry'],
  ])('answers %i: %s', async (status, outcome) => {
    receiver.answers.push(status);
    expect(await failureOf(channel(['127.0.0.1']).deliver(record, to(receiver.url)))).toBe(outcome);
    expect(receiver.received).toHaveLength(1);
  });

  it('retries when nothing listens at the address', async () => {
    const server = net.createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    await new Promise<void>((resolve) => server.close(() => resolve()));

    expect(await failureOf(channel(['127.0.0.1']).deliver(record, to(`http://127.0.0.1:${port}/`)))).toBe('retry');
  });

  it('gives up on a receiver that takes the connection and never answers, and retries', async () => {
    const silentServer = http.createServer(() => {});
    await new Promise<void>((resolve) => silentServer.listen(0, '127.0.0.1', resolve));
    const { port } = silentServer.address() as AddressInfo;
    try {
      const attempt = channel(['127.0.0.1'], { responseTimeoutMs: 200 }).deliver(
        record,
        to(`http://127.0.0.1:${port}/`),
      );
      await expect(attempt).rejects.toThrow(/no answer within 200 ms|silent for 200 ms/);
      expect(await failureOf(attempt)).toBe('retry');
    } finally {
      silentServer.closeAllConnections();
      await new Promise<void>((resolve) => silentServer.close(() => resolve()));
    }
  });

  it('fails without a URL (no_target) or without a secret (no_secret)', async () => {
    expect(await failureOf(channel([]).deliver(record, to(null)))).toBe('no_target');
    expect(await failureOf(channel(['127.0.0.1']).deliver(record, to(receiver.url, null)))).toBe('no_secret');
    expect(receiver.connections).toBe(0);
  });

  it.each([
    'http://10.20.30.40/hook',
    'http://169.254.169.254/latest/meta-data/',
    'http://192.168.1.1:8080/',
    'http://[::ffff:10.0.0.1]/',
    'http://[fe80::1]/',
    'http://100.64.0.1/',
  ])('refuses the literal %s before any socket is opened', async (url) => {
    // Stands in for every connection attempt, so even a broken guard could send nothing anywhere.
    const connect = vi.spyOn(net.Socket.prototype, 'connect').mockImplementation(() => {
      throw new Error('a socket was about to connect');
    });

    const attempt = channel([]).deliver(record, to(url));

    await expect(attempt).rejects.toThrow(/^refused to connect to /);
    expect(await failureOf(attempt)).toBe('refused_address');
    expect(connect).not.toHaveBeenCalled();
  });

  it('refuses a host name that resolves to a private address, in the lookup, before connecting', async () => {
    const resolved: string[] = [];
    const lookup = guardedLookup(new WebhookAllowList([]), (host, callback) => {
      resolved.push(host);
      callback(null, [{ address: '127.0.0.1', family: 4 }]);
    });

    const attempt = channel([], { lookup }).deliver(record, to(receiver.urlAt('hooks.example')));

    expect(await failureOf(attempt)).toBe('refused_address');
    expect(resolved).toEqual(['hooks.example']);
    expect(receiver.connections).toBe(0);
  });

  it('connects to the address the guarded lookup checked, when the host is allowed', async () => {
    const lookup = guardedLookup(new WebhookAllowList(['hooks.example']), (_host, callback) =>
      callback(null, [{ address: '127.0.0.1', family: 4 }]),
    );

    const result = await channel([], { lookup }).deliver(record, to(receiver.urlAt('hooks.example')));

    expect(result.status).toBe('sent');
    expect(receiver.received[0]!.headers.host).toMatch(/^hooks\.example:\d+$/);
  });
});
