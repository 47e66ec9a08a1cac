import { memo, useEffect, useMemo, useRef, useState } from 'react';
import { Bar, CartesianGrid, ComposedChart, Line, ReferenceLine, ResponsiveContainer, XAxis, YAxis } from 'recharts';
import { formatNumber, type Alert, type Candle, type IndicatorInterval } from '@tickwatch/shared';
import type { Api } from '../../api/http';
import { PANE_MARGIN, PRICE_AXIS_WIDTH } from './chart-frame';
import {
  barMsOf,
  candleIntervalOf,
  indicatorStudies,
  macdExtent,
  macdSeries,
  mergeCloses,
  rsiSeries,
  splitPaneLevels,
  type BarClose,
  type IndicatorLevel,
  type IndicatorStudy,
  type MacdPoint,
} from './indicator-series';

/** How far back the engine warms an indicator up (the stored ticks' 24 h): the same bars give the same values. */
const HISTORY_MS = 24 * 3_600_000;
/** At most one refresh of the newest bars per this long, when the chart's candles are coarser than the bars. */
const TAIL_REFRESH_MS = 2_000;
const RSI_GUIDES = [30, 70];

/**
 * The RSI and MACD the symbol's indicator alerts are evaluated on, one pane per series under the price, on the
 * price pane's time axis and with its margins, so a value sits under its bar. Nothing when no enabled RSI or MACD
 * alert watches the symbol.
 */
export function IndicatorPane({
  api,
  symbol,
  candles,
  alerts,
  xDomain,
  intervalMs,
}: {
  api: Api;
  symbol: string;
  candles: Candle[];
  alerts: Alert[];
  xDomain: [number, number];
  intervalMs: number;
}) {
  // The dashboard keeps `alerts` one array until they change, so the panes skip the ticks in between.
  const studies = useMemo(() => indicatorStudies(alerts, symbol), [alerts, symbol]);
  if (studies.length === 0) return null;
  return (
    <div className="chart-ind">
      {studies.map((study) => (
        <StudyPane
          key={study.key}
          api={api}
          symbol={symbol}
          study={study}
          candles={candles}
          from={xDomain[0]}
          to={xDomain[1]}
          chartMs={intervalMs}
        />
      ))}
    </div>
  );
}

type HistoryState =
  { key: string; status: 'ready'; bars: BarClose[] } | { key: string; status: 'error'; message: string } | null;

const closeOf = (c: Candle): BarClose => ({ start: c.start, close: c.close });

/**
 * The study's bars: 24 h of them from the candles API, then kept current from the chart's candles when those
 * subdivide the bars, or else by re-reading the newest bars (throttled) whenever the chart's last candle changes.
 */
function useStudyBars(
  api: Api,
  symbol: string,
  interval: IndicatorInterval,
  candles: Candle[],
  chartMs: number,
): { bars: BarClose[] | null; error: string | null } {
  const candleInterval = candleIntervalOf(interval);
  const barMs = barMsOf(interval);
  const key = `${symbol}:${interval}`;
  const [history, setHistory] = useState<HistoryState>(null);
  const current = history?.key === key ? history : null;
  const candlesRef = useRef(candles);
  /** Where a refresh of the newest bars starts: the newest bar held (null until the history is in). */
  const tailFrom = useRef<number | null>(null);
  useEffect(() => {
    candlesRef.current = candles;
    tailFrom.current = current?.status === 'ready' ? (current.bars.at(-1)?.start ?? Date.now() - HISTORY_MS) : null;
  });

  useEffect(() => {
    if (!candleInterval) return;
    let cancelled = false;
    api.candles(symbol, candleInterval, Date.now() - HISTORY_MS).then(
      (fetched) => !cancelled && setHistory({ key, status: 'ready', bars: fetched.map(closeOf) }),
      (err: unknown) =>
        !cancelled &&
        setHistory({ key, status: 'error', message: err instanceof Error ? err.message : 'the request failed' }),
    );
    return () => {
      cancelled = true;
    };
  }, [api, symbol, candleInterval, key]);

  const follows = barMs !== null && barMs % chartMs === 0;
  const newestCandle = candles.at(-1)?.start;
  // The chart drops candles off its left edge as new ones open: each new candle keeps the closed ones in the bars
  // (the oldest of the last 24 h go, as the engine's warm-up would not read them either).
  useEffect(() => {
    if (!follows || barMs === null || newestCandle === undefined) return;
    setHistory((h) =>
      h?.key === key && h.status === 'ready'
        ? {
            ...h,
            bars: mergeCloses(h.bars, candlesRef.current, barMs).filter((b) => b.start > newestCandle - HISTORY_MS),
          }
        : h,
    );
  }, [follows, barMs, key, newestCandle]);

  const last = candles.at(-1);
  const liveMark = last ? `${last.start}:${last.close}:${last.volume}` : '';
  const lastRefresh = useRef(0);
  useEffect(() => {
    if (follows || !candleInterval || !liveMark) return;
    const wait = Math.max(0, lastRefresh.current + TAIL_REFRESH_MS - performance.now());
    const timer = setTimeout(() => {
      const from = tailFrom.current;
      if (from === null) return;
      lastRefresh.current = performance.now();
      // A failed refresh keeps the bars as they are; the next change of the chart tries again.
      api.candles(symbol, candleInterval, from).then(
        (tail) =>
          setHistory((h) =>
            h?.key === key && h.status === 'ready'
              ? { ...h, bars: [...h.bars.filter((b) => b.start < from), ...tail.map(closeOf)] }
              : h,
          ),
        () => undefined,
      );
    }, wait);
    return () => clearTimeout(timer);
  }, [api, symbol, candleInterval, key, follows, liveMark]);

  const bars = useMemo(() => {
    if (current?.status !== 'ready' || barMs === null) return null;
    return follows ? mergeCloses(current.bars, candles, barMs) : current.bars;
  }, [current, candles, barMs, follows]);
  return { bars, error: current?.status === 'error' ? current.message : null };
}

interface PaneProps {
  api: Api;
  symbol: string;
  study: IndicatorStudy;
  candles: Candle[];
  from: number;
  to: number;
  chartMs: number;
}

const StudyPane = memo(function StudyPane({ api, symbol, study, candles, from, to, chartMs }: PaneProps) {
  const { bars, error } = useStudyBars(api, symbol, study.interval, candles, chartMs);
  const barMs = barMsOf(study.interval);
  const points = useMemo(() => {
    if (!bars) return [];
    return study.indicator === 'rsi'
      ? rsiSeries(bars, study.period)
      : macdSeries(bars, study.fastPeriod, study.period, study.signalPeriod);
  }, [bars, study]);
  // A bar before the range keeps the line running into the left edge. Values sit mid-bar, as the candles do.
  const visible = useMemo(
    () =>
      points
        .filter((p) => p.start >= from - (barMs ?? 0) && p.start <= to)
        .map((p) => ({ ...p, mid: p.start + (barMs ?? 0) / 2 })),
    [points, from, to, barMs],
  );
  const latest = points.at(-1);
  // RSI's scale is 0–100 and holds every level; MACD's follows the values, so a far level would flatten them.
  const { near, far } = useMemo(
    () =>
      study.indicator === 'rsi'
        ? { near: study.levels, far: [] }
        : splitPaneLevels(study.levels, macdExtent(visible as MacdPoint[])),
    [study, visible],
  );

  let note: string | null = null;
  if (candleIntervalOf(study.interval) === null) {
    note = study.note ?? `${study.name} runs on trading-day bars, which the chart does not load`;
  } else if (error) note = `Could not load the ${study.interval} bars: ${error}`;
  else if (!bars) note = `Loading ${study.interval} bars…`;
  else if (!latest) note = `Warming up: ${bars.length} of ${study.requiredBars} ${study.interval} bars`;

  return (
    <section
      className="chart-ind-pane"
      data-testid={`indicator-pane-${study.indicator}`}
      aria-label={`${symbol} ${study.name}`}
    >
      <div className="chart-ind-header">
        <span className="chart-ind-name">{study.name}</span>
        {latest && 'rsi' in latest ? (
          <span className="chart-ind-value" data-testid="indicator-value-rsi">
            {formatNumber(latest.rsi)}
          </span>
        ) : null}
        {latest && 'histogram' in latest ? (
          <>
            <span>
              Histogram{' '}
              <span className="chart-ind-value" data-testid="indicator-value-macd">
                {formatNumber(latest.histogram)}
              </span>
            </span>
            <span>MACD {formatNumber(latest.macd)}</span>
            <span className="chart-ind-signal">Signal {formatNumber(latest.signal)}</span>
          </>
        ) : null}
        {far.map((level) => (
          <span
            key={level.alertId}
            className="chart-ind-far"
            data-testid={`indicator-level-${level.alertId}`}
            data-value={level.value}
          >
            {level.label} (off the pane)
          </span>
        ))}
        {note ? (
          <span className="chart-ind-note" data-testid="indicator-note">
            {note}
          </span>
        ) : null}
      </div>
      <div className="chart-ind-canvas">
        <ResponsiveContainer width="100%" height="100%">
          <ComposedChart data={visible} margin={PANE_MARGIN} accessibilityLayer={false}>
            <CartesianGrid vertical={false} stroke="var(--grid)" />
            <XAxis dataKey="mid" type="number" scale="time" domain={[from, to]} allowDataOverflow hide />
            {study.indicator === 'rsi' ? (
              <YAxis
                orientation="right"
                width={PRICE_AXIS_WIDTH}
                domain={[0, 100]}
                ticks={RSI_GUIDES}
                tick={{ fontSize: 11, fill: 'var(--muted)' }}
                stroke="var(--border)"
              />
            ) : (
              <YAxis
                orientation="right"
                width={PRICE_AXIS_WIDTH}
                domain={['auto', 'auto']}
                tickCount={3}
                tickFormatter={(value: number) => formatNumber(value)}
                tick={{ fontSize: 11, fill: 'var(--muted)' }}
                stroke="var(--border)"
              />
            )}
            {study.indicator === 'rsi'
              ? RSI_GUIDES.map((y) => (
                  <ReferenceLine key={y} y={y} stroke="var(--muted)" strokeOpacity={0.6} strokeDasharray="2 4" />
                ))
              : null}
            {study.indicator === 'macd' ? (
              <Bar dataKey="histogram" isAnimationActive={false} shape={HistogramBar} />
            ) : null}
            {study.indicator === 'macd' ? (
              <Line dataKey="signal" stroke="var(--warn)" strokeWidth={1.25} dot={false} isAnimationActive={false} />
            ) : null}
            <Line
              dataKey={study.indicator}
              stroke="var(--accent)"
              strokeWidth={1.5}
              dot={visible.length < 2}
              isAnimationActive={false}
            />
            {near.map((level) => (
              <ReferenceLine
                key={level.alertId}
                y={level.value}
                stroke="var(--level)"
                strokeDasharray="6 4"
                ifOverflow="extendDomain"
                shape={(props: LineShapeProps) => <LevelLine {...props} level={level} />}
                label={{ value: level.label, position: 'insideTopLeft', fill: 'var(--level)', fontSize: 11 }}
              />
            ))}
          </ComposedChart>
        </ResponsiveContainer>
      </div>
    </section>
  );
});

interface LineShapeProps {
  x1?: number;
  y1?: number;
  x2?: number;
  y2?: number;
  stroke?: string;
  strokeDasharray?: string;
}

function LevelLine({ x1, y1, x2, y2, stroke, strokeDasharray, level }: LineShapeProps & { level: IndicatorLevel }) {
  return (
    <line
      x1={x1}
      y1={y1}
      x2={x2}
      y2={y2}
      stroke={stroke}
      strokeDasharray={strokeDasharray}
      data-testid={`indicator-level-${level.alertId}`}
      data-value={level.value}
    />
  );
}

function HistogramBar(props: { x?: number; y?: number; width?: number; height?: number; payload?: unknown }) {
  const { x = 0, y = 0, width = 0, height = 0 } = props;
  const up = ((props.payload as { histogram?: number } | undefined)?.histogram ?? 0) >= 0;
  return (
    <rect
      x={x}
      y={Math.min(y, y + height)}
      width={width}
      height={Math.abs(height)}
      fill={up ? 'var(--up)' : 'var(--down)'}
      fillOpacity={0.55}
    />
  );
}
