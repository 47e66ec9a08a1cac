import { expect, test, type Page } from '@playwright/test';
import { animationsDone, pageTheme, SCREENSHOTS } from '../support/dashboard.js';
import { SCREENS, screensWorld } from '../support/screens.js';

const VIEWPORTS = {
  desktop: { width: 1440, height: 900 },
  phone: { width: 390, height: 844 },
} as const;
const THEMES = ['light', 'dark'] as const;

/**
 * Tables that hide columns: wider than the box that shows them (their nearest ancestor that clips or scrolls
 * sideways) or running past the viewport's right edge. Each as "<caption or test id>: <table width> > <room>".
 */
function clippedTables(page: Page): Promise<string[]> {
  return page.evaluate(() =>
    Array.from(document.querySelectorAll('table')).flatMap((table) => {
      const box = table.getBoundingClientRect();
      if (box.width === 0) return [];
      let room = window.innerWidth - Math.max(box.left, 0);
      for (let node = table.parentElement; node; node = node.parentElement) {
        if (getComputedStyle(node).overflowX !== 'visible') {
          room = Math.min(room, node.clientWidth);
          break;
        }
      }
      const name = table.caption?.textContent?.trim() || table.getAttribute('data-testid') || 'table';
      return table.scrollWidth > room + 1 ? [`${name}: ${table.scrollWidth}px > ${room}px`] : [];
    }),
  );
}

test.describe('screenshots of every screen, at desktop and phone size, in both themes', () => {
  const world = screensWorld();

  for (const screen of SCREENS) {
    test(`${screen.name}: fits the viewport, shows its subject and follows the theme`, async ({ page }) => {
      await page.setViewportSize(VIEWPORTS.desktop);
      let subject = await screen.open(page, world());
      // The pointer rests off the page, so no hover state (the chart's crosshair) shows in the pictures.
      await page.mouse.move(0, 0);
      let first = true;
      for (const [device, size] of Object.entries(VIEWPORTS)) {
        for (const theme of THEMES) {
          await test.step(`${device} ${theme}`, async () => {
            await page.setViewportSize(size);
            await page.emulateMedia({ colorScheme: theme });
            if (!first && screen.renew) subject = await screen.renew(page, world());
            first = false;
            await animationsDone(page);
            await subject.scrollIntoViewIfNeeded();
            await expect(subject).toBeInViewport();
            const box = (await subject.boundingBox())!;
            // Soft: every size and theme is checked and pictured, and the failure lists all that do not fit.
            expect.soft(box.x, 'subject starts left of the viewport').toBeGreaterThanOrEqual(0);
            expect.soft(box.x + box.width, 'subject runs past the right edge').toBeLessThanOrEqual(size.width + 1);
            expect
              .soft(await page.evaluate(() => document.scrollingElement!.scrollWidth), 'the page scrolls sideways')
              .toBeLessThanOrEqual(size.width);
            expect.soft(await clippedTables(page), 'tables with hidden columns').toEqual([]);
            // The page follows the system setting when its change event arrives, a moment after the switch.
            if (screen.dashboard) await expect.poll(() => pageTheme(page), 'the page follows the theme').toBe(theme);
            await page.screenshot({ path: `${SCREENSHOTS}/${screen.name}-${device}-${theme}.png` });
          });
        }
      }
    });
  }
});
