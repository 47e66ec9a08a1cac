import { useEffect, useRef, useState, type KeyboardEvent, type PointerEvent } from 'react';
import { formatNumber } from '@tickwatch/shared';
import { describeApiError } from '../../api/http';
import type { MoveLevel } from './ChartCanvas';
import { PRICE_AXIS_WIDTH } from './chart-frame';
import type { PlotArea, Scale } from './chart-scale';
import { levelPatch, type AlertLevel } from './levels';
import { formatTick, snapPrice, type PriceAxis } from './price-ticks';

/** A level being moved: where it is now, and whether the trader has let go and is asked to confirm. */
interface Move {
  key: string;
  price: number;
  confirming: boolean;
  error: string | null;
  saving: boolean;
}

/**
 * What the chart draws over the Recharts panes from the same scales: the crosshair and its price on the axis, the
 * "+" that sets an alert at a price, and the alert levels, which can be dragged (or moved with the arrow keys) to a
 * new price and saved after a confirmation. It lets pointer events through except on its own controls.
 */
export function ChartOverlay({
  symbol,
  plot,
  y,
  axis,
  levels,
  lastPrice,
  height,
  hover,
  crosshair,
  onAlertAtPrice,
  onMoveLevel,
}: {
  symbol: string;
  plot: PlotArea;
  y: Scale;
  axis: PriceAxis;
  levels: AlertLevel[];
  lastPrice: number;
  /** From the top of the price pane to the time axis: how far down the crosshair's vertical line goes. */
  height: number;
  hover: { x: number; y: number } | null;
  /** The hovered bar: where the crosshair's vertical line snaps to, and its time for the time axis. */
  crosshair: { x: number; time: string } | null;
  onAlertAtPrice: ((price: number) => void) | undefined;
  onMoveLevel: MoveLevel | undefined;
}) {
  const overlayRef = useRef<HTMLDivElement>(null);
  const handles = useRef(new Map<string, HTMLDivElement>());
  const [move, setMove] = useState<Move | null>(null);
  const [keyPrice, setKeyPrice] = useState<number | null>(null);
  const plotBottom = plot.top + plot.height;
  const inPrice = hover !== null && hover.y >= plot.top && hover.y <= plotBottom && hover.x <= plot.left + plot.width;
  const clampY = (py: number) => Math.min(plotBottom, Math.max(plot.top, py));
  const hoverPrice = inPrice ? snapPrice(y.invert(hover.y), axis) : null;
  const plusPrice = hoverPrice ?? keyPrice ?? lastPrice;

  const pointerPrice = (event: PointerEvent) => {
    const top = overlayRef.current?.getBoundingClientRect().top ?? 0;
    return snapPrice(y.invert(clampY(event.clientY - top)), axis);
  };

  // Arrow keys stay on the axis, so the focused handle never leaves the plot.
  const stepKey = (event: KeyboardEvent, price: number, apply: (price: number) => void) => {
    if (event.key !== 'ArrowUp' && event.key !== 'ArrowDown') return false;
    event.preventDefault();
    const next = price + (event.key === 'ArrowUp' ? axis.step : -axis.step);
    apply(snapPrice(Math.min(axis.domain[1], Math.max(axis.domain[0], next)), axis));
    return true;
  };

  const levelHandlers = (level: AlertLevel) => {
    const current = move?.key === level.key ? move : null;
    const settle = (price: number) =>
      setMove(price === level.value ? null : { key: level.key, price, confirming: true, error: null, saving: false });
    return {
      onPointerDown: (event: PointerEvent<HTMLDivElement>) => {
        if (event.button !== 0 || current?.saving) return;
        event.currentTarget.setPointerCapture(event.pointerId);
        event.preventDefault();
        setMove({ key: level.key, price: level.value, confirming: false, error: null, saving: false });
      },
      onPointerMove: (event: PointerEvent<HTMLDivElement>) => {
        if (!current || current.confirming || !event.currentTarget.hasPointerCapture(event.pointerId)) return;
        setMove({ ...current, price: pointerPrice(event) });
      },
      onPointerUp: (event: PointerEvent<HTMLDivElement>) => {
        if (!current || current.confirming) return;
        event.currentTarget.releasePointerCapture(event.pointerId);
        settle(current.price);
      },
      // The pointer was taken away mid-drag (a system gesture, the window lost focus): the line goes back.
      // It also follows a release on pointer-up, after that has asked to confirm: only an unsettled drag is undone.
      onLostPointerCapture: () => setMove((m) => (m?.key === level.key && !m.confirming ? null : m)),
      onKeyDown: (event: KeyboardEvent<HTMLDivElement>) => {
        if (current?.saving) return;
        const price = current?.price ?? level.value;
        if (
          stepKey(event, price, (next) =>
            setMove({ key: level.key, price: next, confirming: false, error: null, saving: false }),
          )
        )
          return;
        if (event.key === 'Enter' && current && !current.confirming) {
          event.preventDefault();
          settle(current.price);
        } else if (event.key === 'Escape' && current) {
          event.preventDefault();
          setMove(null);
        }
      },
      // Arrow keys moved the line but the trader tabbed away without saving: it goes back.
      onBlur: () => {
        if (current && !current.confirming) setMove(null);
      },
    };
  };

  const moving = move ? levels.find((l) => l.key === move.key) : undefined;
  /** Ends a move and gives the keyboard back to the level's handle, where the move began. */
  const finish = (key: string) => {
    setMove(null);
    handles.current.get(key)?.focus();
  };
  const confirm = async () => {
    if (!move || !moving || !onMoveLevel) return;
    setMove({ ...move, saving: true, error: null });
    try {
      await onMoveLevel(moving.alertId, levelPatch(moving, move.price));
      finish(move.key);
    } catch (err) {
      setMove({ ...move, saving: false, error: `Could not move the alert: ${describeApiError(err)}` });
    }
  };

  return (
    <div className="chart-overlay" ref={overlayRef}>
      {hover && crosshair ? (
        <>
          <div className="chart-crosshair-x" style={{ left: crosshair.x, top: plot.top, height: height - plot.top }} />
          <div className="chart-axis-tag chart-hover-tag chart-time-tag" style={{ left: crosshair.x, top: height }}>
            {crosshair.time}
          </div>
        </>
      ) : null}
      {inPrice ? (
        <>
          <div className="chart-crosshair-y" style={{ top: hover.y, left: plot.left, width: plot.width }} />
          <div
            className="chart-axis-tag chart-hover-tag"
            style={{ top: hover.y, left: plot.left + plot.width, width: PRICE_AXIS_WIDTH }}
            data-testid="chart-hover-price"
          >
            {formatTick(y.invert(hover.y), axis)}
          </div>
        </>
      ) : null}

      {levels.map((level) => {
        const current = move?.key === level.key ? move : null;
        const price = current?.price ?? level.value;
        const draggable = onMoveLevel !== undefined;
        return (
          <div
            key={level.key}
            ref={(element) => {
              if (element) handles.current.set(level.key, element);
              else handles.current.delete(level.key);
            }}
            className={`chart-level${draggable ? ' chart-level-draggable' : ''}${current ? ' chart-level-moving' : ''}`}
            style={{ top: y(price), left: plot.left, width: plot.width + PRICE_AXIS_WIDTH }}
            data-testid={`chart-level-${level.key}`}
            data-price={price}
            {...(draggable
              ? {
                  role: 'slider',
                  tabIndex: 0,
                  'aria-label': `${level.label}: drag or use the arrow keys to move, Enter to save`,
                  'aria-orientation': 'vertical' as const,
                  'aria-valuenow': price,
                  'aria-valuetext': formatNumber(price),
                  'aria-valuemin': Number(axis.domain[0].toFixed(axis.decimals)),
                  'aria-valuemax': Number(axis.domain[1].toFixed(axis.decimals)),
                  ...levelHandlers(level),
                }
              : {})}
          >
            <span className="chart-level-label">{level.label}</span>
            <span className="chart-axis-tag chart-level-tag" style={{ width: PRICE_AXIS_WIDTH }}>
              {formatNumber(price)}
            </span>
          </div>
        );
      })}

      {onAlertAtPrice ? (
        <button
          type="button"
          className="chart-alert-at-price"
          style={{ top: y(plusPrice), left: plot.left + plot.width - 26 }}
          data-testid="chart-alert-at-price"
          data-price={plusPrice}
          aria-label={`Create a ${symbol} alert at ${formatNumber(plusPrice)}`}
          title={`Create a ${symbol} alert at ${formatNumber(plusPrice)} (arrow keys move it)`}
          onClick={() => onAlertAtPrice(plusPrice)}
          onKeyDown={(event) => stepKey(event, plusPrice, setKeyPrice)}
          onBlur={() => setKeyPrice(null)}
        >
          +
        </button>
      ) : null}

      {move?.confirming && moving ? (
        <MoveConfirm
          top={Math.min(y(move.price) + 12, plotBottom - 96)}
          left={plot.left + 8}
          level={moving}
          move={move}
          onConfirm={() => void confirm()}
          onCancel={() => finish(move.key)}
        />
      ) : null}
    </div>
  );
}

function MoveConfirm({
  top,
  left,
  level,
  move,
  onConfirm,
  onCancel,
}: {
  top: number;
  left: number;
  level: AlertLevel;
  move: Move;
  onConfirm: () => void;
  onCancel: () => void;
}) {
  const confirmRef = useRef<HTMLButtonElement>(null);
  useEffect(() => confirmRef.current?.focus(), []);
  const question = `Move alert to ${formatNumber(move.price)}?`;
  return (
    <div
      className="chart-move-confirm"
      style={{ top: Math.max(0, top), left }}
      role="dialog"
      aria-label={question}
      data-testid="level-move"
      onKeyDown={(event) => {
        if (event.key === 'Escape' && !move.saving) onCancel();
      }}
    >
      <p className="chart-move-question">{question}</p>
      <p className="chart-move-detail">{level.label}</p>
      {move.error ? (
        <p className="chart-error" role="alert" data-testid="level-move-error">
          {move.error}
        </p>
      ) : null}
      <div className="chart-move-actions">
        <button
          type="button"
          ref={confirmRef}
          onClick={onConfirm}
          disabled={move.saving}
          data-testid="level-move-confirm"
        >
          {move.saving ? 'Saving…' : 'Confirm'}
        </button>
        <button type="button" onClick={onCancel} disabled={move.saving} data-testid="level-move-cancel">
          Cancel
        </button>
      </div>
    </div>
  );
}
