import {
  CANDLE_INTERVAL_MS,
  INDICATOR_LABELS,
  SeededMacd,
  OPERATOR_LABELS,
  barStart,
  formatNumber,
  indicatorName,
  indicatorSettings,
  type Alert,
  type Candle,
  type CandleInterval,
  type IndicatorCondition,
  type IndicatorInterval,
} from '@tickwatch/shared';
import { RSI } from 'trading-signals';
import { splitByReach } from './levels';

/** Indicators drawn in a pane of their own: those compared with a threshold on a scale of their own. */
export type PaneIndicator = 'rsi' | 'macd';

export interface IndicatorLevel {
  alertId: string;
  value: number;
  label: string;
}

/** One indicator series as the alerts on it compute it, with the level of each of those alerts. */
export interface IndicatorStudy {
  /** Indicator, interval and periods: alerts with the same key share one series. */
  key: string;
  indicator: PaneIndicator;
  interval: IndicatorInterval;
  /** RSI's period, or MACD's slow period. */
  period: number;
  fastPeriod: number;
  signalPeriod: number;
  /** "RSI(14, 5m)", "MACD(12, 26, 9, 5m)". */
  name: string;
  /** Bars the series needs before its first value. */
  requiredBars: number;
  levels: IndicatorLevel[];
  /** What the server says keeps one of these alerts from being evaluated (warming up), if anything. */
  note: string | null;
}

type PaneCondition = IndicatorCondition & { indicator: PaneIndicator };
const isPaneCondition = (c: IndicatorCondition): c is PaneCondition => c.indicator === 'rsi' || c.indicator === 'macd';

/**
 * The RSI and MACD series the symbol's enabled indicator alerts are evaluated on, RSI first. Alerts with the same
 * settings share a series and each adds its level; the level of a MACD alert is on its histogram (default 0).
 */
export function indicatorStudies(alerts: readonly Alert[], symbol: string): IndicatorStudy[] {
  const studies = new Map<string, IndicatorStudy>();
  for (const alert of alerts) {
    if (alert.symbol !== symbol || !alert.enabled || alert.condition_type !== 'indicator') continue;
    const condition = alert.condition;
    if (!isPaneCondition(condition)) continue;
    const settings = indicatorSettings(condition);
    const period = settings.period ?? 0;
    const key = [condition.indicator, condition.interval, period, settings.fastPeriod, settings.signalPeriod].join(':');
    const study = studies.get(key) ?? newStudy(key, condition, period, settings.fastPeriod, settings.signalPeriod);
    const value = condition.threshold ?? 0;
    study.levels.push({
      alertId: alert.alert_id,
      value,
      label: `${INDICATOR_LABELS[condition.indicator]} ${OPERATOR_LABELS[condition.operator]} ${formatNumber(value)}`,
    });
    study.note ??= alert.status_note;
    studies.set(key, study);
  }
  const order: PaneIndicator[] = ['rsi', 'macd'];
  return [...studies.values()].sort((a, b) => order.indexOf(a.indicator) - order.indexOf(b.indicator));
}

function newStudy(
  key: string,
  condition: PaneCondition,
  period: number,
  fastPeriod: number,
  signalPeriod: number,
): IndicatorStudy {
  const rsi = condition.indicator === 'rsi';
  return {
    key,
    indicator: condition.indicator,
    interval: condition.interval,
    period,
    fastPeriod,
    signalPeriod,
    name: rsi ? indicatorName(condition) : `MACD(${fastPeriod}, ${period}, ${signalPeriod}, ${condition.interval})`,
    requiredBars: rsi
      ? new RSI(period).getRequiredInputs()
      : new SeededMacd(fastPeriod, period, signalPeriod).requiredBars,
    levels: [],
    note: null,
  };
}

/** The candles interval of an indicator interval; daily bars follow the ET trading day, which candles do not. */
export function candleIntervalOf(interval: IndicatorInterval): CandleInterval | null {
  return interval === '1d' ? null : interval;
}

/** A bar as the indicators read it: its start and its close. */
export interface BarClose {
  start: number;
  close: number;
}

/**
 * The indicator's bars (`barMs` wide) with the chart's newer candles folded in: a bar's close is the close of its
 * last candle. Exact when the chart's interval divides `barMs` (the chart holds every trade of its range). A candle
 * without trades is no bar to the engine, so it adds none here.
 */
export function mergeCloses(history: readonly BarClose[], chart: readonly Candle[], barMs: number): BarClose[] {
  const closes = new Map<number, number>();
  for (const bar of history) closes.set(bar.start, bar.close);
  for (const candle of chart) if (candle.trades > 0) closes.set(barStart(candle.start, barMs), candle.close);
  return [...closes].map(([start, close]) => ({ start, close })).sort((a, b) => a.start - b.start);
}

/** The interval in ms, or null for daily bars (see `candleIntervalOf`). */
export function barMsOf(interval: IndicatorInterval): number | null {
  const candles = candleIntervalOf(interval);
  return candles ? CANDLE_INTERVAL_MS[candles] : null;
}

export interface RsiPoint {
  start: number;
  rsi: number;
}

export interface MacdPoint {
  start: number;
  macd: number;
  signal: number;
  histogram: number;
}

/** Wilder's RSI of each bar's close, from the first bar that has one (trading-signals' RSI, as the engine uses). */
export function rsiSeries(bars: readonly BarClose[], period: number): RsiPoint[] {
  const rsi = new RSI(period);
  const points: RsiPoint[] = [];
  for (const bar of bars) {
    const value = rsi.update(bar.close, false);
    if (value !== null) points.push({ start: bar.start, rsi: value });
  }
  return points;
}

/** MACD line, signal line and histogram of each bar's close, from the first bar with a signal line. */
export function macdSeries(bars: readonly BarClose[], fast: number, slow: number, signal: number): MacdPoint[] {
  const study = new SeededMacd(fast, slow, signal);
  const points: MacdPoint[] = [];
  for (const bar of bars) {
    const value = study.update(bar.close);
    if (value) points.push({ start: bar.start, ...value });
  }
  return points;
}

/** The lowest and highest of the MACD lines and histogram, and 0 (where the histogram turns). */
export function macdExtent(points: readonly MacdPoint[]): [number, number] {
  let low = 0;
  let high = 0;
  for (const p of points) {
    low = Math.min(low, p.macd, p.signal, p.histogram);
    high = Math.max(high, p.macd, p.signal, p.histogram);
  }
  return [low, high];
}

/**
 * Splits levels into those worth drawing and those so far from the values shown that stretching the axis to them
 * would flatten the lines; the pane names the latter instead. A level is near within the values' own span of them.
 */
export function splitPaneLevels(
  levels: readonly IndicatorLevel[],
  [low, high]: [number, number],
): { near: IndicatorLevel[]; far: IndicatorLevel[] } {
  return splitByReach(levels, low, high, high - low);
}
