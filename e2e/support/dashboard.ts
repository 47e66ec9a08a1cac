import { expect, type Locator, type Page } from '@playwright/test';

export const SCREENSHOTS = 'e2e/artifacts/screenshots';

/** Signs in through the dev sign-in form, as a trader would, and waits for the live connection. */
export async function signIn(page: Page, url: string, userId: string): Promise<void> {
  await page.goto(url);
  await page.getByTestId('sign-in-user').fill(userId);
  await page.getByTestId('sign-in-submit').click();
  await expect(page.getByTestId('signed-in-user')).toHaveText(userId);
  await expect(page.getByTestId('connection-state')).toHaveText('Live');
}

/** Fills the alert form for a simple price level and submits it. */
export async function createPriceAlert(page: Page, symbol: string, operator: string, threshold: string): Promise<void> {
  await page.getByTestId('tab-alerts').click();
  const form = page.getByTestId('alert-form');
  await form.getByTestId('alert-symbol').fill(symbol);
  await form.getByTestId('alert-condition-type').selectOption('price_threshold');
  await form.getByTestId('alert-operator').selectOption(operator);
  await form.getByTestId('alert-threshold').fill(threshold);
  await form.getByTestId('alert-method').selectOption('websocket');
  await form.getByTestId('alert-submit').click();
}

/** The theme the page shows: from the luminance of the nearest painted background of <body>, else its color-scheme. */
export function pageTheme(page: Page): Promise<'light' | 'dark'> {
  return page.evaluate(() => {
    for (const element of [document.body, document.documentElement]) {
      const [r = 0, g = 0, b = 0, a = 1] = (getComputedStyle(element).backgroundColor.match(/[\d.]+/g) ?? []).map(
        Number,
      );
      if (a > 0) return 0.2126 * r + 0.7152 * g + 0.0722 * b < 128 ? 'dark' : 'light';
    }
    return getComputedStyle(document.documentElement).colorScheme.includes('dark') ? 'dark' : 'light';
  });
}

/** Presses Tab (or Shift+Tab) until one of the elements `target` matches has focus; fails after `max` presses. */
export async function tabTo(page: Page, target: Locator, max = 40, key: 'Tab' | 'Shift+Tab' = 'Tab'): Promise<void> {
  const visited: string[] = [];
  for (let presses = 0; ; presses++) {
    const [reached, focused] = await target.evaluateAll((elements) => {
      const el = document.activeElement;
      const id = el?.getAttribute('data-testid');
      const name = el?.getAttribute('aria-label') ?? el?.textContent?.trim().slice(0, 20);
      const described =
        !el || el === document.body
          ? 'body'
          : `${el.tagName.toLowerCase()}${id ? `[${id}]` : ''}${name ? `("${name}")` : ''}`;
      return [elements.some((candidate) => candidate === el), described] as const;
    });
    if (reached) return;
    if (presses > 0) visited.push(focused);
    if (presses === max) break;
    await page.keyboard.press(key);
  }
  throw new Error(`${key} did not reach ${target} in ${max} presses; focus went: ${visited.join(' → ')}`);
}

export interface FocusIndicator {
  /** What has focus, for messages. */
  element: string;
  outline: string;
  boxShadow: string;
  /** Contrast of a solid outline's colour against the background around the element; null for none or `auto`. */
  contrast: number | null;
}

/** How the focused element shows that it has focus: its computed outline and box-shadow. */
export function focusIndicator(page: Page): Promise<FocusIndicator> {
  return page.evaluate(() => {
    const el = document.activeElement ?? document.body;
    const style = getComputedStyle(el);
    // The page's colours as painted: each ancestor's background (any CSS colour syntax, translucent or not)
    // composited from the root down on one pixel, then the outline over that.
    const pixel = document.createElement('canvas').getContext('2d', { willReadFrequently: true })!;
    pixel.fillStyle = '#ffffff';
    pixel.fillRect(0, 0, 1, 1);
    const ancestors: Element[] = [];
    for (let node = el.parentElement; node; node = node.parentElement) ancestors.unshift(node);
    for (const node of ancestors) {
      pixel.fillStyle = getComputedStyle(node).backgroundColor;
      pixel.fillRect(0, 0, 1, 1);
    }
    const painted = () => [...pixel.getImageData(0, 0, 1, 1).data.slice(0, 3)];
    const background = painted();
    pixel.fillStyle = style.outlineColor;
    pixel.fillRect(0, 0, 1, 1);
    const outlineColor = painted();
    const luminance = ([r = 0, g = 0, b = 0]: number[]) => {
      const lin = (c: number) => ((c /= 255) <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4);
      return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
    };
    const solid = style.outlineStyle !== 'none' && style.outlineStyle !== 'auto' && parseFloat(style.outlineWidth) > 0;
    const [hi, lo] = [luminance(outlineColor), luminance(background)].sort((x, y) => y - x) as [number, number];
    const id = el.getAttribute('data-testid');
    return {
      element: `${el.tagName.toLowerCase()}${id ? `[data-testid=${id}]` : ''} "${(el.getAttribute('aria-label') ?? el.textContent ?? '').trim().slice(0, 30)}"`,
      outline: `${style.outlineStyle} ${style.outlineWidth} ${style.outlineColor}`,
      boxShadow: style.boxShadow,
      contrast: solid ? (hi + 0.05) / (lo + 0.05) : null,
    };
  });
}

/** Why the focus on `focus` cannot be seen: no outline or box-shadow, or a solid outline under 3:1; else null. */
export function focusProblem(focus: FocusIndicator): string | null {
  if (focus.boxShadow !== 'none') return null;
  const [style = 'none', width = '0px'] = focus.outline.split(' ');
  if (style === 'none' || parseFloat(width) === 0) return `${focus.element}: no outline or box-shadow`;
  if (focus.contrast !== null && focus.contrast < 3) {
    return `${focus.element}: outline ${focus.outline} has ${focus.contrast.toFixed(2)}:1 against its background (< 3:1)`;
  }
  return null;
}

/** The focused control shows focus: an outline (3:1 against its surroundings when solid) or a box-shadow. */
export async function expectVisibleFocus(page: Page): Promise<void> {
  expect(focusProblem(await focusIndicator(page))).toBeNull();
}

/** Waits until every finite CSS animation and transition (a price flash, a toast sliding in) has run its course. */
export async function animationsDone(page: Page): Promise<void> {
  await page.waitForFunction(() =>
    document
      .getAnimations()
      .every((a) => a.playState !== 'running' || a.effect?.getComputedTiming().endTime === Infinity),
  );
}
