import { memo, useCallback, useEffect, useMemo, useRef, useState } from 'react';
import {
  Bar,
  CartesianGrid,
  ComposedChart,
  Line,
  ReferenceDot,
  ReferenceLine,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
  type TooltipContentProps,
} from 'recharts';
import {
  CANDLE_INTERVAL_MS,
  formatNumber,
  type Alert,
  type Candle,
  type CandleInterval,
  type Tick,
} from '@tickwatch/shared';
import { ApiRequestError, type Api } from '../../api/http';
import type { ChartMarker } from '../../chart-markers';
import { formatChange, formatClock } from '../../format';
import { IndicatorPane } from './IndicatorPane';
import { createSeries, MAX_POINTS, mergeTick, type LiveSeries, type SeriesOptions } from './candles';
import { alertLevels, splitLevels, type AlertLevel } from './levels';
import './chart.css';

const HOUR = 3_600_000;

interface RangeSpec {
  label: string;
  /** Bar width fetched and built for this range. */
  interval: CandleInterval;
  spanMs: number;
  description: string;
}

export const CHART_RANGES = [
  { label: '1h', interval: '1m', spanMs: HOUR, description: 'Last hour, 1-minute bars' },
  { label: '4h', interval: '5m', spanMs: 4 * HOUR, description: 'Last 4 hours, 5-minute bars' },
  { label: '1d', interval: '15m', spanMs: 24 * HOUR, description: 'Last 24 hours, 15-minute bars' },
] as const satisfies readonly RangeSpec[];
export type ChartRange = (typeof CHART_RANGES)[number]['label'];

/**
 * The shortest range that shows the moment `time` at `now` (with a bar to spare, so it is not on the edge that
 * drops off), or null when it is older than the longest range.
 */
export function rangeShowing(time: number, now: number): ChartRange | null {
  const age = Math.max(0, now - time);
  return CHART_RANGES.find((r) => age + CANDLE_INTERVAL_MS[r.interval] <= r.spanMs)?.label ?? null;
}

/** A range asked for from outside the chart (to show a moment); each new object switches to it once. */
export interface RangeRequest {
  range: ChartRange;
}

type LoadState = { status: 'loading' } | { status: 'ready' } | { status: 'error'; message: string };

/** The fastest the chart redraws from live ticks; the price above it updates on every tick. */
const REDRAW_MS = 200;

const COLORS = {
  line: '#2563eb',
  volume: '#94a3b8',
  level: '#d97706',
  levelText: '#b45309',
  preview: '#7c3aed',
  fire: '#dc2626',
};
const NO_MARKERS: readonly ChartMarker[] = [];

/**
 * A symbol's price over the chosen range: history from the candles API, then kept current by the live tick the
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
}: {
  api: Api;
  symbol: string;
  live: Tick | null;
  alerts: Alert[];
  /** Moments to mark on the price line; those outside the range shown are left out. */
  markers?: readonly ChartMarker[];
  rangeRequest?: RangeRequest | null;
}) {
  const [rangeLabel, setRangeLabel] = useState<ChartRange>(rangeRequest?.range ?? '1h');
  const [seenRequest, setSeenRequest] = useState(rangeRequest);
  if (rangeRequest !== seenRequest) {
    setSeenRequest(rangeRequest);
    if (rangeRequest) setRangeLabel(rangeRequest.range);
  }
  const range: RangeSpec = CHART_RANGES.find((r) => r.label === rangeLabel) ?? CHART_RANGES[0];
  const options = useMemo<SeriesOptions>(
    () => ({ intervalMs: CANDLE_INTERVAL_MS[range.interval], windowMs: range.spanMs, maxPoints: MAX_POINTS }),
    [range.interval, range.spanMs],
  );
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
    // A symbol that has not traded in the last 24 h is a 404: for a chart that is simply an empty range.
    const history = api.candles(symbol, range.interval, from).catch((err: unknown) => {
      if (err instanceof ApiRequestError && err.status === 404) return [];
      throw err;
    });
    history.then(
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
  }, [api, symbol, range.interval, options, attempt]);

  // Live ticks: merged into the series, drawn on the next frame.
  useEffect(() => {
    const series = seriesRef.current;
    if (!live || live.symbol !== symbol || !series) return;
    const next = mergeTick(series, live, options);
    if (next === series) return;
    seriesRef.current = next;
    scheduleRender();
  }, [live, symbol, options, scheduleRender]);

  // `alerts` is a new array on every parent render: keep the levels stable while their content is.
  const currentLevels = alertLevels(alerts);
  const signature = currentLevels.map((l) => l.key).join('|');
  const [levels, setLevels] = useState({ signature, list: currentLevels });
  if (levels.signature !== signature) setLevels({ signature, list: currentLevels });

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
        <div className="chart-ranges" role="group" aria-label="Chart range">
          {CHART_RANGES.map((r) => (
            <button
              key={r.label}
              type="button"
              className="chart-range"
              data-testid={`range-${r.label}`}
              aria-pressed={r.label === rangeLabel}
              title={r.description}
              onClick={() => setRangeLabel(r.label)}
            >
              {r.label}
            </button>
          ))}
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
            No trades in this range yet
          </p>
        ) : (
          <ChartCanvas candles={candles} levels={levels.list} markers={markers} intervalMs={options.intervalMs} />
        )}
      </div>
      {candles.length > 0 ? (
        <IndicatorPane
          api={api}
          symbol={symbol}
          candles={candles}
          alerts={alerts}
          xDomain={[candles[0]!.start, candles.at(-1)!.start]}
          intervalMs={options.intervalMs}
        />
      ) : null}
    </figure>
  );
}

/** The Recharts part, memoised so that parent renders between frames (one per tick) skip it. */
const ChartCanvas = memo(function ChartCanvas({
  candles,
  levels,
  markers,
  intervalMs,
}: {
  candles: Candle[];
  levels: AlertLevel[];
  markers: readonly ChartMarker[];
  intervalMs: number;
}) {
  let low = Infinity;
  let high = -Infinity;
  let maxVolume = 0;
  for (const c of candles) {
    low = Math.min(low, c.low);
    high = Math.max(high, c.high);
    maxVolume = Math.max(maxVolume, c.volume);
  }
  const { near, far } = splitLevels(levels, low, high);
  const withSeconds = intervalMs < 60_000;
  const tooltip = useCallback(
    (props: TooltipContentProps) => <CandleTooltip {...props} withSeconds={withSeconds} />,
    [withSeconds],
  );

  return (
    <>
      <div className="chart-canvas">
        <ResponsiveContainer width="100%" height="100%">
          <ComposedChart data={candles} margin={{ top: 8, right: 12, bottom: 0, left: 0 }}>
            <CartesianGrid vertical={false} stroke="currentColor" strokeOpacity={0.12} />
            <XAxis
              dataKey="start"
              type="number"
              scale="time"
              domain={['dataMin', 'dataMax']}
              tickFormatter={(ms: number) => formatClock(ms, withSeconds)}
              minTickGap={28}
              tick={{ fontSize: 12 }}
            />
            <YAxis
              yAxisId="price"
              domain={['auto', 'auto']}
              tickFormatter={(value: number) => value.toFixed(2)}
              width={64}
              tick={{ fontSize: 12 }}
            />
            {/* Volume bars share the bottom quarter of the plot. */}
            <YAxis yAxisId="volume" orientation="right" hide domain={[0, maxVolume * 4 || 1]} />
            <Bar
              yAxisId="volume"
              dataKey="volume"
              fill={COLORS.volume}
              fillOpacity={0.45}
              isAnimationActive={false}
              maxBarSize={12}
            />
            <Line
              yAxisId="price"
              dataKey="close"
              type="linear"
              stroke={COLORS.line}
              strokeWidth={1.5}
              dot={candles.length < 2}
              isAnimationActive={false}
            />
            {near.map((level) => (
              <ReferenceLine
                key={level.key}
                yAxisId="price"
                y={level.value}
                stroke={COLORS.level}
                strokeDasharray="6 4"
                ifOverflow="extendDomain"
                label={{ value: level.label, position: 'insideTopLeft', fill: COLORS.levelText, fontSize: 12 }}
              />
            ))}
            {markers.map((marker) => (
              <ReferenceDot
                key={marker.key}
                yAxisId="price"
                // The x-axis is the candles' starts: a moment is drawn on the candle it falls in.
                x={Math.floor(marker.time / intervalMs) * intervalMs}
                y={marker.price}
                ifOverflow="discard"
                shape={(props: { cx?: number; cy?: number }) => (
                  <circle
                    cx={props.cx}
                    cy={props.cy}
                    r={5}
                    fill={COLORS[marker.kind]}
                    stroke="#fff"
                    data-testid={`chart-marker-${marker.kind}`}
                    aria-label={marker.label}
                  >
                    <title>{marker.label}</title>
                  </circle>
                )}
              />
            ))}
            <Tooltip content={tooltip} isAnimationActive={false} />
          </ComposedChart>
        </ResponsiveContainer>
      </div>
      {far.length > 0 ? (
        <p className="chart-far-levels chart-muted" data-testid="chart-far-levels">
          Alert levels off the chart: {far.map((l) => l.label).join(', ')}
        </p>
      ) : null}
    </>
  );
});

function CandleTooltip({ active, payload, withSeconds }: TooltipContentProps & { withSeconds: boolean }) {
  const bar = payload[0]?.payload as Candle | undefined;
  if (!active || !bar) return null;
  const sameDay = new Date(bar.start).toDateString() === new Date().toDateString();
  const day = sameDay ? '' : `${new Date(bar.start).toLocaleDateString([], { month: 'short', day: 'numeric' })} `;
  return (
    <div className="chart-tooltip" data-testid="chart-tooltip">
      <div className="chart-tooltip-time">
        {day}
        {formatClock(bar.start, withSeconds)}
      </div>
      <dl>
        <dt>O</dt>
        <dd>{formatNumber(bar.open)}</dd>
        <dt>H</dt>
        <dd>{formatNumber(bar.high)}</dd>
        <dt>L</dt>
        <dd>{formatNumber(bar.low)}</dd>
        <dt>C</dt>
        <dd>{formatNumber(bar.close)}</dd>
        <dt>Vol</dt>
        <dd>{bar.volume.toLocaleString()}</dd>
      </dl>
    </div>
  );
}
