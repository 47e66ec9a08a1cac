import { Router } from 'express';
import { channelSettingsPatchSchema, type ChannelSettings } from '@tickwatch/shared';
import type { UserSettingsRepository } from '../store/user-settings-repository.js';
import { identityOf, requireUser, type Authenticator } from './auth.js';
import { parseOrThrow } from './validate.js';

/** The caller's own settings: where email and SNS notifications go. */
export function meRouter(deps: { auth: Authenticator; settings: UserSettingsRepository; now?: () => number }): Router {
  const router = Router();
  const now = deps.now ?? Date.now;
  router.use('/me/channels', requireUser(deps.auth));

  router.get('/me/channels', async (_req, res) => {
    const body: ChannelSettings = await deps.settings.channels(identityOf(res).userId);
    res.json(body);
  });

  router.put('/me/channels', async (req, res) => {
    const patch = parseOrThrow(channelSettingsPatchSchema, req.body, 'body');
    const body: ChannelSettings = await deps.settings.updateChannels(
      identityOf(res).userId,
      patch,
      Math.floor(now() / 1000),
    );
    res.json(body);
  });

  return router;
}
