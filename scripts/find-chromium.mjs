import fs from 'node:fs';
import { createRequire } from 'node:module';

/**
 * Finds a Chromium the way a user's machine would have one: an explicit path, a system install, or Playwright's
 * own download. Returns { path, from } or { missing: message }.
 */
export function findChromium(env = process.env) {
  for (const name of ['CHROMIUM_PATH', 'PLAYWRIGHT_CHROMIUM_EXECUTABLE_PATH']) {
    const value = env[name];
    if (!value) continue;
    if (fs.existsSync(value)) return { path: value, from: name };
    return { missing: `${name}=${value} does not exist. Point it at a Chromium or Chrome executable.` };
  }
  const system = [
    '/usr/bin/chromium',
    '/usr/bin/chromium-browser',
    '/usr/bin/google-chrome',
    '/usr/bin/google-chrome-stable',
    '/snap/bin/chromium',
    '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome',
    '/Applications/Chromium.app/Contents/MacOS/Chromium',
  ];
  for (const candidate of system) if (fs.existsSync(candidate)) return { path: candidate, from: 'system' };
  try {
    const require = createRequire(import.meta.url);
    const { chromium } = require('playwright-core');
    const own = chromium.executablePath();
    if (own && fs.existsSync(own)) return { path: own, from: 'playwright' };
  } catch {
    // playwright-core absent or without a browser download: fall through to the message.
  }
  return {
    missing:
      'No Chromium found for the browser tests. Install one of: Debian/Ubuntu `apt-get install -y chromium`, ' +
      "Playwright's own `npx playwright install chromium`, or set CHROMIUM_PATH to a Chromium/Chrome executable.",
  };
}
