import crypto from 'node:crypto';
import { expect, test } from '@playwright/test';
import { WebhookReceiver } from '../../server/test/support/webhook-receiver.js';
import { SCREENSHOTS, signIn } from '../support/dashboard.js';
import { startServer, type RunningServer } from '../support/tickwatch-server.js';

let clock = Date.now() - 120_000;
const tick = (symbol: string, price: number) => ({ symbol, timestamp: (clock += 50), price, volume: 100 });

test.describe('webhook alerts', () => {
  let server: RunningServer;
  let receiver: WebhookReceiver;
  test.beforeAll(async () => {
    receiver = await WebhookReceiver.start();
    server = await startServer({ WEBHOOK_ALLOW_HOSTS: '127.0.0.1' });
  });
  test.afterAll(async () => {
    await server?.stop();
    await receiver?.close();
  });

  test('a trader sets a webhook URL and secret in the form, and each fire reaches the receiver signed with that secret', async ({
    page,
  }) => {
    await signIn(page, server.url, 'hooked');
    await page.getByTestId('tab-alerts').click();
    const form = page.getByTestId('alert-form');
    await form.getByTestId('alert-method').selectOption('webhook');
    await expect(form.getByTestId('alert-webhook-note')).toHaveText(/^You have no webhook URL yet/);

    // Enter in the URL field saves the URL, not the alert.
    await form.getByTestId('alert-webhook-url').fill(receiver.url);
    await form.getByTestId('alert-webhook-url').press('Enter');
    await expect(form.getByTestId('alert-webhook-note')).toHaveText(
      `Sent to ${receiver.url}: generate a signing secret first`,
    );
    await form.getByTestId('alert-webhook-rotate').click();
    const secret = await form.getByTestId('alert-webhook-secret').inputValue();
    expect(secret).toMatch(/^whsec_[0-9a-f]{64}$/);
    await expect(form.getByTestId('alert-webhook-rotate')).toHaveText('Rotate secret');
    await page.screenshot({ path: `${SCREENSHOTS}/webhook-secret.png`, fullPage: true });

    await server.ingest([tick('HOOKED', 95)]);
    await form.getByTestId('alert-symbol').fill('HOOKED');
    await form.getByTestId('alert-condition-type').selectOption('price_threshold');
    await form.getByTestId('alert-operator').selectOption('>');
    await form.getByTestId('alert-threshold').fill('100');
    await form.getByTestId('alert-submit').click();
    await expect(form.getByTestId('alert-form-status')).not.toHaveText('');
    await server.ingest([tick('HOOKED', 101)]);

    await expect(page.getByTestId('toast').first()).toContainText('HOOKED last price 101.00');
    await expect.poll(() => receiver.received.length).toBe(1);
    const delivery = receiver.received[0]!;
    const [, t, v1] = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(String(delivery.headers['tickwatch-signature']))!;
    const expected = crypto.createHmac('sha256', secret).update(`${t}.`).update(delivery.rawBody).digest('hex');
    expect(v1).toBe(expected);
    expect(JSON.parse(delivery.rawBody.toString('utf8'))).toMatchObject({
      event: 'alert.triggered',
      notification: { user_id: 'hooked', symbol: 'HOOKED', notification_method: 'webhook' },
    });

    // The secret was shown once: a reload shows only that one is set.
    await page.reload();
    await page.getByTestId('tab-alerts').click();
    await page.getByTestId('alert-form').getByTestId('alert-method').selectOption('webhook');
    await expect(page.getByTestId('alert-webhook-note')).toHaveText(`Sent to ${receiver.url}, signed with your secret`);
    await expect(page.getByTestId('alert-webhook-secret')).toHaveCount(0);
  });
});
