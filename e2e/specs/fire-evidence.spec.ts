import { expect, test } from '@playwright/test';
import { createPriceAlert, SCREENSHOTS, signIn } from '../support/dashboard.js';
import { startServer, type RunningServer } from '../support/tickwatch-server.js';

/** Ticks go in through the ingest API with increasing timestamps within the last hour, so the run is deterministic. */
let clock = Date.now() - 300_000;
const tick = (symbol: string, price: number) => ({ symbol, timestamp: (clock += 50), price, volume: 100 });

test.describe('a fire that explains itself', () => {
  let server: RunningServer;
  test.beforeAll(async () => {
    server = await startServer();
  });
  test.afterAll(async () => {
    await server?.stop();
  });

  test('words the fire with the alert’s template, shows its evidence in the history and marks it on the chart', async ({
    page,
  }) => {
    await server.ingest([tick('EVA', 20), tick('EVD', 98)]);
    await signIn(page, server.url, 'evidence');
    for (const symbol of ['EVA', 'EVD']) {
      await page.getByTestId('watchlist-input').fill(symbol);
      await page.getByTestId('watchlist-add').click();
      await expect(page.getByTestId(`price-${symbol}`)).toBeVisible();
    }
    await page.getByTestId('select-EVA').click();
    await expect(page.getByTestId('price-chart')).toHaveAttribute('aria-label', 'EVA price chart');
    await page.getByTestId('range-4h').click();

    const message = page.getByTestId('alert-message');
    await message.fill('{{symbol}} went {{previous}} to {{prcie}}');
    await expect(page.getByTestId('error-message')).toContainText('{{prcie}} is not a placeholder');
    await message.fill('{{symbol}} went {{previous}} to {{value}} over {{threshold}}');
    await expect(page.getByTestId('error-message')).toHaveCount(0);
    await createPriceAlert(page, 'EVD', 'crosses_above', '100');
    await expect(page.locator('[data-testid^="alert-row-"][data-symbol="EVD"]')).toHaveCount(1);

    await server.ingest([tick('EVD', 99), tick('EVD', 101.5)]);
    await expect(page.getByTestId('toast').first()).toContainText('EVD went 99.00 to 101.50 over 100.00');

    await page.getByTestId('tab-history').click();
    const row = page.getByTestId('history-row');
    await expect(row).toHaveCount(1);
    await expect(row).toContainText('EVD went 99.00 to 101.50 over 100.00');
    const expand = row.getByTestId('history-expand');
    await expect(expand).toHaveAttribute('aria-expanded', 'false');
    await expand.focus();
    await page.keyboard.press('Enter');
    await expect(expand).toHaveAttribute('aria-expanded', 'true');

    const details = page.getByTestId('history-details');
    await expect(details.getByTestId('evidence-condition')).toHaveText('EVD last price crosses above 100.00');
    await expect(details.getByTestId('evidence-tick')).toContainText('101.50 at');
    await expect(details.getByTestId('evidence-value')).toHaveText('99.00 → 101.50');
    await expect(details.getByTestId('evidence-level')).toHaveText('100.00');

    await details.getByTestId('history-show-on-chart').click();
    const chart = page.getByTestId('price-chart');
    await expect(chart).toHaveAttribute('aria-label', 'EVD price chart');
    await expect(chart.getByTestId('range-1h')).toHaveAttribute('aria-pressed', 'true');
    await expect(chart.getByTestId('chart-marker-fire')).toHaveCount(1);
    await expect(chart.getByTestId('chart-marker-fire')).toHaveAttribute(
      'aria-label',
      'EVD went 99.00 to 101.50 over 100.00',
    );
    await expect(page.getByTestId('history-chart-note')).toHaveCount(0);
    await page.screenshot({ path: `${SCREENSHOTS}/fire-evidence.png`, fullPage: true });

    await page.keyboard.press('Shift+Tab');
    await expand.focus();
    await page.keyboard.press('Space');
    await expect(expand).toHaveAttribute('aria-expanded', 'false');
    await expect(page.getByTestId('history-details')).toHaveCount(0);
  });
});
