import {
  INDICATOR_DEFAULTS,
  SeededEma,
  SeededMacd,
  comparesPrice,
  indicatorSettings,
  type IndicatorCondition,
  type IndicatorInterval,
} from '@tickwatch/shared';
import { BollingerBands, RSI, SMA, VWAP } from 'trading-signals';
import { BarSeries } from '../market/bar-series.js';
import { TradingDayClock } from '../market/trading-day.js';

/** What a condition compares, as `value OP level`, once the indicator has enough bars to mean something. */
export type IndicatorReading = { ready: true; value: number; level: number } | { ready: false; reason: string };

export interface IndicatorTracker {
  /** Feed every tick of the symbol in time order; includes the forming bar (intrabar values). */
  update(tick: { timestamp: number; price: number; volume: number }): IndicatorReading;
  current(): IndicatorReading;
}

/** An indicator over bar closes. `replace` swaps the forming bar's close instead of appending a bar. */
interface CloseStudy {
  /** Bars it needs before its first value. */
  readonly requiredBars: number;
  update(close: number, replace: boolean): number | null;
}

type Comparison = (indicator: number, price: number) => { value: number; level: number };

/** What the condition compares (`comparesPrice`): the last price against the indicator, or the indicator against
 * its threshold (MACD's defaults to 0, "MACD line above signal"). */
function comparison(condition: IndicatorCondition): Comparison {
  if (comparesPrice(condition)) return (indicator, price) => ({ value: price, level: indicator });
  const level = condition.threshold ?? INDICATOR_DEFAULTS.macd.threshold;
  return (indicator) => ({ value: indicator, level });
}

/** The seeded EMA as a study of bar closes. */
function emaStudy(period: number): CloseStudy {
  const ema = new SeededEma(period);
  return { requiredBars: period, update: (close, replace) => ema.update(close, replace) };
}

/** The MACD histogram (MACD line − signal line) as a study of bar closes. */
function macdStudy(fast: number, slow: number, signal: number): CloseStudy {
  const macd = new SeededMacd(fast, slow, signal);
  return {
    requiredBars: macd.requiredBars,
    update: (close, replace) => macd.update(close, replace)?.histogram ?? null,
  };
}

function librarySeries(indicator: SMA | RSI): CloseStudy {
  return { requiredBars: indicator.getRequiredInputs(), update: (close, replace) => indicator.update(close, replace) };
}

function bollingerBand(condition: IndicatorCondition, period: number, stdDev: number): CloseStudy {
  const { band } = condition;
  if (band === undefined) throw new RangeError('Bollinger conditions need a band');
  const bands = new BollingerBands(period, stdDev);
  return {
    requiredBars: bands.getRequiredInputs(),
    update: (close, replace) => bands.update(close, replace)?.[band] ?? null,
  };
}

function closeTracker(
  interval: IndicatorInterval,
  clock: TradingDayClock,
  study: CloseStudy,
  compare: Comparison,
): IndicatorTracker {
  const bars = new BarSeries(interval, clock);
  let barsSeen = 0;
  const warmingUp = (): IndicatorReading => ({
    ready: false,
    reason: `warming up: ${barsSeen} of ${study.requiredBars} ${interval} bars`,
  });
  let reading = warmingUp();
  return {
    update(tick) {
      const { bar, isNewBar } = bars.update(tick);
      if (isNewBar) barsSeen += 1;
      const indicator = study.update(bar.close, !isNewBar);
      reading = indicator === null ? warmingUp() : { ready: true, ...compare(indicator, bar.close) };
      return reading;
    },
    current: () => reading,
  };
}

const NO_SESSION_VOLUME: IndicatorReading = {
  ready: false,
  reason: 'VWAP needs volume: none traded yet this trading day',
};

/** VWAP of the ET trading day so far, from the interval's bars' typical prices; it starts over at ET midnight. */
function vwapTracker(interval: IndicatorInterval, clock: TradingDayClock, compare: Comparison): IndicatorTracker {
  const bars = new BarSeries(interval, clock);
  let vwap = new VWAP();
  let sessionStart = Number.NaN;
  // trading-signals' VWAP ignores zero-volume bars, and a replace takes back the bar it was last given (it keeps
  // the object, which BarSeries never mutates) — the previous bar if the forming one has not been given yet. So
  // only a bar it has seen is ever replaced.
  let fedBarStart = Number.NaN;
  let reading = NO_SESSION_VOLUME;
  return {
    update(tick) {
      const { bar } = bars.update(tick);
      const dayStart = clock.dayStart(bar.start);
      if (dayStart !== sessionStart) {
        sessionStart = dayStart;
        vwap = new VWAP();
      }
      if (bar.volume > 0) {
        vwap.update(bar, bar.start === fedBarStart);
        fedBarStart = bar.start;
      }
      const value = vwap.getResult();
      reading = value === null ? NO_SESSION_VOLUME : { ready: true, ...compare(value, bar.close) };
      return reading;
    },
    current: () => reading,
  };
}

/**
 * Tracks one indicator condition's value and level over a symbol's ticks, on bars of the condition's interval:
 * closed bars plus the forming one, so the reading moves with every tick. See `indicatorConditionSchema` for what
 * each indicator compares.
 */
export function createIndicatorTracker(condition: IndicatorCondition, clock = new TradingDayClock()): IndicatorTracker {
  const { interval } = condition;
  const settings = indicatorSettings(condition);
  const period = settings.period ?? 0;
  const compare = comparison(condition);
  switch (condition.indicator) {
    case 'sma':
      return closeTracker(interval, clock, librarySeries(new SMA(period)), compare);
    case 'ema':
      return closeTracker(interval, clock, emaStudy(period), compare);
    case 'rsi':
      if (condition.threshold === undefined) throw new RangeError('RSI conditions need a threshold');
      return closeTracker(interval, clock, librarySeries(new RSI(period)), compare);
    case 'macd':
      return closeTracker(interval, clock, macdStudy(settings.fastPeriod, period, settings.signalPeriod), compare);
    case 'bollinger':
      return closeTracker(interval, clock, bollingerBand(condition, period, settings.stdDev), compare);
    case 'vwap':
      return vwapTracker(interval, clock, compare);
  }
}
