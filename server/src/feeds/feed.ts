import type { FeedStatus, Tick } from '@tickwatch/shared';

/** Where a streaming feed hands each validated tick. */
export type TickSink = (tick: Tick) => void;

/** A source of live ticks that runs by itself once started (the simulator, Polygon). */
export interface TickFeed {
  start(): void;
  stop(): Promise<void>;
  status(): FeedStatus;
}

export const noFeed: TickFeed = {
  start() {},
  async stop() {},
  status: () => ({ kind: 'none', state: 'idle', lastTickAt: null, ticks: 0, reconnects: 0 }),
};
