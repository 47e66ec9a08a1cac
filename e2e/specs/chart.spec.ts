import { expect, test, type Locator, type Page } from '@playwright/test';
import { formatNumber, type Candle } from '@tickwatch/shared';
import { createPriceAlert, SCREENSHOTS, signIn } from '../support/dashboard.js';
import { startServer, type RunningServer } from '../support/tickwatch-server.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/**
 * Fifty minutes of CHT trades through the ingest API, two a minute on a deterministic zig-zag around 230, so the
 * chart has about fifty 1-minute candles with real bodies and wicks. ONE trades once, just now.
 */
const START = Date.now() - 50 * MINUTE;
const history = Array.from({ length: 100 }, (_, i) => ({
  symbol: 'CHT',
  timestamp: START + i * 30_000,
  price: Number((230 + 2 * Math.sin(i / 7) + (i % 3) * 0.15).toFixed(2)),
  volume: 100 + ((i * 37) % 400),
}));

async function openChart(page: Page, server: RunningServer, user: string, symbol: string): Promise<Locator> {
  await page.setViewportSize({ width: 1440, height: 900 });
  await signIn(page, server.url, user);
  await page.getByTestId('watchlist-input').fill(symbol);
  await page.getByTestId('watchlist-add').click();
  await expect(page.getByTestId(`price-${symbol}`)).not.toHaveText('—');
  await page.getByTestId(`select-${symbol}`).click();
  const chart = page.getByTestId('price-chart');
  await expect(chart).toHaveAttribute('aria-label', `${symbol} price chart`);
  await expect(chart.getByTestId('chart-candle').first()).toBeVisible();
  return chart;
}

async function candlesOf(server: RunningServer, symbol: string, interval: string, from: number): Promise<Candle[]> {
  const res = await fetch(`${server.url}/api/ticks/${symbol}/candles?interval=${interval}&from=${from}`);
  return ((await res.json()) as { candles: Candle[] }).candles;
}

/** The plot of the price pane in page pixels: the pane less its left margin and the price axis on the right. */
async function plotBox(chart: Locator) {
  const pane = (await chart.getByTestId('chart-price-pane').boundingBox())!;
  return {
    left: pane.x + 8,
    right: pane.x + pane.width - 64,
    top: pane.y + (pane.width < 560 ? 48 : 32),
    bottom: pane.y + pane.height,
  };
}

async function tickTexts(axis: Locator): Promise<{ text: string; x: number; y: number }[]> {
  const ticks = axis.locator('.recharts-cartesian-axis-tick-value');
  const out = [];
  for (const tick of await ticks.all()) {
    const box = (await tick.boundingBox())!;
    out.push({ text: (await tick.textContent())!.trim(), x: box.x + box.width / 2, y: box.y + box.height / 2 });
  }
  return out;
}

test.describe('the price chart', () => {
  let server: RunningServer;
  test.beforeAll(async () => {
    server = await startServer();
    await server.ingest(history);
    await server.ingest([{ symbol: 'ONE', timestamp: Date.now() - 1000, price: 42.5, volume: 10 }]);
  });
  test.afterAll(async () => {
    await server?.stop();
  });

  test('draws a candle per bar over the whole range, with round time labels and evenly spaced price labels', async ({
    page,
  }) => {
    const chart = await openChart(page, server, 'candles', 'CHT');
    const panes = chart.getByTestId('chart-panes');
    await expect(chart.getByTestId('range-1h')).toHaveAttribute('aria-pressed', 'true');
    await expect(chart.getByTestId('interval-1m')).toHaveAttribute('aria-pressed', 'true');
    const from = Number(await panes.getAttribute('data-from'));
    const to = Number(await panes.getAttribute('data-to'));
    expect(to - from).toBe(HOUR);
    const bars = (await candlesOf(server, 'CHT', '1m', from)).filter((c) => c.start + MINUTE > from);
    await expect(chart.getByTestId('chart-candle')).toHaveCount(bars.length);

    // Time labels every 10 minutes at round times, placed where their time falls on the range's width.
    const plot = await plotBox(chart);
    const times = await tickTexts(chart.getByTestId('chart-volume-pane').locator('.recharts-xAxis-tick-labels'));
    expect(times.length).toBeGreaterThanOrEqual(5);
    // Midnight inside the range is labelled with its day ("Nov 30"), as the run may straddle it.
    const midnight = new Date(to);
    midnight.setHours(0, 0, 0, 0);
    const dayLabel = midnight.toLocaleDateString('en-US', { month: 'short', day: 'numeric' });
    for (const { text, x } of times) {
      let time = midnight.getTime();
      if (text === dayLabel) expect(time).toBeGreaterThan(from);
      else {
        expect(text).toMatch(/^\d\d:\d0$/);
        const [h, m] = text.split(':').map(Number);
        const at = new Date(to);
        at.setHours(h!, m!, 0, 0);
        time = at.getTime() > to ? at.getTime() - 24 * HOUR : at.getTime();
      }
      expect(time).toBeGreaterThanOrEqual(from);
      expect(Math.abs(x - (plot.left + ((time - from) / HOUR) * (plot.right - plot.left)))).toBeLessThan(3);
    }

    // Price labels: no two alike, one step apart, and evenly spaced on screen.
    const prices = await tickTexts(chart.getByTestId('chart-price-pane').locator('.recharts-yAxis-tick-labels'));
    expect(prices.length).toBeGreaterThanOrEqual(3);
    expect(new Set(prices.map((p) => p.text)).size).toBe(prices.length);
    const values = prices.map((p) => Number(p.text)).sort((a, b) => a - b);
    const step = values[1]! - values[0]!;
    const ys = prices.map((p) => p.y).sort((a, b) => a - b);
    for (let i = 1; i < values.length; i++) {
      expect(values[i]! - values[i - 1]!).toBeCloseTo(step, 6);
      expect(Math.abs(ys[i]! - ys[i - 1]! - (ys[1]! - ys[0]!))).toBeLessThan(1.5);
    }
    const high = Math.max(...bars.map((b) => b.high));
    const low = Math.min(...bars.map((b) => b.low));
    expect(values[0]!).toBeLessThan(low + step);
    expect(values.at(-1)!).toBeGreaterThan(high - step);

    // Another interval over the same range: 5-minute bars, still spanning the hour.
    await chart.getByTestId('interval-5m').click();
    const fiveMinute = (await candlesOf(server, 'CHT', '5m', from)).filter((c) => c.start + 5 * MINUTE > from);
    await expect(chart.getByTestId('chart-candle')).toHaveCount(fiveMinute.length);
    await expect(panes).toHaveAttribute(
      'data-to',
      String(to - (to % (5 * MINUTE)) + (to % (5 * MINUTE) ? 5 * MINUTE : 0)),
    );
    await page.screenshot({ path: `${SCREENSHOTS}/chart-1440-light.png` });
    await page.emulateMedia({ colorScheme: 'dark' });
    await chart.getByTestId('interval-1m').click();
    await expect(chart.getByTestId('chart-candle')).toHaveCount(bars.length);
    await page.screenshot({ path: `${SCREENSHOTS}/chart-1440-dark.png` });
  });

  test('grows the price pane to fill whatever height the layout gives the chart', async ({ page }) => {
    await page.setViewportSize({ width: 1440, height: 900 });
    const chart = await openChart(page, server, 'filler', 'CHT');
    const pane = chart.getByTestId('chart-price-pane');
    const before = (await pane.boundingBox())!.height;
    await page.setViewportSize({ width: 1440, height: 1100 });
    await expect.poll(async () => (await pane.boundingBox())!.height).toBeGreaterThan(before + 150);
    const area = (await chart.locator('..').boundingBox())!;
    // The area's content box: its height less its padding.
    const padding = await chart.evaluate((element) => {
      const style = getComputedStyle(element.parentElement!);
      return parseFloat(style.paddingTop) + parseFloat(style.paddingBottom);
    });
    const box = (await chart.boundingBox())!;
    expect(box.height).toBeGreaterThan(area.height - padding - 2);
    expect(box.y + box.height).toBeLessThanOrEqual(area.y + area.height + 1);
    // The SVG follows the pane, so the candles and axes use the new height.
    const svg = (await pane.locator('svg.recharts-surface').first().boundingBox())!;
    expect(Math.abs(svg.height - (await pane.boundingBox())!.height)).toBeLessThan(2);
  });

  test('puts a lone bar of a day at the right edge, and refuses 1-minute bars over a day', async ({ page }) => {
    const chart = await openChart(page, server, 'loner', 'ONE');
    await chart.getByTestId('range-1d').click();
    await expect(chart.getByTestId('range-1d')).toHaveAttribute('aria-pressed', 'true');
    await expect(chart.getByTestId('interval-15m')).toHaveAttribute('aria-pressed', 'true');
    const panes = chart.getByTestId('chart-panes');
    await expect(chart.getByTestId('chart-candle')).toHaveCount(1);
    const span = Number(await panes.getAttribute('data-to')) - Number(await panes.getAttribute('data-from'));
    expect(span).toBe(24 * HOUR);
    const plot = await plotBox(chart);
    const bar = (await chart.getByTestId('chart-candle').boundingBox())!;
    expect(bar.x + bar.width).toBeLessThanOrEqual(plot.right + 1);
    expect(bar.x).toBeGreaterThan(plot.left + 0.95 * (plot.right - plot.left));
    const times = await tickTexts(chart.getByTestId('chart-volume-pane').locator('.recharts-xAxis-tick-labels'));
    expect(times.length).toBeGreaterThanOrEqual(6);

    const oneMinute = chart.getByTestId('interval-1m');
    await expect(oneMinute).toBeDisabled();
    await expect(oneMinute).toHaveAttribute('title', /1440 bars/);
    await page.screenshot({ path: `${SCREENSHOTS}/chart-1d-single-bar.png` });
  });

  test('reads the hovered bar in the OHLCV legend and the newest bar otherwise, and tags the live last price', async ({
    page,
  }) => {
    const chart = await openChart(page, server, 'reader', 'CHT');
    const legend = chart.getByTestId('chart-ohlcv');
    const from = Number(await chart.getByTestId('chart-panes').getAttribute('data-from'));
    const bars = (await candlesOf(server, 'CHT', '1m', from)).filter((c) => c.start + MINUTE > from);
    await expect(legend).toHaveAttribute('data-start', String(bars.at(-1)!.start));

    const target = bars[10]!;
    const box = (await chart.getByTestId('chart-candle').nth(10).boundingBox())!;
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await expect(legend).toHaveAttribute('data-start', String(target.start));
    for (const [name, value] of [
      ['O', target.open],
      ['H', target.high],
      ['L', target.low],
      ['C', target.close],
    ] as const) {
      await expect(legend).toContainText(`${name} ${formatNumber(value)}`);
    }
    await expect(chart.getByTestId('chart-hover-price')).toBeVisible();
    await page.mouse.move(5, 5);
    await expect(legend).toHaveAttribute('data-start', String(bars.at(-1)!.start));
    await expect(chart.getByTestId('chart-hover-price')).toHaveCount(0);

    const tag = chart.getByTestId('chart-last-price-tag');
    await expect(tag).toHaveText((await page.getByTestId('price-CHT').textContent())!);
    await server.ingest([{ symbol: 'CHT', timestamp: Date.now(), price: 231.37, volume: 50 }]);
    await expect(page.getByTestId('price-CHT')).toHaveText('231.37');
    await expect(tag).toHaveText('231.37');
  });

  test('moves an alert level by dragging it or with the keyboard, after a confirmation, and keeps it after a reload', async ({
    page,
  }) => {
    const chart = await openChart(page, server, 'dragger', 'CHT');
    await createPriceAlert(page, 'CHT', '>', '231');
    const row = page.locator('[data-testid^="alert-row-"][data-symbol="CHT"]');
    await expect(row).toHaveCount(1);
    const id = (await row.getAttribute('data-testid'))!.replace('alert-row-', '');
    const level = chart.getByTestId(`chart-level-${id}`);
    await expect(level).toContainText('CHT last price above 231.00');
    await expect(level).toHaveAttribute('data-price', '231');
    const dialog = chart.getByTestId('level-move');

    const drag = async (dy: number) => {
      const box = (await level.boundingBox())!;
      const x = box.x + box.width / 2;
      await page.mouse.move(x, box.y);
      await page.mouse.down();
      await page.mouse.move(x, box.y + dy, { steps: 6 });
      await page.mouse.up();
    };

    // Cancel puts the line back where it was.
    await drag(40);
    await expect(dialog).toBeVisible();
    expect(Number(await level.getAttribute('data-price'))).toBeLessThan(231);
    await chart.getByTestId('level-move-cancel').click();
    await expect(dialog).toHaveCount(0);
    await expect(level).toHaveAttribute('data-price', '231');

    // Drag up, confirm: the alert is saved at the new level.
    await drag(-40);
    const moved = Number(await level.getAttribute('data-price'));
    expect(moved).toBeGreaterThan(231);
    await expect(dialog).toContainText(`Move alert to ${formatNumber(moved)}?`);
    await page.screenshot({ path: `${SCREENSHOTS}/chart-level-move.png` });
    await chart.getByTestId('level-move-confirm').click();
    await expect(dialog).toHaveCount(0);
    await expect(row.getByTestId('alert-condition')).toContainText(`above ${formatNumber(moved)}`);
    await expect(level).toContainText(`above ${formatNumber(moved)}`);

    // The keyboard: two steps down with the arrow keys, Enter to ask, Enter to confirm.
    await level.focus();
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    const keyed = Number(await level.getAttribute('data-price'));
    expect(keyed).toBeLessThan(moved);
    await page.keyboard.press('Enter');
    await expect(dialog).toContainText(`Move alert to ${formatNumber(keyed)}?`);
    await expect(chart.getByTestId('level-move-confirm')).toBeFocused();
    await page.keyboard.press('Enter');
    await expect(row.getByTestId('alert-condition')).toContainText(`above ${formatNumber(keyed)}`);
    await expect(level).toBeFocused();

    await page.reload();
    await page.getByTestId('select-CHT').click();
    await expect(row.getByTestId('alert-condition')).toContainText(`above ${formatNumber(keyed)}`);
    await expect(level).toHaveAttribute('data-price', String(keyed));
  });

  test('opens the alert form prefilled at the price picked with the chart’s +', async ({ page }) => {
    const chart = await openChart(page, server, 'picker', 'CHT');
    await page.getByTestId('tab-history').click();
    const plot = await plotBox(chart);
    const last = Number(await page.getByTestId('price-CHT').textContent());
    await page.mouse.move(plot.left + 80, plot.top + 0.85 * (plot.bottom - plot.top));
    const plus = chart.getByTestId('chart-alert-at-price');
    const box = (await plus.boundingBox())!;
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2, { steps: 4 });
    const price = (await plus.getAttribute('data-price'))!;
    expect(Number(price)).toBeLessThan(last);
    await expect(plus).toHaveAccessibleName(`Create a CHT alert at ${formatNumber(Number(price))}`);
    await plus.click();

    const form = page.getByTestId('alert-form');
    await expect(page.getByTestId('tab-alerts')).toHaveAttribute('aria-selected', 'true');
    await expect(form.getByTestId('alert-symbol')).toHaveValue('CHT');
    await expect(form.getByTestId('alert-condition-type')).toHaveValue('price_threshold');
    await expect(form.getByTestId('alert-operator')).toHaveValue('<');
    await expect(form.getByTestId('alert-threshold')).toHaveValue(price);
    await expect(form.getByTestId('alert-threshold')).toBeFocused();

    // From the keyboard: the + sits at the last price and the arrow keys move it a tick step at a time.
    await page.mouse.move(5, 5);
    await plus.focus();
    await expect(plus).toHaveAttribute('data-price', String(last));
    await page.keyboard.press('ArrowUp');
    const above = (await plus.getAttribute('data-price'))!;
    expect(Number(above)).toBeGreaterThan(last);
    await page.keyboard.press('Enter');
    await expect(form.getByTestId('alert-operator')).toHaveValue('>');
    await expect(form.getByTestId('alert-threshold')).toHaveValue(above);
  });

  test('screenshots: the chart with a level and the crosshair, at 1440×900 and 390×844 in both themes', async ({
    page,
  }) => {
    const chart = await openChart(page, server, 'looker', 'CHT');
    await createPriceAlert(page, 'CHT', '<', '229.5');
    await expect(chart.locator('[data-testid^="chart-level-"]')).toHaveCount(1);
    for (const [width, height] of [
      [1440, 900],
      [390, 844],
    ] as const) {
      await page.setViewportSize({ width, height });
      await chart.scrollIntoViewIfNeeded();
      for (const theme of ['light', 'dark'] as const) {
        await page.emulateMedia({ colorScheme: theme });
        const candle = (await chart.getByTestId('chart-candle').nth(-8).boundingBox())!;
        await page.mouse.move(candle.x + candle.width / 2, candle.y - 10);
        await expect(chart.getByTestId('chart-hover-price')).toBeVisible();
        await page.screenshot({ path: `${SCREENSHOTS}/chart-${width}x${height}-${theme}.png` });
      }
    }
  });
});
