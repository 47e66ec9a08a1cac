import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Tick } from '@tickwatch/shared';
import { startBenchServer } from './bench-server.js';
import { PersistenceFullError } from '../ingest/tick-pipeline.js';

/**
 * `npm run bench:metrics`: what scraping GET /metrics costs a server ingesting BENCH_RATE (1,000) ticks/s, the claim
 * being "under 1% CPU". One server (embedded store on disk, in this process, as `npm start` runs it) takes ticks
 * through `app.pipeline.ingest` every 10 ms for BENCH_SECONDS (20) per phase:
 *  1. baseline: no scraping;
 *  2. scraped: GET /metrics with the operator key every second, fifteen times as often as Prometheus's usual 15 s;
 *  3. baseline again, so the run shows how much two unscraped phases differ on their own;
 * and, since that difference is about as large as a scrape's cost, the CPU of BENCH_SCRAPES (200) scrapes back to back
 * with no ticks coming in, per scrape: the cost the claim rests on, over the same registry the phases filled.
 * CPU is the whole process's (user + system, the store's threads included) over each phase's wall time, in % of one
 * core; the scraper's own fetch is in it too, as a Prometheus on the same machine would not be.
 */
const RATE = Number(process.env.BENCH_RATE ?? 1000);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 20);
const WARM_UP_SECONDS = 5;
const SCRAPE_EVERY_MS = 1000;
const SCRAPES = Number(process.env.BENCH_SCRAPES ?? 200);
const SYMBOLS = Array.from({ length: 50 }, (_, i) => `SYM${i}`);

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Phase {
  name: string;
  cpuPercent: number;
  ticks: number;
  scrapes: number;
  scrapeBytes: number;
  scrapeMs: number[];
}

async function main(): Promise<void> {
  const root = await fs.mkdtemp(path.join(os.tmpdir(), 'tickwatch-metrics-bench-'));
  const { app, store, config } = await startBenchServer(root);
  const url = await app.listen();
  try {
    let price = 100;
    let sent = 0;
    /** Feeds RATE ticks/s for `seconds`, scraping meanwhile when asked; returns the phase's CPU and scrapes. */
    const phase = async (name: string, seconds: number, scrape: boolean): Promise<Phase> => {
      const scrapeMs: number[] = [];
      let scrapeBytes = 0;
      let scraping = true;
      const scraper = (async () => {
        while (scrape && scraping) {
          const began = performance.now();
          const res = await fetch(`${url}/metrics`, { headers: { 'x-api-key': config.ingestApiKey } });
          if (!res.ok) throw new Error(`/metrics answered ${res.status}`);
          scrapeBytes = (await res.text()).length;
          scrapeMs.push(performance.now() - began);
          await sleep(SCRAPE_EVERY_MS - (performance.now() - began));
        }
      })();
      const cpu = process.cpuUsage();
      const begin = performance.now();
      let fed = 0;
      while (performance.now() - begin < seconds * 1000) {
        // Whatever is due by now, so a slow turn of the loop does not lower the rate.
        const due = Math.floor(((performance.now() - begin) / 1000) * RATE) - fed;
        if (due > 0) {
          const now = Date.now();
          const ticks: Tick[] = Array.from({ length: due }, (_, i) => {
            price = Math.max(1, Math.round((price + (((sent + i) * 7919) % 21) / 100 - 0.1) * 100) / 100);
            return {
              symbol: SYMBOLS[(sent + i) % SYMBOLS.length]!,
              timestamp: now,
              price,
              volume: 100,
              source: 'simulator',
            };
          });
          try {
            app.pipeline.ingest(ticks);
            fed += due;
            sent += due;
          } catch (err) {
            if (!(err instanceof PersistenceFullError)) throw err;
          }
        }
        await sleep(10);
      }
      const wallMs = performance.now() - begin;
      const used = process.cpuUsage(cpu);
      scraping = false;
      await scraper;
      return {
        name,
        cpuPercent: ((used.user + used.system) / 1000 / wallMs) * 100,
        ticks: fed,
        scrapes: scrapeMs.length,
        scrapeBytes,
        scrapeMs,
      };
    };

    console.log(
      `Metrics scraping benchmark: ${RATE} ticks/s over ${SYMBOLS.length} symbols through app.pipeline.ingest, ` +
        `embedded store on disk, ${SECONDS} s per phase after ${WARM_UP_SECONDS} s of warm-up; ${os.cpus().length} CPUs`,
    );
    await phase('warm-up', WARM_UP_SECONDS, true);
    const phases = [
      await phase('baseline (no scraping)', SECONDS, false),
      await phase(`scraped every ${SCRAPE_EVERY_MS / 1000} s`, SECONDS, true),
      await phase('baseline again', SECONDS, false),
    ];
    console.log('');
    console.log(`${'phase'.padEnd(28)}${'ticks/s'.padStart(10)}${'CPU %'.padStart(10)}${'scrapes'.padStart(10)}`);
    for (const p of phases) {
      console.log(
        p.name.padEnd(28) +
          (p.ticks / SECONDS).toFixed(0).padStart(10) +
          p.cpuPercent.toFixed(2).padStart(10) +
          String(p.scrapes).padStart(10),
      );
    }
    const scrapeOnce = async () => {
      const res = await fetch(`${url}/metrics`, { headers: { 'x-api-key': config.ingestApiKey } });
      if (!res.ok) throw new Error(`/metrics answered ${res.status}`);
      await res.text();
    };
    const isolated = process.cpuUsage();
    for (let i = 0; i < SCRAPES; i++) await scrapeOnce();
    const used = process.cpuUsage(isolated);
    const cpuMsPerScrape = (used.user + used.system) / 1000 / SCRAPES;
    const [before, scraped, after] = phases as [Phase, Phase, Phase];
    const baseline = (before.cpuPercent + after.cpuPercent) / 2;
    const sorted = [...scraped.scrapeMs].sort((a, b) => a - b);
    console.log('');
    console.log(
      `scraping every ${SCRAPE_EVERY_MS / 1000} s: ${(scraped.cpuPercent - baseline).toFixed(2)} percentage points of ` +
        `one core over the mean of the two baselines (${baseline.toFixed(2)}%); the baselines differ by ` +
        `${Math.abs(before.cpuPercent - after.cpuPercent).toFixed(2)} points on their own. At Prometheus's 15 s ` +
        `interval that is ${((scraped.cpuPercent - baseline) / 15).toFixed(3)} points.`,
    );
    console.log(
      `${SCRAPES} scrapes back to back, no ticks coming in: ${cpuMsPerScrape.toFixed(2)} ms of CPU each (server and ` +
        `client), so ${((cpuMsPerScrape / SCRAPE_EVERY_MS) * 100).toFixed(2)}% of one core at one scrape a second and ` +
        `${((cpuMsPerScrape / 15_000) * 100).toFixed(3)}% at one every 15 s; the claim is under 1%`,
    );
    console.log(
      `a scrape: ${(scraped.scrapeBytes / 1024).toFixed(1)} kB of text, p50 ${sorted[Math.floor(sorted.length / 2)]?.toFixed(1)} ms, ` +
        `max ${sorted.at(-1)?.toFixed(1)} ms (wall, client included)`,
    );
  } finally {
    await app.close();
    await store.close();
    await fs.rm(root, { recursive: true, force: true });
  }
}

await main();
