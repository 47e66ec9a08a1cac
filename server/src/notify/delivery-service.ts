import type { ChannelSettings, NotificationMethod, NotificationRecord } from '@tickwatch/shared';
import type { Logger } from '../log.js';
import { userRoom, type TickServer, type TickSocket } from '../realtime/socket-server.js';
import type { NotificationsRepository } from '../store/notifications-repository.js';
import type { UserSettingsRepository } from '../store/user-settings-repository.js';
import { PermanentDeliveryError, type DeliveryResult, type NotificationChannel } from './channel.js';
import type { WebsocketChannel } from './websocket-channel.js';

export interface DeliveryOptions {
  maxAttempts: number;
  retryBaseMs: number;
}

/** Replays send at most this many records per request; the client asks again from the newest it got. */
export const MAX_REPLAY = 500;
const MAX_REASON_LENGTH = 200;

/**
 * Takes each recorded fire to its user, off the tick path: always to their open dashboards (`alert:triggered`),
 * and through the alert's own method. The outcome lands in the history record (`sent` with the provider's id,
 * `failed` with a reason, or still `pending` for a websocket user who is offline) and is pushed to the user's
 * dashboards as `notification:updated`. Failures are retried with exponential back-off up to `maxAttempts`.
 */
export class DeliveryService {
  private readonly channels: Map<NotificationMethod, NotificationChannel>;
  private readonly inFlight = new Set<Promise<void>>();
  private closed = false;

  constructor(
    private readonly deps: {
      io: TickServer;
      websocket: WebsocketChannel;
      channels: NotificationChannel[];
      notifications: NotificationsRepository;
      settings: UserSettingsRepository;
      options: DeliveryOptions;
      log: Logger;
    },
  ) {
    this.channels = new Map([deps.websocket, ...deps.channels].map((c) => [c.method, c]));
  }

  deliver(record: NotificationRecord): void {
    const task = this.run(record)
      .catch((err: unknown) =>
        this.deps.log.error({ err, notification: record.notification_id }, 'delivery failed unexpectedly'),
      )
      .finally(() => this.inFlight.delete(task));
    this.inFlight.add(task);
  }

  /** A socket acknowledged a record (live or replayed): for the websocket method that is the delivery. */
  async received(record: NotificationRecord): Promise<void> {
    if (record.notification_method !== 'websocket' || record.delivery_status === 'sent') return;
    await this.setStatus(record, { delivery_status: 'sent', message_id: null });
  }

  /** Re-sends a signed-in socket its fires newer than `after`, oldest first. */
  async replay(socket: TickSocket, after: number): Promise<number> {
    const userId = socket.data.userId;
    if (!userId) return 0;
    const records = await this.deps.notifications.listNewerThan(userId, after, MAX_REPLAY);
    await Promise.all(
      records.map(async (record) => {
        if (await this.deps.websocket.pushTo(socket, record)) await this.received(record);
      }),
    );
    return records.length;
  }

  async idle(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.all([...this.inFlight]);
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.idle();
    await Promise.all([...this.channels.values()].map((c) => c.close?.()));
  }

  private async run(record: NotificationRecord): Promise<void> {
    if (record.notification_method === 'websocket') {
      const outcome = await this.deps.websocket.deliver(record);
      if (outcome.status === 'sent') await this.received(record);
      return;
    }
    // Open dashboards hear about every fire at once, whatever the method; the method's channel decides the status.
    void this.deps.websocket.push(record);
    const channel = this.channels.get(record.notification_method);
    if (!channel) {
      await this.fail(record, `${record.notification_method} notifications are not configured on this server`);
      return;
    }
    const { maxAttempts, retryBaseMs } = this.deps.options;
    for (let attempt = 1; ; attempt++) {
      let outcome: DeliveryResult;
      try {
        const targets: ChannelSettings = await this.deps.settings.channels(record.user_id);
        outcome = await channel.deliver(record, targets);
      } catch (err) {
        const reason = (err as Error).message;
        const permanent = err instanceof PermanentDeliveryError;
        // A shutdown leaves the record pending rather than calling it failed.
        if (this.closed && !permanent) return;
        if (permanent || attempt >= maxAttempts) {
          await this.fail(record, permanent ? reason : `gave up after ${attempt} attempts: ${reason}`);
          return;
        }
        this.deps.log.warn(
          { err, attempt, method: record.notification_method },
          'notification delivery failed; retrying',
        );
        const ceiling = retryBaseMs * 2 ** (attempt - 1);
        await new Promise((resolve) => setTimeout(resolve, ceiling / 2 + (Math.random() * ceiling) / 2));
        continue;
      }
      // The message is out: recording that may fail, but must never send it again.
      if (outcome.status === 'sent') {
        await this.recordStatus(record, { delivery_status: 'sent', message_id: outcome.messageId });
      }
      return;
    }
  }

  /** Retries writing a status a few times; the delivery itself already happened and is not repeated. */
  private async recordStatus(
    record: NotificationRecord,
    change: Pick<NotificationRecord, 'delivery_status' | 'message_id'>,
  ): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        await this.setStatus(record, change);
        return;
      } catch (err) {
        if (attempt >= this.deps.options.maxAttempts) {
          this.deps.log.error({ err, notification: record.notification_id }, 'could not record a delivery status');
          return;
        }
        await new Promise((resolve) => setTimeout(resolve, this.deps.options.retryBaseMs * attempt));
      }
    }
  }

  private async fail(record: NotificationRecord, reason: string): Promise<void> {
    this.deps.log.warn(
      { notification: record.notification_id, method: record.notification_method, reason },
      'notification failed',
    );
    await this.setStatus(record, {
      delivery_status: 'failed',
      message_id: null,
      failure_reason: reason.slice(0, MAX_REASON_LENGTH),
    });
  }

  private async setStatus(
    record: NotificationRecord,
    change: Pick<NotificationRecord, 'delivery_status' | 'message_id'> & { failure_reason?: string },
  ): Promise<void> {
    await this.deps.notifications.setDelivery(record.user_id, record.triggered_at, {
      status: change.delivery_status,
      messageId: change.message_id,
      ...(change.failure_reason ? { failureReason: change.failure_reason } : {}),
    });
    const updated: NotificationRecord = { ...record, ...change };
    if (!change.failure_reason) delete updated.failure_reason;
    this.deps.io.to(userRoom(record.user_id)).emit('notification:updated', updated);
  }
}
