import { z } from 'zod';

/**
 * Whether a symbol's feed is alive (docs/alerts.md, "Feed health"): `live` when it has traded recently or its
 * market is closed, `quiet` when it has not traded for FEED_QUIET_SECONDS of open market, `never_seen` when this
 * server has no trade of it, `not_carried` when it has none and the feed does not stream it at all.
 */
export const SYMBOL_HEALTH_STATES = ['live', 'quiet', 'never_seen', 'not_carried'] as const;
export type SymbolHealthState = (typeof SYMBOL_HEALTH_STATES)[number];

export interface SymbolHealth {
  symbol: string;
  state: SymbolHealthState;
  /** Epoch ms the symbol has been quiet since (its last trade's time); null unless `quiet`. */
  since: number | null;
  /** Epoch ms of the newest trade this server knows of, or null. */
  last_trade_at: number | null;
}

/** `GET /api/symbols`: `items` is each traded symbol's latest tick (as before), `symbols` their health. */
export interface SymbolHealthList {
  symbols: SymbolHealth[];
}

/**
 * When a symbol's market is open, so that its silence means something (FEED_MARKET_HOURS): `always` (the simulator),
 * or `us-equities`, 09:30 to 16:00 New York time on weekdays.
 */
export const MARKET_CALENDARS = ['always', 'us-equities'] as const;
export type MarketCalendar = (typeof MARKET_CALENDARS)[number];

/** Minutes of blindness a trader may ask to be told about: a minute to a day. */
export const FEED_ALERT_MINUTES = { min: 1, max: 1440 } as const;

/** `GET/PUT /api/me/feed-alerts`: be told when a symbol one alerts on has been blind this many minutes; null = off. */
export const feedAlertSettingsSchema = z.strictObject({
  blind_minutes: z.number().int().min(FEED_ALERT_MINUTES.min).max(FEED_ALERT_MINUTES.max).nullable(),
});
export type FeedAlertSettings = z.infer<typeof feedAlertSettingsSchema>;

/** The `feed:blind` notice: a symbol the user alerts on has been blind for `minutes` (their setting) or more. */
export interface FeedBlindNotice {
  symbol: string;
  /** Epoch ms of the symbol's last trade: blind since then. */
  since: number;
  minutes: number;
}

/** What a health state reads as in the dashboard; `clock` writes a time of day in the trader's own time zone. */
export function describeHealth(health: SymbolHealth, clock: (ms: number) => string): string {
  switch (health.state) {
    case 'live':
      return 'live';
    case 'quiet':
      return health.since === null ? 'quiet' : `quiet since ${clock(health.since)}`;
    case 'never_seen':
      return 'never traded';
    case 'not_carried':
      return 'not carried by the feed';
  }
}
