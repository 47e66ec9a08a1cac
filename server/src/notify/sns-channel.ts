// The SNS channel is the one place outside store/ that talks to AWS: publishing is what this channel is.
import { PublishCommand, SNSClient, type PublishCommandInput } from '@aws-sdk/client-sns';
import type { NotificationRecord } from '@tickwatch/shared';
import type { Logger } from '../log.js';
import { PermanentDeliveryError, renderMessage } from './channel.js';
import type { DeliveryContext, DeliveryResult, NotificationChannel } from './channel.js';

export interface SnsChannelOptions {
  region: string;
  /** A local SNS stand-in (tests, LocalStack); AWS itself when absent. */
  endpoint?: string;
}

/** SNS refuses a Subject of 100 characters or more, with line breaks, control characters or non-ASCII text. */
const MAX_SUBJECT_LENGTH = 99;

/**
 * Errors that say the target or the account's setup is wrong: sending the same message again gets the same answer.
 * Throttling (ThrottledException, KMSThrottlingException), InternalError, other 5xx and network failures are not
 * here and are retried by the delivery service.
 */
const PERMANENT_ERRORS: Record<string, string> = {
  InvalidParameterException: 'SNS rejected the request',
  InvalidParameterValueException: 'SNS rejected the request',
  ValidationException: 'SNS rejected the request',
  NotFoundException: 'the SNS topic or endpoint does not exist',
  AuthorizationErrorException: 'not authorised to publish to this SNS target',
  InvalidSecurityException: 'SNS rejected the request signature',
  EndpointDisabledException: 'the SNS endpoint is disabled',
  PlatformApplicationDisabledException: 'the SNS platform application is disabled',
  OptedOutException: 'the phone number has opted out of SMS',
  KMSAccessDeniedException: "the topic's KMS key is not usable",
  KMSDisabledException: "the topic's KMS key is not usable",
  KMSInvalidStateException: "the topic's KMS key is not usable",
  KMSNotFoundException: "the topic's KMS key is not usable",
  KMSOptInRequired: "the topic's KMS key is not usable",
};

/**
 * Publishes alert notifications through Amazon SNS, to a topic (its subscribers get the subject and text) or
 * straight to a phone number as an SMS. One attempt per call: the delivery service owns retries.
 */
export class SnsChannel implements NotificationChannel {
  readonly method = 'sns' as const;
  private readonly client: SNSClient;

  constructor(
    options: SnsChannelOptions,
    private readonly log: Logger,
  ) {
    this.client = new SNSClient({
      region: options.region,
      // Local endpoints ignore credentials but the SDK insists on having some.
      ...(options.endpoint
        ? { endpoint: options.endpoint, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } }
        : {}),
      maxAttempts: 1,
      requestHandler: { connectionTimeout: 5_000, requestTimeout: 15_000 },
    });
  }

  async deliver(record: NotificationRecord, context: DeliveryContext): Promise<DeliveryResult> {
    const targets = await context.targets();
    const target = targets.sns_target?.trim();
    if (!target)
      throw new PermanentDeliveryError('no_target', 'no SNS target configured; set one in your notification channels');

    const { subject, text } = renderMessage(record);
    const input: PublishCommandInput = { Message: text };
    if (target.startsWith('arn:')) {
      input.TopicArn = target;
      input.Subject = snsSubject(subject);
    } else if (/^\+[1-9]\d{6,14}$/.test(target)) {
      input.PhoneNumber = target;
    } else {
      throw new PermanentDeliveryError('no_target', 'the SNS target is neither a topic ARN nor an E.164 phone number');
    }

    let messageId: string | undefined;
    try {
      ({ MessageId: messageId } = await this.client.send(new PublishCommand(input)));
    } catch (err) {
      throw classify(err);
    }
    this.log.debug(
      { notificationId: record.notification_id, messageId, kind: input.TopicArn ? 'topic' : 'sms' },
      'sns notification published',
    );
    return { status: 'sent', messageId: messageId ?? null };
  }

  async close(): Promise<void> {
    this.client.destroy();
  }
}

/** Fits a subject within SNS's rules: printable ASCII on one line, under 100 characters. */
export function snsSubject(subject: string): string {
  const ascii = subject
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '') // accents split off by NFKD: "é" → "e"
    .replace(/\s+/g, ' ')
    .replace(/[^\x20-\x7e]/g, '?')
    .trim();
  const fitted = ascii.length <= MAX_SUBJECT_LENGTH ? ascii : `${ascii.slice(0, MAX_SUBJECT_LENGTH - 3).trimEnd()}...`;
  return fitted || 'Tickwatch alert';
}

function classify(err: unknown): Error {
  if (!(err instanceof Error)) return new Error(`SNS publish failed: ${String(err)}`);
  // The SDK names an error after its modelled exception; an unmodelled code keeps the bare name.
  const summary = PERMANENT_ERRORS[err.name] ?? PERMANENT_ERRORS[`${err.name}Exception`];
  if (summary) {
    const detail = err.message && err.message !== err.name ? `: ${err.message}` : '';
    return new PermanentDeliveryError('rejected', `${summary} (${err.name.replace(/Exception$/, '')})${detail}`);
  }
  return new Error(`SNS publish failed: ${err.name}: ${err.message}`, { cause: err });
}
