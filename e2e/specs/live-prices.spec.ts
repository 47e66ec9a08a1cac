import { expect, test } from '@playwright/test';
import { SCREENSHOTS, signIn } from '../support/dashboard.js';
import { startServer } from '../support/tickwatch-server.js';

test.describe('zero-configuration start', () => {
  test('the built-in simulator moves prices on a new user’s watchlist', async ({ page }) => {
    const server = await startServer({
      FEED: 'simulator',
      SIM_SYMBOLS: 'AAPL,MSFT',
      SIM_TICKS_PER_SECOND: '20',
      SIM_SEED: 'e2e',
    });
    try {
      await signIn(page, server.url, 'newcomer');
      const price = page.getByTestId('price-AAPL');
      await expect(price).toHaveText(/^\d+\.\d{2}/);
      const first = await price.textContent();
      await expect(price).not.toHaveText(first ?? '', { timeout: 15_000 });
      await expect(page.getByTestId('price-chart')).toBeVisible();
      await page.screenshot({ path: `${SCREENSHOTS}/dashboard.png`, fullPage: true });
      await page.setViewportSize({ width: 380, height: 800 });
      await page.screenshot({ path: `${SCREENSHOTS}/dashboard-narrow.png`, fullPage: true });
    } finally {
      await server.stop();
    }
  });
});
