import type { FeedConfig } from '../config.js';
import type { Logger } from '../log.js';
import { noFeed, type TickFeed, type TickSink } from './feed.js';
import { PolygonFeed } from './polygon.js';
import { SimulatorFeed } from './simulator.js';

/** `lastPrice`: the market's latest price of a symbol, where the simulator's walk carries on from. */
export function createFeed(
  config: FeedConfig,
  sink: TickSink,
  log: Logger,
  lastPrice?: (symbol: string) => number | undefined,
): TickFeed {
  switch (config.kind) {
    case 'simulator':
      return new SimulatorFeed({ ...config, ...(lastPrice ? { lastPrice } : {}) }, sink);
    case 'polygon':
      return new PolygonFeed(config, sink, log.child({ feed: 'polygon' }));
    case 'none':
      return noFeed;
  }
}
