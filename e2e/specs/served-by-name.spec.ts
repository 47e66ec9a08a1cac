import { expect, test } from '@playwright/test';
import { signIn } from '../support/dashboard.js';
import { startServer } from '../support/tickwatch-server.js';

/**
 * Someone who follows README's `HOST=0.0.0.0` opens the dashboard by the machine's name over plain HTTP. To the
 * browser that origin is not "potentially trustworthy" the way 127.0.0.1 and localhost are, so a policy that
 * upgrades its requests to HTTPS leaves it a blank page.
 *
 * No network is involved: this browser resolves `tickwatch.test` to 127.0.0.1 and every other name to nothing, so
 * all traffic stays on the loopback address the server listens on.
 */
const HOST_NAME = 'tickwatch.test';
const RESOLVER_RULES = `MAP ${HOST_NAME} 127.0.0.1, MAP * ~NOTFOUND, EXCLUDE 127.0.0.1`;

test.describe('served under a host name over plain HTTP', () => {
  test('loads the dashboard, signs in and goes live', async ({ playwright, launchOptions }) => {
    const server = await startServer();
    const browser = await playwright.chromium.launch({
      ...launchOptions,
      args: [...(launchOptions.args ?? []), `--host-resolver-rules=${RESOLVER_RULES}`],
    });
    try {
      const page = await browser.newPage();
      const url = `http://${HOST_NAME}:${server.port}/`;
      const response = await page.goto(url);
      expect(response?.url()).toBe(url);
      // The sign-in form is drawn by the dashboard's script, so it is only there when the assets loaded.
      await expect(page.getByTestId('sign-in-user')).toBeVisible();
      await signIn(page, url, 'remote-viewer');
      await server.ingest([{ symbol: 'HOSTN', timestamp: Date.now(), price: 42.5, volume: 10 }]);
      await page.getByTestId('watchlist-input').fill('HOSTN');
      await page.getByTestId('watchlist-add').click();
      await expect(page.getByTestId('price-HOSTN')).toHaveText('42.50');
    } finally {
      await browser.close();
      await server.stop();
    }
  });
});
