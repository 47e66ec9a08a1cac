import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import type { ChannelSettings, NotificationRecord } from '@tickwatch/shared';
import { PermanentDeliveryError, type DeliveryContext } from '../../src/notify/channel.js';
import { notificationRecord } from '../support/records.js';
import { SnsChannel, snsSubject } from '../../src/notify/sns-channel.js';
import { FakeSns, published, snsError } from '../support/fake-sns.js';

const silent = pino({ level: 'silent' });
const TOPIC_ARN = 'arn:aws:sns:us-east-1:123456789012:tickwatch-alerts';
const PHONE = '+15551234567';

const record = (overrides: Partial<NotificationRecord> = {}) =>
  notificationRecord({ notification_method: 'sns', ...overrides });

/** What delivery hands a channel: the user's targets, and no dashboard acknowledgement (SNS does not look). */
const targets = (sns_target: string | null): DeliveryContext => ({
  targets: async (): Promise<ChannelSettings> => ({ email: null, sns_target }),
  attempt: 1,
  shownOnDashboard: Promise.resolve(false),
});

describe('SnsChannel', () => {
  let sns: FakeSns;
  let channel: SnsChannel;

  beforeAll(async () => {
    sns = await FakeSns.start();
    channel = new SnsChannel({ region: 'us-east-1', endpoint: sns.endpoint }, silent);
  });
  afterAll(async () => {
    await channel?.close();
    await sns?.close();
  });
  afterEach(() => {
    sns.requests.length = 0;
    sns.replies.length = 0;
  });

  it('publishes to a topic with a subject and returns the MessageId', async () => {
    sns.replies.push(published('topic-message-id-1'));

    const result = await channel.deliver(record(), targets(TOPIC_ARN));

    expect(result).toEqual({ status: 'sent', messageId: 'topic-message-id-1' });
    expect(sns.requests).toHaveLength(1);
    const { contentType, params } = sns.requests[0]!;
    expect(contentType).toContain('application/x-www-form-urlencoded');
    expect(params.get('Action')).toBe('Publish');
    expect(params.get('Version')).toBe('2010-03-31');
    expect(params.get('TopicArn')).toBe(TOPIC_ARN);
    expect(params.has('PhoneNumber')).toBe(false);
    expect(params.get('Subject')).toBe('Tickwatch alert: AAPL last price 205.50 crossed above 200.00');
    const message = params.get('Message');
    expect(message).toContain('AAPL last price 205.50 crossed above 200.00');
    expect(message).toContain('Price 205.5 at 2025-01-02 15:30:00 UTC');
    expect(message).toContain('Alert alert-1');
  });

  it('sends an SMS to a phone number without a subject', async () => {
    sns.replies.push(published('sms-message-id-1'));

    const result = await channel.deliver(record(), targets(PHONE));

    expect(result).toEqual({ status: 'sent', messageId: 'sms-message-id-1' });
    const { params } = sns.requests[0]!;
    expect(params.get('PhoneNumber')).toBe(PHONE);
    expect(params.has('TopicArn')).toBe(false);
    expect(params.has('Subject')).toBe(false);
    expect(params.get('Message')).toContain('AAPL last price 205.50 crossed above 200.00');
  });

  it('keeps a topic subject to one line of ASCII under 100 characters', async () => {
    const message = `Zürich ÅB\nlast price ${'9'.repeat(150)} crossed above 1 📈`;

    await channel.deliver(record({ message }), targets(TOPIC_ARN));

    const subject = sns.requests[0]!.params.get('Subject')!;
    expect(subject.length).toBeLessThan(100);
    expect(subject).toMatch(/^[\x20-\x7e]+$/);
    expect(subject.startsWith('Tickwatch alert: Zurich AB last price 999')).toBe(true);
    expect(subject.endsWith('...')).toBe(true);
    expect(snsSubject('  \n ')).toBe('Tickwatch alert');
  });

  it('fails for good when no SNS target is configured, without calling SNS', async () => {
    const attempt = channel.deliver(record(), targets(null));

    await expect(attempt).rejects.toBeInstanceOf(PermanentDeliveryError);
    await expect(attempt).rejects.toThrow('no SNS target configured; set one in your notification channels');
    expect(sns.requests).toHaveLength(0);
  });

  it('fails for good when SNS rejects the parameters (400 InvalidParameter)', async () => {
    sns.replies.push(snsError(400, 'Sender', 'InvalidParameter', 'Invalid parameter: PhoneNumber'));

    const attempt = channel.deliver(record(), targets(PHONE));

    await expect(attempt).rejects.toBeInstanceOf(PermanentDeliveryError);
    await expect(attempt).rejects.toThrow(/InvalidParameter.*Invalid parameter: PhoneNumber/);
    expect(sns.requests).toHaveLength(1);
  });

  it('fails for good when the topic does not exist (404 NotFound)', async () => {
    sns.replies.push(snsError(404, 'Sender', 'NotFound', 'Topic does not exist'));

    await expect(channel.deliver(record(), targets(TOPIC_ARN))).rejects.toBeInstanceOf(PermanentDeliveryError);
  });

  it('throws a retryable error on a 500 InternalError, after a single attempt', async () => {
    sns.replies.push(snsError(500, 'Receiver', 'InternalError', 'Internal error'));

    const error = await channel.deliver(record(), targets(TOPIC_ARN)).then(
      () => undefined,
      (err: unknown) => err,
    );

    expect(error).toBeInstanceOf(Error);
    expect(error).not.toBeInstanceOf(PermanentDeliveryError);
    expect((error as Error).message).toMatch(/InternalError/);
    expect(sns.requests).toHaveLength(1);
  });

  it('throws a retryable error when SNS throttles', async () => {
    sns.replies.push(snsError(400, 'Sender', 'Throttling', 'Rate exceeded'));

    const error = await channel.deliver(record(), targets(PHONE)).catch((err: unknown) => err);

    expect(error).toBeInstanceOf(Error);
    expect(error).not.toBeInstanceOf(PermanentDeliveryError);
    expect(sns.requests).toHaveLength(1);
  });

  it('throws a retryable error when SNS cannot be reached', async () => {
    const down = await FakeSns.start();
    const endpoint = down.endpoint;
    await down.close();
    const unreachable = new SnsChannel({ region: 'us-east-1', endpoint }, silent);
    try {
      const error = await unreachable.deliver(record(), targets(TOPIC_ARN)).catch((err: unknown) => err);

      expect(error).toBeInstanceOf(Error);
      expect(error).not.toBeInstanceOf(PermanentDeliveryError);
    } finally {
      await unreachable.close();
    }
  });
});
