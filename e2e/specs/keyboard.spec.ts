import { expect, test, type Locator, type Page } from '@playwright/test';
import { expectVisibleFocus, focusIndicator, focusProblem, tabTo } from '../support/dashboard.js';
import { startServer, type RunningServer } from '../support/tickwatch-server.js';

/** Ticks go in through the ingest API with increasing timestamps: the market, not the trader. */
let clock = Date.now() - 120_000;
const tick = (symbol: string, price: number) => ({ symbol, timestamp: (clock += 50), price, volume: 100 });

/** Tabs (or Shift+Tabs) to `target`, then checks that the focus shows. */
async function focus(page: Page, target: Locator, key: 'Tab' | 'Shift+Tab' = 'Tab', max = 60): Promise<void> {
  await tabTo(page, target, max, key);
  await expectVisibleFocus(page);
}

/** Replaces the focused field's text, as a trader would: select all, type over it. */
async function typeOver(page: Page, text: string): Promise<void> {
  await page.keyboard.press('ControlOrMeta+A');
  await page.keyboard.type(text);
}

/** Moves a focused <select> to `value` with the arrow keys (it stays closed, as on Windows and Linux). */
async function arrowTo(page: Page, select: Locator, value: string): Promise<void> {
  const values = await select
    .locator('option')
    .evaluateAll((options) => options.map((o) => (o as HTMLOptionElement).value));
  const from = values.indexOf(await select.inputValue());
  const to = values.indexOf(value);
  expect(to, `${value} is an option`).toBeGreaterThanOrEqual(0);
  for (let i = from; i !== to; i += to > from ? 1 : -1) await page.keyboard.press(to > from ? 'ArrowDown' : 'ArrowUp');
  await expect(select).toHaveValue(value);
}

/** Focuses the tab list's tab named `name`, whether tabs are each in the Tab order or use arrow keys (roving). */
async function focusTab(page: Page, tab: Locator, key: 'Tab' | 'Shift+Tab'): Promise<void> {
  await tabTo(page, page.getByRole('tablist').getByRole('tab'), 60, key);
  for (const move of ['ArrowRight', 'ArrowLeft', key]) {
    if (await tab.evaluate((el) => el === document.activeElement)) break;
    await page.keyboard.press(move);
  }
  await expect(tab).toBeFocused();
  await expectVisibleFocus(page);
}

async function signInByKeyboard(page: Page, server: RunningServer, userId: string): Promise<void> {
  await page.goto(server.url);
  await expect(page.getByTestId('sign-in-submit')).toBeEnabled();
  await focus(page, page.getByTestId('sign-in-user'));
  await page.keyboard.type(userId);
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('signed-in-user')).toHaveText(userId);
  await expect(page.getByTestId('connection-state')).toHaveText('Live');
}

test.describe('the alert flow by keyboard alone', () => {
  let server: RunningServer;
  test.beforeAll(async () => {
    server = await startServer();
  });
  test.afterAll(async () => {
    await server?.stop();
  });

  test('creates a price alert, edits its threshold, reads why it fired in the history, and deletes it, focus visible throughout', async ({
    page,
  }) => {
    await server.ingest([tick('KBD', 95)]);
    await signInByKeyboard(page, server, 'keyboard-trader');

    await focus(page, page.getByTestId('watchlist-input'));
    await page.keyboard.type('KBD');
    await page.keyboard.press('Enter');
    await expect(page.getByTestId('price-KBD')).toHaveText('95.00');

    const form = page.getByTestId('alert-form');
    await focus(page, form.getByTestId('alert-symbol'));
    await typeOver(page, 'KBD');
    await focus(page, form.getByTestId('alert-condition-type'));
    await arrowTo(page, form.getByTestId('alert-condition-type'), 'price_threshold');
    await focus(page, form.getByTestId('alert-operator'));
    await arrowTo(page, form.getByTestId('alert-operator'), '>');
    await focus(page, form.getByTestId('alert-threshold'));
    await typeOver(page, '100');
    await focus(page, form.getByTestId('alert-submit'));
    await page.keyboard.press('Enter');
    const row = page.locator('[data-testid^="alert-row-"][data-symbol="KBD"]');
    await expect(row.getByTestId('alert-condition')).toHaveText(/above 100\.00/);

    await focus(page, row.getByTestId('alert-edit'));
    await page.keyboard.press('Enter');
    const editForm = row.getByTestId('alert-form');
    await focus(page, editForm.getByTestId('alert-threshold'));
    await typeOver(page, '105');
    await focus(page, editForm.getByTestId('alert-submit'));
    await page.keyboard.press('Space');
    await expect(row.getByTestId('alert-condition')).toHaveText(/above 105\.00/);
    await expect(row.getByTestId('alert-form')).toHaveCount(0);

    await server.ingest([tick('KBD', 106)]);
    await expect(page.getByTestId('toast').first()).toContainText('KBD last price 106.00 is above 105.00');

    const historyTab = page.getByTestId('tab-history');
    await focusTab(page, historyTab, 'Shift+Tab');
    await page.keyboard.press('Enter');
    await expect(historyTab).toHaveAttribute('aria-selected', 'true');
    const expand = page.getByTestId('history-row').first().getByTestId('history-expand');
    await focus(page, expand);
    await page.keyboard.press('Enter');
    await expect(expand).toHaveAttribute('aria-expanded', 'true');
    await expect(page.getByTestId('history-details').getByTestId('evidence-condition')).toHaveText(
      'KBD last price above 105.00',
    );

    const alertsTab = page.getByTestId('tab-alerts');
    await focusTab(page, alertsTab, 'Shift+Tab');
    await page.keyboard.press('Enter');
    await expect(alertsTab).toHaveAttribute('aria-selected', 'true');
    await focus(page, row.getByTestId('alert-delete'));
    await page.keyboard.press('Enter');
    // The confirmation is the next stop, not somewhere back at the top of the page.
    await focus(page, row.getByTestId('alert-delete-confirm'), 'Tab', 1);
    await page.keyboard.press('Enter');
    await expect(row).toHaveCount(0);
  });

  for (const theme of ['light', 'dark'] as const) {
    test(`every control Tab reaches on the dashboard shows its focus, ${theme} theme`, async ({ page }) => {
      await page.emulateMedia({ colorScheme: theme });
      await server.ingest([tick('FOCUS', 10)]);
      await signInByKeyboard(page, server, `focus-${theme}`);
      await focus(page, page.getByTestId('watchlist-input'));
      await page.keyboard.type('FOCUS');
      await page.keyboard.press('Enter');
      await expect(page.getByTestId('price-FOCUS')).toHaveText('10.00');

      const unseen: string[] = [];
      let reached = 0;
      for (; reached < 150; reached++) {
        await page.keyboard.press('Tab');
        // Round the page once: stop at the first element focused a second time.
        const again = await page.evaluate(() => {
          const seen = ((window as unknown as { focusSeen?: WeakSet<Element> }).focusSeen ??= new WeakSet());
          const el = document.activeElement ?? document.body;
          if (seen.has(el)) return true;
          seen.add(el);
          return false;
        });
        if (again) break;
        const problem = focusProblem(await focusIndicator(page));
        if (problem) unseen.push(problem);
      }
      expect(reached, 'Tab reaches the dashboard’s controls').toBeGreaterThan(10);
      expect(unseen).toEqual([]);
    });
  }
});
