import seedrandom from 'seedrandom';
import type { FeedStatus } from '@tickwatch/shared';
import type { TickFeed, TickSink } from './feed.js';

/** Rough starting prices and typical trade sizes, so the dashboard looks like a market and not noise. */
const PROFILES: Record<string, { price: number; lot: number }> = {
  AAPL: { price: 228, lot: 100 },
  MSFT: { price: 415, lot: 60 },
  NVDA: { price: 135, lot: 300 },
  AMZN: { price: 205, lot: 100 },
  GOOGL: { price: 175, lot: 100 },
  TSLA: { price: 250, lot: 150 },
  META: { price: 570, lot: 40 },
  SPY: { price: 590, lot: 200 },
};

/** Annualised volatility of the walk, and the length of a trading year in seconds, for scaling per-step moves. */
const ANNUAL_VOLATILITY = 0.3;
const TRADING_SECONDS_PER_YEAR = 252 * 6.5 * 3600;

export interface SimulatorOptions {
  symbols: string[];
  ticksPerSecond: number;
  seed?: string;
  now?: () => number;
  /** The market's last price of a symbol, which the walk continues from (after a restart, or a feed handover). */
  lastPrice?: (symbol: string) => number | undefined;
}

/**
 * Geometric random walk per symbol, stepped in real time: each tick picks a symbol, moves its price by a
 * log-normal step scaled to the time since that symbol last traded, and draws a volume from a heavy-tailed
 * distribution around the symbol's typical lot. With a seed the sequence of symbols, prices and volumes repeats.
 */
export class SimulatorFeed implements TickFeed {
  private readonly random: () => number;
  private readonly walks: Map<string, { price: number; lot: number; lastAt: number }>;
  private readonly now: () => number;
  private timer: NodeJS.Timeout | undefined;
  private lastTimestamp = 0;
  private ticks = 0;
  private lastTickAt: number | null = null;
  private runState: 'idle' | 'streaming' | 'stopped' = 'idle';

  constructor(
    private readonly options: SimulatorOptions,
    private readonly sink: TickSink,
  ) {
    this.random = options.seed === undefined ? seedrandom() : seedrandom(options.seed);
    this.now = options.now ?? Date.now;
    const start = this.now();
    this.walks = new Map(
      options.symbols.map((symbol) => {
        const profile = PROFILES[symbol] ?? { price: 20 + this.random() * 480, lot: 100 };
        return [symbol, { price: profile.price, lot: profile.lot, lastAt: start }];
      }),
    );
  }

  start(): void {
    if (this.timer) return;
    this.runState = 'streaming';
    for (const [symbol, walk] of this.walks) walk.price = this.options.lastPrice?.(symbol) ?? walk.price;
    // Timers fire at most every few ms, so at high rates each firing emits the ticks that fell due since the last.
    const intervalMs = Math.max(10, 1000 / this.options.ticksPerSecond);
    let due = 0;
    let last = this.now();
    this.timer = setInterval(() => {
      const now = this.now();
      due += ((now - last) / 1000) * this.options.ticksPerSecond;
      last = now;
      for (; due >= 1; due -= 1) this.emit();
    }, intervalMs);
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    this.runState = 'stopped';
  }

  status(): FeedStatus {
    return {
      kind: 'simulator',
      state: this.runState,
      lastTickAt: this.lastTickAt,
      ticks: this.ticks,
      reconnects: 0,
    };
  }

  /** Produces the next tick now; also how tests drive the walk without timers. */
  emit(): void {
    const symbols = this.options.symbols;
    const symbol = symbols[Math.floor(this.random() * symbols.length)] as string;
    const s = this.walks.get(symbol)!;
    // Monotonic timestamps keep every simulated tick a "live" one even if the wall clock steps back.
    const timestamp = Math.max(this.now(), this.lastTimestamp);
    this.lastTimestamp = timestamp;
    const dtYears = Math.max(timestamp - s.lastAt, 1) / 1000 / TRADING_SECONDS_PER_YEAR;
    const sigma = ANNUAL_VOLATILITY * Math.sqrt(dtYears);
    s.price *= Math.exp(-0.5 * sigma * sigma + sigma * this.gaussian());
    s.lastAt = timestamp;
    const volume = Math.max(1, Math.round(s.lot * Math.exp(this.gaussian() * 0.8 - 0.3)));
    this.ticks += 1;
    this.lastTickAt = timestamp;
    this.sink({ symbol, timestamp, price: Math.round(s.price * 100) / 100, volume, source: 'simulator' });
  }

  /** Standard normal draw (Box–Muller). */
  private gaussian(): number {
    const u = 1 - this.random();
    const v = this.random();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }
}
