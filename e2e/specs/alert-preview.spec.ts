import { expect, test } from '@playwright/test';
import { SCREENSHOTS, signIn } from '../support/dashboard.js';
import { startServer, type RunningServer } from '../support/tickwatch-server.js';

const MINUTE = 60_000;

test.describe('the alert preview', () => {
  let server: RunningServer;
  test.beforeAll(async () => {
    server = await startServer();
  });
  test.afterAll(async () => {
    await server?.stop();
  });

  test('says how often a draft would have fired today and marks each fire on the chart, before anything is saved', async ({
    page,
  }) => {
    // Six ticks five minutes apart in the last hour: a crossing above 100 three times.
    const start = Date.now() - 40 * MINUTE;
    const prices = [95, 105, 95, 105, 95, 105];
    await server.ingest(
      prices.map((price, i) => ({ symbol: 'PRVW', timestamp: start + i * 5 * MINUTE, price, volume: 100 })),
    );
    // The preview replays what is stored, which the store has once the seconds close.
    await expect
      .poll(async () => {
        const res = await fetch(`${server.url}/api/ticks/PRVW?from=${start}&limit=100`);
        return ((await res.json()) as { items: unknown[] }).items.length;
      })
      .toBe(prices.length);

    await signIn(page, server.url, 'previewer');
    await page.getByTestId('watchlist-input').fill('PRVW');
    await page.getByTestId('watchlist-add').click();
    await expect(page.getByTestId('price-PRVW')).toHaveText('105.00');
    await page.getByTestId('select-PRVW').click();

    const form = page.getByTestId('alert-form');
    const preview = form.getByTestId('alert-preview');
    const markers = page.getByTestId('chart-marker-preview');
    await form.getByTestId('alert-symbol').fill('PRVW');
    await form.getByTestId('alert-condition-type').selectOption('price_threshold');
    await form.getByTestId('alert-operator').selectOption('crosses_above');
    await form.getByTestId('alert-threshold').fill('100');
    await expect(preview).toHaveText('Would have fired 3 times in the last 24 h.');
    await expect(markers).toHaveCount(3);
    await page.screenshot({ path: `${SCREENSHOTS}/alert-preview.png`, fullPage: true });

    await form.getByTestId('alert-threshold').fill('110');
    await expect(preview).toHaveText('Would not have fired in the last 24 h.');
    await expect(markers).toHaveCount(0);

    await form.getByTestId('alert-operator').selectOption('>');
    await form.getByTestId('alert-threshold').fill('50');
    await expect(preview).toHaveText(
      'This alert would fire on every tick: its condition held on every tick of the last 24 h. Check the level.',
    );
    await expect(markers).toHaveCount(1);

    // The marks belong to the draft's symbol: another symbol's chart has none, and they come back with PRVW's.
    await page.getByTestId('select-AAPL').click();
    await expect(markers).toHaveCount(0);
    await page.getByTestId('select-PRVW').click();
    await expect(markers).toHaveCount(1);

    // Nothing was saved; leaving the form takes its marks off the chart.
    await expect(page.locator('[data-testid^="alert-row-"]')).toHaveCount(0);
    await page.getByTestId('tab-history').click();
    await expect(markers).toHaveCount(0);
  });
});
