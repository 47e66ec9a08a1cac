import { describe, expect, it } from 'vitest';
import { barStart, type Alert, type Candle, type IndicatorCondition } from '@tickwatch/shared';
// The engine's own tracker: the pane must show the numbers the alerts are compared with, not a look-alike.
import { createIndicatorTracker } from '../../../../server/src/engine/indicators';
import {
  indicatorStudies,
  macdExtent,
  macdSeries,
  mergeCloses,
  rsiSeries,
  splitPaneLevels,
  type BarClose,
} from './indicator-series';
import { STORED_ALERT } from './alert-fixture';

const MINUTE = 60_000;
const T0 = Date.UTC(2026, 2, 2, 14, 30);

/** A seeded random walk with several trades per minute, so each bar's close is replaced a few times as it forms. */
function walk(seed: number, minutes: number): { timestamp: number; price: number; volume: number }[] {
  let state = seed;
  const random = () => {
    state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
    return state / 2_147_483_648;
  };
  const ticks = [];
  let price = 100;
  for (let m = 0; m < minutes; m++) {
    const trades = 1 + Math.floor(random() * 4);
    for (let t = 0; t < trades; t++) {
      price = Math.max(1, price + (random() - 0.5) * 2);
      ticks.push({ timestamp: T0 + m * MINUTE + t * 7_000, price: Number(price.toFixed(2)), volume: 100 });
    }
  }
  return ticks;
}

function closesOf(ticks: { timestamp: number; price: number }[], barMs: number): BarClose[] {
  const bars: BarClose[] = [];
  for (const tick of ticks) {
    const start = barStart(tick.timestamp, barMs);
    const last = bars.at(-1);
    if (last?.start === start) last.close = tick.price;
    else bars.push({ start, close: tick.price });
  }
  return bars;
}

/** The engine's reading at the end of each bar: what an alert on that bar compares, bar by bar. */
function engineValues(condition: IndicatorCondition, ticks: ReturnType<typeof walk>, barMs: number) {
  const tracker = createIndicatorTracker(condition);
  const values = new Map<number, number>();
  for (const tick of ticks) {
    const reading = tracker.update(tick);
    if (reading.ready) values.set(barStart(tick.timestamp, barMs), reading.value);
  }
  return values;
}

describe('indicator series', () => {
  it('gives the RSI the engine compares, on every bar from the same one', () => {
    const ticks = walk(7, 150);
    const condition: IndicatorCondition = { indicator: 'rsi', interval: '1m', operator: '>', threshold: 70 };
    const engine = engineValues(condition, ticks, MINUTE);
    const series = rsiSeries(closesOf(ticks, MINUTE), 14);
    expect(series.map((p) => p.start)).toEqual([...engine.keys()]);
    for (const point of series) expect(point.rsi).toBeCloseTo(engine.get(point.start)!, 9);
    expect(new Set(series.map((p) => Math.round(p.rsi))).size).toBeGreaterThan(10);
  });

  it('gives the MACD histogram the engine compares, with custom periods too', () => {
    const ticks = walk(11, 200);
    for (const periods of [{}, { fast_period: 5, period: 13, signal_period: 4 }]) {
      const condition: IndicatorCondition = { indicator: 'macd', interval: '1m', operator: '>', ...periods };
      const engine = engineValues(condition, ticks, MINUTE);
      const fast = periods.fast_period ?? 12;
      const slow = periods.period ?? 26;
      const signal = periods.signal_period ?? 9;
      const series = macdSeries(closesOf(ticks, MINUTE), fast, slow, signal);
      expect(series.length).toBe(engine.size);
      expect(series.map((p) => p.start)).toEqual([...engine.keys()]);
      for (const point of series) {
        expect(point.histogram).toBeCloseTo(engine.get(point.start)!, 9);
        expect(point.histogram).toBeCloseTo(point.macd - point.signal, 12);
      }
    }
  });

  it('on 5-minute bars from older 5m history and the chart’s newer 1m candles, matches the engine on 5m bars', () => {
    const ticks = walk(23, 240);
    const fiveMinutes = 5 * MINUTE;
    const split = T0 + 150 * MINUTE + 2 * MINUTE; // mid-bar: the chart starts inside a 5m bar
    const history = closesOf(
      ticks.filter((t) => t.timestamp < split + 30_000),
      fiveMinutes,
    );
    const chart: Candle[] = closesOf(
      ticks.filter((t) => t.timestamp >= split),
      MINUTE,
    ).map(({ start, close }) => ({ start, open: close, high: close, low: close, close, volume: 100, trades: 1 }));
    const merged = mergeCloses(history, chart, fiveMinutes);
    expect(merged).toEqual(closesOf(ticks, fiveMinutes));

    const condition: IndicatorCondition = { indicator: 'rsi', interval: '5m', operator: '<', threshold: 30 };
    const engine = engineValues(condition, ticks, fiveMinutes);
    const series = rsiSeries(merged, 14);
    expect(series.length).toBeGreaterThan(20);
    for (const point of series) expect(point.rsi).toBeCloseTo(engine.get(point.start)!, 9);
  });

  it('leaves out chart candles without trades, which the engine never sees as bars', () => {
    const empty: Candle = { start: T0 + MINUTE, open: 5, high: 5, low: 5, close: 5, volume: 0, trades: 0 };
    expect(mergeCloses([{ start: T0, close: 1 }], [empty], MINUTE)).toEqual([{ start: T0, close: 1 }]);
  });
});

function indicatorAlert(id: string, condition: IndicatorCondition, extra: Partial<Alert> = {}): Alert {
  return { ...STORED_ALERT, alert_id: id, condition_type: 'indicator', condition, ...extra } as Alert;
}

describe('indicatorStudies', () => {
  it('gives one series per indicator and settings, RSI first, with each alert’s level', () => {
    const studies = indicatorStudies(
      [
        indicatorAlert('m1', { indicator: 'macd', interval: '5m', operator: 'crosses_above' }),
        indicatorAlert('r1', { indicator: 'rsi', interval: '1m', operator: '>', threshold: 70 }),
        indicatorAlert(
          'r2',
          { indicator: 'rsi', interval: '1m', operator: 'crosses_below', threshold: 25.5 },
          {
            status_note: 'warming up: 3 of 15 1m bars',
          },
        ),
        indicatorAlert('r3', { indicator: 'rsi', interval: '1m', period: 7, operator: '<', threshold: 30 }),
      ],
      'AAPL',
    );
    expect(studies.map((s) => [s.name, s.requiredBars, s.note])).toEqual([
      ['RSI(14, 1m)', 15, 'warming up: 3 of 15 1m bars'],
      ['RSI(7, 1m)', 8, null],
      ['MACD(12, 26, 9, 5m)', 34, null],
    ]);
    expect(studies[0]!.levels).toEqual([
      { alertId: 'r1', value: 70, label: 'RSI above 70.00' },
      { alertId: 'r2', value: 25.5, label: 'RSI crosses below 25.50' },
    ]);
    expect(studies[2]!.levels).toEqual([{ alertId: 'm1', value: 0, label: 'MACD crosses above 0.00' }]);
  });

  it('leaves out other symbols, disabled alerts and indicators drawn on the price', () => {
    const rsi: IndicatorCondition = { indicator: 'rsi', interval: '1m', operator: '>', threshold: 70 };
    const studies = indicatorStudies(
      [
        indicatorAlert('a', rsi, { symbol: 'MSFT' }),
        indicatorAlert('b', rsi, { enabled: false }),
        indicatorAlert('c', { indicator: 'sma', interval: '1m', operator: '>', threshold: 100 }),
        indicatorAlert('d', { indicator: 'bollinger', interval: '1m', operator: '>', band: 'upper' }),
      ],
      'AAPL',
    );
    expect(studies).toEqual([]);
  });
});

describe('splitPaneLevels', () => {
  const level = (alertId: string, value: number) => ({ alertId, value, label: alertId });

  it('draws levels within the values’ span of them and names the ones beyond', () => {
    const extent = macdExtent([
      { start: 1, macd: -0.2, signal: -0.1, histogram: -0.1 },
      { start: 2, macd: 0.3, signal: 0.1, histogram: 0.2 },
    ]);
    expect(extent).toEqual([-0.2, 0.3]);
    const { near, far } = splitPaneLevels(
      [level('zero', 0), level('edge', 0.8), level('low', -0.7), level('beyond', 0.81), level('deep', -50)],
      extent,
    );
    expect(near.map((l) => l.alertId)).toEqual(['zero', 'edge', 'low']);
    expect(far.map((l) => l.alertId)).toEqual(['beyond', 'deep']);
  });

  it('keeps 0 in the extent, where the histogram turns, even when every value is on one side', () => {
    expect(macdExtent([{ start: 1, macd: 2, signal: 1.5, histogram: 0.5 }])).toEqual([0, 2]);
    expect(macdExtent([])).toEqual([0, 0]);
  });
});
