import crypto from 'node:crypto';
import pLimit from 'p-limit';
import { conditionKey, describeFire, type NotificationRecord } from '@tickwatch/shared';
import { RetryGroup, backoffDelay } from '../backoff.js';
import type { Logger } from '../log.js';
import {
  VersionConflictError,
  type AlertItem,
  type AlertsRepository,
  type PendingNotification,
} from '../store/alerts-repository.js';
import type { NotificationsRepository } from '../store/notifications-repository.js';
import { isPermanentWriteError } from '../store/write-errors.js';
import type { EngineAction, LiveAlert } from './alert-book.js';

export interface RecorderHooks {
  /** A fire is in the history table. */
  onRecorded(record: NotificationRecord): void;
  /** Our copy of the alert is stale (another writer won); `item` is what the store holds now, or undefined. */
  onStale(alertId: string, item: AlertItem | undefined): void;
  /** A write succeeded; `item` is the alert as now stored. */
  onStored(item: AlertItem): void;
}

const RETRY = { baseMs: 100, maxMs: 30_000 };
/**
 * Decisions being recorded at once across all alerts. A storm (one tick firing a thousand alerts) queues here instead
 * of opening a thousand requests at once, which would only slow every one of them down.
 */
export const RECORDER_CONCURRENCY = 32;
/** Edits racing one decision; past this many the decision is dropped and the alert reloaded. */
const MAX_CONFLICT_RETRIES = 5;

/** An alert whose expiry has passed, to be disabled in the store (not an evaluation: the engine's sweep finds it). */
export interface ExpireAction {
  kind: 'expire';
  alert: LiveAlert;
}

/** The store refused a write for good (a value it cannot hold): retrying is pointless, the decision is dead-lettered. */
class RefusedWrite extends Error {
  override name = 'RefusedWrite';
}

/**
 * Records what the evaluator decided, off the tick path, one alert at a time in decision order.
 *
 * A fire is two writes without a transaction (the embedded store has none): first one conditional update of the
 * alert that counts the fire, disarms it and parks the history record in it (`pending_notification`); then the
 * history item, written idempotently; then the parked record is cleared. A crash between the writes leaves the
 * record parked, and `finishPending` (run at start-up, and before any later fire of that alert) writes it.
 * Concurrent evaluators and API edits are kept apart by the alert's version: a write against an old version
 * fails, and the alert is reloaded instead.
 */
export class FireRecorder {
  private readonly chains = new Map<string, Promise<void>>();
  private readonly versions = new Map<string, number>();
  /** Bumped when the alert's definition changes, so decisions made under the old one are dropped. */
  private readonly generations = new Map<string, number>();
  private closed = false;
  /** Decisions queued and not yet recorded (or abandoned). */
  private queued = 0;
  private refused = 0;
  private readonly limit: ReturnType<typeof pLimit>;

  constructor(
    private readonly alerts: AlertsRepository,
    private readonly notifications: NotificationsRepository,
    private readonly hooks: RecorderHooks,
    private readonly log: Logger,
    /** Shared with the store's other writers: a success anywhere ends every waiting retry's back-off. */
    private readonly retries = new RetryGroup(),
    /** Decisions recorded at once; Infinity only as a benchmark's baseline. */
    concurrency = RECORDER_CONCURRENCY,
  ) {
    this.limit = pLimit(concurrency);
  }

  /** Decisions the store refused for good; each is in the log with the reason. */
  get deadLettered(): number {
    return this.refused;
  }

  /** The stored version our next write must expect; a new generation drops queued decisions. */
  track(item: AlertItem, newGeneration: boolean): void {
    this.versions.set(item.alert_id, item.version);
    if (newGeneration) this.generations.set(item.alert_id, (this.generations.get(item.alert_id) ?? 0) + 1);
  }

  forget(alertId: string): void {
    this.versions.delete(alertId);
    this.generations.set(alertId, (this.generations.get(alertId) ?? 0) + 1);
  }

  record(action: EngineAction | ExpireAction): void {
    const id = action.alert.id;
    const generation = this.generations.get(id) ?? 0;
    this.enqueue(id, async () => {
      if ((this.generations.get(id) ?? 0) !== generation) return;
      if (action.kind === 'fire') {
        await this.fire(action);
        return;
      }
      const definition = conditionKey(action.alert.item);
      if (action.kind === 'rearm') {
        // Still worth writing if the alert kept its definition and nobody else re-armed it meanwhile.
        await this.write(
          id,
          (version) => this.alerts.rearm(id, version),
          (current) => !current.armed && conditionKey(current) === definition,
        );
        return;
      }
      // Still due if nobody disabled it, moved its expiry or changed what it watches meanwhile.
      const expiresAt = action.alert.item.expires_at;
      await this.write(
        id,
        (version) => this.alerts.expire(id, version),
        (current) => current.enabled && current.expires_at === expiresAt && conditionKey(current) === definition,
      );
    });
  }

  /** Writes a parked history record (after a crash) and clears it. Idempotent. */
  finishPending(item: AlertItem): Promise<void> {
    const pending = item.pending_notification;
    if (!pending) return Promise.resolve();
    return new Promise((resolve) => {
      this.enqueue(item.alert_id, async () => {
        await this.finish(item.alert_id, pending, true);
        resolve();
      });
    });
  }

  /** Resolves when everything queued so far is recorded (or abandoned on close). */
  async idle(): Promise<void> {
    while (this.chains.size > 0) await Promise.all([...this.chains.values()]);
  }

  get backlog(): number {
    return this.queued;
  }

  close(): void {
    this.closed = true;
  }

  private async fire(action: Extract<EngineAction, { kind: 'fire' }>): Promise<void> {
    const { alert, tick } = action;
    const item = alert.item;
    const pending: PendingNotification = {
      notification_id: crypto.randomUUID(),
      user_id: item.user_id,
      alert_id: item.alert_id,
      symbol: item.symbol,
      current_price: tick.price,
      threshold: action.level,
      triggered_at: tick.timestamp,
      notification_method: item.notification_method,
      condition_type: item.condition_type,
      message: describeFire(item, { value: action.value, level: action.level, price: tick.price }),
    };
    const definition = conditionKey(item);
    const claimed = await this.write(
      alert.id,
      (version) =>
        this.alerts.claimFire(alert.id, version, {
          lastTriggered: Math.floor(tick.timestamp / 1000),
          lastFiredMs: tick.timestamp,
          disarm: action.disarm,
          disable: action.disable,
          pending,
        }),
      // An edit that kept the definition (a note, the method) does not undo the fire; another evaluator that
      // already recorded a fire for this tick or a later one does.
      (current) =>
        current.enabled && conditionKey(current) === definition && (current.last_fired_ms ?? -1) < tick.timestamp,
    );
    if (claimed) await this.finish(alert.id, pending, true);
  }

  /** Writes a parked record to the history and clears it; `announce` hands it on for delivery. */
  private async finish(alertId: string, pending: PendingNotification, announce: boolean): Promise<void> {
    let record: NotificationRecord | undefined;
    try {
      record = await this.retrying(() => this.notifications.writeOnce(pending));
    } catch (err) {
      if (!(err instanceof RefusedWrite)) throw err;
      // A parked record the history table will never take must not block the alert's later fires.
      this.deadLetter(alertId, err, pending);
      await this.retrying(() => this.alerts.clearPending(alertId, pending.notification_id));
      return;
    }
    if (!record) return;
    // Durable in the history now: delivery need not wait for the parked copy to be cleared. Should a crash come
    // before the clear, start-up hands the record over again and delivery skips it unless it is still pending.
    if (announce) this.hooks.onRecorded(record);
    await this.retrying(() => this.alerts.clearPending(alertId, pending.notification_id));
  }

  /**
   * One conditional write of the alert. On a version conflict the alert is reloaded: a record another writer
   * parked is finished (without announcing it: its writer does), and the write is tried again on the new version
   * while `stillValid` says the decision holds; otherwise it is dropped and the alert reloaded into the engine.
   */
  private async write(
    alertId: string,
    update: (version: number) => Promise<AlertItem>,
    stillValid: (current: AlertItem) => boolean,
  ): Promise<AlertItem | undefined> {
    for (let attempt = 0; attempt < MAX_CONFLICT_RETRIES; attempt++) {
      const version = this.versions.get(alertId);
      if (version === undefined) return undefined;
      try {
        const item = await this.retrying(() => update(version), VersionConflictError);
        if (!item) return undefined;
        this.versions.set(alertId, item.version);
        this.hooks.onStored(item);
        return item;
      } catch (err) {
        if (!(err instanceof VersionConflictError)) throw err;
        let current = await this.retrying(() => this.alerts.get(alertId));
        if (current?.pending_notification) {
          await this.finish(alertId, current.pending_notification, false);
          current = await this.retrying(() => this.alerts.get(alertId));
        }
        if (current && stillValid(current)) {
          this.versions.set(alertId, current.version);
          continue;
        }
        if (current) this.track(current, true);
        else this.forget(alertId);
        this.hooks.onStale(alertId, current ?? undefined);
        return undefined;
      }
    }
    return undefined;
  }

  /**
   * Retries store failures with back-off for as long as the server runs: a fire must not be lost to a brief
   * outage. Errors of `passThrough`'s class are rethrown at once, and a refusal for good as RefusedWrite. Resolves
   * undefined once the recorder is closed.
   */
  private async retrying<T>(
    operation: () => Promise<T>,
    passThrough?: new (...args: never[]) => Error,
  ): Promise<T | undefined> {
    for (let attempt = 0; ; attempt++) {
      if (this.closed) return undefined;
      try {
        const result = await operation();
        this.retries.succeeded();
        return result;
      } catch (err) {
        if (passThrough && err instanceof passThrough) throw err;
        if (isPermanentWriteError(err)) throw new RefusedWrite('the store refused the write for good', { cause: err });
        if (attempt === 0 || attempt % 10 === 0)
          this.log.warn({ err, attempt }, 'recording an alert fire failed; retrying');
        await this.retries.wait(backoffDelay(attempt + 1, RETRY));
      }
    }
  }

  private enqueue(alertId: string, task: () => Promise<void>): void {
    const previous = this.chains.get(alertId) ?? Promise.resolve();
    this.queued += 1;
    // The bound is on whole decisions, not single store calls: a storm then finishes its first fires (and delivers
    // them) while the rest wait, instead of interleaving every fire's calls and delivering none until the end.
    const next = previous
      .then(() => this.limit(task))
      .catch((err: unknown) => {
        if (err instanceof RefusedWrite) this.deadLetter(alertId, err);
        else this.log.error({ err, alertId }, 'recording an alert decision failed');
      })
      .finally(() => {
        this.queued -= 1;
        if (this.chains.get(alertId) === next) this.chains.delete(alertId);
      });
    this.chains.set(alertId, next);
  }

  /** The dead-letter log: what the store refused, and why. */
  private deadLetter(alertId: string, err: RefusedWrite, record?: PendingNotification): void {
    this.refused += 1;
    this.log.error(
      { err: err.cause, alertId, ...(record ? { deadLetter: record } : {}) },
      'the store refused an alert decision for good; dropped',
    );
  }
}
