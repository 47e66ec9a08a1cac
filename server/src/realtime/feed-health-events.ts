import type { FeedBlindNotice } from '@tickwatch/shared';
import type { Logger } from '../log.js';
import type { FeedHealth } from '../market/feed-health.js';
import type { MarketHours } from '../market/market-hours.js';
import type { AlertsRepository } from '../store/alerts-repository.js';
import type { UserSettingsRepository } from '../store/user-settings-repository.js';
import type { TickServer } from './io.js';
import { tickRoom, userRoom } from './rooms.js';

/** How often symbols' states are looked at: a change reaches the sockets within about this long. */
export const HEALTH_SWEEP_MS = 1000;
/** How often a connected user's setting and alerts are read again, for changes made through another process. */
export const WATCHER_REFRESH_MS = 60_000;
/** Pages of the user's alerts read for their symbols; MAX_ALERTS_PER_USER is at most 100,000. */
const ALERTS_PAGE = 100;

/** A signed-in user with a socket here: their setting, the symbols of their enabled alerts, what they were told. */
interface Watcher {
  minutes: number | null;
  symbols: Set<string>;
  loadedAt: number;
  loading: boolean;
  /** Changed while a read was in flight: read once more when it ends, so the last read is never an older one. */
  again: boolean;
  /** Per symbol, the quiet spell (its since) the user was told about. */
  told: Map<string, number>;
}

export interface FeedHealthEventsDeps {
  io: TickServer;
  health: FeedHealth;
  hours: MarketHours;
  alerts: Pick<AlertsRepository, 'listByUser'>;
  settings: Pick<UserSettingsRepository, 'feedAlerts'>;
  log: Logger;
  now?: () => number;
}

/**
 * Feed health on the sockets. Each sweep sends the symbols whose state changed as `symbols:health` to the sockets of
 * this process subscribed to them, and tells each signed-in user here who opted in (`feed_blind_minutes`) with
 * `feed:blind` when a symbol of one of their enabled alerts has been quiet that many minutes of open market, once per
 * quiet spell. Every process of a cluster sees every tick, so each one serves its own sockets and no tab hears a
 * change twice. Notices are not recorded: a tab that is not open misses them.
 */
export class FeedHealthEvents {
  private readonly watchers = new Map<string, Watcher>();
  private readonly now: () => number;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly deps: FeedHealthEventsDeps) {
    this.now = deps.now ?? Date.now;
    deps.io.on('connection', (socket) => {
      const userId = socket.data.userId;
      if (userId === undefined) return;
      if (!this.watchers.has(userId)) this.reload(userId);
      // Socket.IO has taken the socket out of its rooms by the time it says so.
      socket.on('disconnect', () => {
        if (!deps.io.of('/').adapter.rooms.get(userRoom(userId))?.size) this.watchers.delete(userId);
      });
    });
  }

  start(): void {
    this.timer ??= setInterval(() => this.sweep(), HEALTH_SWEEP_MS);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /** The user's setting or alerts changed: read them again now, if they have a socket here. */
  changed(userId: string): void {
    if (this.watchers.has(userId)) this.reload(userId);
  }

  private reload(userId: string): void {
    const known = this.watchers.get(userId);
    const watcher: Watcher = known ?? {
      minutes: null,
      symbols: new Set(),
      loadedAt: 0,
      loading: false,
      again: false,
      told: new Map(),
    };
    if (!known) this.watchers.set(userId, watcher);
    // One read at a time: a burst of alert edits costs two reads, not one each, and none lands out of order.
    if (watcher.loading) {
      watcher.again = true;
      return;
    }
    watcher.loading = true;
    this.load(userId).then(
      ({ minutes, symbols }) => {
        watcher.minutes = minutes;
        watcher.symbols = symbols;
        this.loaded(userId, watcher);
      },
      (err: unknown) => {
        // Tried again at the next refresh.
        this.deps.log.warn({ err, userId }, 'reading a user’s feed-alert setting failed');
        this.loaded(userId, watcher);
      },
    );
  }

  private loaded(userId: string, watcher: Watcher): void {
    watcher.loadedAt = this.now();
    watcher.loading = false;
    if (!watcher.again) return;
    watcher.again = false;
    if (this.watchers.get(userId) === watcher) this.reload(userId);
  }

  sweep(): void {
    const now = this.now();
    const { io, health } = this.deps;
    for (const entry of health.changes(now)) io.local.to(tickRoom(entry.symbol)).emit('symbols:health', [entry]);
    for (const [userId, watcher] of this.watchers) {
      if (!watcher.loading && now - watcher.loadedAt >= WATCHER_REFRESH_MS) this.reload(userId);
      if (watcher.minutes !== null) this.tell(userId, watcher, watcher.minutes, now);
    }
  }

  private tell(userId: string, watcher: Watcher, minutes: number, now: number): void {
    for (const symbol of watcher.symbols) {
      const { state, since } = this.deps.health.state(symbol, now);
      if (state !== 'quiet' || since === null) {
        watcher.told.delete(symbol);
        continue;
      }
      if (watcher.told.get(symbol) === since) continue;
      if (now < this.deps.hours.openFor(since, minutes * 60_000)) continue;
      watcher.told.set(symbol, since);
      const notice: FeedBlindNotice = { symbol, since, minutes };
      this.deps.io.local.to(userRoom(userId)).emit('feed:blind', notice);
    }
  }

  private async load(userId: string): Promise<{ minutes: number | null; symbols: Set<string> }> {
    const { blind_minutes: minutes } = await this.deps.settings.feedAlerts(userId);
    const symbols = new Set<string>();
    if (minutes === null) return { minutes, symbols };
    let cursor: string | undefined;
    do {
      const page = await this.deps.alerts.listByUser(userId, ALERTS_PAGE, cursor);
      for (const item of page.items) if (item.enabled) symbols.add(item.symbol);
      cursor = page.nextCursor;
    } while (cursor);
    return { minutes, symbols };
  }
}
