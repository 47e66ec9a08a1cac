import { AxeBuilder } from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';
import { animationsDone, pageTheme } from '../support/dashboard.js';
import { SCREENS, screensWorld } from '../support/screens.js';

const WCAG_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];
const THEMES = ['light', 'dark'] as const;

/**
 * The serious and critical WCAG 2.1 A/AA violations axe finds on the page, one line each (rule, impact, what it
 * means, the elements and axe's summary of what to fix), so a failure names its fix.
 */
async function seriousViolations(page: Page): Promise<string[]> {
  // A price flash or a toast sliding in is checked once it has settled, not halfway through its colours.
  await animationsDone(page);
  // Only violations are reported in full: axe skips collecting every passing node, which takes most of its time.
  const { violations } = await new AxeBuilder({ page })
    .withTags(WCAG_TAGS)
    .options({ resultTypes: ['violations'] })
    .analyze();
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .flatMap((v) =>
      v.nodes.map(
        (node) =>
          `${v.id} (${v.impact}): ${v.help} | ${node.target.join(' ')} | ${(node.failureSummary ?? '').replace(/\s+/g, ' ')}`,
      ),
    );
}

test.describe('accessibility: no serious or critical WCAG 2.1 A/AA violation on any screen, in either theme', () => {
  const world = screensWorld();

  // One visit per screen, checked in each theme in turn (the system setting switches it live): a failure names
  // the theme, and the other theme is still checked.
  for (const screen of SCREENS) {
    test(`${screen.name}, in the light and the dark system theme`, async ({ page }) => {
      await page.emulateMedia({ colorScheme: THEMES[0] });
      let subject = await screen.open(page, world());
      await expect(subject).toBeVisible();
      // The pointer rests off the page, so no hover state (the chart's crosshair) depends on where it was.
      await page.mouse.move(0, 0);
      for (const [i, theme] of THEMES.entries()) {
        await page.emulateMedia({ colorScheme: theme });
        if (i > 0 && screen.renew) subject = await screen.renew(page, world());
        await expect(subject).toBeVisible();
        // The page follows the system setting when its change event arrives, a moment after the switch.
        if (screen.dashboard) await expect.poll(() => pageTheme(page), `${theme}: the page's theme`).toBe(theme);
        expect.soft(await seriousViolations(page), `${theme}: serious or critical violations`).toEqual([]);
      }
    });
  }

  for (const [system, chosen] of [
    ['light', 'dark'],
    ['dark', 'light'],
  ] as const) {
    test(`the theme toggle turns a ${system} system theme ${chosen}, remembers it over a reload, and ${chosen} passes axe`, async ({
      page,
    }) => {
      await page.emulateMedia({ colorScheme: system });
      const dashboard = SCREENS.find((s) => s.name === 'dashboard')!;
      await dashboard.open(page, world());
      const toggle = page.getByTestId('theme-toggle');
      await expect(toggle).toBeVisible();
      await toggle.click();
      await expect(page.locator('html')).toHaveAttribute('data-theme', chosen);
      expect(await pageTheme(page)).toBe(chosen);
      await page.reload();
      await expect(page.getByTestId('connection-state')).toHaveText('Live');
      await expect(page.locator('html')).toHaveAttribute('data-theme', chosen);
      expect(await pageTheme(page)).toBe(chosen);
      expect(await seriousViolations(page)).toEqual([]);
    });
  }
});
