import { expect, test, type Page } from '@playwright/test';
import { SCREENSHOTS, signIn } from '../support/dashboard.js';
import { startServer, type RunningServer } from '../support/tickwatch-server.js';

const MINUTE = 60_000;
const USER = 'indicators';

interface Fire {
  alert_id: string;
  triggered_at: number;
  evidence?: { value: number; level: number };
}

/** The REST API as the signed-in trader, for setting up alerts and reading what the server recorded. */
async function traderApi(url: string) {
  const login = await fetch(`${url}/api/auth/dev-login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ user_id: USER }),
  });
  const { token } = (await login.json()) as { token: string };
  const call = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const res = await fetch(`${url}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
    return (await res.json()) as T;
  };
  return {
    watch: (symbols: string[]) => call('PUT', '/api/me/watchlist', { symbols }),
    alert: async (symbol: string, condition_type: string, condition: object) =>
      (
        await call<{ alert_id: string }>('POST', '/api/alerts', {
          symbol,
          condition_type,
          condition,
          notification_method: 'websocket',
        })
      ).alert_id,
    /** The alert's fires, newest first: each with the value the engine compared (its evidence). */
    fires: async (alertId: string): Promise<number[]> => {
      const page = await call<{ items: Fire[] }>('GET', '/api/notifications?limit=100');
      return page.items
        .filter((n) => n.alert_id === alertId)
        .sort((a, b) => b.triggered_at - a.triggered_at)
        .map((n) => n.evidence!.value);
    },
  };
}

async function readout(page: Page, testId: string): Promise<number> {
  return Number(await page.getByTestId(testId).textContent());
}

test.describe('the indicator pane', () => {
  let server: RunningServer;
  test.beforeAll(async () => {
    server = await startServer();
  });
  test.afterAll(async () => {
    await server?.stop();
  });

  test('draws the RSI and MACD of a symbol’s indicator alerts with their levels and the values the engine compares', async ({
    page,
  }) => {
    const api = await traderApi(server.url);
    await api.watch(['INDR', 'INDM', 'INDP']);
    const rsiAbove = await api.alert('INDR', 'indicator', {
      indicator: 'rsi',
      interval: '1m',
      operator: '>',
      threshold: 70,
    });
    const rsiCrossBelow = await api.alert('INDR', 'indicator', {
      indicator: 'rsi',
      interval: '1m',
      operator: 'crosses_below',
      threshold: 50,
    });
    const rsiMacd = await api.alert('INDR', 'indicator', {
      indicator: 'macd',
      interval: '1m',
      operator: '<',
      threshold: -50,
    });
    // MACD on 5-minute bars while the chart shows 1-minute candles: the pane reads the alert's own bars.
    const macd = await api.alert('INDM', 'indicator', { indicator: 'macd', interval: '5m', operator: '>' });
    await api.alert('INDP', 'price_threshold', { operator: '>', threshold: 500 });

    // INDR: one trade a minute, zig-zagging so that RSI(14) stays between 43 and 50; then a jump that takes it
    // above 70 and a drop that takes it back below 50 (each fires one of its RSI alerts).
    const rsiStart = Date.now() - 50 * MINUTE;
    const rsiPrices: number[] = [];
    for (let i = 0, p = 100; i < 40; i++) rsiPrices.push(Number((p += i % 2 === 0 ? -0.6 : 0.5).toFixed(2)));
    const base = rsiPrices.at(-1)!;
    const rsiTick = (i: number, price: number) => ({
      symbol: 'INDR',
      timestamp: rsiStart + i * MINUTE,
      price,
      volume: 100,
    });
    // INDM: a trade every 5 minutes for 200 minutes, falling faster and faster (MACD histogram below 0), then a
    // jump that turns the histogram positive and fires its alert.
    const macdStart = Date.now() - 205 * MINUTE;
    const macdPrices: number[] = [];
    for (let i = 0, p = 100; i < 40; i++) {
      macdPrices.push(Number((p -= 0.02 * i + (i % 2 === 0 ? 0.3 : -0.2)).toFixed(2)));
    }
    macdPrices.push(Number((macdPrices.at(-1)! + 8).toFixed(2)));
    await server.ingest([
      ...rsiPrices.map((price, i) => rsiTick(i, price)),
      ...macdPrices.map((price, i) => ({ symbol: 'INDM', timestamp: macdStart + i * 5 * MINUTE, price, volume: 100 })),
      { symbol: 'INDP', timestamp: Date.now() - MINUTE, price: 420, volume: 100 },
    ]);

    await page.setViewportSize({ width: 1440, height: 900 });
    await signIn(page, server.url, USER);
    await page.getByTestId('select-INDR').click();
    const chart = page.getByTestId('price-chart');
    await expect(chart).toHaveAttribute('aria-label', 'INDR price chart');
    const rsiPane = chart.getByTestId('indicator-pane-rsi');
    await expect(rsiPane).toHaveCount(1);
    await expect(rsiPane).toContainText('RSI(14, 1m)');
    await expect(rsiPane.getByTestId(`indicator-level-${rsiAbove}`)).toHaveAttribute('data-value', '70');
    await expect(rsiPane.getByTestId(`indicator-level-${rsiCrossBelow}`)).toHaveAttribute('data-value', '50');
    await expect(rsiPane).toContainText('RSI above 70.00');
    const rsiBefore = await readout(page, 'indicator-value-rsi');
    expect(rsiBefore).toBeGreaterThan(40);
    expect(rsiBefore).toBeLessThan(50);
    await expect(chart.getByTestId('indicator-pane-macd')).toContainText('MACD(12, 26, 9, 1m)');
    // A level far from the values is named, not drawn: stretching the axis to it would flatten the lines.
    await expect(chart.getByTestId(`indicator-level-${rsiMacd}`)).toHaveText('MACD below -50.00 (off the pane)');

    // Live: the jump reaches the pane through the chart's candles, and shows the RSI the engine fired on.
    await server.ingest([rsiTick(40, Number((base + 6).toFixed(2)))]);
    await expect.poll(async () => (await api.fires(rsiAbove)).length).toBe(1);
    const [fired] = await api.fires(rsiAbove);
    expect(fired).toBeGreaterThan(70);
    await expect.poll(() => readout(page, 'indicator-value-rsi')).toBeCloseTo(fired!, 3);

    await server.ingest([rsiTick(41, Number((base - 1).toFixed(2)))]);
    await expect.poll(async () => (await api.fires(rsiCrossBelow)).length).toBe(1);
    const [crossed] = await api.fires(rsiCrossBelow);
    expect(crossed).toBeLessThan(50);
    await expect.poll(() => readout(page, 'indicator-value-rsi')).toBeCloseTo(crossed!, 3);

    // On 15-minute candles, which cannot place a 1-minute bar, the pane re-reads the newest 1-minute bars.
    await chart.getByTestId('range-1d').click();
    await expect(chart.getByTestId('range-1d')).toHaveAttribute('aria-pressed', 'true');
    await expect.poll(() => readout(page, 'indicator-value-rsi')).toBeCloseTo(crossed!, 3);
    // Up (RSI about 61) and down again: a second crossing below 50.
    await server.ingest([rsiTick(42, Number((base + 6).toFixed(2))), rsiTick(43, Number((base - 1).toFixed(2)))]);
    await expect.poll(async () => (await api.fires(rsiCrossBelow)).length).toBe(2);
    const [again] = await api.fires(rsiCrossBelow);
    expect(again).not.toBeCloseTo(crossed!, 3);
    await expect.poll(() => readout(page, 'indicator-value-rsi')).toBeCloseTo(again!, 3);

    // MACD on its alert's 5-minute bars, with the histogram the engine fired on, in every chart range.
    await page.getByTestId('select-INDM').click();
    await expect(chart).toHaveAttribute('aria-label', 'INDM price chart');
    await expect(chart.getByTestId('indicator-pane-rsi')).toHaveCount(0);
    const macdPane = chart.getByTestId('indicator-pane-macd');
    await expect(macdPane).toContainText('MACD(12, 26, 9, 5m)');
    await expect(macdPane.getByTestId(`indicator-level-${macd}`)).toHaveAttribute('data-value', '0');
    await expect.poll(async () => (await api.fires(macd)).length).toBe(1);
    const [histogram] = await api.fires(macd);
    expect(histogram).toBeGreaterThan(0);
    await expect.poll(() => readout(page, 'indicator-value-macd')).toBeCloseTo(histogram!, 3);
    for (const range of ['4h', '1h']) {
      await chart.getByTestId(`range-${range}`).click();
      await expect(chart.getByTestId(`range-${range}`)).toHaveAttribute('aria-pressed', 'true');
      await expect.poll(() => readout(page, 'indicator-value-macd')).toBeCloseTo(histogram!, 3);
    }

    // A symbol whose alerts are all on the price has no indicator pane.
    await page.getByTestId('select-INDP').click();
    await expect(chart).toHaveAttribute('aria-label', 'INDP price chart');
    await expect(chart.getByTestId('chart-last')).toHaveText('420.00');
    await expect(chart.getByTestId('indicator-pane-rsi')).toHaveCount(0);
    await expect(chart.getByTestId('indicator-pane-macd')).toHaveCount(0);

    await page.getByTestId('select-INDR').click();
    await chart.getByTestId('range-1h').click();
    await expect(chart.getByTestId('indicator-pane-rsi')).toHaveCount(1);
    for (const scheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      for (const [width, height] of [
        [1440, 900],
        [390, 844],
      ] as const) {
        await page.setViewportSize({ width, height });
        await expect(chart.getByTestId('indicator-value-rsi')).toBeVisible();
        await page.screenshot({ path: `${SCREENSHOTS}/indicator-pane-${width}-${scheme}.png`, fullPage: true });
        if (width === 1440) await chart.screenshot({ path: `${SCREENSHOTS}/indicator-pane-chart-${scheme}.png` });
      }
    }
  });
});
