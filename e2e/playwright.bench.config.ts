import { defineConfig } from '@playwright/test';
import base from './playwright.config.js';

/** The UI benchmark: same browser and launch options as the e2e tests, its own folder, list output only. */
export default defineConfig({
  ...base,
  testDir: './bench',
  testMatch: '**/*.bench.ts',
  reporter: [['list']],
  outputDir: './artifacts/bench-results',
});
