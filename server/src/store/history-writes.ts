import {
  DELIVERY_FAILURES,
  type DeliveryFailure,
  type DeliveryStatus,
  type NotificationRecord,
} from '@tickwatch/shared';
import type { PendingNotification } from './alerts-repository.js';
import type { NotificationsRepository } from './notifications-repository.js';

export interface DeliveryUpdate {
  status: DeliveryStatus;
  messageId?: string | null;
  failure?: DeliveryFailure;
}

/** A status was set for a record this process will not write after all (a shutdown, or the store refused it). */
export class UnwrittenRecordError extends Error {
  override name = 'UnwrittenRecordError';
}

interface Claimed {
  pending: PendingNotification;
  /** A delivery that settled before the record was written: it is written with the record, in the same call. */
  settled?: DeliveryUpdate;
  writing: boolean;
  /** The record as stored, or undefined if it will not be written here. */
  stored: Promise<NotificationRecord | undefined>;
  release(record: NotificationRecord | undefined): void;
  /** Ends a `settledWithin` wait: the delivery settled, or the record will not be written here. */
  settle?: () => void;
}

/** Records stored at another slot than their claim gave them, remembered this many at most. */
const MOVED_CAPACITY = 10_000;

/**
 * The history records of fires this process claimed but has not yet written. A fire is delivered as soon as its
 * claim parks the record in the alert (durable from then on), and its history write follows when the recorder gets
 * to it; a delivery that settles first (a dashboard acknowledged it) rides along with that write instead of costing
 * an update of its own, and its caller hears back once it is stored, never before.
 */
export class HistoryWrites {
  private readonly claimed = new Map<string, Claimed>();
  /** notification_id → the `triggered_at` it was stored at, for the rare record that collided with another. */
  private readonly moved = new Map<string, number>();

  constructor(private readonly notifications: NotificationsRepository) {}

  /** A fire was claimed: its record is written later by `write`, and statuses set until then wait for it. */
  expect(pending: PendingNotification): void {
    let release!: Claimed['release'];
    const stored = new Promise<NotificationRecord | undefined>((resolve) => (release = resolve));
    this.claimed.set(pending.notification_id, { pending, writing: false, stored, release });
  }

  /**
   * A user's claimed records not yet in the history table, as delivered: a dashboard that connects between a fire's
   * delivery and its history write finds it here, not in the table.
   */
  unwrittenOf(userId: string): NotificationRecord[] {
    const records: NotificationRecord[] = [];
    for (const { pending, settled } of this.claimed.values()) {
      if (pending.user_id === userId) records.push({ ...pending, ...fields(settled ?? { status: 'pending' }) });
    }
    return records;
  }

  /**
   * Resolves once the record's delivery settles or `graceMs` has passed, whichever is first; at once for a record
   * not claimed here. A dashboard acknowledges a fire a few milliseconds after it is shown: a history write started
   * before that is followed by an update of its status, a store call more per fire, where one that waits for it
   * writes the status with the record. The fire is parked in its alert meanwhile, so nothing is at risk.
   */
  settledWithin(notificationId: string, graceMs: number): Promise<void> {
    const claim = this.claimed.get(notificationId);
    if (!claim || claim.settled) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(done, graceMs);
      function done() {
        clearTimeout(timer);
        if (claim!.settle === done) delete claim!.settle;
        resolve();
      }
      claim.settle = done;
    });
  }

  /**
   * Writes the record exactly once (`NotificationsRepository.writeOnce`), with whatever delivery settled meanwhile.
   * Throws what the store throws; the caller retries, and a retry picks up a status set in between.
   */
  async write(pending: PendingNotification): Promise<NotificationRecord> {
    const id = pending.notification_id;
    const claim = this.claimed.get(id);
    const settled = claim?.settled;
    if (claim) claim.writing = true;
    let record: NotificationRecord;
    try {
      record = await this.notifications.writeOnce(pending, settled && fields(settled));
      // Already stored by an earlier attempt, before this delivery settled: the status still needs its update.
      if (settled && record.delivery_status !== settled.status) {
        await this.notifications.setDelivery(record.user_id, record.triggered_at, settled);
        record = { ...record, ...fields(settled) };
      }
    } catch (err) {
      if (claim) claim.writing = false;
      throw err;
    }
    if (record.triggered_at !== pending.triggered_at) {
      this.moved.set(id, record.triggered_at);
      if (this.moved.size > MOVED_CAPACITY) this.moved.delete(this.moved.keys().next().value!);
    }
    this.claimed.delete(id);
    claim?.release(record);
    return record;
  }

  /** The record will not be written by this process; whoever waits to set its status is told so. */
  abandon(notificationId: string): void {
    const claim = this.claimed.get(notificationId);
    claim?.settle?.();
    claim?.release(undefined);
    this.claimed.delete(notificationId);
  }

  /** Abandons every record not yet written (at shutdown: they stay parked in their alerts for the next start). */
  abandonAll(): void {
    for (const id of [...this.claimed.keys()]) this.abandon(id);
  }

  /** Sets a record's delivery status; resolves once it is stored, with the record or after it. */
  async setDelivery(record: NotificationRecord, update: DeliveryUpdate): Promise<void> {
    const claim = this.claimed.get(record.notification_id);
    if (claim && !claim.writing) {
      claim.settled = update;
      claim.settle?.();
      if (!(await claim.stored)) throw unwritten(record);
      return;
    }
    if (claim && !(await claim.stored)) throw unwritten(record);
    const triggeredAt = this.moved.get(record.notification_id) ?? record.triggered_at;
    await this.notifications.setDelivery(record.user_id, triggeredAt, update);
  }
}

function fields(
  update: DeliveryUpdate,
): Pick<NotificationRecord, 'delivery_status' | 'message_id'> &
  Partial<Pick<NotificationRecord, 'failure_id' | 'failure_reason'>> {
  return {
    delivery_status: update.status,
    message_id: update.messageId ?? null,
    ...(update.failure ? { failure_id: update.failure, failure_reason: DELIVERY_FAILURES[update.failure] } : {}),
  };
}

function unwritten(record: NotificationRecord): UnwrittenRecordError {
  return new UnwrittenRecordError(`notification ${record.notification_id} was not written to the history table`);
}
