import type { FeedConfig } from '../config.js';
import type { Logger } from '../log.js';
import { noFeed, type TickFeed, type TickSink } from './feed.js';
import { PolygonFeed } from './polygon.js';
import { SimulatorFeed } from './simulator.js';

export function createFeed(config: FeedConfig, sink: TickSink, log: Logger): TickFeed {
  switch (config.kind) {
    case 'simulator':
      return new SimulatorFeed(config, sink);
    case 'polygon':
      return new PolygonFeed(config, sink, log.child({ feed: 'polygon' }));
    case 'none':
      return noFeed;
  }
}
