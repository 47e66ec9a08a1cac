import { expect, test } from '@playwright/test';
import { SCREENSHOTS, createPriceAlert, signIn } from '../support/dashboard.js';
import { startServer, type RunningServer } from '../support/tickwatch-server.js';

test.describe('feed health', () => {
  let server: RunningServer;

  test.beforeEach(async () => {
    // The simulator carries AAPL only; a symbol silent for a second of (always open) market is quiet.
    server = await startServer({
      FEED: 'simulator',
      SIM_SYMBOLS: 'AAPL',
      SIM_TICKS_PER_SECOND: '5',
      SIM_SEED: 'e2e',
      FEED_QUIET_SECONDS: '1',
    });
  });
  test.afterEach(async () => {
    await server.stop();
  });

  test('names each watchlist symbol’s feed state, badges an alert on a blind symbol and tells an opted-in trader', async ({
    page,
  }) => {
    // Two minutes without a trade: quiet at once.
    const since = Date.now() - 120_000;
    await server.ingest({ symbol: 'QUIET', timestamp: since, price: 10, volume: 1 });
    await signIn(page, server.url, 'blind-trader');

    await expect(page.getByTestId('health-AAPL')).toHaveText('live');
    await page.getByTestId('watchlist-input').fill('NOPE');
    await page.getByTestId('watchlist-add').click();
    await expect(page.getByTestId('health-NOPE')).toHaveText('not carried by the feed');
    await expect(page.getByTestId('health-NOPE')).toHaveAttribute('data-state', 'not_carried');
    await page.getByTestId('watchlist-input').fill('QUIET');
    await page.getByTestId('watchlist-add').click();
    await expect(page.getByTestId('health-QUIET')).toHaveText(/^quiet since ([A-Z][a-z]{2} \d{1,2} )?\d\d:\d\d$/);

    await createPriceAlert(page, 'QUIET', '>', '100');
    await createPriceAlert(page, 'AAPL', '>', '100000');
    const blindRow = page.locator('[data-symbol="QUIET"]');
    await expect(blindRow.getByTestId('alert-blind')).toHaveText(/^blind since ([A-Z][a-z]{2} \d{1,2} )?\d\d:\d\d$/);
    await expect(blindRow.getByTestId('alert-blind').locator('time')).toHaveAttribute(
      'datetime',
      new Date(since).toISOString(),
    );
    await expect(page.locator('[data-symbol="AAPL"]')).toBeVisible();
    await expect(page.locator('[data-symbol="AAPL"]').getByTestId('alert-blind')).toHaveCount(0);

    // Opting in with the keyboard: the spell under way is told at once, as it is already two minutes long.
    await page.getByTestId('feed-alert-enabled').focus();
    await page.keyboard.press('Space');
    await page.getByTestId('feed-alert-minutes').fill('1');
    await page.getByTestId('feed-alert-minutes').press('Enter');
    await expect(page.getByTestId('feed-alert-message')).toHaveText('Saved: after 1 min');
    await expect(page.getByTestId('feed-notice')).toHaveCount(1);
    await expect(page.getByTestId('feed-notice')).toContainText('QUIET has had no trade since');
    await page.screenshot({ path: `${SCREENSHOTS}/feed-health.png`, fullPage: true });
  });
});
