import type { DeliveryFailure, NotificationMethod, NotificationRecord } from '@tickwatch/shared';
import type { DeliveryTargets } from '../store/user-settings-repository.js';

/**
 * What a channel reports for one attempt. `sent` carries the provider's id (SNS MessageId, SMTP Message-ID);
 * `pending` means nobody could take it now but it is not lost (a websocket user who is offline gets it replayed).
 * A failed attempt throws: the delivery service retries it.
 */
export type DeliveryResult = { status: 'sent'; messageId: string | null } | { status: 'pending'; reason: string };

/** What a channel may need for one delivery; each part is only fetched or awaited by the channels that use it. */
export interface DeliveryContext {
  /** Where the user's email, SNS and webhook notifications go, with the webhook's signing secret. */
  targets(): Promise<DeliveryTargets>;
  /** Which attempt at this record this is, from 1: the delivery service retries a failed one. */
  attempt: number;
  /** Whether one of the user's open dashboards acknowledged the fire (every fire is shown on all of them). */
  shownOnDashboard: Promise<boolean>;
}

/** One way of telling a trader that an alert fired. Adding a channel means adding one of these. */
export interface NotificationChannel {
  readonly method: NotificationMethod;
  /** A dashboard's acknowledgement of the record, live or replayed, is this channel's delivery. */
  readonly deliveredByDashboard?: boolean;
  deliver(record: NotificationRecord, context: DeliveryContext): Promise<DeliveryResult>;
  close?(): Promise<void>;
}

/**
 * A failure retrying will not fix (no target configured, a rejected address): the record fails at once with the
 * fixed reason of `failure`. The message holds the provider's own words, for the log only.
 */
export class PermanentDeliveryError extends Error {
  override name = 'PermanentDeliveryError';

  constructor(
    readonly failure: DeliveryFailure,
    message: string,
  ) {
    super(message);
  }
}

/** The subject line and body a person reads, shared by the email and SNS channels. */
export function renderMessage(record: NotificationRecord): { subject: string; text: string } {
  const when = new Date(Math.floor(record.triggered_at))
    .toISOString()
    .replace('T', ' ')
    .replace(/\.\d+Z$/, ' UTC');
  return {
    subject: `Tickwatch alert: ${record.message}`,
    text: `${record.message}\nPrice ${record.current_price} at ${when}.\nAlert ${record.alert_id}`,
  };
}
