import { barStart, foldSpan, openSpanBar, type Candle } from '@tickwatch/shared';
import { TicksRepository, spanOf } from '../../src/store/ticks-repository.js';
import type { TestServer } from './harness.js';

/**
 * The candles endpoint's answer as it was before the minute bars: the stored ticks of the range, oldest first, folded
 * in order. Tests hold the endpoint to it.
 */
export async function candlesFromStoredTicks(
  server: TestServer,
  symbol: string,
  range: { from: number; to: number; intervalMs: number },
): Promise<Candle[]> {
  const ticks = new TicksRepository(server.store.clients.doc, server.store.tables.ticks);
  const bars: Candle[] = [];
  for await (const page of ticks.scanOldestFirst({ symbol, from: range.from, to: range.to })) {
    for (const span of page.map(spanOf)) {
      const start = barStart(span.timestamp, range.intervalMs);
      const last = bars.at(-1);
      if (last?.start === start) bars[bars.length - 1] = foldSpan(last, span);
      else bars.push(openSpanBar(start, span));
    }
  }
  return bars;
}
