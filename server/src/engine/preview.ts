import {
  MAX_PREVIEW_FIRES,
  type AlertDefinition,
  type AlertPreview,
  type Fundamentals,
  type PreviewFire,
  type Tick,
} from '@tickwatch/shared';
import { MarketState } from '../market/market-state.js';
import { newAlertItem } from '../store/alerts-repository.js';
import { TICK_TTL_SECONDS } from '../store/tables.js';
import { tradesOf, type TicksRepository } from '../store/ticks-repository.js';
import { AlertBook, type LiveAlert } from './alert-book.js';

/** Nobody owns a draft; the id only satisfies the item's shape and is never stored. */
const DRAFT_OWNER = 'preview';

export interface PreviewInput {
  /** A definition as alertDefinitionSchema gives it. */
  definition: AlertDefinition;
  /** The symbol's stored ticks, oldest first, in pages as the store reads them. */
  ticks: AsyncIterable<Iterable<Tick>> | Iterable<Iterable<Tick>>;
  fundamentals: Fundamentals | undefined;
  /** The window replayed, epoch ms, for the answer. */
  from: number;
  to: number;
  /** Stops the replay between pages: nobody waits for its answer any more. */
  signal?: AbortSignal;
}

/**
 * Replays a draft alert over ticks with the engine's own parts: a fresh MarketState makes each tick's PriceMove and
 * an AlertBook of the symbol evaluates it, exactly as AlertEngine.onMove does on live ticks, so re-arms, cooldowns,
 * `trigger_mode` and expiry follow from the same code. The draft is added as a newly saved alert is (armed, evaluated
 * in full on its first tick); an indicator warms up on the replayed ticks themselves, as ticks older than the window
 * are no longer stored. The first tick replayed has no tick before it, so, as for a symbol's first live tick, it
 * cannot be a crossing.
 *
 * A second alert rides along to answer `fires_on_every_tick`: the same condition, re-arming with no cooldown or expiry,
 * which holds on every tick exactly when its first evaluation is a level fire and it never re-arms.
 */
export async function previewAlert({
  definition,
  ticks,
  fundamentals,
  from,
  to,
  signal,
}: PreviewInput): Promise<AlertPreview> {
  const book = new AlertBook(definition.symbol);
  book.setFundamentals(fundamentals);
  const draft = liveDraft({ ...definition, enabled: true });
  const probe = liveDraft({
    ...definition,
    enabled: true,
    trigger_mode: 'rearm',
    cooldown_seconds: 0,
    expires_at: null,
  });
  for (const key of book.addAll([draft, probe])) book.warmTracker(key, []);

  const market = new MarketState();
  const fires: PreviewFire[] = [];
  let fireCount = 0;
  let replayed = 0;
  let evaluated = 0;
  let heldFromFirst = false;
  let rearmed = false;
  for await (const page of ticks) {
    if (signal?.aborted) break;
    for (const tick of page) {
      const move = market.apply(tick);
      if (!move) continue;
      replayed += 1;
      for (const action of book.onMove(move)) {
        if (action.alert === probe) {
          if (action.kind === 'rearm') rearmed = true;
          else if (evaluated === 0 && action.disarm) heldFromFirst = true;
        } else if (action.kind === 'fire') {
          fireCount += 1;
          if (fires.length < MAX_PREVIEW_FIRES)
            fires.push({
              time: action.tick.timestamp,
              price: action.tick.price,
              value: action.value,
              level: action.level,
            });
        }
      }
      if (probe.statusNote === null) evaluated += 1;
    }
  }
  return {
    symbol: definition.symbol,
    from,
    to,
    ticks_replayed: replayed,
    fire_count: fireCount,
    fires,
    truncated: fireCount > fires.length,
    fires_on_every_tick: evaluated >= 2 && heldFromFirst && !rearmed,
  };
}

/** The symbol's stored ticks of the last TICK_TTL_SECONDS before `now`, page by page, as the engine's history reads them. */
export function storedWindow(
  repository: TicksRepository,
  symbol: string,
  now: number,
): { from: number; to: number; ticks: AsyncIterable<Tick[]> } {
  const from = now - TICK_TTL_SECONDS * 1000;
  async function* ticks(): AsyncGenerator<Tick[]> {
    for await (const page of repository.scanOldestFirst({ symbol, from })) yield page.flatMap(tradesOf);
  }
  return { from, to: now, ticks: ticks() };
}

function liveDraft(definition: AlertDefinition): LiveAlert {
  const item = newAlertItem(definition, DRAFT_OWNER, 0);
  return { id: item.alert_id, item, armed: true, lastFiredMs: null, statusNote: null, fresh: true };
}
