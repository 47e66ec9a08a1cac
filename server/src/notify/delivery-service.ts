import {
  DELIVERY_FAILURES,
  MAX_REPLAY,
  type DeliveryFailure,
  type NotificationMethod,
  type NotificationRecord,
} from '@tickwatch/shared';
import { backoffDelay, sleep } from '../backoff.js';
import type { Logger } from '../log.js';
import { UnwrittenRecordError, type HistoryWrites } from '../store/history-writes.js';
import type { NotificationsRepository } from '../store/notifications-repository.js';
import type { UserSettingsRepository } from '../store/user-settings-repository.js';
import { PermanentDeliveryError, type DeliveryResult, type NotificationChannel } from './channel.js';
import type { Dashboards } from './dashboards.js';

export interface DeliveryOptions {
  maxAttempts: number;
  retryBaseMs: number;
}

/** Retries of a failed delivery stop growing their wait here. */
const MAX_RETRY_DELAY_MS = 5 * 60_000;

/**
 * Takes each recorded fire to its user, off the tick path. Every fire is shown on the user's open dashboards, and
 * goes out through the channel of the alert's method; the channel's outcome lands in the history record (`sent` with
 * the provider's id, `failed` with a fixed reason, or still `pending` for a dashboard user who is offline) and the
 * dashboards are told. Failures are retried with exponential back-off up to `maxAttempts`.
 */
export class DeliveryService {
  private readonly channels: Map<NotificationMethod, NotificationChannel>;
  private readonly inFlight = new Set<Promise<void>>();
  /** Records being delivered now, so one handed over twice (a recovered fire, the outbox) goes out once. */
  private readonly delivering = new Set<string>();
  private closed = false;
  /** Deliveries a shutdown cut short; their records stay in the outbox for the next start. */
  private leftPending = 0;
  /** Outcomes by channel and status (`sent`, `failed`, `retried`), since start-up. */
  private readonly outcomes = new Map<string, { channel: NotificationMethod; status: string; count: number }>();

  constructor(
    private readonly deps: {
      dashboards: Dashboards;
      channels: NotificationChannel[];
      notifications: NotificationsRepository;
      /** Status changes go through it: a fire is delivered before its history record is written. */
      history: HistoryWrites;
      settings: UserSettingsRepository;
      options: DeliveryOptions;
      log: Logger;
    },
  ) {
    this.channels = new Map(deps.channels.map((c) => [c.method, c]));
  }

  deliver(record: NotificationRecord): void {
    const id = record.notification_id;
    // A record already settled (handed over again after a restart) or already on its way is not sent again.
    if (record.delivery_status !== 'pending' || this.delivering.has(id)) return;
    this.delivering.add(id);
    this.track(
      this.run(record)
        .catch((err: unknown) => {
          // Shut down before the record was written: the next start writes it and hands it over again.
          if (err instanceof UnwrittenRecordError) this.leftPending += 1;
          else this.deps.log.error({ err, notification: id }, 'delivery failed unexpectedly');
        })
        .finally(() => this.delivering.delete(id)),
    );
  }

  /**
   * At start-up: takes up every email, SNS and webhook record a previous run left pending (a crash or a shutdown
   * between the history write and the provider's answer), from the outbox (UndeliveredIndex), once the fires recovered at
   * start-up are on their way. Dashboard records are not sent here: they wait for the dashboard's replay. `only`
   * narrows it to some symbols' records: a cluster process resumes those of the shards it takes over.
   */
  resumeOutbox(only?: (symbol: string) => boolean): void {
    void this.idle().then(() => {
      if (!this.closed) this.track(this.readOutbox(only));
    });
  }

  private async readOutbox(only: ((symbol: string) => boolean) | undefined): Promise<void> {
    let resumed = 0;
    try {
      for await (const page of this.deps.notifications.scanUndelivered()) {
        for (const stale of page) {
          if (this.closed) return;
          if (this.channels.get(stale.notification_method)?.deliveredByDashboard) continue;
          if (only && !only(stale.symbol)) continue;
          if (this.delivering.has(stale.notification_id)) continue;
          // The index is eventually consistent: the record itself says whether it is still pending.
          const record = await this.deps.notifications.get(stale.user_id, stale.triggered_at);
          if (!record || record.delivery_status !== 'pending') continue;
          resumed += 1;
          this.deliver(record);
        }
      }
    } catch (err) {
      this.deps.log.error({ err }, 'could not read the outbox; its deliveries resume at the next start');
    }
    if (resumed > 0) this.deps.log.info({ resumed }, 'resumed deliveries a previous run left pending');
  }

  /** A dashboard acknowledged a record (live or replayed): for a channel that delivers to dashboards, it is sent. */
  async acknowledged(record: NotificationRecord): Promise<void> {
    if (!this.channels.get(record.notification_method)?.deliveredByDashboard) return;
    if (record.delivery_status === 'sent') return;
    this.count(record.notification_method, 'sent');
    await this.setStatus(record, { delivery_status: 'sent', message_id: null });
  }

  private async acknowledgedLater(record: NotificationRecord): Promise<void> {
    try {
      await this.acknowledged(record);
    } catch (err) {
      if (!(err instanceof UnwrittenRecordError))
        this.deps.log.error({ err, notification: record.notification_id }, 'could not record an acknowledgement');
    }
  }

  /**
   * Re-sends one dashboard, oldest first, the user's fires newer than `after` and every dashboard record no dashboard
   * has acknowledged yet, whatever its `triggered_at` (a fire recorded late, out of tick-time order, while the tab
   * was away). `show` resolves whether the tab acknowledged; returns how many it sent.
   */
  async replay(userId: string, after: number, show: (record: NotificationRecord) => Promise<boolean>): Promise<number> {
    // Taken before the table is read: a record written in between is then in one or the other, never in neither.
    const unwritten = this.deps.history.unwrittenOf(userId);
    const [newer, undelivered] = await Promise.all([
      this.deps.notifications.listNewerThan(userId, after, MAX_REPLAY),
      this.deps.notifications.listUndelivered(userId, MAX_REPLAY),
    ]);
    const byId = new Map(newer.map((r) => [r.notification_id, r]));
    for (const record of [...undelivered, ...unwritten]) {
      const missed = record.triggered_at > after && !byId.has(record.notification_id);
      const unacknowledged =
        record.delivery_status === 'pending' && this.channels.get(record.notification_method)?.deliveredByDashboard;
      if (missed || unacknowledged) byId.set(record.notification_id, record);
    }
    const records = [...byId.values()].sort((a, b) => a.triggered_at - b.triggered_at).slice(0, MAX_REPLAY);
    const notYetWritten = new Set(unwritten.map((r) => r.notification_id));
    await Promise.all(
      records.map(async (record) => {
        if (!(await show(record))) return;
        // The status of a record still waiting for its history write is stored with that write; the replay does
        // not wait for the recorder's queue.
        if (notYetWritten.has(record.notification_id)) this.track(this.acknowledgedLater(record));
        else await this.acknowledged(record);
      }),
    );
    return records.length;
  }

  async idle(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.all([...this.inFlight]);
  }

  /** Stops retrying; returns how many deliveries it left pending (they resume from the outbox at the next start). */
  async close(): Promise<{ leftPending: number }> {
    this.closed = true;
    await this.idle();
    await Promise.all([...this.channels.values()].map((c) => c.close?.()));
    return { leftPending: this.leftPending };
  }

  private track(task: Promise<void>): void {
    const tracked = task.finally(() => this.inFlight.delete(tracked));
    this.inFlight.add(tracked);
  }

  private async run(record: NotificationRecord): Promise<void> {
    const shownOnDashboard = this.deps.dashboards.show(record);
    const channel = this.channels.get(record.notification_method);
    if (!channel) {
      await this.fail(record, 'not_configured', `no ${record.notification_method} channel on this server`);
      return;
    }
    const targets = () => this.deps.settings.deliveryTargets(record.user_id);
    const { maxAttempts, retryBaseMs } = this.deps.options;
    for (let attempt = 1; ; attempt++) {
      let outcome: DeliveryResult;
      try {
        outcome = await channel.deliver(record, { targets, shownOnDashboard, attempt });
      } catch (err) {
        const permanent = err instanceof PermanentDeliveryError;
        // A shutdown leaves the record pending (in the outbox) rather than calling it failed.
        if (this.closed && !permanent) {
          this.leftPending += 1;
          return;
        }
        if (permanent || attempt >= maxAttempts) {
          const detail = `${permanent ? '' : `gave up after ${attempt} attempts: `}${(err as Error).message}`;
          await this.fail(record, permanent ? err.failure : 'gave_up', detail);
          return;
        }
        this.deps.log.warn(
          { err, attempt, method: record.notification_method },
          'notification delivery failed; retrying',
        );
        this.count(record.notification_method, 'retried');
        await sleep(backoffDelay(attempt, { baseMs: retryBaseMs, maxMs: MAX_RETRY_DELAY_MS }));
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
    this.count(record.notification_method, change.delivery_status);
    const { maxAttempts, retryBaseMs } = this.deps.options;
    for (let attempt = 1; ; attempt++) {
      try {
        await this.setStatus(record, change);
        return;
      } catch (err) {
        // Shutting down before the record was written: it stays parked in its alert, and the next start writes it
        // and hands it over again.
        if (err instanceof UnwrittenRecordError) {
          this.leftPending += 1;
          return;
        }
        if (attempt >= maxAttempts) {
          this.deps.log.error({ err, notification: record.notification_id }, 'could not record a delivery status');
          return;
        }
        await sleep(backoffDelay(attempt, { baseMs: retryBaseMs, maxMs: MAX_RETRY_DELAY_MS }));
      }
    }
  }

  /** The provider's words (`detail`) go to the log; the record gets the fixed, documented reason. */
  private async fail(record: NotificationRecord, failure: DeliveryFailure, detail: string): Promise<void> {
    this.deps.log.warn(
      { notification: record.notification_id, method: record.notification_method, failure, detail },
      'notification failed',
    );
    this.count(record.notification_method, 'failed');
    await this.setStatus(record, {
      delivery_status: 'failed',
      message_id: null,
      failure_id: failure,
      failure_reason: DELIVERY_FAILURES[failure],
    });
  }

  /** Deliveries by channel and outcome since start-up: what /metrics reports. */
  outcomeCounts(): { channel: NotificationMethod; status: string; count: number }[] {
    return [...this.outcomes.values()].map((outcome) => ({ ...outcome }));
  }

  private count(channel: NotificationMethod, status: string): void {
    const key = `${channel}|${status}`;
    const outcome = this.outcomes.get(key);
    if (outcome) outcome.count += 1;
    else this.outcomes.set(key, { channel, status, count: 1 });
  }

  private async setStatus(
    record: NotificationRecord,
    change: Pick<NotificationRecord, 'delivery_status' | 'message_id' | 'failure_id' | 'failure_reason'>,
  ): Promise<void> {
    await this.deps.history.setDelivery(record, {
      status: change.delivery_status,
      messageId: change.message_id,
      ...(change.failure_id ? { failure: change.failure_id } : {}),
    });
    const { failure_id: _id, failure_reason: _reason, ...rest } = record;
    this.deps.dashboards.updated({ ...rest, ...change });
  }
}
