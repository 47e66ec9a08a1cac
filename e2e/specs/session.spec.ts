import { expect, test } from '@playwright/test';
import { SCREENSHOTS, signIn } from '../support/dashboard.js';
import { startServer, type RunningServer } from '../support/tickwatch-server.js';

/** Dev tokens that last a few seconds, so the session ends while the dashboard is open. */
const TOKEN_TTL_SECONDS = 4;

test.describe('a session that expires', () => {
  let server: RunningServer;
  test.beforeAll(async () => {
    server = await startServer({ DEV_TOKEN_TTL_SECONDS: String(TOKEN_TTL_SECONDS) });
  });
  test.afterAll(async () => {
    await server?.stop();
  });

  test('sends the trader back to sign-in with a message saying why, and forgets the token', async ({ page }) => {
    await signIn(page, server.url, 'short-lived');
    // The socket is told when the token's exp passes; the dashboard gives way to the sign-in form.
    await expect(page.getByTestId('sign-in-notice')).toHaveText(/session has expired.*sign in again/i, {
      timeout: (TOKEN_TTL_SECONDS + 10) * 1000,
    });
    await expect(page.getByTestId('signed-in-user')).toHaveCount(0);
    await page.screenshot({ path: `${SCREENSHOTS}/session-expired.png`, fullPage: true });
    await page.reload();
    await expect(page.getByTestId('sign-in-user')).toBeVisible();
    await expect(page.getByTestId('sign-in-notice')).toHaveCount(0);
    await page.getByTestId('sign-in-user').fill('short-lived');
    await page.getByTestId('sign-in-submit').click();
    await expect(page.getByTestId('signed-in-user')).toHaveText('short-lived');
  });
});
