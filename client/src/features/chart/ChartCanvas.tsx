import { memo, useCallback, useMemo, useRef, useState, type PointerEvent } from 'react';
import {
  Bar,
  CartesianGrid,
  ComposedChart,
  DefaultZIndexes,
  ReferenceDot,
  ReferenceLine,
  XAxis,
  YAxis,
  type BarShapeProps,
} from 'recharts';
import { formatNumber, type Candle } from '@tickwatch/shared';
import type { ChartMarker } from '../../chart-markers';
import { formatChange, formatClock, formatMoment } from '../../format';
import { PANE_MARGIN, PRICE_AXIS_WIDTH } from './chart-frame';
import { barAt, linearScale, type PlotArea, type Scale } from './chart-scale';
import { ChartOverlay } from './ChartOverlay';
import { splitLevels, type AlertLevel, type LevelField } from './levels';
import { formatTick, priceAxis, type PriceAxis } from './price-ticks';
import { formatTimeTick, timeTicks } from './time-ticks';
import { useElementSize } from './useElementSize';

/** Saves a level moved on the chart: the alert's id and the PATCH body that moves it. */
export type MoveLevel = (
  alertId: string,
  patch: { condition: Partial<Record<LevelField, number>> },
) => Promise<unknown>;

/** Height of the volume pane, its time axis included. */
const VOLUME_PANE_HEIGHT = 96;
const TIME_AXIS_HEIGHT = 24;
/** Roughly one price label per this many pixels of height, one time label per this many of width. */
const PX_PER_PRICE_TICK = 40;
/**
 * The price pane's margins: the shared frame plus headroom for the OHLCV legend above the highest candle (two
 * lines of it on a narrow pane).
 */
const priceMargin = (width: number) => ({ ...PANE_MARGIN, top: PANE_MARGIN.top + (width < 560 ? 40 : 24) });
const PX_PER_TIME_TICK = 72;
const AXIS_TICK = { fontSize: 12, fill: 'var(--muted)' };
const compactVolume = new Intl.NumberFormat('en', { notation: 'compact', maximumFractionDigits: 1 });

const direction = (c: Candle) => (c.close >= c.open ? 'up' : 'down');

/** What both panes draw with: the scales, the axis and the bars in the range. Computed once per frame. */
interface Frame {
  visible: Candle[];
  margin: ReturnType<typeof priceMargin>;
  plot: PlotArea;
  x: Scale;
  y: Scale;
  axis: PriceAxis;
  timeTicks: number[];
  /** Width of a candle's body, px. */
  barWidth: number;
  near: AlertLevel[];
  far: AlertLevel[];
}

/**
 * The price pane with its volume pane beneath: Recharts draws the axes, grid, candles and the last price; an
 * HTML overlay on top draws the crosshair, the alert levels and their handles from the same scales. Memoised, so
 * parent renders between frames (one per tick) skip it, and the Recharts panes are memoised again so that hovering
 * redraws only the overlay.
 */
export const ChartCanvas = memo(function ChartCanvas({
  symbol,
  candles,
  levels,
  markers,
  xDomain,
  intervalMs,
  onAlertAtPrice,
  onMoveLevel,
}: {
  symbol: string;
  candles: Candle[];
  levels: AlertLevel[];
  markers: readonly ChartMarker[];
  xDomain: [number, number];
  intervalMs: number;
  onAlertAtPrice: ((price: number) => void) | undefined;
  onMoveLevel: MoveLevel | undefined;
}) {
  const priceRef = useRef<HTMLDivElement>(null);
  const panesRef = useRef<HTMLDivElement>(null);
  const size = useElementSize(priceRef);
  const [hover, setHover] = useState<{ x: number; y: number } | null>(null);

  const frame = useMemo<Frame>(() => {
    const [from, to] = xDomain;
    const visible = candles.filter((c) => c.start + intervalMs > from);
    let low = Infinity;
    let high = -Infinity;
    for (const c of visible) {
      low = Math.min(low, c.low);
      high = Math.max(high, c.high);
    }
    // The last trade is older than the range (time moved on without one): the axis centres on its price.
    if (visible.length === 0) low = high = candles.at(-1)!.close;
    const { near, far } = splitLevels(levels, low, high);
    for (const level of near) {
      low = Math.min(low, level.value);
      high = Math.max(high, level.value);
    }
    const margin = priceMargin(size.width);
    const plot: PlotArea = {
      left: margin.left,
      top: margin.top,
      width: Math.max(0, size.width - margin.left - margin.right - PRICE_AXIS_WIDTH),
      height: Math.max(0, size.height - margin.top - margin.bottom),
    };
    const axis = priceAxis(low, high, Math.floor(plot.height / PX_PER_PRICE_TICK));
    const pxPerBar = (plot.width * intervalMs) / (to - from);
    return {
      visible,
      margin,
      plot,
      x: linearScale(xDomain, [plot.left, plot.left + plot.width]),
      y: linearScale(axis.domain, [plot.top + plot.height, plot.top]),
      axis,
      timeTicks: timeTicks(from, to, Math.floor(plot.width / PX_PER_TIME_TICK)),
      barWidth: Math.max(1, Math.min(24, Math.floor(pxPerBar * 0.7))),
      near,
      far,
    };
  }, [candles, levels, size.width, size.height, xDomain, intervalMs]);

  const onPointerMove = useCallback((event: PointerEvent<HTMLDivElement>) => {
    const box = panesRef.current?.getBoundingClientRect();
    if (box) setHover({ x: event.clientX - box.left, y: event.clientY - box.top });
  }, []);
  const onPointerLeave = useCallback(() => setHover(null), []);

  const hovered = hover ? barAt(frame.visible, frame.x.invert(hover.x), intervalMs) : -1;
  const shown = hovered >= 0 ? hovered : frame.visible.length - 1;
  const last = frame.visible.at(-1) ?? candles.at(-1)!;
  const drawn = size.width > 0 && size.height > 0;

  return (
    <div className="chart-canvas">
      <div
        className="chart-panes"
        ref={panesRef}
        data-testid="chart-panes"
        data-from={xDomain[0]}
        data-to={xDomain[1]}
        onPointerMove={onPointerMove}
        onPointerLeave={onPointerLeave}
      >
        <div className="chart-price-pane" ref={priceRef} data-testid="chart-price-pane">
          {drawn ? (
            <PricePane
              width={size.width}
              height={size.height}
              frame={frame}
              xDomain={xDomain}
              intervalMs={intervalMs}
              last={last}
              markers={markers}
            />
          ) : null}
          {frame.visible.length === 0 ? (
            <p className="chart-pane-note chart-muted" data-testid="chart-empty">
              No trades in this range
            </p>
          ) : null}
        </div>
        <div className="chart-volume-pane" style={{ height: VOLUME_PANE_HEIGHT }} data-testid="chart-volume-pane">
          {drawn ? <VolumePane width={size.width} frame={frame} xDomain={xDomain} intervalMs={intervalMs} /> : null}
        </div>
        <OhlcvLegend bar={frame.visible[shown] ?? last} previous={frame.visible[shown - 1]} intervalMs={intervalMs} />
        {drawn ? (
          <ChartOverlay
            symbol={symbol}
            plot={frame.plot}
            y={frame.y}
            axis={frame.axis}
            levels={frame.near}
            lastPrice={last.close}
            height={size.height + VOLUME_PANE_HEIGHT - TIME_AXIS_HEIGHT}
            hover={hover}
            crosshair={
              hovered >= 0
                ? {
                    x: frame.x(frame.visible[hovered]!.start + intervalMs / 2),
                    time: formatClock(frame.visible[hovered]!.start, intervalMs < 60_000),
                  }
                : null
            }
            onAlertAtPrice={onAlertAtPrice}
            onMoveLevel={onMoveLevel}
          />
        ) : null}
      </div>
      {frame.far.length > 0 ? (
        <p className="chart-far-levels chart-muted" data-testid="chart-far-levels">
          Alert levels off the chart: {frame.far.map((l) => l.label).join(', ')}
        </p>
      ) : null}
    </div>
  );
});

const PricePane = memo(function PricePane({
  width,
  height,
  frame,
  xDomain,
  intervalMs,
  last,
  markers,
}: {
  width: number;
  height: number;
  frame: Frame;
  xDomain: [number, number];
  intervalMs: number;
  last: Candle;
  markers: readonly ChartMarker[];
}) {
  const { x, y, axis, barWidth, plot } = frame;
  const candle = useCallback(
    (props: BarShapeProps) => {
      const c = props.payload as Candle;
      const cx = Math.round(x(c.start + intervalMs / 2)) + 0.5;
      const color = `var(--${direction(c)})`;
      const top = y(Math.max(c.open, c.close));
      const bottom = y(Math.min(c.open, c.close));
      return (
        <g data-testid="chart-candle">
          <line x1={cx} x2={cx} y1={y(c.high)} y2={y(c.low)} stroke={color} />
          <rect x={cx - barWidth / 2} y={top} width={barWidth} height={Math.max(1, bottom - top)} fill={color} />
        </g>
      );
    },
    [x, y, intervalMs, barWidth],
  );
  const lastColor = `var(--${direction(last)})`;
  const lastText = formatNumber(last.close);

  return (
    <ComposedChart width={width} height={height} data={frame.visible} margin={frame.margin}>
      <CartesianGrid stroke="var(--grid)" />
      <XAxis dataKey="start" type="number" domain={xDomain} allowDataOverflow ticks={frame.timeTicks} hide />
      <YAxis
        orientation="right"
        width={PRICE_AXIS_WIDTH}
        domain={axis.domain}
        allowDataOverflow
        ticks={axis.ticks}
        interval={0}
        tickFormatter={(value: number) => formatTick(value, axis)}
        tick={AXIS_TICK}
        tickLine={false}
        axisLine={{ stroke: 'var(--border)' }}
      />
      <Bar dataKey="close" barSize={barWidth} shape={candle} isAnimationActive={false} />
      <ReferenceLine
        y={last.close}
        // Above the axis labels, so the tag covers the tick it lands on, as in TradingView.
        zIndex={DefaultZIndexes.label + 1}
        stroke={lastColor}
        strokeDasharray="2 3"
        label={() => (
          <g data-testid="chart-last-price-tag" className="chart-last-price-tag">
            <rect
              x={plot.left + plot.width}
              y={y(last.close) - 9}
              width={PRICE_AXIS_WIDTH}
              height={18}
              rx={2}
              fill={lastColor}
            />
            <text
              x={plot.left + plot.width + PRICE_AXIS_WIDTH / 2}
              y={y(last.close)}
              textAnchor="middle"
              dominantBaseline="central"
              fill="var(--bg)"
              fontSize={12}
              fontWeight={600}
            >
              {lastText}
            </text>
          </g>
        )}
      />
      {markers.map((marker) => (
        <ReferenceDot
          key={marker.key}
          x={marker.time}
          y={marker.price}
          ifOverflow="discard"
          shape={(props: { cx?: number; cy?: number }) => (
            <circle
              cx={props.cx}
              cy={props.cy}
              r={5}
              fill={`var(--${marker.kind})`}
              stroke="var(--bg)"
              strokeWidth={1.5}
              data-testid={`chart-marker-${marker.kind}`}
              aria-label={marker.label}
            >
              <title>{marker.label}</title>
            </circle>
          )}
        />
      ))}
    </ComposedChart>
  );
});

const VolumePane = memo(function VolumePane({
  width,
  frame,
  xDomain,
  intervalMs,
}: {
  width: number;
  frame: Frame;
  xDomain: [number, number];
  intervalMs: number;
}) {
  const { x, barWidth } = frame;
  const maxVolume = Math.max(1, ...frame.visible.map((c) => c.volume));
  const volume = useCallback(
    (props: BarShapeProps) => {
      const c = props.payload as Candle;
      const cx = Math.round(x(c.start + intervalMs / 2)) + 0.5;
      return (
        <rect
          x={cx - barWidth / 2}
          y={props.y}
          width={barWidth}
          height={Math.max(0, props.height)}
          fill={`var(--${direction(c)})`}
          fillOpacity={0.35}
        />
      );
    },
    [x, intervalMs, barWidth],
  );
  return (
    <ComposedChart width={width} height={VOLUME_PANE_HEIGHT} data={frame.visible} margin={PANE_MARGIN}>
      <CartesianGrid stroke="var(--grid)" horizontal={false} />
      <XAxis
        dataKey="start"
        type="number"
        domain={xDomain}
        allowDataOverflow
        ticks={frame.timeTicks}
        interval={0}
        tickFormatter={formatTimeTick}
        height={TIME_AXIS_HEIGHT}
        tick={AXIS_TICK}
        tickLine={false}
        axisLine={{ stroke: 'var(--border)' }}
      />
      <YAxis
        orientation="right"
        width={PRICE_AXIS_WIDTH}
        domain={[0, maxVolume * 1.1]}
        ticks={[maxVolume]}
        interval={0}
        tickFormatter={(v: number) => compactVolume.format(v)}
        tick={AXIS_TICK}
        tickLine={false}
        axisLine={{ stroke: 'var(--border)' }}
      />
      <Bar dataKey="volume" barSize={barWidth} shape={volume} isAnimationActive={false} />
    </ComposedChart>
  );
});

/** TradingView's legend: the hovered bar's open, high, low, close, change and volume, else the newest bar's. */
function OhlcvLegend({ bar, previous, intervalMs }: { bar: Candle; previous: Candle | undefined; intervalMs: number }) {
  const change = formatChange(bar.close, previous?.close ?? bar.open);
  const value = `chart-ohlcv-value chart-${direction(bar)}`;
  return (
    <div className="chart-ohlcv" data-testid="chart-ohlcv" data-start={bar.start}>
      <span className="chart-ohlcv-time">{formatMoment(bar.start, Date.now(), intervalMs < 60_000)}</span>
      <span>
        O <span className={value}>{formatNumber(bar.open)}</span>
      </span>
      <span>
        H <span className={value}>{formatNumber(bar.high)}</span>
      </span>
      <span>
        L <span className={value}>{formatNumber(bar.low)}</span>
      </span>
      <span>
        C <span className={value}>{formatNumber(bar.close)}</span>
      </span>
      <span className={`chart-${change.direction}`}>{change.text}</span>
      <span>
        V <span className="chart-ohlcv-value">{compactVolume.format(bar.volume)}</span>
      </span>
    </div>
  );
}
