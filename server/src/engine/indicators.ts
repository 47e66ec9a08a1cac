import {
  INDICATOR_DEFAULTS,
  comparesPrice,
  indicatorSettings,
  type IndicatorCondition,
  type IndicatorInterval,
} from '@tickwatch/shared';
import { BollingerBands, EMA, RSI, SMA, VWAP } from 'trading-signals';
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

/**
 * An EMA seeded with the SMA of its first `period` inputs, as StockCharts, TradingView and TA-Lib compute it.
 * trading-signals' EMA seeds with the first input instead, which keeps it off the published values for dozens of
 * bars — longer than the stored ticks can warm it up for the slower intervals.
 */
class SeededEma implements CloseStudy {
  private readonly seed: SMA;
  private readonly ema: EMA;
  private inputs = 0;

  constructor(readonly requiredBars: number) {
    this.seed = new SMA(requiredBars);
    this.ema = new EMA(requiredBars);
  }

  update(value: number, replace: boolean): number | null {
    if (!replace) this.inputs += 1;
    if (this.inputs > this.requiredBars) return this.ema.update(value, replace);
    const seed = this.seed.update(value, replace);
    // trading-signals' EMA takes its first input as its value, so feeding it the SMA seeds it.
    return seed === null ? null : this.ema.update(seed, replace);
  }
}

/**
 * The MACD histogram (MACD line − signal line) from seeded EMAs, so it matches charting platforms; the signal
 * line starts with the first MACD value, when the slow EMA has its seed.
 */
class MacdHistogram implements CloseStudy {
  readonly requiredBars: number;
  private readonly fast: SeededEma;
  private readonly slow: SeededEma;
  private readonly signal: SeededEma;

  constructor(fast: number, slow: number, signal: number) {
    this.fast = new SeededEma(fast);
    this.slow = new SeededEma(slow);
    this.signal = new SeededEma(signal);
    this.requiredBars = Math.max(fast, slow) + signal - 1;
  }

  update(close: number, replace: boolean): number | null {
    const fast = this.fast.update(close, replace);
    const slow = this.slow.update(close, replace);
    if (fast === null || slow === null) return null;
    const macd = fast - slow;
    const signal = this.signal.update(macd, replace);
    return signal === null ? null : macd - signal;
  }
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
      return closeTracker(interval, clock, new SeededEma(period), compare);
    case 'rsi':
      if (condition.threshold === undefined) throw new RangeError('RSI conditions need a threshold');
      return closeTracker(interval, clock, librarySeries(new RSI(period)), compare);
    case 'macd':
      return closeTracker(
        interval,
        clock,
        new MacdHistogram(settings.fastPeriod, period, settings.signalPeriod),
        compare,
      );
    case 'bollinger':
      return closeTracker(interval, clock, bollingerBand(condition, period, settings.stdDev), compare);
    case 'vwap':
      return vwapTracker(interval, clock, compare);
  }
}
