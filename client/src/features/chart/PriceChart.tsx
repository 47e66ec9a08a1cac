import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { barStart, CANDLE_INTERVAL_MS, formatNumber, type Alert, type Candle, type Tick } from '@tickwatch/shared';
import type { Api } from '../../api/http';
import type { ChartMarker } from '../../chart-markers';
import { formatChange } from '../../format';
import { IndicatorPane } from './IndicatorPane';
import { createSeries, MAX_POINTS, mergeTick, type LiveSeries, type SeriesOptions } from './candles';
import { ChartCanvas, type MoveLevel } from './ChartCanvas';
import {
  CHART_INTERVALS,
  CHART_RANGES,
  intervalRefusal,
  rangeSpec,
  xDomain as rangeDomain,
  type ChartInterval,
  type ChartRange,
  type RangeRequest,
} from './chart-ranges';
import { alertLevels } from './levels';
import './chart.css';

export { CHART_RANGES, rangeShowing, type ChartRange, type RangeRequest } from './chart-ranges';

type LoadState = { status: 'loading' } | { status: 'ready' } | { status: 'error'; message: string };

/** The fastest the chart redraws from live ticks; the price above it updates on every tick. */
const REDRAW_MS = 200;

const NO_MARKERS: readonly ChartMarker[] = [];

/** Now, moved on when each bar of `intervalMs` ends (and at once when the interval changes), and not in between. */
function useBarClock(intervalMs: number): number {
  const [now, setNow] = useState(Date.now);
  useEffect(() => {
    const wait = Math.max(0, barStart(now, intervalMs) + intervalMs - Date.now());
    const timer = setTimeout(() => setNow(Date.now()), wait);
    return () => clearTimeout(timer);
  }, [now, intervalMs]);
  return now;
}

/**
 * A symbol's candles over the chosen range: history from the candles API, then kept current by the live tick the
 * watchlist already receives (no re-fetch per tick). Live ticks update a ref; the chart redraws on an animation
 * frame at most every REDRAW_MS, so 10+ updates a second stay smooth (Recharts re-runs its selectors per render).
 */
export function PriceChart({
  api,
  symbol,
  live,
  alerts,
  markers = NO_MARKERS,
  rangeRequest = null,
  onAlertAtPrice,
  onMoveLevel,
}: {
  api: Api;
  symbol: string;
  live: Tick | null;
  alerts: Alert[];
  /** Moments to mark on the candles; those outside the range shown are left out. */
  markers?: readonly ChartMarker[];
  rangeRequest?: RangeRequest | null;
  /** The trader picked a price on the chart to set an alert at. */
  onAlertAtPrice?: (symbol: string, price: number) => void;
  /** Saves a level dragged to a new price; without it the level lines stay put. */
  onMoveLevel?: MoveLevel;
}) {
  const [choice, setChoice] = useState<{ range: ChartRange; interval: ChartInterval }>(() =>
    rangeChoice(rangeRequest?.range ?? '1h'),
  );
  const [seenRequest, setSeenRequest] = useState(rangeRequest);
  if (rangeRequest !== seenRequest) {
    setSeenRequest(rangeRequest);
    if (rangeRequest) setChoice(rangeChoice(rangeRequest.range));
  }
  const range = rangeSpec(choice.range);
  const intervalMs = CANDLE_INTERVAL_MS[choice.interval];
  const options = useMemo<SeriesOptions>(
    () => ({ intervalMs, windowMs: range.spanMs, maxPoints: MAX_POINTS }),
    [intervalMs, range.spanMs],
  );
  const now = useBarClock(intervalMs);
  // Computed once here and shared by every pane below the price (volume, indicators), so their bars line up.
  const xDomain = useMemo(() => rangeDomain(choice.range, intervalMs, now), [choice.range, intervalMs, now]);
  const [load, setLoad] = useState<LoadState>({ status: 'loading' });
  const [candles, setCandles] = useState<Candle[]>([]);
  const [attempt, setAttempt] = useState(0);

  /** The series as of the latest tick; `candles` catches up with it on the next redraw. */
  const seriesRef = useRef<LiveSeries | null>(null);
  const liveRef = useRef(live);
  const timerRef = useRef<{ timeout?: ReturnType<typeof setTimeout>; frame?: number } | null>(null);
  const lastDrawRef = useRef(0);

  useEffect(() => {
    liveRef.current = live;
  });

  /** Redraws on an animation frame, at most every REDRAW_MS: a tick storm costs a few chart renders a second. */
  const scheduleRender = useCallback(() => {
    if (timerRef.current) return;
    const pending: { timeout?: ReturnType<typeof setTimeout>; frame?: number } = {};
    timerRef.current = pending;
    const wait = Math.max(0, lastDrawRef.current + REDRAW_MS - performance.now());
    pending.timeout = setTimeout(() => {
      pending.frame = requestAnimationFrame(() => {
        timerRef.current = null;
        lastDrawRef.current = performance.now();
        setCandles(seriesRef.current?.candles ?? []);
      });
    }, wait);
  }, []);
  useEffect(
    () => () => {
      const pending = timerRef.current;
      if (!pending) return;
      timerRef.current = null;
      clearTimeout(pending.timeout);
      if (pending.frame !== undefined) cancelAnimationFrame(pending.frame);
    },
    [],
  );

  // History, on symbol or range change (or a retry). A response that arrives after the user moved on is dropped.
  useEffect(() => {
    let cancelled = false;
    seriesRef.current = null;
    setCandles([]);
    setLoad({ status: 'loading' });
    const from = Date.now() - options.windowMs;
    api.candles(symbol, choice.interval, from).then(
      (history) => {
        if (cancelled) return;
        let series = createSeries(history, from, options);
        // The latest trade may or may not be in the history already: merge it without counting its volume.
        const tick = liveRef.current;
        if (tick?.symbol === symbol) series = mergeTick(series, tick, options, true);
        seriesRef.current = series;
        setCandles(series.candles);
        setLoad({ status: 'ready' });
      },
      (err: unknown) => {
        if (cancelled) return;
        setLoad({ status: 'error', message: err instanceof Error ? err.message : 'the request failed' });
      },
    );
    return () => {
      cancelled = true;
    };
  }, [api, symbol, choice.interval, options, attempt]);

  // Live ticks: merged into the series, drawn on the next frame.
  useEffect(() => {
    const series = seriesRef.current;
    if (!live || live.symbol !== symbol || !series) return;
    const next = mergeTick(series, live, options);
    if (next === series) return;
    seriesRef.current = next;
    scheduleRender();
  }, [live, symbol, options, scheduleRender]);

  // The parent passes new callbacks on every render (one per tick): hand the canvas stable ones that call the latest.
  const callbacks = useRef({ onAlertAtPrice, onMoveLevel });
  useEffect(() => {
    callbacks.current = { onAlertAtPrice, onMoveLevel };
  });
  const alertAtPrice = useCallback((price: number) => callbacks.current.onAlertAtPrice?.(symbol, price), [symbol]);
  const moveLevel = useCallback<MoveLevel>((alertId, patch) => callbacks.current.onMoveLevel!(alertId, patch), []);

  // The dashboard keeps `alerts` one array until they change, so the memoised canvas skips the ticks in between.
  const levels = useMemo(() => alertLevels(alerts), [alerts]);

  const lastPrice = live?.symbol === symbol ? live.price : (candles.at(-1)?.close ?? null);
  const firstOpen = candles[0]?.open;
  const rangeChange = lastPrice !== null && firstOpen !== undefined ? formatChange(lastPrice, firstOpen) : null;

  return (
    <figure className="chart" data-testid="price-chart" aria-label={`${symbol} price chart`}>
      <div className="chart-header">
        <div className="chart-quote">
          <h2 className="chart-symbol">{symbol}</h2>
          <span className="chart-last" data-testid="chart-last">
            {lastPrice !== null ? formatNumber(lastPrice) : '—'}
          </span>
          {rangeChange ? (
            <span className={`chart-change chart-${rangeChange.direction}`} data-testid="chart-change">
              {rangeChange.text} <span className="chart-muted">over {range.label}</span>
            </span>
          ) : null}
        </div>
        <div className="chart-controls">
          <div className="chart-buttons" role="group" aria-label="Bar interval">
            {CHART_INTERVALS.map((interval) => {
              const refusal = intervalRefusal(choice.range, interval);
              return (
                <button
                  key={interval}
                  type="button"
                  className="chart-button"
                  data-testid={`interval-${interval}`}
                  aria-pressed={interval === choice.interval}
                  disabled={refusal !== null}
                  title={refusal ?? `${interval} bars`}
                  onClick={() => setChoice((c) => ({ ...c, interval }))}
                >
                  {interval}
                </button>
              );
            })}
          </div>
          <div className="chart-buttons" role="group" aria-label="Chart range">
            {CHART_RANGES.map((r) => (
              <button
                key={r.label}
                type="button"
                className="chart-button"
                data-testid={`range-${r.label}`}
                aria-pressed={r.label === choice.range}
                title={`${r.description}, ${r.interval} bars to start with`}
                onClick={() => setChoice(rangeChoice(r.label))}
              >
                {r.label}
              </button>
            ))}
          </div>
        </div>
      </div>

      <div className="chart-body">
        {load.status === 'loading' ? (
          <p className="chart-message chart-muted" role="status" data-testid="chart-loading">
            Loading {symbol} prices…
          </p>
        ) : load.status === 'error' ? (
          <div className="chart-message">
            <p className="chart-error" role="alert" data-testid="chart-error">
              Could not load {symbol} prices: {load.message}
            </p>
            <button type="button" onClick={() => setAttempt((n) => n + 1)} data-testid="chart-retry">
              Try again
            </button>
          </div>
        ) : candles.length === 0 ? (
          <p className="chart-message chart-muted" data-testid="chart-empty">
            No trades in this range
          </p>
        ) : (
          <ChartCanvas
            symbol={symbol}
            candles={candles}
            levels={levels}
            markers={markers}
            xDomain={xDomain}
            intervalMs={intervalMs}
            onAlertAtPrice={onAlertAtPrice ? alertAtPrice : undefined}
            onMoveLevel={onMoveLevel ? moveLevel : undefined}
          />
        )}
        {load.status === 'ready' ? (
          <IndicatorPane
            api={api}
            symbol={symbol}
            candles={candles}
            alerts={alerts}
            xDomain={xDomain}
            intervalMs={intervalMs}
          />
        ) : null}
      </div>
    </figure>
  );
}

/** A range as its button picks it: with its own default interval. */
const rangeChoice = (range: ChartRange) => ({ range, interval: rangeSpec(range).interval });
