import crypto from 'node:crypto';
import PQueue from 'p-queue';
import {
  conditionKey,
  describeFire,
  renderTemplate,
  type FireEvidence,
  type Fundamentals,
  type NotificationRecord,
} from '@tickwatch/shared';
import { RetryGroup, backoffDelay } from '../backoff.js';
import type { Logger } from '../log.js';
import {
  VersionConflictError,
  type AlertItem,
  type AlertsRepository,
  type PendingNotification,
} from '../store/alerts-repository.js';
import { SlotAllocator, atSlot } from '../store/history-slots.js';
import type { HistoryWrites } from '../store/history-writes.js';
import { isPermanentWriteError } from '../store/write-errors.js';
import type { EngineAction, LiveAlert } from './alert-book.js';
import { fireEvidence } from './fire-evidence.js';

export interface RecorderHooks {
  /**
   * A fire to deliver: just claimed (parked in its alert, so durable; its history write follows through
   * HistoryWrites), or recovered from a previous run and now in the history table.
   */
  onFired(record: NotificationRecord): void;
  /** Our copy of the alert is stale (another writer won); `item` is what the store holds now, or undefined. */
  onStale(alertId: string, item: AlertItem | undefined): void;
  /** A write succeeded; `item` is the alert as now stored. */
  onStored(item: AlertItem): void;
  /** The symbol's fundamentals as a fire is decided, for its evidence (the metric's input); none without it. */
  fundamentals?(symbol: string): Fundamentals | undefined;
}

const RETRY = { baseMs: 100, maxMs: 30_000 };
/**
 * Store calls (with their retries) the recorder has in flight at once across all alerts. A storm (one tick firing a
 * thousand alerts) queues here instead of opening a thousand requests at once, which would only slow every one of
 * them down.
 */
export const RECORDER_CONCURRENCY = 32;
/**
 * The same for the embedded store, which answers in this process: there is no network round trip to overlap, only
 * CPU to share, and every call in flight delays the first claims' answers (a storm's first delivery) without making
 * the last one come sooner.
 */
export const EMBEDDED_RECORDER_CONCURRENCY = 8;
/**
 * Which waiting store call goes next. Claims first: a claimed fire is delivered at once, so a storm reaches every
 * screen after its claims alone; history writes next (a delivery status waits for them); clearing parked records
 * last, since only the alert's own next decision waits for that.
 */
const PRIORITY = { claim: 2, history: 1, clear: 0 } as const;
/**
 * How long a claimed fire's history write waits for its delivery to settle (a dashboard's acknowledgement, a few
 * milliseconds after it is shown), so that the status is written with the record instead of by an update after it.
 */
export const SETTLE_GRACE_MS = 100;
/** Edits racing one decision; past this many the decision is dropped and the alert reloaded. */
const MAX_CONFLICT_RETRIES = 5;

/** An alert whose expiry has passed, to be disabled in the store (not an evaluation: the engine's sweep finds it). */
export interface ExpireAction {
  kind: 'expire';
  alert: LiveAlert;
}

/** A fire with the evidence taken when it was decided. */
type FireDecision = Extract<EngineAction, { kind: 'fire' }> & { evidence: FireEvidence };
type Decision = FireDecision | Exclude<EngineAction, { kind: 'fire' }> | ExpireAction;

/** The store refused a write for good (a value it cannot hold): retrying is pointless, the decision is dead-lettered. */
class RefusedWrite extends Error {
  override name = 'RefusedWrite';
}

const REFUSED = Symbol('refused');

/** Whether every decision the stored alert records was made on a tick before `at` (always, without `at`). */
function decidedBefore(current: AlertItem, at: number | undefined): boolean {
  return at === undefined || current.decided_at === undefined || current.decided_at < at;
}

/**
 * Records what the evaluator decided, off the tick path, one alert at a time in decision order.
 *
 * A fire is two writes without a transaction (the embedded store has none): first one conditional update of the
 * alert that counts the fire, disarms it and parks the history record in it (`pending_notification`), after which
 * the fire is handed on for delivery; then the history item, written idempotently at a slot handed out with the
 * claim; then the parked record is cleared. A crash between the writes leaves the record parked, and
 * `finishPending` (run at start-up, and before any later fire of that alert) writes it. Concurrent evaluators and
 * API edits are kept apart by the alert's version: a write against an old version fails, and the alert is reloaded
 * instead.
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
  private readonly queue: PQueue;
  private readonly slots = new SlotAllocator();

  constructor(
    private readonly alerts: AlertsRepository,
    private readonly history: HistoryWrites,
    private readonly hooks: RecorderHooks,
    private readonly log: Logger,
    /** Shared with the store's other writers: a success anywhere ends every waiting retry's back-off. */
    private readonly retries = new RetryGroup(),
    /** Store calls in flight at once; Infinity only as a benchmark's baseline. */
    concurrency = RECORDER_CONCURRENCY,
  ) {
    this.queue = new PQueue({ concurrency });
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

  /**
   * Queues a decision. Resolves once it is decided in the store: a fire claimed (or found stale), a re-arm or expiry
   * written, or the decision dropped; a fire's history write and clear follow after that.
   */
  /**
   * `at` is the storage key of the tick the decision was made on (PriceMove.key): recorded with a fire or re-arm, it
   * keeps a later evaluation of that tick or an earlier one from recording it again (see AlertsRepository.claimFire).
   */
  record(action: EngineAction | ExpireAction, at?: number): Promise<void> {
    const id = action.alert.id;
    const generation = this.generations.get(id) ?? 0;
    // A fire's evidence is taken now, as it is decided: by the time its claim is written the fundamentals may differ.
    const decision: Decision =
      action.kind === 'fire'
        ? {
            ...action,
            evidence: fireEvidence(action.alert.item, action, this.hooks.fundamentals?.(action.alert.item.symbol)),
          }
        : action;
    return new Promise((decided) =>
      this.enqueue(id, async () => {
        // A definition changed since this decision was made: it no longer applies.
        if ((this.generations.get(id) ?? 0) === generation) await this.decide(decision, at, decided);
      }).finally(decided),
    );
  }

  private async decide(action: Decision, at: number | undefined, decided: () => void): Promise<void> {
    const id = action.alert.id;
    if (action.kind === 'fire') {
      await this.fire(action, at, decided);
      return;
    }
    const definition = conditionKey(action.alert.item);
    if (action.kind === 'rearm') {
      // Still worth writing if the alert kept its definition and nobody else re-armed it, or decided on a later tick.
      await this.stage(PRIORITY.claim, () =>
        this.write(
          id,
          (version) => this.alerts.rearm(id, version, at),
          (current) => !current.armed && conditionKey(current) === definition && decidedBefore(current, at),
        ),
      );
      return;
    }
    // Still due if nobody disabled it, moved its expiry or changed what it watches meanwhile.
    const expiresAt = action.alert.item.expires_at;
    await this.stage(PRIORITY.claim, () =>
      this.write(
        id,
        (version) => this.alerts.expire(id, version),
        (current) => current.enabled && current.expires_at === expiresAt && conditionKey(current) === definition,
      ),
    );
  }

  /** Writes a parked history record (after a crash) and clears it. Idempotent. */
  finishPending(item: AlertItem): Promise<void> {
    const pending = item.pending_notification;
    if (!pending) return Promise.resolve();
    return this.enqueue(item.alert_id, () => this.finish(item.alert_id, pending, true));
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
    this.history.abandonAll();
  }

  private async fire(action: FireDecision, at: number | undefined, claimed: () => void): Promise<void> {
    const { alert, tick, evidence } = action;
    const item = alert.item;
    // A template is the alert's own wording; the evidence keeps the standard one of the condition.
    const message = item.message
      ? renderTemplate(item.message, { symbol: item.symbol, evidence })
      : describeFire(item, { value: action.value, level: action.level, price: tick.price });
    const pending: PendingNotification = {
      notification_id: crypto.randomUUID(),
      user_id: item.user_id,
      alert_id: item.alert_id,
      symbol: item.symbol,
      current_price: tick.price,
      threshold: action.level,
      triggered_at: atSlot(tick.timestamp, this.slots.take(item.user_id, tick.timestamp)),
      notification_method: item.notification_method,
      condition_type: item.condition_type,
      message,
      evidence,
    };
    const definition = conditionKey(item);
    const stored = await this.stage(PRIORITY.claim, () =>
      this.write(
        alert.id,
        (version) =>
          this.alerts.claimFire(alert.id, version, {
            lastTriggered: Math.floor(tick.timestamp / 1000),
            lastFiredMs: tick.timestamp,
            disarm: action.disarm,
            disable: action.disable,
            pending,
            ...(at === undefined ? {} : { decidedAt: at }),
          }),
        // An edit that kept the definition (a note, the method) does not undo the fire; another evaluator that
        // already recorded a fire for this tick or a later one does.
        (current) =>
          current.enabled &&
          conditionKey(current) === definition &&
          (current.last_fired_ms ?? -1) < tick.timestamp &&
          decidedBefore(current, at),
      ),
    );
    if (!stored) return;
    // Parked in the alert, the fire survives a crash from here on: deliver it now rather than after two more writes.
    // Should a crash come before its history write, start-up writes it and hands it over again; delivery then shows
    // it once more unless a dashboard's acknowledgement was already stored.
    this.history.expect(pending);
    this.hooks.onFired({ ...pending, delivery_status: 'pending', message_id: null });
    claimed();
    await this.history.settledWithin(pending.notification_id, SETTLE_GRACE_MS);
    await this.finish(alert.id, pending, false);
  }

  /**
   * Writes a parked record to the history and then clears it, each as its own queued store call; `announce` hands
   * the stored record on for delivery (a record recovered from a previous run).
   */
  private async finish(alertId: string, pending: PendingNotification, announce: boolean): Promise<void> {
    const record = await this.stage(PRIORITY.history, () => this.writeHistory(alertId, pending));
    if (record === undefined) return;
    if (announce && record !== REFUSED) this.hooks.onFired(record);
    await this.stage(PRIORITY.clear, () => this.clear(alertId, pending.notification_id));
  }

  /** The history write of a parked record: the record, REFUSED (dead-lettered), or undefined once closed. */
  private async writeHistory(
    alertId: string,
    pending: PendingNotification,
  ): Promise<NotificationRecord | typeof REFUSED | undefined> {
    try {
      const record = await this.retrying(() => this.history.write(pending));
      if (!record) this.history.abandon(pending.notification_id);
      return record;
    } catch (err) {
      this.history.abandon(pending.notification_id);
      if (!(err instanceof RefusedWrite)) throw err;
      // A parked record the history table will never take must not block the alert's later fires.
      this.deadLetter(alertId, err, pending);
      return REFUSED;
    }
  }

  private async clear(alertId: string, notificationId: string): Promise<void> {
    await this.retrying(() => this.alerts.clearPending(alertId, notificationId));
  }

  /** Runs one store step when the queue's turn comes: at most `concurrency` at once, higher priority first. */
  private stage<T>(priority: number, step: () => Promise<T>): Promise<T> {
    return this.queue.add(step, { priority });
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
        const parked = current?.pending_notification;
        // Already within a queued step: finishing another writer's record here must not queue behind ourselves.
        if (parked && (await this.writeHistory(alertId, parked)) !== undefined) {
          await this.clear(alertId, parked.notification_id);
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

  /** Runs `task` after the alert's earlier ones; resolves when it has run (errors are logged, never thrown). */
  private enqueue(alertId: string, task: () => Promise<void>): Promise<void> {
    const previous = this.chains.get(alertId) ?? Promise.resolve();
    this.queued += 1;
    const next = previous
      .then(task)
      .catch((err: unknown) => {
        if (err instanceof RefusedWrite) this.deadLetter(alertId, err);
        else this.log.error({ err, alertId }, 'recording an alert decision failed');
      })
      .finally(() => {
        this.queued -= 1;
        if (this.chains.get(alertId) === next) this.chains.delete(alertId);
      });
    this.chains.set(alertId, next);
    return next;
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
