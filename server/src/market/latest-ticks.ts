import type { Tick } from '@tickwatch/shared';

/** The newest tick of each symbol, in memory: the answer to "what is the price now" never touches the store. */
export class LatestTicks {
  private readonly bySymbol = new Map<string, Tick>();

  /** Records `tick` if it is not older than what we have; returns whether it is now the latest. */
  offer(tick: Tick): boolean {
    const current = this.bySymbol.get(tick.symbol);
    if (current && current.timestamp > tick.timestamp) return false;
    this.bySymbol.set(tick.symbol, tick);
    return true;
  }

  get(symbol: string): Tick | undefined {
    return this.bySymbol.get(symbol);
  }

  symbols(): string[] {
    return [...this.bySymbol.keys()].sort();
  }

  get size(): number {
    return this.bySymbol.size;
  }
}
