import { Router } from 'express';
import { feedAlertSettingsSchema, type FeedAlertSettings } from '@tickwatch/shared';
import type { Authenticator } from '../auth/authenticator.js';
import type { UserSettingsRepository } from '../store/user-settings-repository.js';
import { identityOf, requireUser } from './require-user.js';
import { parseOrThrow } from './validate.js';

/**
 * The caller's feed-blind notice: be told (`feed:blind` on the socket) when a symbol of one of their enabled alerts
 * has been quiet for `blind_minutes` of open market; null is off.
 */
export function feedAlertsRouter(deps: {
  auth: Authenticator;
  settings: Pick<UserSettingsRepository, 'feedAlerts' | 'setFeedAlerts'>;
  /** The user's setting changed: the sockets here read it again now. */
  changed: (userId: string) => void;
  now?: () => number;
}): Router {
  const router = Router();
  const now = deps.now ?? Date.now;
  router.use('/me/feed-alerts', requireUser(deps.auth));

  router.get('/me/feed-alerts', async (_req, res) => {
    const body: FeedAlertSettings = await deps.settings.feedAlerts(identityOf(res).userId);
    res.json(body);
  });

  router.put('/me/feed-alerts', async (req, res) => {
    const { userId } = identityOf(res);
    const body = parseOrThrow(feedAlertSettingsSchema, req.body, 'body');
    await deps.settings.setFeedAlerts(userId, body, Math.floor(now() / 1000));
    deps.changed(userId);
    res.json(body);
  });

  return router;
}
