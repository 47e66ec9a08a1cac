import { expect, test, type Locator, type Page } from '@playwright/test';
import { signIn } from './dashboard.js';
import { startServer, type RunningServer } from './tickwatch-server.js';

/**
 * Every screen of the dashboard and the widget, each with the data it needs and a way to bring a fresh page to
 * it. The accessibility, screenshot and keyboard specs share this list, so a screen added here is checked by all.
 *
 * Data goes in as it does in production: ticks through the ingest API, alerts and settings through the REST API
 * with a dev sign-in token, fires made by the server from those ticks. Each screen has its own user, so screens
 * do not see each other's alerts and fires; the data is made once per server by `prepareScreens`.
 */

const MINUTE = 60_000;

/**
 * The server's env for the screens: a symbol silent for ten minutes of (always open) market is quiet, and every
 * screen in both themes signs in afresh, more sign-ins a minute than the default limit lets one address make.
 */
const SCREEN_SERVER_ENV = { FEED_QUIET_SECONDS: '600', RATE_LIMIT_SIGNIN_PER_MINUTE: '1000' };

export const SYMBOLS = {
  /** An hour of minute ticks around 100: the chart's symbol. */
  chart: 'SCRN',
  /** A second watchlist symbol with a few ticks. */
  second: 'SCRB',
  /** Fired three times for the history. */
  history: 'SCRH',
  /** Fired on every visit of the toast screen. */
  toast: 'SCRT',
  /** Last traded twenty minutes ago. */
  quiet: 'QUIETX',
  /** Never traded on this server. */
  never: 'NEVERX',
} as const;

const USERS = {
  dashboard: 'screens-dashboard',
  history: 'screens-history',
  toast: 'screens-toast',
  watchlist: 'screens-watchlist',
  feed: 'screens-feed',
  webhook: 'screens-webhook',
} as const;

export interface ScreenWorld {
  server: RunningServer;
  /** Ingest timestamps that only go up, so each tick is the newest of its symbol. */
  stamp(): number;
  /** Calls the REST API as `userId` (dev sign-in token), failing on any status but 2xx. */
  api(userId: string, method: string, path: string, body?: unknown): Promise<unknown>;
}

export interface Screen {
  /** File-name-safe; screenshots are `<name>-<desktop|phone>-<light|dark>.png`. */
  name: string;
  /** Whether the screen is the dashboard's (themed by the system setting); the widget takes `?theme=`. */
  dashboard: boolean;
  /** Brings a fresh page to the screen and returns the element it is about, visible. */
  open(page: Page, world: ScreenWorld): Promise<Locator>;
  /** For a screen whose state passes (a toast): shows it again on the page `open` brought there. */
  renew?(page: Page, world: ScreenWorld): Promise<Locator>;
}

/**
 * One server for a spec file's screens: started with their data before the file's tests and stopped after them.
 * Call inside a describe block; the answer reads the world once the server is up.
 */
export function screensWorld(): () => ScreenWorld {
  let server: RunningServer | undefined;
  let world: ScreenWorld | undefined;
  test.beforeAll(async () => {
    server = await startServer(SCREEN_SERVER_ENV);
    world = createWorld(server);
    await prepareScreens(world);
  });
  test.afterAll(async () => {
    await server?.stop();
  });
  return () => world!;
}

function createWorld(server: RunningServer): ScreenWorld {
  let last = 0;
  const tokens = new Map<string, string>();
  async function token(userId: string): Promise<string> {
    const known = tokens.get(userId);
    if (known) return known;
    const res = await fetch(`${server.url}/api/auth/dev-login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ user_id: userId }),
    });
    if (!res.ok) throw new Error(`dev-login ${userId}: ${res.status} ${await res.text()}`);
    const { token: issued } = (await res.json()) as { token: string };
    tokens.set(userId, issued);
    return issued;
  }
  return {
    server,
    stamp: () => (last = Math.max(last + 1, Date.now())),
    async api(userId, method, path, body) {
      const res = await fetch(`${server.url}${path}`, {
        method,
        headers: { authorization: `Bearer ${await token(userId)}`, 'content-type': 'application/json' },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      if (!res.ok) throw new Error(`${method} ${path} as ${userId}: ${res.status} ${await res.text()}`);
      return res.status === 204 ? null : res.json();
    },
  };
}

const tick = (symbol: string, timestamp: number, price: number, volume = 100) => ({
  symbol,
  timestamp,
  price,
  volume,
});

const priceAlert = (symbol: string, operator: string, threshold: number) => ({
  symbol,
  condition_type: 'price_threshold',
  condition: { operator, threshold },
  notification_method: 'websocket',
});

/** The ticks, alerts, fires and settings every screen shows. Run once per server, before any screen opens. */
async function prepareScreens(world: ScreenWorld): Promise<void> {
  const { server, api } = world;
  const now = Date.now();
  // An hour of minute ticks, a wave with some noise, so the chart has shape and a range of prices.
  const hour = Array.from({ length: 60 }, (_, i) =>
    tick(
      SYMBOLS.chart,
      now - (60 - i) * MINUTE,
      // Cents, as an exchange quotes them.
      Math.round(10_000 + 400 * Math.sin(i / 6) + (((i * 7) % 5) - 2) * 30) / 100,
      100 + i * 10,
    ),
  );
  await server.ingest([
    ...hour,
    tick(SYMBOLS.second, now - 30 * MINUTE, 42),
    tick(SYMBOLS.second, now - 5 * MINUTE, 42.5),
    tick(SYMBOLS.quiet, now - 20 * MINUTE, 10),
    tick(SYMBOLS.history, now - 10 * MINUTE, 95),
    tick(SYMBOLS.toast, now - 10 * MINUTE, 95),
  ]);

  await api(USERS.dashboard, 'PUT', '/api/me/watchlist', { symbols: [SYMBOLS.chart, SYMBOLS.second] });
  await api(USERS.dashboard, 'POST', '/api/alerts', priceAlert(SYMBOLS.chart, '>', 110));
  await api(USERS.dashboard, 'POST', '/api/alerts', priceAlert(SYMBOLS.chart, 'crosses_below', 90));

  await api(USERS.history, 'PUT', '/api/me/watchlist', { symbols: [SYMBOLS.history] });
  await api(USERS.history, 'POST', '/api/alerts', priceAlert(SYMBOLS.history, '>', 100));
  // Three fires: each dip below 100 re-arms the alert.
  await server.ingest([99, 101, 99, 102.5, 99, 104.25].map((price) => tick(SYMBOLS.history, world.stamp(), price)));
  await expect
    .poll(
      async () =>
        ((await api(USERS.history, 'GET', '/api/notifications?limit=25')) as { items: unknown[] }).items.length,
    )
    .toBe(3);

  await api(USERS.toast, 'PUT', '/api/me/watchlist', { symbols: [SYMBOLS.toast] });
  await api(USERS.toast, 'POST', '/api/alerts', priceAlert(SYMBOLS.toast, '>', 100));

  await api(USERS.watchlist, 'PUT', '/api/me/watchlist', {
    symbols: [SYMBOLS.chart, SYMBOLS.quiet, SYMBOLS.never],
  });
  await api(USERS.watchlist, 'POST', '/api/alerts', priceAlert(SYMBOLS.quiet, '>', 20));

  await api(USERS.feed, 'PUT', '/api/me/watchlist', { symbols: [SYMBOLS.quiet] });
  await api(USERS.feed, 'POST', '/api/alerts', priceAlert(SYMBOLS.quiet, '>', 20));

  await api(USERS.webhook, 'PUT', '/api/me/watchlist', { symbols: [SYMBOLS.chart] });
}

/** Signs in and waits until the chart of the first watchlist symbol has loaded. */
async function openDashboard(page: Page, world: ScreenWorld, userId: string, symbol: string): Promise<void> {
  await signIn(page, world.server.url, userId);
  const chart = page.getByTestId('price-chart');
  await expect(chart).toHaveAttribute('aria-label', `${symbol} price chart`);
  await expect(chart.getByTestId('chart-loading')).toHaveCount(0);
}

async function openHistoryTab(page: Page, world: ScreenWorld): Promise<Locator> {
  await openDashboard(page, world, USERS.history, SYMBOLS.history);
  await page.getByTestId('tab-history').click();
  const rows = page.getByTestId('history-row');
  await expect(rows).toHaveCount(3);
  return rows;
}

let toastPrice = 101;

/** The market moves: a dip re-arms the toast user's alert and the next tick, at a new price, fires it. */
async function fireToast(page: Page, world: ScreenWorld): Promise<Locator> {
  const price = (toastPrice += 0.25);
  await world.server.ingest([tick(SYMBOLS.toast, world.stamp(), 99), tick(SYMBOLS.toast, world.stamp(), price)]);
  const toast = page.getByTestId('toast').filter({ hasText: `${SYMBOLS.toast} last price ${price.toFixed(2)}` });
  await expect(toast).toBeVisible();
  return toast;
}

const widget = (theme: 'light' | 'dark'): Screen => ({
  name: `widget-${theme}`,
  dashboard: false,
  async open(page, { server }) {
    // A typo among the symbols shows the widget's note as well as its rows.
    await page.goto(
      `${server.url}/widget?symbols=${SYMBOLS.chart},${SYMBOLS.second},${SYMBOLS.never},bad!&theme=${theme}`,
    );
    const root = page.getByTestId('widget');
    await expect(page.getByTestId('widget-status')).toHaveAttribute('data-state', 'live');
    await expect(page.getByTestId(`widget-price-${SYMBOLS.second}`)).toContainText('42.50');
    await expect(page.getByTestId('widget-invalid')).toBeVisible();
    return root;
  },
});

/** Up to 1100 px wide the watchlist is a tab beside the alerts and history, not a column: opens it there. */
async function inWatchlist(page: Page, subject: Locator): Promise<Locator> {
  if (page.viewportSize()!.width <= 1100) await page.getByTestId('tab-watchlist').click();
  await expect(subject).toBeVisible();
  return subject;
}

export const SCREENS: readonly Screen[] = [
  {
    name: 'sign-in',
    dashboard: true,
    async open(page, { server }) {
      await page.goto(server.url);
      await expect(page.getByTestId('sign-in-submit')).toBeEnabled();
      return page.getByRole('form', { name: 'Sign in' });
    },
  },
  {
    name: 'sign-in-error',
    dashboard: true,
    async open(page, { server }) {
      await page.goto(server.url);
      await page.getByTestId('sign-in-submit').click();
      const error = page.getByTestId('sign-in-error');
      await expect(error).toBeVisible();
      return error;
    },
  },
  {
    name: 'session-expired',
    dashboard: true,
    async open(page, { server }) {
      // A token the server does not take (its secret changed, or it expired): the dashboard says why it is gone.
      await page.addInitScript(() =>
        localStorage.setItem('tickwatch.session', JSON.stringify({ token: 'expired.token.value', userId: 'gone' })),
      );
      await page.goto(server.url);
      const notice = page.getByTestId('sign-in-notice');
      await expect(notice).toHaveText(/session has expired/i);
      return notice;
    },
  },
  {
    name: 'dashboard',
    dashboard: true,
    async open(page, world) {
      await openDashboard(page, world, USERS.dashboard, SYMBOLS.chart);
      await expect(page.locator(`[data-testid^="alert-row-"][data-symbol="${SYMBOLS.chart}"]`)).toHaveCount(2);
      await expect(page.getByTestId('alert-form')).toBeVisible();
      return page.getByTestId('price-chart');
    },
  },
  {
    name: 'alert-edit',
    dashboard: true,
    async open(page, world) {
      await openDashboard(page, world, USERS.dashboard, SYMBOLS.chart);
      const row = page.locator(`[data-testid^="alert-row-"][data-symbol="${SYMBOLS.chart}"]`).first();
      await row.getByTestId('alert-edit').click();
      const form = row.getByTestId('alert-form');
      await expect(form.getByTestId('alert-threshold')).toBeVisible();
      return form;
    },
  },
  {
    name: 'history',
    dashboard: true,
    async open(page, world) {
      const rows = await openHistoryTab(page, world);
      await rows.first().getByTestId('history-expand').click();
      const details = page.getByTestId('history-details');
      await expect(details.getByTestId('evidence-condition')).toBeVisible();
      return details;
    },
  },
  {
    name: 'history-full',
    dashboard: true,
    async open(page, world) {
      await openDashboard(page, world, USERS.history, SYMBOLS.history);
      const view = page.getByTestId('view-history-full');
      await expect(view).toBeVisible();
      await view.click();
      const full = page.getByTestId('history-full');
      await expect(full.getByTestId('history-row')).toHaveCount(3);
      await expect(page.getByTestId('view-chart')).toBeVisible();
      return full;
    },
    // A phone has no full-width switch: its History tab takes the whole width already.
    async renew(page) {
      const phone = page.viewportSize()!.width <= 700;
      const shown = page.getByTestId(phone ? 'tab-history' : 'view-history-full');
      await shown.click();
      const history = phone ? page.locator('#panel-history') : page.getByTestId('history-full');
      await expect(history.getByTestId('history-row')).toHaveCount(3);
      return history;
    },
  },
  {
    name: 'toast',
    dashboard: true,
    async open(page, world) {
      await openDashboard(page, world, USERS.toast, SYMBOLS.toast);
      return fireToast(page, world);
    },
    renew: fireToast,
  },
  {
    name: 'watchlist',
    dashboard: true,
    async open(page, world) {
      await openDashboard(page, world, USERS.watchlist, SYMBOLS.chart);
      await expect(page.getByTestId(`health-${SYMBOLS.quiet}`)).toHaveText(
        /quiet since ([A-Z][a-z]{2} \d{1,2} )?\d\d:\d\d/,
      );
      await expect(page.getByTestId(`health-${SYMBOLS.never}`)).toBeVisible();
      return page.getByTestId('watchlist-table');
    },
    renew: async (page) => inWatchlist(page, page.getByTestId('watchlist-table')),
  },
  {
    name: 'feed-alerts',
    dashboard: true,
    async open(page, world) {
      // The setting starts off on every visit, so the screen shows it being turned on and saved.
      await world.api(USERS.feed, 'PUT', '/api/me/feed-alerts', { blind_minutes: null });
      await openDashboard(page, world, USERS.feed, SYMBOLS.quiet);
      const section = page.getByTestId('feed-alerts');
      await section.getByTestId('feed-alert-enabled').check();
      await section.getByTestId('feed-alert-minutes').fill('30');
      await section.getByTestId('feed-alert-save').click();
      await expect(section.getByTestId('feed-alert-message')).toHaveText('Saved: after 30 min');
      return section;
    },
    renew: async (page) => inWatchlist(page, page.getByTestId('feed-alerts')),
  },
  {
    name: 'webhook',
    dashboard: true,
    async open(page, world) {
      await openDashboard(page, world, USERS.webhook, SYMBOLS.chart);
      const form = page.getByTestId('alert-form');
      await form.getByTestId('alert-method').selectOption('webhook');
      await expect(form.getByTestId('alert-webhook-note')).toHaveText(/no webhook URL yet/);
      await form.getByTestId('alert-webhook-url').fill('https://hooks.example.com/tickwatch');
      return form.getByTestId('alert-webhook');
    },
  },
  widget('light'),
  widget('dark'),
];
