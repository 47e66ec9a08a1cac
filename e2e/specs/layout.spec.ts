import { expect, test, type Locator, type Page } from '@playwright/test';
import { createPriceAlert, SCREENSHOTS, signIn } from '../support/dashboard.js';
import { startServer, type RunningServer } from '../support/tickwatch-server.js';

/** Ticks are injected through the ingest API with increasing timestamps, so every run is deterministic. */
let clock = Date.now() - 120_000;
const tick = (symbol: string, price: number) => ({ symbol, timestamp: (clock += 50), price, volume: 100 });

const DESKTOP = { width: 1440, height: 900 };
const PHONE = { width: 390, height: 844 };

type Box = { x: number; y: number; width: number; height: number };
const boxOf = async (locator: Locator): Promise<Box> => {
  const box = await locator.boundingBox();
  if (!box) throw new Error('not rendered');
  return box;
};
const intersects = (a: Box, b: Box) =>
  a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;

/** WCAG relative luminance of a computed `rgb(...)` / `rgba(...)` colour. */
const luminance = (css: string) => {
  const [r, g, b] = (css.match(/[\d.]+/g) ?? []).slice(0, 3).map(Number);
  const linear = (c = 0) => ((c /= 255) <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4);
  return 0.2126 * linear(r) + 0.7152 * linear(g) + 0.0722 * linear(b);
};
const computed = (locator: Locator, property: 'color' | 'backgroundColor') =>
  locator.evaluate((el, p) => getComputedStyle(el)[p], property);

/** The header's controls a toast must never cover, and the panel tabs. */
const headerControls = (page: Page) =>
  ['unread-badge', 'signed-in-user', 'sign-out', 'theme-toggle', 'connection-state', 'tab-alerts', 'tab-history'].map(
    (id) => page.getByTestId(id),
  );

async function watch(page: Page, symbol: string) {
  await page.getByTestId('watchlist-input').fill(symbol);
  await page.getByTestId('watchlist-add').click();
  await expect(page.getByTestId(`watch-row-${symbol}`)).toBeVisible();
}

async function expectToastsClearOfHeader(page: Page) {
  const toasts = page.getByTestId('toast');
  await expect(toasts.first()).toBeVisible();
  const toastBoxes = await Promise.all((await toasts.all()).map(boxOf));
  for (const control of headerControls(page)) {
    if (!(await control.isVisible())) continue;
    const controlBox = await boxOf(control);
    for (const toastBox of toastBoxes) expect(intersects(toastBox, controlBox)).toBe(false);
  }
}

let server: RunningServer;
test.beforeAll(async () => {
  // This file signs in more often than the default per-minute limit allows.
  server = await startServer({ RATE_LIMIT_SIGNIN_PER_MINUTE: '1000' });
});
test.afterAll(async () => {
  await server?.stop();
});

test.describe('at 1440×900', () => {
  test.use({ viewport: DESKTOP });

  test('the chart takes most of the screen between the watchlist and the alerts panel, and the page does not scroll', async ({
    page,
  }) => {
    await server.ingest([tick('LAYA', 40)]);
    await signIn(page, server.url, 'layout-desk');
    await watch(page, 'LAYA');
    const chart = await boxOf(page.getByTestId('chart-area'));
    expect(chart.width).toBeGreaterThanOrEqual(DESKTOP.width * 0.6);
    expect(chart.height).toBeGreaterThanOrEqual(DESKTOP.height * 0.6);
    const watchlist = await boxOf(page.locator('section.watchlist-area'));
    const side = await boxOf(page.locator('section.side-area'));
    expect(watchlist.x + watchlist.width).toBeLessThanOrEqual(chart.x + 1);
    expect(side.x).toBeGreaterThanOrEqual(chart.x + chart.width - 1);
    expect(side.x + side.width).toBeLessThanOrEqual(DESKTOP.width);
    const page_ = await page.evaluate(() => ({
      scrollHeight: document.scrollingElement!.scrollHeight,
      scrollWidth: document.scrollingElement!.scrollWidth,
    }));
    expect(page_.scrollHeight).toBeLessThanOrEqual(DESKTOP.height);
    expect(page_.scrollWidth).toBeLessThanOrEqual(DESKTOP.width);
    // The panel's tabs choose its content.
    await page.getByTestId('tab-history').click();
    await expect(page.getByRole('tabpanel', { name: 'History' })).toBeVisible();
    await page.getByTestId('tab-alerts').click();
    await expect(page.getByTestId('alert-form')).toBeVisible();
  });

  test('the unread badge is neutral at zero and takes the accent colour once an alert fires', async ({ page }) => {
    await server.ingest([tick('BADG', 10)]);
    await signIn(page, server.url, 'layout-badge');
    const count = page.getByTestId('unread-badge').locator('.count');
    await expect(count).toHaveText('0');
    const atZero = await computed(count, 'backgroundColor');
    const [r = 0, g = 0, b = 0] = (atZero.match(/[\d.]+/g) ?? []).map(Number);
    expect(r > 120 && r > 1.5 * Math.max(g, b), `badge at zero is ${atZero}`).toBe(false);
    await createPriceAlert(page, 'BADG', '>', '20');
    await expect(page.locator('[data-testid^="alert-row-"][data-symbol="BADG"]')).toHaveCount(1);
    await server.ingest([tick('BADG', 21)]);
    await expect(count).toHaveText('1');
    expect(await computed(count, 'backgroundColor')).not.toBe(atZero);
  });

  test("toasts stack in the chart's bottom-right corner clear of the header and the alert form, group repeats of one alert, and dismiss", async ({
    page,
  }) => {
    await server.ingest([tick('TSTA', 10), tick('TSTB', 10)]);
    await signIn(page, server.url, 'layout-toasts');
    await createPriceAlert(page, 'TSTA', '>', '20');
    await createPriceAlert(page, 'TSTB', '>', '20');
    await expect(page.locator('[data-testid^="alert-row-"][data-symbol^="TST"]')).toHaveCount(2);

    // Three fires of one alert: above, back below (re-arms), above again, twice.
    await server.ingest([tick('TSTA', 21), tick('TSTA', 19), tick('TSTA', 22), tick('TSTA', 19), tick('TSTA', 23)]);
    const toastA = page.getByTestId('toast').filter({ hasText: 'TSTA' });
    await expect(toastA.getByTestId('toast-count')).toHaveText('×3');
    await expect(toastA).toHaveCount(1);
    await expect(toastA).toContainText('TSTA last price 23.00');
    await expect(page.getByTestId('toasts-dismiss-all')).toHaveCount(0);

    await server.ingest([tick('TSTB', 21)]);
    const toastB = page.getByTestId('toast').filter({ hasText: 'TSTB' });
    await expect(toastB).toHaveCount(1);
    await expect(toastB.getByTestId('toast-count')).toHaveCount(0);
    await expectToastsClearOfHeader(page);
    // In the chart's bottom-right corner: the side panel's alert form stays usable.
    const stack = await boxOf(page.getByTestId('toasts'));
    const chart = await boxOf(page.getByTestId('chart-area'));
    const side = await boxOf(page.locator('section.side-area'));
    expect(stack.x + stack.width).toBeLessThanOrEqual(side.x);
    expect(stack.x).toBeGreaterThan(chart.x + chart.width / 2);
    expect(stack.y).toBeGreaterThan(DESKTOP.height / 2);
    // Left of the price axis (the chart's last 64 px): its price tags and the "alert at price" button stay clear.
    const priceChart = await boxOf(page.getByTestId('price-chart'));
    expect(stack.x + stack.width).toBeLessThanOrEqual(priceChart.x + priceChart.width - 64);
    await page.screenshot({ path: `${SCREENSHOTS}/shell-toasts-1440.png` });

    await toastB.getByTestId('toast-dismiss').click();
    await expect(toastB).toHaveCount(0);
    await expect(toastA).toHaveCount(1);
    await server.ingest([tick('TSTB', 19), tick('TSTB', 24)]);
    await expect(page.getByTestId('toast')).toHaveCount(2);
    await page.getByTestId('toasts-dismiss-all').click();
    await expect(page.getByTestId('toast')).toHaveCount(0);
  });

  test('the history opens across the full width and returns to the chart by button, Back and Escape', async ({
    page,
  }) => {
    await signIn(page, server.url, 'layout-history');
    const full = page.getByTestId('history-full');
    const chart = page.getByTestId('chart-area');

    await page.getByTestId('view-history-full').click();
    await expect(full).toBeVisible();
    await expect(chart).toBeHidden();
    expect((await boxOf(full)).width).toBeGreaterThanOrEqual(DESKTOP.width * 0.95);
    await expect(page.getByTestId('view-history-full')).toHaveAttribute('aria-pressed', 'true');
    await page.getByTestId('view-chart').click();
    await expect(chart).toBeVisible();
    await expect(full).toHaveCount(0);

    await page.getByTestId('view-history-full').click();
    await expect(full).toBeVisible();
    await page.goBack();
    await expect(chart).toBeVisible();
    await expect(full).toHaveCount(0);

    await page.getByTestId('view-history-full').click();
    await expect(full).toBeVisible();
    await page.keyboard.press('Escape');
    await expect(chart).toBeVisible();
    await expect(full).toHaveCount(0);
  });
});

test.describe('at 390×844', () => {
  test.use({ viewport: PHONE });

  test('shows the chart first, then tabs that switch one panel, with nothing wider than the screen', async ({
    page,
  }) => {
    await server.ingest([tick('PHON', 12)]);
    await signIn(page, server.url, 'layout-phone');
    await page.getByTestId('tab-watchlist').click();
    await watch(page, 'PHON');
    const chart = await boxOf(page.getByTestId('chart-area'));
    const tabs = await boxOf(page.getByRole('tablist'));
    expect(chart.y + chart.height).toBeLessThanOrEqual(tabs.y + 1);
    expect(chart.height).toBeGreaterThanOrEqual(PHONE.height * 0.4);
    expect(chart.height).toBeLessThanOrEqual(PHONE.height * 0.6);
    expect(chart.width).toBeGreaterThanOrEqual(PHONE.width * 0.95);
    // The header keeps every control on one line.
    const header = await boxOf(page.locator('header.topbar'));
    for (const id of ['unread-badge', 'theme-toggle', 'sign-out', 'connection-state']) {
      const control = await boxOf(page.getByTestId(id));
      expect(control.y + control.height).toBeLessThanOrEqual(header.y + header.height);
      expect(control.x + control.width).toBeLessThanOrEqual(PHONE.width);
    }

    const noOverflow = async () =>
      expect(await page.evaluate(() => document.scrollingElement!.scrollWidth)).toBeLessThanOrEqual(PHONE.width);
    await noOverflow();
    await page.getByTestId('tab-alerts').click();
    await expect(page.getByTestId('alert-form')).toBeVisible();
    await expect(page.getByTestId('watchlist-input')).toHaveCount(0);
    await noOverflow();
    await page.getByTestId('tab-history').click();
    await expect(page.getByRole('tabpanel', { name: 'History' })).toBeVisible();
    await expect(page.getByTestId('alert-form')).toHaveCount(0);
    await noOverflow();
  });

  test('toasts sit along the bottom, clear of the header and the tabs', async ({ page }) => {
    await server.ingest([tick('PTST', 10)]);
    await signIn(page, server.url, 'layout-phone-toasts');
    await createPriceAlert(page, 'PTST', '>', '20');
    await expect(page.locator('[data-testid^="alert-row-"][data-symbol="PTST"]')).toHaveCount(1);
    await page.evaluate(() => window.scrollTo(0, 0));
    await server.ingest([tick('PTST', 21), tick('PTST', 19), tick('PTST', 22)]);
    await expect(page.getByTestId('toast-count')).toHaveText('×2');
    await expectToastsClearOfHeader(page);
    const toast = await boxOf(page.getByTestId('toast'));
    expect(toast.y + toast.height).toBeGreaterThan(PHONE.height * 0.8);
    expect(await page.evaluate(() => document.scrollingElement!.scrollWidth)).toBeLessThanOrEqual(PHONE.width);
    await page.screenshot({ path: `${SCREENSHOTS}/shell-toasts-390.png` });
  });
});

test.describe('themes', () => {
  test.use({ viewport: DESKTOP });

  test('follow the system setting until the trader picks one, which survives a reload', async ({ page }) => {
    const html = page.locator('html');
    const background = () => computed(page.locator('body'), 'backgroundColor');
    await page.emulateMedia({ colorScheme: 'dark' });
    await signIn(page, server.url, 'layout-theme');
    await expect(html).toHaveAttribute('data-theme', 'dark');
    expect(luminance(await background())).toBeLessThan(0.1);
    await page.emulateMedia({ colorScheme: 'light' });
    await expect(html).toHaveAttribute('data-theme', 'light');
    expect(luminance(await background())).toBeGreaterThan(0.8);

    const toggle = page.getByTestId('theme-toggle');
    await expect(toggle).toHaveAccessibleName('Switch to dark theme');
    await toggle.click();
    await expect(html).toHaveAttribute('data-theme', 'dark');
    await expect(toggle).toHaveAccessibleName('Switch to light theme');
    expect(luminance(await background())).toBeLessThan(0.1);
    await page.reload();
    await expect(page.getByTestId('signed-in-user')).toBeVisible();
    await expect(html).toHaveAttribute('data-theme', 'dark');
    // A choice made, the system setting no longer decides.
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.emulateMedia({ colorScheme: 'light' });
    await expect(html).toHaveAttribute('data-theme', 'dark');
    await toggle.click();
    await expect(html).toHaveAttribute('data-theme', 'light');
  });

  test('the dark widget opened on its own is light text on a dark page, and stays see-through when framed', async ({
    page,
  }) => {
    await page.emulateMedia({ colorScheme: 'light' });
    await server.ingest([tick('WDGT', 5)]);
    const address = `${server.url}/widget?symbols=WDGT&theme=dark`;
    await page.goto(address);
    await expect(page.getByTestId('widget-price-WDGT')).toHaveText('5.00');
    const text = luminance(await computed(page.getByTestId('widget-row-WDGT'), 'color'));
    const background = luminance(await computed(page.locator('body'), 'backgroundColor'));
    expect(background).toBeLessThan(0.05);
    expect(text).toBeGreaterThan(0.5);
    expect((text + 0.05) / (background + 0.05)).toBeGreaterThan(7);
    await page.screenshot({ path: `${SCREENSHOTS}/shell-widget-standalone-dark.png` });

    await page.setContent(`<iframe title="Live prices" src="${address}" width="260" height="160"></iframe>`);
    const framed = page.frameLocator('iframe');
    await expect(framed.getByTestId('widget-price-WDGT')).toHaveText('5.00');
    expect(await computed(framed.locator('body'), 'backgroundColor')).toBe('rgba(0, 0, 0, 0)');
  });
});

test.describe('sign-in', () => {
  test('an empty box is answered with a sentence beside the field', async ({ page }) => {
    await page.goto(server.url);
    await page.getByTestId('sign-in-submit').click();
    const error = page.getByTestId('sign-in-error');
    await expect(error).toHaveText('Enter a user name to sign in.');
    await expect(page.getByTestId('sign-in-user')).toHaveAccessibleDescription('Enter a user name to sign in.');
    await expect(page.getByTestId('sign-in-user')).toHaveAttribute('aria-invalid', 'true');
  });
});

test.describe('screenshots of the shell', () => {
  for (const [size, viewport] of [
    ['1440', DESKTOP],
    ['390', PHONE],
  ] as const) {
    for (const colorScheme of ['light', 'dark'] as const) {
      test(`at ${size} px in ${colorScheme}`, async ({ page }) => {
        await page.setViewportSize(viewport);
        await page.emulateMedia({ colorScheme });
        const name = (screen: string) => `${SCREENSHOTS}/shell-${screen}-${size}-${colorScheme}.png`;
        await page.goto(server.url);
        await page.getByTestId('sign-in-submit').click();
        await expect(page.getByTestId('sign-in-error')).toBeVisible();
        await page.screenshot({ path: name('sign-in') });
        await server.ingest([tick('SHOT', 100), tick('SHOT', 101.5)]);
        await signIn(page, server.url, `shots-${size}-${colorScheme}`);
        if (size === '390') await page.getByTestId('tab-watchlist').click();
        await watch(page, 'SHOT');
        await createPriceAlert(page, 'SHOT', '>', '110');
        await expect(page.locator('[data-testid^="alert-row-"][data-symbol="SHOT"]')).toHaveCount(1);
        await page.evaluate(() => window.scrollTo(0, 0));
        await page.screenshot({ path: name('dashboard') });
        if (size === '1440') {
          await page.getByTestId('view-history-full').click();
          await expect(page.getByTestId('history-full')).toBeVisible();
          await page.screenshot({ path: name('history-full') });
        } else {
          await page.getByTestId('tab-history').click();
          await page.screenshot({ path: name('history-tab'), fullPage: true });
        }
        await page.goto(`${server.url}/widget?symbols=SHOT&theme=${colorScheme}`);
        await expect(page.getByTestId('widget-price-SHOT')).toHaveText('101.50');
        await page.screenshot({ path: name('widget') });
      });
    }
  }
});
