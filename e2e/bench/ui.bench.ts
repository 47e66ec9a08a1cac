import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { expect, test } from '@playwright/test';
import { startServer } from '../support/tickwatch-server.js';

/**
 * `npm run bench:ui`: the production dashboard on the local server, in the same Chromium as the e2e tests.
 * Figures: first load of the dashboard (navigation → load event, cold cache), time from submitting sign-in to the
 * first live price on screen, and a reload with a warm cache; next to the same browser loading a tiny JSON
 * document from the same server (the floor any page pays), measured in the same run. Then the weight of the build
 * it ran on (client/dist): each page's chunks, gzipped, against the issue-14 budget.
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

const DIST = fileURLToPath(new URL('../../client/dist', import.meta.url));
/** The dashboard chunk (App) before issue 14, gzip; it may grow by 20 % at most. */
const DASHBOARD_BASELINE_KB = 141;
const DASHBOARD_LIMIT = 1.2;
const WIDGET_LIMIT_KB = 5;

interface ManifestChunk {
  file: string;
  src?: string;
  isEntry?: boolean;
  imports?: string[];
  dynamicImports?: string[];
  css?: string[];
}

test('bundle sizes against the budget', () => {
  const manifestPath = path.join(DIST, '.vite/manifest.json');
  if (!fs.existsSync(manifestPath)) throw new Error(`${manifestPath} is missing: run \`npm run build\` first`);
  const manifest = JSON.parse(fs.readFileSync(manifestPath, 'utf8')) as Record<string, ManifestChunk>;
  const chunk = (key: string) => {
    const found = manifest[key];
    if (!found) throw new Error(`the build manifest has no ${key}`);
    return found;
  };
  const entryKey = Object.keys(manifest).find((key) => manifest[key]!.isEntry);
  if (!entryKey) throw new Error('the build manifest has no entry');
  // The pages are the entry's lazy imports (client/src/main.tsx): the dashboard's App and the widget.
  const lazy = (pattern: RegExp) => {
    const key = chunk(entryKey).dynamicImports?.find((k) => pattern.test(chunk(k).src ?? k));
    if (!key) throw new Error(`the entry ${entryKey} has no lazy import matching ${pattern}`);
    return key;
  };
  const appKey = lazy(/(^|\/)App\.tsx$/);
  const widgetKey = lazy(/(^|\/)widget\/Widget\.tsx$/);

  /** A chunk and every chunk it imports, each once: what a page downloads before it runs. */
  const closure = (keys: string[]) => {
    const seen = new Set<string>();
    const visit = (key: string) => {
      if (seen.has(key)) return;
      seen.add(key);
      for (const next of chunk(key).imports ?? []) visit(next);
    };
    keys.forEach(visit);
    return [...seen];
  };
  const weigh = (file: string) => {
    const bytes = fs.readFileSync(path.join(DIST, file));
    return { file, raw: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length };
  };
  const kB = (bytes: number) => (bytes / 1000).toFixed(1);
  const sum = (files: { raw: number; gzip: number }[]) =>
    files.reduce((t, f) => ({ raw: t.raw + f.raw, gzip: t.gzip + f.gzip }), { raw: 0, gzip: 0 });
  const page = (keys: string[]) => {
    const chunks = closure(keys);
    const js = chunks.map((k) => weigh(chunk(k).file));
    const css = [...new Set(chunks.flatMap((k) => chunk(k).css ?? []))].map(weigh);
    return { js, css };
  };
  const files = (list: { file: string; gzip: number }[]) =>
    list.map((f) => `${path.basename(f.file)} ${kB(f.gzip)}`).join(', ');

  const app = weigh(chunk(appKey).file);
  const widget = weigh(chunk(widgetKey).file);
  const dashboard = page([entryKey, appKey]);
  const widgetPage = page([entryKey, widgetKey]);
  const ratio = app.gzip / 1000 / DASHBOARD_BASELINE_KB;
  const over = (exceeded: boolean) => (exceeded ? '   OVER LIMIT' : '');

  console.log(`\nBundle sizes (client/dist, gzip level 9; kB = 1000 bytes)`);
  console.log(
    `dashboard chunk ${kB(app.gzip)} kB gzip, x${ratio.toFixed(2)} of the ${DASHBOARD_BASELINE_KB} kB baseline ` +
      `(limit x${DASHBOARD_LIMIT.toFixed(2)})   [${path.basename(app.file)}, ${kB(app.raw)} kB raw]${over(ratio > DASHBOARD_LIMIT)}`,
  );
  console.log(
    `widget chunk ${kB(widget.gzip)} kB gzip (limit ${WIDGET_LIMIT_KB} kB)   ` +
      `[${path.basename(widget.file)}, ${kB(widget.raw)} kB raw]${over(widget.gzip / 1000 >= WIDGET_LIMIT_KB)}`,
  );
  for (const [name, weights] of [
    ['dashboard', dashboard],
    ['widget', widgetPage],
  ] as const) {
    const js = sum(weights.js);
    const css = sum(weights.css);
    console.log(
      `${name} first load: JS ${kB(js.gzip)} kB gzip (${kB(js.raw)} kB raw) in ${weights.js.length} files (${files(weights.js)}); ` +
        `CSS ${kB(css.gzip)} kB gzip (${kB(css.raw)} kB raw) in ${weights.css.length} files (${files(weights.css)})`,
    );
  }
});
