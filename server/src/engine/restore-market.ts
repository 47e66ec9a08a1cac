import type { MarketState } from '../market/market-state.js';
import { presentTick, tradesOf, type TicksRepository } from '../store/ticks-repository.js';

/**
 * A symbol's market state from the store: today's ticks rebuild its day bar, and its newest stored tick is the
 * latest price when none traded today. For the engine at start-up, and for a cluster process's live view.
 */
export async function restoreMarket(
  market: MarketState,
  ticks: TicksRepository,
  symbol: string,
  dayStart: number,
): Promise<void> {
  for await (const page of ticks.scanOldestFirst({ symbol, from: dayStart })) {
    for (const item of page) for (const tick of tradesOf(item)) market.apply(tick);
  }
  await restoreLatest(market, ticks, symbol);
}

/** The newest stored tick as the latest price, when the market has none for the symbol. */
export async function restoreLatest(market: MarketState, ticks: TicksRepository, symbol: string): Promise<void> {
  if (market.latest(symbol)) return;
  const latest = await ticks.latest(symbol);
  if (latest) market.apply(presentTick(latest));
}
