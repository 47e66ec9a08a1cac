import { expect, test, type Locator, type Page } from '@playwright/test';
import { SCREENSHOTS, createPriceAlert, signIn } from '../support/dashboard.js';
import { startServer, type RunningServer } from '../support/tickwatch-server.js';

/**
 * The content of the panels: the history in the side panel and full width, the alert list and form in the ~380 px
 * side panel, and the watchlist's word on a symbol the feed does not carry. Geometry is checked with bounding boxes.
 */

const LONG_TEMPLATE =
  '{{symbol}} went from {{previous}} to {{value}} over {{threshold}}: review the position, the news and the order book before acting';

/** Three fires of one alert an hour apart, on whole minutes plus 30 s so a minute filter falls cleanly between them. */
const HOUR = 3_600_000;
const firstFire = Math.floor((Date.now() - 3 * HOUR) / 60_000) * 60_000 + 30_000;
const fireTimes = [firstFire, firstFire + HOUR, firstFire + 2 * HOUR];

/** Every box of `cells` lies inside `outer`'s box (half a pixel of rounding allowed). */
async function expectInside(cells: Locator, outer: Locator, what: string): Promise<void> {
  const box = await outer.boundingBox();
  expect(box, `${what}: container box`).not.toBeNull();
  for (const cell of await cells.all()) {
    if (!(await cell.isVisible())) continue;
    const inner = await cell.boundingBox();
    expect(inner, what).not.toBeNull();
    expect(inner!.x, `${what}: left edge`).toBeGreaterThanOrEqual(box!.x - 0.5);
    expect(inner!.x + inner!.width, `${what}: right edge`).toBeLessThanOrEqual(box!.x + box!.width + 0.5);
  }
}

/** The message cell holds one line: its height is at most one line box plus its padding. */
async function expectOneLine(message: Locator): Promise<void> {
  const { height, line } = await message.evaluate((el) => {
    const style = getComputedStyle(el);
    const lineHeight = style.lineHeight === 'normal' ? parseFloat(style.fontSize) * 1.25 : parseFloat(style.lineHeight);
    const padding = parseFloat(style.paddingTop) + parseFloat(style.paddingBottom);
    return { height: el.getBoundingClientRect().height, line: lineHeight + padding };
  });
  expect(height).toBeLessThanOrEqual(line * 1.5);
}

/** `datetime-local` text for an instant, in the browser's own time zone. */
const localInput = (page: Page, ms: number) =>
  page.evaluate((at) => {
    const d = new Date(at);
    const p = (n: number) => String(n).padStart(2, '0');
    return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}`;
  }, ms);

test.describe('panel content', () => {
  let server: RunningServer;

  test.beforeAll(async () => {
    // The simulator carries AAPL only (the default watchlist): any other symbol is one the feed does not carry.
    server = await startServer({
      FEED: 'simulator',
      SIM_SYMBOLS: 'AAPL',
      SIM_TICKS_PER_SECOND: '2',
      SIM_SEED: 'panels',
    });
  });
  test.afterAll(async () => {
    await server?.stop();
  });

  /**
   * Signs in, creates a long-worded alert on `symbol` crossing above 100 and fires it at the three `fireTimes`. Each
   * test has its own symbol: ticks older than a symbol's latest are not news.
   */
  async function withFires(page: Page, user: string, symbol: string): Promise<void> {
    await server.ingest({ symbol, timestamp: firstFire - 60_000, price: 99, volume: 1 });
    await signIn(page, server.url, user);
    await page.getByTestId('tab-alerts').click();
    await page.getByTestId('alert-message').fill(LONG_TEMPLATE);
    await createPriceAlert(page, symbol, 'crosses_above', '100');
    await expect(page.locator(`[data-testid^="alert-row-"][data-symbol="${symbol}"]`)).toHaveCount(1);
    const ticks = fireTimes.flatMap((at, i) => [
      { symbol, timestamp: at, price: 101 + i, volume: 1 },
      { symbol, timestamp: at + 60_000, price: 99, volume: 1 },
    ]);
    await server.ingest(ticks);
    await expect(page.locator(`[data-symbol="${symbol}"]`).getByTestId('alert-trigger-count')).toHaveText('3');
  }

  test('the side-panel history is compact: nothing overflows its card, one-line messages keep their full text', async ({
    page,
  }) => {
    await page.setViewportSize({ width: 1440, height: 900 });
    await withFires(page, 'side-history', 'PNLA');
    await page.getByTestId('tab-history').click();
    const history = page.getByTestId('history');
    const rows = page.getByTestId('history-row');
    await expect(rows).toHaveCount(3);
    expect((await history.boundingBox())!.width).toBeLessThan(500);

    for (const row of await rows.all()) {
      await expectInside(row.locator('td'), row, 'side-panel cell');
      await expectInside(row, history, 'side-panel row');
      await expectOneLine(row.getByTestId('history-message'));
    }
    const newest = rows.first();
    const full =
      'PNLA went from 99.00 to 103.00 over 100.00: review the position, the news and the order book before acting';
    await expect(newest.getByTestId('history-message')).toHaveAttribute('title', full);
    await expect(newest.getByTestId('history-status')).toHaveText('sent');
    await newest.getByTestId('history-expand').focus();
    await page.keyboard.press('Enter');
    const details = page.getByTestId('history-details');
    await expect(details.getByTestId('details-message')).toHaveText(full);
    await expect(details.getByTestId('details-channel')).toHaveText('Dashboard');
    await expectInside(details.locator('dd'), history, 'opened row');
    await page.screenshot({ path: `${SCREENSHOTS}/history-side-panel.png` });
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.screenshot({ path: `${SCREENSHOTS}/history-side-panel-dark.png` });

    // A phone gets the same cards: nothing clipped at 390 px either.
    await page.setViewportSize({ width: 390, height: 844 });
    for (const row of await rows.all()) {
      await expectInside(row.locator('td'), row, 'phone cell');
      await expectInside(row, history, 'phone row');
    }
    expect((await history.boundingBox())!.x + (await history.boundingBox())!.width).toBeLessThanOrEqual(390);
    await page.screenshot({ path: `${SCREENSHOTS}/history-phone-dark.png`, fullPage: true });
  });

  test('the date and time filter narrows the history to a time window', async ({ page }) => {
    await withFires(page, 'time-filter', 'PNLB');
    await page.getByTestId('tab-history').click();
    await expect(page.getByTestId('history-row')).toHaveCount(3);
    await expect(page.getByTestId('history-from')).toHaveAttribute('type', 'datetime-local');
    // From half an hour after the first fire to half an hour before the last: only the middle one.
    await page.getByTestId('history-from').fill(await localInput(page, fireTimes[0]! + HOUR / 2));
    await page.getByTestId('history-to').fill(await localInput(page, fireTimes[2]! - HOUR / 2));
    await page.getByTestId('history-apply').click();
    const rows = page.getByTestId('history-row');
    await expect(rows).toHaveCount(1);
    await expect(rows.first().getByTestId('history-message')).toContainText('to 102.00');
    await expect(page.getByTestId('history-table').locator('caption')).toContainText(/from .+\d\d:\d\d/);
  });

  test('the full-width history fits every column at 1440 px with one-line messages', async ({ page }) => {
    await page.setViewportSize({ width: 1440, height: 900 });
    await withFires(page, 'full-history', 'PNLC');
    await page.getByTestId('view-history-full').click();
    const full = page.getByTestId('history-full');
    const table = full.getByTestId('history-table');
    await expect(table.getByTestId('history-row')).toHaveCount(3);
    const headers = table.locator('thead th');
    await expect(headers).toHaveText(['Time', 'Symbol', 'Message', 'Price', 'Channel', 'Delivery']);
    for (const header of await headers.all()) await expect(header).toBeVisible();
    await expectInside(headers, table, 'full-width header');
    expect((await table.boundingBox())!.x + (await table.boundingBox())!.width).toBeLessThanOrEqual(1440);
    const overflow = await table.evaluate((el) => el.scrollWidth - el.clientWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    for (const row of await table.getByTestId('history-row').all()) {
      await expectInside(row.locator('td'), table, 'full-width cell');
      await expectOneLine(row.getByTestId('history-message'));
      await expect(row.getByTestId('history-channel')).toHaveText('Dashboard');
    }
    await page.screenshot({ path: `${SCREENSHOTS}/history-full-width.png` });
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.screenshot({ path: `${SCREENSHOTS}/history-full-width-dark.png` });
  });

  test('adding a symbol the feed does not carry says so plainly, without a stale warning or a 404', async ({
    page,
  }) => {
    const notFound: string[] = [];
    page.on('response', (res) => {
      if (res.status() === 404) notFound.push(res.url());
    });
    page.on('console', (msg) => {
      if (msg.type() === 'error' && msg.text().includes('404')) notFound.push(msg.text());
    });
    await signIn(page, server.url, 'typo-trader');
    await expect(page.getByTestId('health-AAPL')).toHaveText('live');
    const quotes = page.waitForResponse((res) => res.url().includes('/api/quotes') && res.url().includes('XYZQ'));
    await page.getByTestId('watchlist-input').fill('xyzq');
    await page.getByTestId('watchlist-add').click();
    await expect(page.getByTestId('watchlist-note')).toHaveText(
      'The feed does not carry XYZQ: it will show prices only if one arrives. Check the spelling, or remove it.',
    );
    await quotes;
    const health = page.getByTestId('health-XYZQ');
    await expect(health).toHaveText('not carried by the feed');
    await expect(health).toHaveClass('wl-nofeed');
    await expect(page.getByTestId('price-XYZQ')).toHaveText('no price');
    await expect(page.getByTestId('watch-row-XYZQ')).not.toContainText('—');
    // The note's colour is the ordinary text colour, not the warning one a quiet symbol gets.
    const colours = await page.evaluate(() => {
      const css = getComputedStyle(document.documentElement);
      const badge = document.querySelector('[data-testid="health-XYZQ"]')!;
      const probe = document.createElement('span');
      probe.style.color = css.getPropertyValue('--warn');
      document.body.append(probe);
      const warn = getComputedStyle(probe).color;
      probe.remove();
      return { badge: getComputedStyle(badge).color, warn };
    });
    expect(colours.badge).not.toBe(colours.warn);
    expect(notFound).toEqual([]);
    await page.screenshot({ path: `${SCREENSHOTS}/watchlist-not-carried.png` });
  });

  test('the alert list names the symbol once and its controls after the alert; form options fit the side panel', async ({
    page,
  }) => {
    await page.setViewportSize({ width: 1440, height: 900 });
    await signIn(page, server.url, 'lister');
    await createPriceAlert(page, 'NVDA', '<', '134.99');
    const row = page.locator('[data-testid^="alert-row-"][data-symbol="NVDA"]');
    await expect(row.getByTestId('alert-condition')).toHaveText('last price below 134.99');
    expect((await row.innerText()).match(/NVDA/g)).toHaveLength(1);
    await expect(row.getByRole('button', { name: 'Edit NVDA last price below 134.99' })).toBeVisible();
    await expect(row.getByRole('button', { name: 'Delete NVDA last price below 134.99' })).toBeVisible();
    await expectInside(row.locator('button, input, [data-testid="alert-state"]'), row, 'alert row control');

    // Every option of every select the form can show is narrower than its select, in the select's own font.
    const form = page.getByTestId('alert-form');
    const clipped: string[] = [];
    for (const type of ['price_threshold', 'indicator', 'fundamental', 'price_move', 'price_channel']) {
      await form.getByTestId('alert-condition-type').selectOption(type);
      if (type === 'indicator') await form.getByTestId('alert-indicator').selectOption('bollinger');
      clipped.push(
        ...(await form.evaluate((el) => {
          const context = document.createElement('canvas').getContext('2d')!;
          const out: string[] = [];
          for (const select of Array.from(el.querySelectorAll('select'))) {
            const style = getComputedStyle(select);
            context.font = `${style.fontWeight} ${style.fontSize} ${style.fontFamily}`;
            // Room for the text: the box less its padding and the drop-down arrow.
            const room = select.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight) - 20;
            for (const option of Array.from(select.options))
              if (context.measureText(option.text).width > room) out.push(`${select.id}: ${option.text}`);
          }
          for (const label of Array.from(el.querySelectorAll('label')))
            if (label.scrollWidth > label.clientWidth + 1) out.push(`label: ${label.textContent}`);
          return out;
        })),
      );
    }
    expect(clipped).toEqual([]);
    await page.screenshot({ path: `${SCREENSHOTS}/alert-list-side-panel.png` });
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.screenshot({ path: `${SCREENSHOTS}/alert-list-side-panel-dark.png` });
  });
});
