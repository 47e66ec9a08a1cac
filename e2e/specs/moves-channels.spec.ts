import { expect, test } from '@playwright/test';
import { signIn } from '../support/dashboard.js';
import { startServer, type RunningServer } from '../support/tickwatch-server.js';

let clock = Date.now() - 120_000;
const tick = (symbol: string, price: number) => ({ symbol, timestamp: (clock += 50), price, volume: 100 });

test.describe('price move and price channel alerts', () => {
  let server: RunningServer;
  test.beforeAll(async () => {
    server = await startServer();
  });
  test.afterAll(async () => {
    await server?.stop();
  });

  test('are created in the form, listed in words, and fire with the move and the bound passed', async ({ page }) => {
    await server.ingest([tick('MOVE', 100)]);
    await signIn(page, server.url, 'mover');
    await page.getByTestId('tab-alerts').click();
    const form = page.getByTestId('alert-form');
    await form.getByTestId('alert-symbol').fill('MOVE');
    await form.getByTestId('alert-condition-type').selectOption('price_move');
    await form.getByTestId('alert-move-amount').fill('2');
    await form.getByTestId('alert-move-window').fill('10');
    await form.getByTestId('alert-submit').click();
    await expect(page.getByTestId('alert-form-status')).toHaveText('Alert created: MOVE moves up 2% within 10 min');

    await form.getByTestId('alert-condition-type').selectOption('price_channel');
    await form.getByTestId('alert-channel-lower').fill('101');
    await form.getByTestId('alert-channel-upper').fill('103');
    await form.getByTestId('alert-submit').click();
    await expect(page.getByTestId('alert-form-status')).toHaveText('Alert created: MOVE enters 101.00–103.00');
    const rows = page.locator('[data-testid^="alert-row-"][data-symbol="MOVE"]');
    await expect(rows).toHaveCount(2);
    await expect(rows.filter({ hasText: 'MOVE moves up 2% within 10 min' })).toHaveCount(1);

    await server.ingest([tick('MOVE', 101.5)]);
    await expect(page.getByTestId('toast').first()).toContainText(
      'MOVE last price 101.50 entered 101.00–103.00 through 101.00',
    );
    await server.ingest([tick('MOVE', 102.5)]);
    await expect(page.getByTestId('toast').first()).toContainText(
      'MOVE moved up 2.50% within 10 min, from 100.00 to 102.50 (at least 2%)',
    );
  });
});
