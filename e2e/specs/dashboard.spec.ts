import { expect, test, type Browser } from '@playwright/test';
import { createPriceAlert, SCREENSHOTS, signIn } from '../support/dashboard.js';
import { startServer, type RunningServer } from '../support/tickwatch-server.js';

/** Ticks are injected through the ingest API with increasing timestamps, so every run is deterministic. */
let clock = Date.now() - 120_000;
const tick = (symbol: string, price: number) => ({ symbol, timestamp: (clock += 50), price, volume: 100 });

test.describe('the trader dashboard', () => {
  let server: RunningServer;
  test.beforeAll(async () => {
    server = await startServer();
  });
  test.afterAll(async () => {
    await server?.stop();
  });

  test('signs in, keeps the session across a reload, and signs out', async ({ page }) => {
    await signIn(page, server.url, 'reloader');
    await page.reload();
    await expect(page.getByTestId('signed-in-user')).toHaveText('reloader');
    await page.getByTestId('sign-out').click();
    await expect(page.getByTestId('sign-in-user')).toBeVisible();
    await page.getByTestId('sign-in-user').fill('not a valid id!');
    await page.getByTestId('sign-in-submit').click();
    await expect(page.getByTestId('sign-in-error')).toBeVisible();
  });

  test('adds a symbol to the watchlist and shows its price updating live', async ({ page }) => {
    await server.ingest([tick('WLA', 50)]);
    await signIn(page, server.url, 'watcher');
    await page.getByTestId('watchlist-input').fill('wla');
    await page.getByTestId('watchlist-add').click();
    await expect(page.getByTestId('price-WLA')).toHaveText('50.00');
    await server.ingest([tick('WLA', 51.25)]);
    await expect(page.getByTestId('price-WLA')).toHaveText('51.25');
    await expect(page.getByTestId('change-WLA')).toContainText('+1.25');
    await page.reload();
    await expect(page.getByTestId('price-WLA')).toHaveText('51.25');
    await page.getByTestId('watchlist-input').fill('bad symbol!');
    await page.getByTestId('watchlist-add').click();
    await expect(page.getByTestId('watchlist-error')).toBeVisible();
    await page.getByTestId('remove-WLA').click();
    await expect(page.getByTestId('watch-row-WLA')).toHaveCount(0);
  });

  test('fires an alert created in the form: toast, badge, history row and trigger count; hovering above the level does not refire, a dip below re-arms it', async ({
    page,
  }) => {
    await server.ingest([tick('FIRE', 95)]);
    await signIn(page, server.url, 'firer');
    await page.getByTestId('watchlist-input').fill('FIRE');
    await page.getByTestId('watchlist-add').click();
    await createPriceAlert(page, 'FIRE', '>', '100');
    const row = page.locator('[data-testid^="alert-row-"][data-symbol="FIRE"]');
    await expect(row).toHaveCount(1);
    await expect(row.getByTestId('alert-state')).toContainText('armed');

    await server.ingest([tick('FIRE', 101)]);
    await expect(page.getByTestId('toast').first()).toContainText('FIRE last price 101.00 is above 100.00');
    await expect(page.getByTestId('unread-badge')).toContainText('1');
    await expect(row.getByTestId('alert-trigger-count')).toHaveText('1');
    await page.screenshot({ path: `${SCREENSHOTS}/alert-fired.png`, fullPage: true });

    // Hovering around the level while it stays above must not fire again. To know a wrong refire would have
    // arrived, the same alert then dips below (re-arms) and fires again on a later tick: the server records and
    // pushes one alert's fires in decision order, so once that later fire is here every earlier one is too.
    await server.ingest([tick('FIRE', 100.5), tick('FIRE', 102), tick('FIRE', 100.01)]);
    await server.ingest([tick('FIRE', 99), tick('FIRE', 101.5)]);
    await expect(page.getByTestId('toast').first()).toContainText('FIRE last price 101.50 is above 100.00');
    await expect(row.getByTestId('alert-trigger-count')).toHaveText('2');
    await expect(page.getByTestId('unread-badge')).toHaveAccessibleName('2 unread alerts');
    // The history tab loads from the store, after the later fire was recorded.
    await page.getByTestId('tab-history').click();
    const history = page.getByTestId('history-row');
    await expect(history.first()).toContainText('FIRE last price 101.50');
    await expect(history).toHaveCount(2);
    await expect(history.nth(1)).toContainText('FIRE last price 101.00');
    await expect(history.filter({ hasText: /last price (100\.50|102\.00|100\.01) / })).toHaveCount(0);
    await expect(history.getByTestId('history-status')).toHaveText(['sent', 'sent']);
    await expect(page.getByTestId('unread-badge')).toContainText('0');
    await page.screenshot({ path: `${SCREENSHOTS}/history.png`, fullPage: true });
  });

  test('edits and deletes an alert', async ({ page }) => {
    await signIn(page, server.url, 'editor');
    await createPriceAlert(page, 'EDIT', '<', '10');
    const row = page.locator('[data-testid^="alert-row-"][data-symbol="EDIT"]');
    await expect(row.getByTestId('alert-condition')).toContainText('10.00');
    await row.getByTestId('alert-edit').click();
    await row.getByTestId('alert-threshold').fill('12.5');
    await row.getByTestId('alert-submit').click();
    await expect(row.getByTestId('alert-condition')).toContainText('12.50');
    await row.getByTestId('alert-toggle').click();
    await expect(row.getByTestId('alert-state')).toContainText('disabled');
    await row.getByTestId('alert-delete').click();
    await row.getByTestId('alert-delete-confirm').click();
    await expect(page.locator('[data-testid^="alert-row-"][data-symbol="EDIT"]')).toHaveCount(0);
  });

  test('shows the field error for invalid input and sends nothing', async ({ page }) => {
    await signIn(page, server.url, 'typo');
    let posted = 0;
    page.on('request', (req) => {
      if (req.method() === 'POST' && req.url().endsWith('/api/alerts')) posted += 1;
    });
    await createPriceAlert(page, 'OOPS', '>', '-5');
    await expect(page.getByTestId('error-condition.threshold')).toBeVisible();
    await page.getByTestId('alert-symbol').fill('not a symbol');
    await page.getByTestId('alert-threshold').fill('5');
    await page.getByTestId('alert-submit').click();
    await expect(page.getByTestId('error-symbol')).toBeVisible();
    expect(posted).toBe(0);
  });

  test('two users each see only their own alerts and notifications', async ({ browser }) => {
    const [alice, bob] = await Promise.all([
      newUserPage(browser, server, 'alice'),
      newUserPage(browser, server, 'bob'),
    ]);
    const alertRow = (user: typeof alice, symbol: string) =>
      user.page.locator(`[data-testid^="alert-row-"][data-symbol="${symbol}"]`);
    const toasts = (user: typeof alice, text: string) => user.page.getByTestId('toast').filter({ hasText: text });
    await server.ingest([tick('ISO', 10), tick('BOBS', 10)]);
    await createPriceAlert(alice.page, 'ISO', '>', '20');
    await expect(alertRow(alice, 'ISO')).toHaveCount(1);
    await createPriceAlert(bob.page, 'BOBS', '>', '20');
    await expect(alertRow(bob, 'BOBS')).toHaveCount(1);
    await expect(alertRow(bob, 'ISO')).toHaveCount(0);
    await expect(alertRow(alice, 'BOBS')).toHaveCount(0);

    // Each negative check waits first for a fire of the user's own that the server produced after the other
    // user's: a fire wrongly sent or listed to them would have reached them before it. Toasts expire after 8 s,
    // so they are counted once, not with a retrying toHaveCount(0) that would wait a wrong one out.
    await server.ingest([tick('ISO', 25)]);
    await expect(toasts(alice, 'ISO last price 25.00')).toHaveCount(1);
    await server.ingest([tick('BOBS', 25)]);
    await expect(toasts(bob, 'BOBS last price 25.00')).toHaveCount(1);
    expect(await toasts(bob, 'ISO').count()).toBe(0);
    await expect(bob.page.getByTestId('unread-badge')).toHaveAccessibleName('1 unread alert');
    await bob.page.getByTestId('tab-history').click();
    await expect(bob.page.getByTestId('history-row').filter({ hasText: 'BOBS last price 25.00' })).toHaveCount(1);
    await expect(bob.page.getByTestId('history-row')).toHaveCount(1);
    await expect(bob.page.getByTestId('history-row').filter({ hasText: 'ISO' })).toHaveCount(0);

    // Alice's alert dips below (re-arms) and fires again after Bob's fire.
    await server.ingest([tick('ISO', 15), tick('ISO', 26)]);
    await expect(toasts(alice, 'ISO last price 26.00')).toHaveCount(1);
    expect(await toasts(alice, 'BOBS').count()).toBe(0);
    await expect(alice.page.getByTestId('unread-badge')).toHaveAccessibleName('2 unread alerts');
    await alice.page.getByTestId('tab-history').click();
    await expect(alice.page.getByTestId('history-row').filter({ hasText: 'ISO last price 26.00' })).toHaveCount(1);
    await expect(alice.page.getByTestId('history-row')).toHaveCount(2);
    await expect(alice.page.getByTestId('history-row').filter({ hasText: 'BOBS' })).toHaveCount(0);
    await alice.context.close();
    await bob.context.close();
  });

  test('shows a notification fired while the page was closed when it reopens', async ({ browser }) => {
    const { context, page } = await newUserPage(browser, server, 'closer');
    await server.ingest([tick('AWAY', 10)]);
    await createPriceAlert(page, 'AWAY', '>', '20');
    await expect(page.locator('[data-testid^="alert-row-"][data-symbol="AWAY"]')).toHaveCount(1);
    await page.close();
    await server.ingest([tick('AWAY', 30)]);
    const reopened = await context.newPage();
    await reopened.goto(server.url);
    await expect(reopened.getByTestId('toast').first()).toContainText('AWAY last price 30.00');
    await expect(reopened.getByTestId('unread-badge')).toContainText('1');
    await context.close();
  });
});

test.describe('a server restart', () => {
  test('shows reconnecting, then live again, and loses no notification', async ({ page }) => {
    let server = await startServer();
    try {
      await server.ingest([tick('RST', 10)]);
      await signIn(page, server.url, 'restarter');
      await createPriceAlert(page, 'RST', '>', '20');
      await expect(page.locator('[data-testid^="alert-row-"][data-symbol="RST"]')).toHaveCount(1);
      const { dataDir, port } = server;
      await server.stop();
      await expect(page.getByTestId('connection-state')).toHaveText(/Reconnecting/);
      server = await startServer({}, { dataDir, port });
      await server.ingest([tick('RST', 25)]);
      await expect(page.getByTestId('connection-state')).toHaveText('Live', { timeout: 20_000 });
      await expect(page.getByTestId('toast').first()).toContainText('RST last price 25.00', { timeout: 20_000 });
    } finally {
      await server.stop();
    }
  });
});

test.describe('the embeddable widget', () => {
  test('shows live prices from the public feed', async ({ page }) => {
    const server = await startServer();
    try {
      await server.ingest([tick('WIDG', 12.5), tick('WAX', 3)]);
      await page.goto(`${server.url}/widget?symbols=WIDG,WAX&theme=dark`);
      await expect(page.getByTestId('widget-price-WIDG')).toContainText('12.50');
      await server.ingest([tick('WIDG', 13)]);
      await expect(page.getByTestId('widget-price-WIDG')).toContainText('13.00');
      await page.screenshot({ path: `${SCREENSHOTS}/widget.png` });
    } finally {
      await server.stop();
    }
  });
});

async function newUserPage(browser: Browser, server: RunningServer, userId: string) {
  const context = await browser.newContext();
  const page = await context.newPage();
  await signIn(page, server.url, userId);
  return { context, page };
}
