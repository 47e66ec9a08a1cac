import { expect, test } from '@playwright/test';
import { startServer, type RunningServer } from '../support/tickwatch-server.js';

const SCREENSHOTS = 'e2e/artifacts/screenshots';

test.describe('live prices on the dashboard', () => {
  let server: RunningServer;
  test.beforeAll(async () => {
    server = await startServer();
  });
  test.afterAll(async () => {
    await server?.stop();
  });

  test('shows ingested prices and updates them live', async ({ page }) => {
    const t = Date.now();
    await server.ingest([
      { symbol: 'AAPL', timestamp: t, price: 205.5, volume: 100 },
      { symbol: 'MSFT', timestamp: t, price: 410.25, volume: 50 },
    ]);
    await page.goto(server.url);
    await expect(page.getByTestId('connection-state')).toHaveText('Live');
    await expect(page.getByTestId('price-AAPL')).toHaveText('205.50');
    await expect(page.getByTestId('price-MSFT')).toHaveText('410.25');

    await server.ingest([{ symbol: 'AAPL', timestamp: t + 1000, price: 207.125, volume: 10 }]);
    await expect(page.getByTestId('price-AAPL')).toHaveText('207.125');
    await expect(page.getByTestId('price-row-AAPL')).toContainText('+1.625');
    await page.screenshot({ path: `${SCREENSHOTS}/live-prices.png`, fullPage: true });
  });

  test('picks up a symbol that starts trading after the page loaded', async ({ page }) => {
    await page.goto(server.url);
    await expect(page.getByTestId('connection-state')).toHaveText('Live');
    await server.ingest([{ symbol: 'NEWCO', timestamp: Date.now(), price: 12.34, volume: 5 }]);
    await expect(page.getByTestId('price-NEWCO')).toHaveText('12.34', { timeout: 15_000 });
  });
});

test.describe('zero-configuration start', () => {
  test('the built-in simulator moves prices on the dashboard', async ({ page }) => {
    const server = await startServer({
      FEED: 'simulator',
      SIM_SYMBOLS: 'AAPL,MSFT',
      SIM_TICKS_PER_SECOND: '20',
      SIM_SEED: 'e2e',
    });
    try {
      await page.goto(server.url);
      const price = page.getByTestId('price-AAPL');
      await expect(price).toBeVisible();
      const first = await price.textContent();
      await expect(page.getByTestId('price-row-AAPL').locator('time')).not.toHaveText(
        (await page.getByTestId('price-row-AAPL').locator('time').textContent()) ?? '',
        { timeout: 15_000 },
      );
      expect(first).toMatch(/^\d/);
      await page.screenshot({ path: `${SCREENSHOTS}/simulator.png`, fullPage: true });
    } finally {
      await server.stop();
    }
  });
});
