import { describe, expect, it } from 'vitest';
import type { AlertPreview } from '@tickwatch/shared';
import { previewMarkers, previewSentence } from './preview-model';

const T0 = Date.UTC(2026, 0, 15, 15);
const preview = (overrides: Partial<AlertPreview> = {}): AlertPreview => ({
  symbol: 'MSFT',
  from: T0 - 86_400_000,
  to: T0,
  ticks_replayed: 10,
  fire_count: 0,
  fires: [],
  truncated: false,
  fires_on_every_tick: false,
  ...overrides,
});
const fire = { time: T0 - 5_000, price: 410.5, value: 410.5, level: 410 };

describe('previewSentence', () => {
  it('counts the fires of the window replayed', () => {
    expect(previewSentence(preview())).toBe('Would not have fired in the last 24 h.');
    expect(previewSentence(preview({ fire_count: 1, fires: [fire] }))).toBe('Would have fired once in the last 24 h.');
    expect(previewSentence(preview({ fire_count: 3, fires: [fire, fire, fire] }))).toBe(
      'Would have fired 3 times in the last 24 h.',
    );
  });

  it('says when only the first fires are marked', () => {
    expect(previewSentence(preview({ fire_count: 812, fires: Array(500).fill(fire), truncated: true }))).toBe(
      'Would have fired 812 times in the last 24 h (the first 500 are marked on the chart).',
    );
  });

  it('puts the every-tick warning and the empty store before the count', () => {
    expect(previewSentence(preview({ fire_count: 1, fires: [fire], fires_on_every_tick: true }))).toMatch(
      /^This alert would fire on every tick/,
    );
    expect(previewSentence(preview({ ticks_replayed: 0 }))).toBe(
      'No stored ticks of MSFT in the last 24 h: nothing to replay.',
    );
  });
});

describe('previewMarkers', () => {
  it('marks each fire listed at its tick, with distinct keys', () => {
    const shown = previewMarkers(preview({ fire_count: 2, fires: [fire, { ...fire, time: T0 }] }));
    expect(shown.symbol).toBe('MSFT');
    expect(shown.markers.map((m) => [m.time, m.price, m.kind])).toEqual([
      [T0 - 5_000, 410.5, 'preview'],
      [T0, 410.5, 'preview'],
    ]);
    expect(new Set(shown.markers.map((m) => m.key)).size).toBe(2);
    expect(shown.markers[0]!.label).toMatch(/^Would have fired at \d\d:\d\d:\d\d, price 410\.50$/);
  });
});
