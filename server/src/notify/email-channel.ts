import nodemailer, { type NodemailerError } from 'nodemailer';
import type { NotificationRecord } from '@tickwatch/shared';
import type { Logger } from '../log.js';
import { PermanentDeliveryError, renderMessage } from './channel.js';
import type { DeliveryContext, DeliveryResult, NotificationChannel } from './channel.js';

export interface EmailChannelOptions {
  /** smtp://user:pass@host:587 or smtps://user:pass@host:465; nodemailer reads the rest of its options from it. */
  smtpUrl: string;
  /** The From header, e.g. `Tickwatch <alerts@example.com>`. */
  from: string;
}

/**
 * Sends alert notifications by email over SMTP: a plain-text body from renderMessage and a small HTML twin.
 * One attempt per call: the delivery service owns retries, so a 5xx rejection fails the record and anything else
 * (connection trouble, a 4xx "try later") is thrown for a retry.
 */
export class EmailChannel implements NotificationChannel {
  readonly method = 'email' as const;
  private readonly transport: ReturnType<typeof nodemailer.createTransport>;

  constructor(
    private readonly options: EmailChannelOptions,
    private readonly log: Logger,
  ) {
    // nodemailer's defaults wait up to 2 minutes to connect and 10 minutes on a silent socket; a retry is cheaper.
    this.transport = nodemailer.createTransport({
      url: options.smtpUrl,
      connectionTimeout: 10_000,
      greetingTimeout: 10_000,
      socketTimeout: 30_000,
    });
  }

  async deliver(record: NotificationRecord, context: DeliveryContext): Promise<DeliveryResult> {
    const targets = await context.targets();
    const to = targets.email?.trim();
    if (!to)
      throw new PermanentDeliveryError(
        'no_target',
        'no email address configured; set one in your notification channels',
      );

    const { subject, text } = renderMessage(record);
    try {
      const info = await this.transport.sendMail({
        from: this.options.from,
        to,
        // Stable per fire: if a crash makes the server send it again, mail clients recognise the duplicate.
        messageId: `<${record.notification_id}@tickwatch>`,
        subject: subject.replace(/\s+/g, ' ').trim(),
        text,
        html: renderHtml(record, text),
      });
      this.log.debug({ notificationId: record.notification_id, messageId: info.messageId }, 'email notification sent');
      return { status: 'sent', messageId: info.messageId || null };
    } catch (err) {
      throw classify(err);
    }
  }

  async close(): Promise<void> {
    this.transport.close();
  }
}

function renderHtml(record: NotificationRecord, text: string): string {
  const lines = text.split('\n').map(escapeHtml);
  return [
    '<!doctype html>',
    '<html><body style="font-family: sans-serif">',
    `<h2>${escapeHtml(record.symbol)}</h2>`,
    `<p><strong>${lines[0] ?? ''}</strong></p>`,
    `<p>${lines.slice(1).join('<br>\n')}</p>`,
    '</body></html>',
  ].join('\n');
}

function escapeHtml(value: string): string {
  return value
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

function classify(err: unknown): Error {
  if (!(err instanceof Error)) return new Error(`email delivery failed: ${String(err)}`);
  const smtp = err as NodemailerError;
  // nodemailer marks 5xx replies permanent except 503 (bad command sequence, fine on a new connection).
  const permanent =
    smtp.permanent ?? (smtp.responseCode !== undefined && smtp.responseCode >= 500 && smtp.responseCode !== 503);
  if (permanent) {
    const reply = (smtp.response ?? err.message).replace(/\s+/g, ' ').trim();
    return new PermanentDeliveryError('rejected', `the mail server refused the message: ${reply}`);
  }
  return new Error(`email delivery failed: ${err.message}`, { cause: err });
}
