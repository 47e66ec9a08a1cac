import crypto from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import type { NotificationRecord } from '@tickwatch/shared';
import type { Logger } from '../log.js';
import { PermanentDeliveryError } from './channel.js';
import type { DeliveryContext, DeliveryResult, NotificationChannel } from './channel.js';
import { RefusedAddressError, guardedLookup, refusedLiteral, type WebhookAllowList } from './webhook-address.js';
import { SIGNATURE_HEADER, signatureHeader } from './webhook-signature.js';

export interface WebhookChannelOptions {
  /** Hosts and addresses a webhook may reach although they are not public (WEBHOOK_ALLOW_HOSTS). */
  allow: WebhookAllowList;
  /** From the start of the request until the TCP connection is up. */
  connectTimeoutMs: number;
  /** From the connection until the receiver's status line, and the longest silence after it. */
  responseTimeoutMs: number;
  now?: () => number;
  /** How host names are resolved; each address is checked before the socket connects to it. */
  lookup?: LookupFunction;
}

/** The event every webhook delivery carries today; receivers should ignore events they do not know. */
export const WEBHOOK_EVENT = 'alert.triggered';

/** What is POSTed: the notification as the API shows it, what happened, and which attempt this is. */
export interface WebhookPayload {
  event: typeof WEBHOOK_EVENT;
  /** New for every attempt; the Tickwatch-Delivery header and the record's message_id when it succeeds. */
  delivery_id: string;
  attempt: number;
  notification: NotificationRecord;
}

/** Answers that say the request itself is unwelcome: sending it again gets the same answer. */
const isPermanent = (status: number) => status < 500 && status !== 408 && status !== 429;

/**
 * POSTs each fire as signed JSON to the user's webhook URL. One attempt per call: the delivery service owns
 * retries, so a 2xx is `sent`, a 3xx or 4xx other than 408/429 fails the record as `rejected`, and anything else (5xx,
 * 408, 429, a refused connection, a timeout) is thrown for a retry. Redirects are not followed: the address they
 * lead to was never checked. The host's addresses are checked on every attempt, in the socket's own lookup.
 */
export class WebhookChannel implements NotificationChannel {
  readonly method = 'webhook' as const;
  private readonly lookup: LookupFunction;
  private readonly now: () => number;

  constructor(
    private readonly options: WebhookChannelOptions,
    private readonly log: Logger,
  ) {
    this.lookup = options.lookup ?? guardedLookup(options.allow);
    this.now = options.now ?? Date.now;
  }

  async deliver(record: NotificationRecord, context: DeliveryContext): Promise<DeliveryResult> {
    const targets = await context.targets();
    const url = targets.webhook_url ? URL.parse(targets.webhook_url) : null;
    if (!url)
      throw new PermanentDeliveryError('no_target', 'no webhook URL configured; set one in your notification channels');
    if (!targets.webhook_secret)
      throw new PermanentDeliveryError('no_secret', 'no webhook signing secret; generate one in your channels');
    const literal = refusedLiteral(url, this.options.allow);
    if (literal) throw new PermanentDeliveryError('refused_address', literal.message);

    const payload: WebhookPayload = {
      event: WEBHOOK_EVENT,
      delivery_id: crypto.randomUUID(),
      attempt: context.attempt,
      notification: record,
    };
    const body = JSON.stringify(payload);
    const timestamp = Math.floor(this.now() / 1000);
    let status: number;
    try {
      status = await this.post(url, body, {
        'content-type': 'application/json',
        'user-agent': 'Tickwatch-Webhook/1',
        'tickwatch-event': WEBHOOK_EVENT,
        'tickwatch-delivery': payload.delivery_id,
        [SIGNATURE_HEADER.toLowerCase()]: signatureHeader(targets.webhook_secret, timestamp, body),
      });
    } catch (err) {
      if (err instanceof RefusedAddressError) throw new PermanentDeliveryError('refused_address', err.message);
      throw new Error(`webhook delivery failed: ${(err as Error).message}`, { cause: err });
    }
    if (status >= 200 && status < 300) {
      this.log.debug({ notificationId: record.notification_id, deliveryId: payload.delivery_id }, 'webhook sent');
      return { status: 'sent', messageId: payload.delivery_id };
    }
    if (isPermanent(status)) throw new PermanentDeliveryError('rejected', `the webhook receiver answered ${status}`);
    throw new Error(`the webhook receiver answered ${status}`);
  }

  /** One POST on a connection of its own; resolves with the status as soon as the receiver answers. */
  private post(url: URL, body: string, headers: Record<string, string>): Promise<number> {
    const { connectTimeoutMs, responseTimeoutMs } = this.options;
    return new Promise((resolve, reject) => {
      const send = url.protocol === 'https:' ? https.request : http.request;
      const req = send(url, {
        method: 'POST',
        headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) },
        // No pooled connection: every attempt resolves, checks and connects afresh.
        agent: false,
        lookup: this.lookup,
        timeout: responseTimeoutMs,
      });
      let timer = setTimeout(
        () => req.destroy(new Error(`no connection within ${connectTimeoutMs} ms`)),
        connectTimeoutMs,
      );
      req.on('socket', (socket) => {
        socket.once('connect', () => {
          clearTimeout(timer);
          timer = setTimeout(
            () => req.destroy(new Error(`no answer within ${responseTimeoutMs} ms`)),
            responseTimeoutMs,
          );
        });
      });
      req.on('timeout', () => req.destroy(new Error(`the connection was silent for ${responseTimeoutMs} ms`)));
      req.on('response', (res) => {
        clearTimeout(timer);
        // The status is the answer; the body is not read. Closing now keeps a receiver that trickles a body forever
        // from holding the connection (and a delivery slot) open.
        res.destroy();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', (err) => {
        clearTimeout(timer);
        reject(err);
      });
      req.end(body);
    });
  }
}
