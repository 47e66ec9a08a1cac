import { useEffect, useState } from 'react';
import type { ChannelSettings } from '@tickwatch/shared';
import type { Api } from '../../api/http';

/**
 * The user's notification channels, loaded once per `api`: null while loading or when unknown. Unknown (no `api`,
 * or the request failed) means the form asks for no target and the server's check on save still applies.
 * `save` and `rotateWebhookSecret` change them on the server and keep what is shown in step.
 */
export function useChannelSettings(api: Api | undefined) {
  const [channels, setChannels] = useState<ChannelSettings | null>(null);
  const [unknown, setUnknown] = useState(!api);

  useEffect(() => {
    if (!api) return;
    let live = true;
    api
      .channels()
      .then((c) => {
        if (live) setChannels(c);
      })
      .catch(() => {
        if (live) setUnknown(true);
      });
    return () => {
      live = false;
    };
  }, [api]);

  async function save(patch: Partial<ChannelSettings>): Promise<void> {
    if (!api) return;
    setChannels(await api.setChannels(patch));
  }

  /** Resolves with the new secret, which nothing keeps: the caller shows it once. */
  async function rotateWebhookSecret(): Promise<string | null> {
    if (!api) return null;
    const secret = await api.rotateWebhookSecret();
    setChannels((c) => (c ? { ...c, webhook_secret_set: true } : c));
    return secret;
  }

  return { channels, setChannels, checking: channels === null && !unknown, save, rotateWebhookSecret };
}
