// @vitest-environment jsdom
import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanup, render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { linearScale } from './chart-scale';
import { ChartOverlay } from './ChartOverlay';
import type { AlertLevel } from './levels';
import { priceAxis } from './price-ticks';

afterEach(cleanup);

const axis = priceAxis(228, 232, 10);
const plot = { left: 8, top: 32, width: 600, height: 400 };
const level: AlertLevel = {
  key: 'a1',
  alertId: 'a1',
  field: 'threshold',
  value: 231,
  label: 'AAPL last price above 231.00',
};

function renderOverlay(props: Partial<Parameters<typeof ChartOverlay>[0]> = {}) {
  const onMoveLevel = vi.fn(() => Promise.resolve());
  const onAlertAtPrice = vi.fn();
  render(
    <ChartOverlay
      symbol="AAPL"
      plot={plot}
      y={linearScale(axis.domain, [plot.top + plot.height, plot.top])}
      axis={axis}
      levels={[level]}
      lastPrice={230}
      height={500}
      hover={null}
      crosshair={null}
      onAlertAtPrice={onAlertAtPrice}
      onMoveLevel={onMoveLevel}
      {...props}
    />,
  );
  return { onMoveLevel, onAlertAtPrice, user: userEvent.setup() };
}

describe('ChartOverlay: moving an alert level', () => {
  it('moves a level a tick step per arrow key and saves it only after Confirm', async () => {
    const { onMoveLevel, user } = renderOverlay();
    const handle = screen.getByRole('slider', { name: /AAPL last price above 231.00/ });
    expect(handle.getAttribute('aria-valuenow')).toBe('231');
    handle.focus();
    await user.keyboard('{ArrowDown}{ArrowDown}');
    const moved = 231 - 2 * axis.step;
    expect(handle.dataset.price).toBe(String(moved));
    expect(onMoveLevel).not.toHaveBeenCalled();

    await user.keyboard('{Enter}');
    expect(screen.getByRole('dialog').textContent).toContain(`Move alert to ${moved.toFixed(2)}?`);
    expect(document.activeElement).toBe(screen.getByTestId('level-move-confirm'));
    await user.keyboard('{Enter}');
    expect(onMoveLevel).toHaveBeenCalledWith('a1', { condition: { threshold: moved } });
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(document.activeElement).toBe(handle);
  });

  it('keeps a level moved by keys on the price axis, so its focused handle stays in view', async () => {
    const { user } = renderOverlay();
    const handle = screen.getByRole('slider', { name: /AAPL last price above 231.00/ });
    handle.focus();
    for (let i = 0; i < 20; i++) await user.keyboard('{ArrowUp}');
    const top = Number(handle.dataset.price);
    expect(top).toBeLessThanOrEqual(axis.domain[1]);
    expect(top).toBeGreaterThan(axis.domain[1] - axis.step);
  });

  it('says plainly why a move failed, and Cancel puts the line back', async () => {
    const onMoveLevel = vi.fn(() => Promise.reject(new Error('too far from the last price')));
    const { user } = renderOverlay({ onMoveLevel });
    const handle = screen.getByRole('slider');
    handle.focus();
    await user.keyboard('{ArrowDown}{Enter}');
    await user.click(screen.getByTestId('level-move-confirm'));
    expect(screen.getByRole('alert').textContent).toBe('Could not move the alert: too far from the last price');
    await user.click(screen.getByTestId('level-move-cancel'));
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(handle.dataset.price).toBe('231');
  });

  it('puts a key-moved line back on Escape or when the keyboard leaves it unsaved', async () => {
    const { user, onMoveLevel } = renderOverlay();
    const handle = screen.getByRole('slider');
    handle.focus();
    await user.keyboard('{ArrowUp}{Escape}');
    expect(handle.dataset.price).toBe('231');
    await user.keyboard('{ArrowUp}');
    await user.tab();
    expect(handle.dataset.price).toBe('231');
    expect(onMoveLevel).not.toHaveBeenCalled();
  });

  it('draws levels as plain lines, without handles, when moves cannot be saved', () => {
    renderOverlay({ onMoveLevel: undefined });
    expect(screen.queryByRole('slider')).toBeNull();
    expect(screen.getByTestId('chart-level-a1').textContent).toContain('AAPL last price above 231.00');
  });
});

describe('ChartOverlay: alert at price', () => {
  it('offers the last price from the keyboard and a tick step more per arrow key', async () => {
    const { onAlertAtPrice, user } = renderOverlay();
    const plus = screen.getByRole('button', { name: 'Create a AAPL alert at 230.00' });
    plus.focus();
    await user.keyboard('{Enter}');
    expect(onAlertAtPrice).toHaveBeenLastCalledWith(230);
    await user.keyboard('{ArrowUp}{Enter}');
    expect(onAlertAtPrice).toHaveBeenLastCalledWith(230 + axis.step);
  });

  it('follows the pointer over the price pane', () => {
    const y = linearScale(axis.domain, [plot.top + plot.height, plot.top]);
    const { onAlertAtPrice } = renderOverlay({ hover: { x: 100, y: y(229.5) }, crosshair: { x: 100, time: '14:05' } });
    screen.getByTestId('chart-alert-at-price').click();
    expect(onAlertAtPrice).toHaveBeenCalledWith(229.5);
    expect(screen.getByTestId('chart-hover-price').textContent).toBe('229.50');
    expect(screen.getByText('14:05')).toBeTruthy();
  });
});
