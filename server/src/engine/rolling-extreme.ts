import type { PriceMoveCondition } from '@tickwatch/shared';

/**
 * The lowest (or highest) price among the ticks of a sliding time window, in amortised O(1) a tick: a monotonic
 * deque keeps only the ticks that can still become the extreme, as each one is dominated by any later tick at least
 * as extreme. The window holds the ticks at most `windowMs` older than the latest one, that one included.
 */
export class RollingExtreme {
  private times: number[] = [];
  private prices: number[] = [];
  /** The deque's front; dropped entries are cut off in batches, so that a long window does not shift per tick. */
  private head = 0;

  constructor(
    readonly windowMs: number,
    readonly kind: 'min' | 'max',
  ) {}

  /** Adds a tick (timestamps must not go back) and returns the window's extreme, that tick included. */
  push(timestamp: number, price: number): number {
    const { times, prices } = this;
    // Written out per kind: this runs on every tick of every move window, where a closure per call shows.
    if (this.kind === 'min') {
      while (prices.length > this.head && prices[prices.length - 1]! >= price) {
        prices.pop();
        times.pop();
      }
    } else {
      while (prices.length > this.head && prices[prices.length - 1]! <= price) {
        prices.pop();
        times.pop();
      }
    }
    times.push(timestamp);
    prices.push(price);
    const oldest = timestamp - this.windowMs;
    while (times[this.head]! < oldest) this.head++;
    if (this.head > 1024 && this.head * 2 > times.length) {
      times.splice(0, this.head);
      prices.splice(0, this.head);
      this.head = 0;
    }
    return prices[this.head]!;
  }

  /** The extreme after the last push, or undefined before the first. */
  current(): number | undefined {
    return this.prices.length > this.head ? this.prices[this.head] : undefined;
  }
}

/** The window a move condition measures from: the low of its last `window_minutes` for up, the high for down. */
export function moveWindow(condition: Pick<PriceMoveCondition, 'direction' | 'window_minutes'>): RollingExtreme {
  return new RollingExtreme(condition.window_minutes * 60_000, condition.direction === 'up' ? 'min' : 'max');
}
