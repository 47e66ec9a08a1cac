import { describe, expect, it } from 'vitest';
import { TickCounts } from './tick-counts.js';

describe('TickCounts', () => {
  it('counts each outcome per source, every pair listed from zero', () => {
    const counts = new TickCounts();
    counts.add('received', 'http_ingest', 3);
    counts.add('accepted', 'http_ingest', 2);
    counts.add('refused', 'http_ingest');
    counts.add('stored', 'simulator', 5);
    counts.add('stored', 'simulator', 2);
    const snapshot = counts.snapshot();
    expect(snapshot).toHaveLength(18);
    const count = (outcome: string, source: string) =>
      snapshot.find((c) => c.outcome === outcome && c.source === source)?.count;
    expect(count('received', 'http_ingest')).toBe(3);
    expect(count('accepted', 'http_ingest')).toBe(2);
    expect(count('refused', 'http_ingest')).toBe(1);
    expect(count('stored', 'simulator')).toBe(7);
    expect(count('dropped', 'polygon_websocket')).toBe(0);
  });
});
