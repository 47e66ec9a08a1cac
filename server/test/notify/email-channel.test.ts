import { createServer as createNetServer, type AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import type { ChannelSettings, NotificationRecord } from '@tickwatch/shared';
import { PermanentDeliveryError, type DeliveryContext } from '../../src/notify/channel.js';
import { notificationRecord } from '../support/records.js';
import { EmailChannel } from '../../src/notify/email-channel.js';
import { FakeSmtp, parseMessage } from '../support/fake-smtp.js';

const silent = pino({ level: 'silent' });
const FROM = 'Tickwatch <alerts@tickwatch.test>';
const TO = 'trader@example.com';

const record = (overrides: Partial<NotificationRecord> = {}) =>
  notificationRecord({ notification_method: 'email', ...overrides });

/** What delivery hands a channel: the user's targets, and no dashboard acknowledgement (email does not look). */
const targets = (email: string | null): DeliveryContext => ({
  targets: async (): Promise<ChannelSettings> => ({ email, sns_target: null }),
  attempt: 1,
  shownOnDashboard: Promise.resolve(false),
});

/** A port on 127.0.0.1 that was free a moment ago and has nothing listening now. */
async function closedPort(): Promise<number> {
  const server = createNetServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('EmailChannel', () => {
  let smtp: FakeSmtp;
  let channel: EmailChannel;

  beforeAll(async () => {
    smtp = await FakeSmtp.start();
    channel = new EmailChannel({ smtpUrl: smtp.url, from: FROM }, silent);
  });
  afterAll(async () => {
    await channel?.close();
    await smtp?.close();
  });
  afterEach(() => {
    smtp.messages.length = 0;
    smtp.refuse.clear();
  });

  it('sends the alert to the configured address and returns the Message-ID', async () => {
    const result = await channel.deliver(record(), targets(TO));

    expect(smtp.messages).toHaveLength(1);
    const received = smtp.messages[0]!;
    expect(received.mailFrom).toBe('alerts@tickwatch.test');
    expect(received.rcptTo).toEqual([TO]);

    const { headers, parts } = parseMessage(received.raw);
    expect(headers.get('from')).toBe(FROM);
    expect(headers.get('to')).toBe(TO);
    expect(headers.get('subject')).toContain('AAPL last price 205.50 crossed above 200.00');
    expect(result.status).toBe('sent');
    expect(result).toEqual({ status: 'sent', messageId: headers.get('message-id') });

    for (const type of ['text/plain', 'text/html']) {
      const body = parts.get(type);
      expect(body, type).toBeDefined();
      expect(body).toContain('AAPL');
      expect(body).toContain('205.5');
      expect(body).toContain('2025-01-02 15:30:00 UTC');
    }
  });

  it('escapes the alert text in the HTML part', async () => {
    const message = 'AAPL <script>alert("x")</script> & crossed above 200.00';

    await channel.deliver(record({ message }), targets(TO));

    const { parts } = parseMessage(smtp.messages[0]!.raw);
    const html = parts.get('text/html')!;
    expect(html).not.toContain('<script>');
    expect(html).toContain('AAPL &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; crossed above 200.00');
    expect(parts.get('text/plain')).toContain(message);
  });

  it('fails for good when the server refuses the recipient with 550', async () => {
    smtp.refuse.set(TO, { code: 550, text: 'No such user here' });

    const attempt = channel.deliver(record(), targets(TO));

    await expect(attempt).rejects.toBeInstanceOf(PermanentDeliveryError);
    await expect(attempt).rejects.toThrow(/550.*No such user here/);
    expect(smtp.messages).toHaveLength(0);
  });

  it('throws a retryable error when the server defers the recipient with 451', async () => {
    smtp.refuse.set(TO, { code: 451, text: 'Try again later' });

    const error = await channel.deliver(record(), targets(TO)).catch((err: unknown) => err);

    expect(error).toBeInstanceOf(Error);
    expect(error).not.toBeInstanceOf(PermanentDeliveryError);
  });

  it('throws a retryable error when the mail server is down', async () => {
    const down = new EmailChannel({ smtpUrl: `smtp://127.0.0.1:${await closedPort()}`, from: FROM }, silent);
    try {
      const error = await down.deliver(record(), targets(TO)).catch((err: unknown) => err);

      expect(error).toBeInstanceOf(Error);
      expect(error).not.toBeInstanceOf(PermanentDeliveryError);
    } finally {
      await down.close();
    }
  });

  it('fails for good when no email address is configured, without connecting', async () => {
    const attempt = channel.deliver(record(), targets(null));

    await expect(attempt).rejects.toBeInstanceOf(PermanentDeliveryError);
    await expect(attempt).rejects.toThrow(/no email address configured/);
    expect(smtp.messages).toHaveLength(0);
  });
});
