import { performance } from 'node:perf_hooks';
import PQueue from 'p-queue';
import { conditionKey, type Fundamentals, type NotificationRecord, type Tick } from '@tickwatch/shared';
import type { RetryGroup } from '../backoff.js';
import type { Logger } from '../log.js';
import type { MarketState, PriceMove } from '../market/market-state.js';
import { TradingDayClock } from '../market/trading-day.js';
import type { AlertItem, AlertsRepository } from '../store/alerts-repository.js';
import { HistoryWrites } from '../store/history-writes.js';
import type { NotificationsRepository } from '../store/notifications-repository.js';
import { tradesOf, type TicksRepository } from '../store/ticks-repository.js';
import { TICK_TTL_SECONDS } from '../store/tables.js';
import { AlertBook, type LiveAlert } from './alert-book.js';
import { FireRecorder } from './fire-recorder.js';
import { mayHaveMissedRearm, rearmedByHistory } from './rearm-from-history.js';
import { restoreLatest, restoreMarket } from './restore-market.js';

const WARM_CONCURRENCY = 4;
const DECIDED = Promise.resolve();
/** How often expired alerts are disabled in the store; the API shows them expired from the exact second. */
export const EXPIRY_SWEEP_MS = 15_000;

export interface AlertView {
  armed: boolean;
  statusNote: string | null;
  lastFiredMs: number | null;
}

export interface AlertEngineDeps {
  alerts: AlertsRepository;
  notifications: NotificationsRepository;
  /** The write-behind of claimed fires' history records, shared with delivery (default: the engine's own). */
  history?: HistoryWrites;
  ticks: TicksRepository;
  /** The prices and day bars the engine evaluates against; it restores them from the store at start-up. */
  market: MarketState;
  /** Shared with the store's other writers, so recording resumes as soon as the store answers again. */
  retries?: RetryGroup;
  /** Store calls the fire recorder has in flight at once (default RECORDER_CONCURRENCY). */
  recorderConcurrency?: number;
  log: Logger;
  now?: () => number;
}

/**
 * Evaluates every enabled alert on every live tick. The decision is synchronous and in memory (one AlertBook per
 * symbol); recording what was decided is the FireRecorder's job, off the tick path. The store is read at start-up
 * (every alert, pending records, today's ticks) and written only by the recorder.
 */
export class AlertEngine {
  private readonly books = new Map<string, AlertBook>();
  private readonly live = new Map<string, LiveAlert>();
  private readonly fundamentals = new Map<string, Fundamentals>();
  private readonly firedListeners = new Set<(record: NotificationRecord) => void>();
  private readonly clock = new TradingDayClock();
  private readonly recorder: FireRecorder;
  private readonly warmups = new Set<Promise<void>>();
  private readonly now: () => number;
  private fired = 0;

  constructor(private readonly deps: AlertEngineDeps) {
    this.now = deps.now ?? Date.now;
    this.recorder = new FireRecorder(
      deps.alerts,
      deps.history ?? new HistoryWrites(deps.notifications),
      {
        onFired: (record) => {
          this.fired += 1;
          for (const listener of this.firedListeners) listener(record);
        },
        onStale: (alertId, item) => (item ? this.resync(item) : this.remove(alertId)),
        onStored: (item) => this.absorb(item),
        fundamentals: (symbol) => this.fundamentals.get(symbol),
      },
      deps.log.child({ part: 'recorder' }),
      deps.retries,
      deps.recorderConcurrency,
    );
  }

  /** Fires claimed in the store (and so handed to delivery) since start-up. */
  get firesRecorded(): number {
    return this.fired;
  }

  /** Alert decisions queued and not yet recorded. */
  get backlog(): number {
    return this.recorder.backlog;
  }

  /** Alert decisions the store refused for good (dead-lettered). */
  get deadLettered(): number {
    return this.recorder.deadLettered;
  }

  /**
   * Loads every alert, finishes fires a crash left half-recorded, and restores the market state of every symbol
   * that may have stored ticks (`storedSymbols`, plus those with alerts): today's bar and the latest price. A stored
   * item that is not a valid alert is logged and skipped.
   */
  async load(storedSymbols: readonly string[]): Promise<void> {
    const started = performance.now();
    const pending: AlertItem[] = [];
    const bySymbol = new Map<string, LiveAlert[]>();
    let skipped = 0;
    await this.deps.alerts.scanAll(
      (page) => {
        for (const item of page) {
          if (item.pending_notification) pending.push(item);
          const alert = this.track(item);
          if (!item.enabled) continue;
          const list = bySymbol.get(item.symbol);
          if (list) list.push(alert);
          else bySymbol.set(item.symbol, [alert]);
        }
      },
      ({ alertId, issues }) => {
        skipped += 1;
        this.deps.log.error({ alertId, issues }, 'skipped a stored alert that is not valid; it is not evaluated');
      },
    );
    for (const [symbol, alerts] of bySymbol) this.bookFor(symbol).addAll(alerts);
    const alertsMs = Math.round(performance.now() - started);
    await Promise.all(pending.map((item) => this.recorder.finishPending(item)));
    if (pending.length > 0)
      this.deps.log.info({ count: pending.length }, 'finished fires left pending by a previous run');

    const symbols = [...new Set([...storedSymbols, ...this.books.keys()])];
    const warming = performance.now();
    const now = this.now();
    const today = this.clock.dayStart(now);
    const fired = new Map<string, LiveAlert[]>();
    for (const [symbol, alerts] of bySymbol) {
      const candidates = alerts.filter(mayHaveMissedRearm);
      if (candidates.length > 0) fired.set(symbol, candidates);
    }
    // A few symbols at a time, page by page: a full-market feed stores many symbols' ticks.
    const pool = new PQueue({ concurrency: WARM_CONCURRENCY });
    await Promise.all(
      symbols.map((symbol) => pool.add(() => this.warmSymbol(symbol, now, today, fired.get(symbol) ?? []))),
    );
    this.deps.log.info(
      {
        alerts: this.live.size,
        skipped,
        symbols: symbols.length,
        alertsMs,
        warmMs: Math.round(performance.now() - warming),
      },
      'alert engine loaded',
    );
  }

  /**
   * Today's ticks rebuild the day bar, and the newest stored tick is the latest price when none traded today. Only a
   * symbol with indicator or price move alerts, or with fired level alerts (`fired`) whose re-arm a crash may have lost, needs its
   * stored history held at once (its 24 h, or since the oldest of those fires); the others stream through.
   */
  private async warmSymbol(symbol: string, now: number, today: number, fired: LiveAlert[]): Promise<void> {
    const { market, ticks } = this.deps;
    const warming = this.books.get(symbol)?.trackerKeysWarming() ?? [];
    const window = now - TICK_TTL_SECONDS * 1000;
    if (warming.length === 0 && fired.length === 0) {
      await restoreMarket(market, ticks, symbol, today);
      return;
    }
    const windowed = (a: LiveAlert) => a.item.condition_type === 'indicator' || a.item.condition_type === 'price_move';
    const indicators = warming.length > 0 || fired.some(windowed);
    const oldestFire = Math.min(...fired.map((a) => a.lastFiredMs ?? window));
    const history = await this.history(symbol, indicators ? window : Math.max(window, Math.min(today, oldestFire)));
    for (const tick of history) if (tick.timestamp >= today) market.apply(tick);
    const book = this.bookFor(symbol);
    for (const key of warming) book.warmTracker(key, history);
    for (const alert of rearmedByHistory(fired, history, this.fundamentals.get(symbol), this.clock)) {
      alert.armed = true;
      void this.recorder.record({ kind: 'rearm', alert });
    }
    await restoreLatest(market, ticks, symbol);
  }

  /**
   * Disables, in the book and in the store, every enabled alert whose `expires_at` has passed by the server clock,
   * so the store, the API and the engine agree without waiting for a tick to reach the alert. Returns how many.
   */
  expireDue(): number {
    const now = this.now();
    let expired = 0;
    for (const alert of this.live.values()) {
      const { enabled, expires_at: expiresAt } = alert.item;
      if (!enabled || expiresAt === null || expiresAt * 1000 > now) continue;
      this.books.get(alert.item.symbol)?.remove(alert);
      alert.item = { ...alert.item, enabled: false };
      alert.statusNote = 'expired';
      void this.recorder.record({ kind: 'expire', alert });
      expired += 1;
    }
    return expired;
  }

  /** Runs `expireDue` now and every `intervalMs` until the returned function is called. */
  startExpirySweep(intervalMs = EXPIRY_SWEEP_MS): () => void {
    this.expireDue();
    const timer = setInterval(() => this.expireDue(), intervalMs);
    timer.unref();
    return () => clearInterval(timer);
  }

  /**
   * Evaluates a live price move of the market state against the symbol's alerts. Resolves once what it decided is
   * in the store (fires claimed, re-arms written): a cluster's shard owner acknowledges the tick only then.
   */
  onMove(move: PriceMove): Promise<void> {
    const book = this.bookFor(move.tick.symbol);
    const actions = book.onMove(move);
    if (actions.length === 0) return DECIDED;
    return Promise.all(actions.map((action) => this.recorder.record(action, move.key))).then(() => undefined);
  }

  /**
   * Cluster mode: takes a symbol over, as the owner of its shard does before evaluating its first tick there. Its
   * alerts come through SymbolIndex, a fire the previous owner left parked is finished, and its market state and
   * re-arms are restored as at start-up.
   */
  async loadSymbol(symbol: string): Promise<void> {
    // A load that failed part way leaves nothing behind to be counted twice when it is tried again.
    this.books.delete(symbol);
    for (const alert of [...this.live.values()]) if (alert.item.symbol === symbol) this.live.delete(alert.id);
    const alerts: LiveAlert[] = [];
    const pending: AlertItem[] = [];
    const items = await this.deps.alerts.listBySymbol(symbol, ({ alertId, issues }) =>
      this.deps.log.error({ alertId, issues }, 'skipped a stored alert that is not valid; it is not evaluated'),
    );
    for (const item of items) {
      if (item.pending_notification) pending.push(item);
      const alert = this.track(item);
      if (item.enabled) alerts.push(alert);
    }
    this.bookFor(symbol).addAll(alerts);
    await Promise.all(pending.map((item) => this.recorder.finishPending(item)));
    const now = this.now();
    await this.warmSymbol(symbol, now, this.clock.dayStart(now), alerts.filter(mayHaveMissedRearm));
  }

  /**
   * Cluster mode: hands a symbol over. Its alerts leave the engine and nothing new is decided for them here; what
   * was already decided is recorded first (for at most `timeoutMs`), so the next owner finds it in the store.
   */
  async unloadSymbol(symbol: string, timeoutMs = 5_000): Promise<void> {
    this.books.delete(symbol);
    const leaving = [...this.live.values()].filter((alert) => alert.item.symbol === symbol).map((alert) => alert.id);
    for (const id of leaving) this.live.delete(id);
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([this.recorder.idle(), new Promise((resolve) => (timer = setTimeout(resolve, timeoutMs)))]);
    clearTimeout(timer);
    for (const id of leaving) this.recorder.forget(id);
  }

  /** Cluster mode: an alert changed through some process; our copy follows the store. */
  async refresh(alertId: string, owns: (symbol: string) => boolean): Promise<void> {
    const item = await this.deps.alerts.get(alertId);
    if (item && owns(item.symbol)) this.upsert(item);
    else this.remove(alertId);
  }

  /**
   * The alert as stored now (after an API write or a reload). A new definition (symbol, condition) or a change of
   * enabled replaces our copy, which is then evaluated afresh. Anything else (a note, the method, a fire or re-arm
   * recorded by another writer) only refreshes the stored bookkeeping: our trigger state may be ahead of the
   * store, with its writes still queued, and must not be rolled back.
   */
  upsert(item: AlertItem): void {
    const previous = this.live.get(item.alert_id);
    if (previous && previous.item.enabled === item.enabled && conditionKey(previous.item) === conditionKey(item)) {
      const { pending_notification: _pending, ...stored } = item;
      previous.item = stored;
      this.recorder.track(item, false);
      return;
    }
    if (previous) this.books.get(previous.item.symbol)?.remove(previous);
    const alert = this.track(item);
    if (!item.enabled) return;
    const book = this.bookFor(item.symbol);
    const warming = book.add(alert);
    if (warming) this.warmTrackerLater(book, warming);
  }

  /**
   * A decision of ours was refused because the store holds a different one (another evaluator's, or a previous
   * shard owner's on the same or a later tick): our trigger state follows the store's, so what we decide next
   * starts from what was recorded. A changed definition or enabled flag is an upsert as from the API.
   */
  private resync(item: AlertItem): void {
    const alert = this.live.get(item.alert_id);
    if (!alert || alert.item.enabled !== item.enabled || conditionKey(alert.item) !== conditionKey(item)) {
      this.upsert(item);
      return;
    }
    const { pending_notification: _pending, ...stored } = item;
    alert.item = stored;
    alert.armed = item.armed;
    alert.lastFiredMs = item.last_fired_ms;
  }

  private track(item: AlertItem): LiveAlert {
    const alert: LiveAlert = {
      id: item.alert_id,
      item,
      armed: item.armed,
      lastFiredMs: item.last_fired_ms,
      statusNote: null,
      fresh: true,
    };
    this.live.set(item.alert_id, alert);
    this.recorder.track(item, true);
    return alert;
  }

  remove(alertId: string): void {
    const alert = this.live.get(alertId);
    if (!alert) return;
    this.books.get(alert.item.symbol)?.remove(alert);
    this.live.delete(alertId);
    this.recorder.forget(alertId);
  }

  view(alertId: string): AlertView | undefined {
    const alert = this.live.get(alertId);
    return alert && { armed: alert.armed, statusNote: alert.statusNote, lastFiredMs: alert.lastFiredMs };
  }

  setFundamentals(symbol: string, fundamentals: Fundamentals): void {
    this.fundamentals.set(symbol, fundamentals);
    this.bookFor(symbol).setFundamentals(fundamentals);
  }

  /** Every fire to deliver, as soon as it is claimed (or, recovered at start-up, once it is in the history). */
  onFired(listener: (record: NotificationRecord) => void): () => void {
    this.firedListeners.add(listener);
    return () => this.firedListeners.delete(listener);
  }

  /** Resolves once every decision so far is recorded and every indicator warmed: for shutdown and tests. */
  async idle(): Promise<void> {
    while (this.warmups.size > 0) await Promise.all([...this.warmups]);
    await this.recorder.idle();
  }

  /**
   * Waits a bounded time for queued decisions, then stops retrying: during a store outage shutdown must not hang.
   * Returns how many decisions it recorded meanwhile and how many it left.
   * Whatever was not recorded is safe: a parked record is finished at the next start, an unclaimed fire leaves the
   * alert armed to fire again when ticks resume.
   */
  async close(timeoutMs = 5_000): Promise<{ recorded: number; left: number }> {
    const queued = this.recorder.backlog;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([this.idle(), new Promise((resolve) => (timer = setTimeout(resolve, timeoutMs)))]);
    clearTimeout(timer);
    const left = this.recorder.backlog;
    this.recorder.close();
    return { recorded: queued - left, left };
  }

  /** Copies the bookkeeping of a write we made (counts, version) without disturbing in-memory trigger state. */
  private absorb(item: AlertItem): void {
    const alert = this.live.get(item.alert_id);
    if (!alert) return;
    const { pending_notification: _pending, ...rest } = item;
    alert.item = { ...rest, enabled: alert.item.enabled && item.enabled };
  }

  private bookFor(symbol: string): AlertBook {
    let book = this.books.get(symbol);
    if (!book) {
      book = new AlertBook(symbol);
      const fundamentals = this.fundamentals.get(symbol);
      if (fundamentals) book.setFundamentals(fundamentals);
      this.books.set(symbol, book);
    }
    return book;
  }

  private warmTrackerLater(book: AlertBook, key: string): void {
    // The price the trader saw when saving may not be stored yet (a second closes a second later, the write queue
    // drains behind it): without it a move window would start from the stored past, and "up 2% from here" would
    // miss "here". Later ticks are buffered by the book itself.
    const latest = this.deps.market.latest(book.symbol);
    const warmup = this.history(book.symbol, this.now() - TICK_TTL_SECONDS * 1000)
      .catch((err: unknown) => {
        this.deps.log.warn(
          { err, symbol: book.symbol },
          'could not load the history of an indicator or a move window; starting from live ticks',
        );
        return [] as Tick[];
      })
      .then((history) => {
        const newestStored = history.at(-1)?.timestamp ?? Number.NEGATIVE_INFINITY;
        if (latest && latest.timestamp > newestStored) history.push(latest);
        book.warmTracker(key, history);
      })
      .finally(() => this.warmups.delete(warmup));
    this.warmups.add(warmup);
  }

  private async history(symbol: string, from: number): Promise<Tick[]> {
    const ticks: Tick[] = [];
    for await (const page of this.deps.ticks.scanOldestFirst({ symbol, from })) {
      for (const item of page) ticks.push(...tradesOf(item));
    }
    return ticks;
  }
}
