import { ALERT_OPTION_DEFAULTS, type ConditionSpec, type Tick } from '@tickwatch/shared';
import type { AlertItem } from '../store/alerts-repository.js';
import type { LiveAlert } from './alert-book.js';

/**
 * What the AlertBook's unit tests build alerts and ticks from (a test-only module: `npm run build` leaves it out).
 * Every alert is on SYMBOL and was created an hour before T0.
 */
export const SYMBOL = 'AAPL';
/** 2026-01-15 10:00 EST: a plain winter day, no clock change for weeks either side. */
export const T0 = Date.parse('2026-01-15T15:00:00.000Z');

export type AlertOptions = Partial<
  Pick<AlertItem, 'cooldown_seconds' | 'trigger_mode' | 'expires_at' | 'armed' | 'last_fired_ms' | 'enabled'>
> & { id?: string };

let sequence = 0;

export function alertItem(spec: ConditionSpec, options: AlertOptions = {}): AlertItem {
  const { id = `alert-${++sequence}`, ...rest } = options;
  return {
    alert_id: id,
    user_id: 'trader-1',
    symbol: SYMBOL,
    ...ALERT_OPTION_DEFAULTS,
    created_at: T0 / 1000 - 3600,
    updated_at: T0 / 1000 - 3600,
    last_triggered: null,
    trigger_count: 0,
    armed: true,
    version: 1,
    last_fired_ms: null,
    ...spec,
    ...rest,
  };
}

/** The engine's working copy of a stored item, as AlertEngine.track builds it. */
export function live(item: AlertItem): LiveAlert {
  return { id: item.alert_id, item, armed: item.armed, lastFiredMs: item.last_fired_ms, statusNote: null, fresh: true };
}

export function tick(price: number, timestamp: number): Tick {
  return { symbol: SYMBOL, timestamp, price, volume: 100, source: 'simulator' };
}

/** Runs `walk` once per seed and adds up what it saw, so that a test can check the walks exercised the book. */
export function totalOverSeeds(
  seeds: number,
  walk: (seed: number) => { fires: number; rearms: number },
): { fires: number; rearms: number } {
  let fires = 0;
  let rearms = 0;
  for (let seed = 0; seed < seeds; seed++) {
    const seen = walk(seed);
    fires += seen.fires;
    rearms += seen.rearms;
  }
  return { fires, rearms };
}
