import { vi } from 'vitest';
import {
  alertDefinitionSchema,
  type Alert,
  type AlertDefinition,
  type AlertDefinitionInput,
  type AlertPreview,
  type ChannelSettings,
} from '@tickwatch/shared';
import type { Api } from '../../api/http';
import type { AlertsState } from './useAlerts';

/**
 * Stand-ins for the server behind the alert form's two network-facing props (`api` and `alerts`), for component
 * tests. They are plain objects of `vi.fn()`s that answer the way the server does, with the real shared schema;
 * everything else the form uses (model, schemas, wording) is the real code.
 */

export const NO_CHANNELS: ChannelSettings = { email: null, sns_target: null };

/** An alert as the server returns it: the definition with its bookkeeping. */
export function alertOf(definition: AlertDefinition, alertId = 'alert-1'): Alert {
  return {
    ...definition,
    alert_id: alertId,
    user_id: 'trader',
    created_at: 1_767_225_600,
    updated_at: 1_767_225_600,
    last_triggered: null,
    trigger_count: 0,
    state: 'armed',
    status_note: null,
    blind_since: null,
  };
}

/** The `alerts` prop: create parses with the shared schema as the server does; update merges the patch. */
export function fakeAlerts(existing: Alert[] = []) {
  const create = vi.fn(async (definition: AlertDefinitionInput) =>
    alertOf(alertDefinitionSchema.parse(definition), 'alert-new'),
  );
  const update = vi.fn(async (alertId: string, patch: Record<string, unknown>) => {
    const current = existing.find((a) => a.alert_id === alertId);
    if (!current) throw new Error(`no alert ${alertId}`);
    const condition = { ...current.condition, ...(patch.condition as object | undefined) };
    return { ...current, ...patch, condition } as Alert;
  });
  const alerts: AlertsState = {
    alerts: existing,
    loading: false,
    error: null,
    reload: vi.fn(async () => {}),
    create,
    update,
    remove: vi.fn(async () => {}),
  };
  return Object.assign(alerts, { create, update });
}

/**
 * The `api` prop, reduced to what the form calls: the user's notification channels and the draft's preview. `channels` is what the
 * server has, or 'loading' (the request never settles) or 'unavailable' (it fails). Any other API method is
 * absent, so a call to one fails the test.
 */
/** A preview the form asked for and the test has not answered yet. */
export interface PendingPreview {
  definition: AlertDefinitionInput;
  signal: AbortSignal | undefined;
  resolve: (preview: AlertPreview) => void;
  reject: (err: Error) => void;
}

export function fakeApi(channels: ChannelSettings | 'loading' | 'unavailable' = NO_CHANNELS) {
  let current = typeof channels === 'string' ? NO_CHANNELS : channels;
  const previews: PendingPreview[] = [];
  const api = {
    channels: vi.fn((): Promise<ChannelSettings> => {
      if (channels === 'loading') return new Promise(() => {});
      if (channels === 'unavailable') return Promise.reject(new Error('Request failed with status 503'));
      return Promise.resolve(current);
    }),
    setChannels: vi.fn(async (patch: Partial<ChannelSettings>) => {
      current = { ...current, ...patch };
      return current;
    }),
    /** The replay of a draft: each call waits until the test settles it (`previews`), or is cancelled. */
    previewAlert: vi.fn(
      (definition: AlertDefinitionInput, signal?: AbortSignal) =>
        new Promise<AlertPreview>((resolve, reject) => {
          previews.push({ definition, signal, resolve, reject });
        }),
    ),
  };
  return { api: api as Partial<Api> as Api, previews, ...api };
}
