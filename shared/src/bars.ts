/** An OHLCV bar: the one shape of candles on the chart, candles from the API, indicator bars and the day bar. */
export interface Candle {
  /** Start of the bar, epoch ms (aligned to the interval in UTC, or the ET midnight for a trading day). */
  start: number;
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
  trades: number;
}

/** What a bar needs of a trade. */
export interface TradePoint {
  timestamp: number;
  price: number;
  volume: number;
}

/** Start of the `intervalMs` bar an instant falls in, on UTC multiples of the interval (also for instants before 1970). */
export function barStart(timestamp: number, intervalMs: number): number {
  return timestamp - (((timestamp % intervalMs) + intervalMs) % intervalMs);
}

/** A bar opened by its first trade. */
export function openBar(start: number, trade: TradePoint): Candle {
  const { price, volume } = trade;
  return { start, open: price, high: price, low: price, close: price, volume, trades: 1 };
}

/**
 * The bar with one more trade in it, as a new object (readers may keep the old one). `soft` folds a trade the bar
 * may already hold (the chart's history was fetched around it): price only, no volume or trade count.
 */
export function foldTrade(bar: Candle, trade: TradePoint, soft = false): Candle {
  return {
    start: bar.start,
    open: bar.open,
    high: Math.max(bar.high, trade.price),
    low: Math.min(bar.low, trade.price),
    close: trade.price,
    volume: soft ? bar.volume : bar.volume + trade.volume,
    trades: soft ? bar.trades : bar.trades + 1,
  };
}

/**
 * Trades taken as one: a second of them as TICK_STORE=seconds stores it (docs/storage.md). `timestamp` and `price`
 * are the last trade's, `volume` and `trades` the sum of all; a single trade is open = high = low = price, trades = 1.
 */
export interface TradeSpan extends TradePoint {
  open: number;
  high: number;
  low: number;
  trades: number;
}

/** A span with the storage keys of its first and last trade, which order it among other trades as the store does. */
export interface KeyedSpan extends TradeSpan {
  openKey: number;
  closeKey: number;
}

/** A bar opened by a span. */
export function openSpanBar(start: number, span: TradeSpan): Candle {
  const { open, high, low, price, volume, trades } = span;
  return { start, open, high, low, close: price, volume, trades };
}

/** The bar with a later span folded in, as a new object. */
export function foldSpan(bar: Candle, span: TradeSpan): Candle {
  return {
    start: bar.start,
    open: bar.open,
    high: Math.max(bar.high, span.high),
    low: Math.min(bar.low, span.low),
    close: span.price,
    volume: bar.volume + span.volume,
    trades: bar.trades + span.trades,
  };
}
