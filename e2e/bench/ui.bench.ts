import { expect, test } from '@playwright/test';
import { startServer } from '../support/tickwatch-server.js';

/**
 * `npm run bench:ui`: the production dashboard on the local server, in the same Chromium as the e2e tests.
 * Figures: first load of the dashboard (navigation → load event, cold cache), time from submitting sign-in to the
 * first live price on screen, and a reload with a warm cache; next to the same browser loading a tiny JSON
 * document from the same server (the floor any page pays), measured in the same run.
 */
const RUNS = Number(process.env.BENCH_UI_RUNS ?? 5);

test('dashboard first load and time to live price', async ({ browser }) => {
  test.setTimeout(180_000);
  const server = await startServer({
    FEED: 'simulator',
    SIM_SYMBOLS: 'AAPL,MSFT,NVDA,SPY',
    SIM_TICKS_PER_SECOND: '20',
  });
  const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
  const floor: number[] = [];
  const firstLoad: number[] = [];
  const toLivePrice: number[] = [];
  const warmReload: number[] = [];
  try {
    for (let run = 0; run < RUNS; run++) {
      const context = await browser.newContext();
      const page = await context.newPage();
      const floorStart = Date.now();
      await page.goto(`${server.url}/api/health`, { waitUntil: 'load' });
      floor.push(Date.now() - floorStart);

      await page.goto(server.url, { waitUntil: 'load' });
      firstLoad.push(await page.evaluate(() => performance.getEntriesByType('navigation')[0]!.duration));
      await page.getByTestId('sign-in-user').fill(`bench${run}`);
      const signInAt = Date.now();
      await page.getByTestId('sign-in-submit').click();
      await expect(page.getByTestId('price-AAPL')).toHaveText(/^\d/);
      toLivePrice.push(Date.now() - signInAt);

      await page.reload({ waitUntil: 'load' });
      warmReload.push(await page.evaluate(() => performance.getEntriesByType('navigation')[0]!.duration));
      await context.close();
    }
  } finally {
    await server.stop();
  }
  const row = (name: string, values: number[]) =>
    `${name.padEnd(46)} median ${median(values).toFixed(0).padStart(5)} ms   (${values.map((v) => v.toFixed(0)).join(', ')})   x${(median(values) / median(floor)).toFixed(1)} of baseline`;
  console.log(`\nDashboard UI benchmark, ${RUNS} runs, local server, headless Chromium`);
  console.log(row('baseline: a JSON document from the same server', floor));
  console.log(row('dashboard first load (cold cache, to load event)', firstLoad));
  console.log(row('sign-in submitted → first live price shown', toLivePrice));
  console.log(row('dashboard reload (warm cache, to load event)', warmReload));
});
