import { expect, type Page } from '@playwright/test';

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
