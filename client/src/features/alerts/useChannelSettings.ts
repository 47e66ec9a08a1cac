import { useEffect, useState } from 'react';
import type { ChannelSettings } from '@tickwatch/shared';
import type { Api } from '../../api/http';

/**
 * The user's notification channels, loaded once per `api`: null while loading or when unknown. Unknown (no `api`,
 * or the request failed) means the form asks for no target and the server's check on save still applies.
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

  return { channels, setChannels, checking: channels === null && !unknown };
}
