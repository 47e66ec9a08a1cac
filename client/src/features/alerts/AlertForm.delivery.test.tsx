// @vitest-environment jsdom
import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanup, screen } from '@testing-library/react';
import { ApiRequestError, type Api } from '../../api/http';
import { errorBeside, renderAlertForm } from './alert-form-testkit';

afterEach(cleanup);

const field = (testId: string) => screen.getByTestId(testId);
const queryField = (testId: string) => screen.queryByTestId(testId);
const note = () => field('alert-channel-note').querySelector('.af-hint')?.textContent;

describe('AlertForm: email and SNS targets', () => {
  it('asks a user without an email target for the address, and saves it before the alert', async () => {
    const { user, alerts, api } = await renderAlertForm();
    expect(api!.channels).toHaveBeenCalledTimes(1);
    expect(queryField('alert-channel-note')).toBeNull();

    await user.selectOptions(field('alert-method'), 'email');
    expect(note()).toMatch(/^You have no email address for alerts yet/);
    await user.type(field('alert-threshold'), '210');
    await user.click(field('alert-submit'));
    expect(errorBeside(field('alert-email'))?.textContent).toBe('Enter the email address these alerts go to');
    expect(api!.setChannels).not.toHaveBeenCalled();
    expect(alerts.create).not.toHaveBeenCalled();

    await user.type(field('alert-email'), 'not-an-address');
    await user.click(field('alert-submit'));
    expect(errorBeside(field('alert-email'))?.textContent).toBe('must be an email address');
    expect(api!.setChannels).not.toHaveBeenCalled();

    await user.clear(field('alert-email'));
    await user.type(field('alert-email'), ' me@example.com ');
    await user.click(field('alert-submit'));
    expect(api!.setChannels.mock.calls).toStrictEqual([[{ email: 'me@example.com' }]]);
    expect(alerts.create).toHaveBeenCalledTimes(1);
    expect(api!.setChannels.mock.invocationCallOrder[0]).toBeLessThan(alerts.create.mock.invocationCallOrder[0]!);
    expect(alerts.create.mock.calls[0]![0]).toMatchObject({ notification_method: 'email' });
    // Saved: the next email alert goes there without asking.
    expect(queryField('alert-email')).toBeNull();
    expect(note()).toBe('Sent to me@example.com');
  });

  it('validates an SNS target with the shared schema', async () => {
    const { user, api } = await renderAlertForm();
    await user.selectOptions(field('alert-method'), 'sns');
    await user.type(field('alert-threshold'), '1');
    await user.type(field('alert-sns-target'), '555');
    await user.click(field('alert-submit'));
    expect(errorBeside(field('alert-sns-target'))?.textContent).toMatch(/E\.164/);
    expect(api!.setChannels).not.toHaveBeenCalled();
  });

  it('does not ask when the user has a target, and says where alerts go', async () => {
    const { user, alerts, api } = await renderAlertForm({ channels: { email: 'desk@example.com', sns_target: null } });
    await user.selectOptions(field('alert-method'), 'email');
    expect(note()).toBe('Sent to desk@example.com');
    expect(queryField('alert-email')).toBeNull();
    await user.type(field('alert-threshold'), '1');
    await user.click(field('alert-submit'));
    expect(api!.setChannels).not.toHaveBeenCalled();
    expect(alerts.create).toHaveBeenCalledTimes(1);
  });

  it('asks nothing while the channels load or when they cannot be read (the server checks on save)', async () => {
    const loading = await renderAlertForm({ channels: 'loading' });
    await loading.user.selectOptions(field('alert-method'), 'email');
    expect(note()).toBe('Checking your notification channels…');
    expect(queryField('alert-email')).toBeNull();
    cleanup();

    const unavailable = await renderAlertForm({ channels: 'unavailable' });
    await unavailable.user.selectOptions(field('alert-method'), 'sns');
    expect(note()).toBe('Sent to an SNS phone number or topic in your notification channels');
    await unavailable.user.type(field('alert-threshold'), '1');
    await unavailable.user.click(field('alert-submit'));
    expect(unavailable.alerts.create).toHaveBeenCalledTimes(1);
    cleanup();

    const noApi = await renderAlertForm({ channels: null });
    await noApi.user.selectOptions(field('alert-method'), 'email');
    expect(note()).toBe('Sent to an email address in your notification channels');
  });
});

describe('AlertForm: webhook target', () => {
  /** Gives the fake API the secret endpoint: each call answers a new secret. */
  function withSecrets(api: { api: Api }) {
    let n = 0;
    const rotate = vi.fn(async () => `whsec_${String((n += 1)).repeat(64)}`);
    Object.assign(api.api, { rotateWebhookSecret: rotate });
    return rotate;
  }

  it('offers webhook as a method, saves its URL on its own, and shows a new secret once', async () => {
    const { user, alerts, api } = await renderAlertForm();
    const rotate = withSecrets(api!);
    expect(queryField('alert-webhook')).toBeNull();

    await user.selectOptions(field('alert-method'), 'webhook');
    expect(field('alert-webhook-note').textContent).toMatch(/^You have no webhook URL yet/);
    expect(field('alert-webhook-rotate').textContent).toBe('Generate secret');

    await user.type(field('alert-webhook-url'), 'https://me:pw@hooks.example.com/x{Enter}');
    expect(errorBeside(field('alert-webhook-url'))?.textContent).toBe('must not contain a user name or password');
    expect(api!.setChannels).not.toHaveBeenCalled();
    expect(alerts.create).not.toHaveBeenCalled();

    await user.clear(field('alert-webhook-url'));
    await user.type(field('alert-webhook-url'), ' https://hooks.example.com/tickwatch ');
    await user.click(field('alert-webhook-save'));
    expect(api!.setChannels.mock.calls).toStrictEqual([[{ webhook_url: 'https://hooks.example.com/tickwatch' }]]);
    expect(field('alert-webhook-note').textContent).toBe(
      'Sent to https://hooks.example.com/tickwatch: generate a signing secret first',
    );

    await user.click(field('alert-webhook-rotate'));
    expect(rotate).toHaveBeenCalledTimes(1);
    expect((field('alert-webhook-secret') as HTMLInputElement).value).toBe(`whsec_${'1'.repeat(64)}`);
    expect(field('alert-webhook-note').textContent).toBe(
      'Sent to https://hooks.example.com/tickwatch, signed with your secret',
    );
    expect(field('alert-webhook-rotate').textContent).toBe('Rotate secret');
    // Replacing a secret asks first, and can be called off.
    await user.click(field('alert-webhook-rotate'));
    await user.click(field('alert-webhook-cancel'));
    expect(rotate).toHaveBeenCalledTimes(1);
    expect(queryField('alert-webhook-confirm')).toBeNull();
    await user.click(field('alert-webhook-rotate'));
    await user.click(field('alert-webhook-confirm'));
    expect(rotate).toHaveBeenCalledTimes(2);
    expect((field('alert-webhook-secret') as HTMLInputElement).value).toBe(`whsec_${'2'.repeat(64)}`);

    await user.type(field('alert-threshold'), '210');
    await user.click(field('alert-submit'));
    expect(alerts.create.mock.calls[0]![0]).toMatchObject({ notification_method: 'webhook' });
    expect(api!.setChannels).toHaveBeenCalledTimes(1);
  });

  it('shows the saved URL, and the server’s refusal of an address beside the field', async () => {
    const { user, api } = await renderAlertForm({
      channels: { email: null, sns_target: null, webhook_url: 'https://hooks.example.com/a', webhook_secret_set: true },
    });
    await user.selectOptions(field('alert-method'), 'webhook');
    expect((field('alert-webhook-url') as HTMLInputElement).value).toBe('https://hooks.example.com/a');
    expect(field('alert-webhook-rotate').textContent).toBe('Rotate secret');
    expect(queryField('alert-webhook-secret')).toBeNull();

    api!.setChannels.mockRejectedValueOnce(
      new ApiRequestError(400, {
        error: {
          id: 'validation_failed',
          message: 'Invalid request body',
          issues: [{ path: 'webhook_url', message: 'must not lead to a loopback, private or link-local address' }],
        },
      }),
    );
    await user.clear(field('alert-webhook-url'));
    await user.type(field('alert-webhook-url'), 'http://10.0.0.1/hook');
    await user.click(field('alert-webhook-save'));
    expect(errorBeside(field('alert-webhook-url'))?.textContent).toBe(
      'must not lead to a loopback, private or link-local address',
    );
    expect(field('alert-webhook-note').textContent).toBe(
      'Sent to https://hooks.example.com/a, signed with your secret',
    );
  });
});

describe('AlertForm: errors from the server', () => {
  it('shows a 400’s issues beside their fields, and those without a field in the summary', async () => {
    const { user, alerts, onDone } = await renderAlertForm();
    alerts.create.mockRejectedValueOnce(
      new ApiRequestError(400, {
        error: {
          id: 'validation_failed',
          message: 'Invalid alert',
          issues: [
            { path: 'condition.threshold', message: 'too far from the last price' },
            { path: 'symbol', message: 'unknown symbol' },
            { path: 'symbol', message: 'not traded' },
            { path: 'enabled', message: 'cannot be set now' },
            { path: '', message: 'too many alerts' },
          ],
        },
      }),
    );
    await user.type(field('alert-threshold'), '1000000');
    await user.click(field('alert-submit'));

    expect(errorBeside(field('alert-threshold'))?.textContent).toBe('too far from the last price');
    expect(errorBeside(field('alert-symbol'))?.textContent).toBe('unknown symbol; not traded');
    expect(field('error-enabled').textContent).toBe('Enabled: cannot be set now');
    expect(field('error-').textContent).toBe('too many alerts');
    expect(queryField('alert-form-error')).toBeNull();
    expect(field('alert-form-status').textContent).toBe('');
    expect(onDone).not.toHaveBeenCalled();
    expect(field('alert-submit').hasAttribute('disabled')).toBe(false);
  });

  it('shows any other failure as one message for the form', async () => {
    const { user, alerts, onDone } = await renderAlertForm();
    alerts.create.mockRejectedValueOnce(new ApiRequestError(503, undefined));
    await user.type(field('alert-threshold'), '1');
    await user.click(field('alert-submit'));
    expect(field('alert-form-error').textContent).toBe('Request failed with status 503');
    expect(onDone).not.toHaveBeenCalled();

    await user.click(field('alert-submit'));
    expect(queryField('alert-form-error')).toBeNull();
    expect(alerts.create).toHaveBeenCalledTimes(2);
    expect(onDone).toHaveBeenCalledTimes(1);
  });

  it('disables Save while the alert is being saved', async () => {
    const { user, alerts } = await renderAlertForm();
    alerts.create.mockReturnValueOnce(new Promise(() => {}));
    await user.type(field('alert-threshold'), '1');
    await user.click(field('alert-submit'));
    expect(field('alert-submit').textContent).toBe('Saving…');
    expect(field('alert-submit').hasAttribute('disabled')).toBe(true);
    await user.click(field('alert-submit'));
    expect(alerts.create).toHaveBeenCalledTimes(1);
  });
});
