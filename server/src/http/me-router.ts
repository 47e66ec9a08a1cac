import { Router } from 'express';
import {
  channelSettingsPatchSchema,
  watchlistSchema,
  type ChannelSettings,
  type Watchlist,
  type WebhookSecret,
} from '@tickwatch/shared';
import type { UserSettingsRepository } from '../store/user-settings-repository.js';
import { type Authenticator } from '../auth/authenticator.js';
import { validationFailed } from '../errors.js';
import { refusedLiteral, type WebhookAllowList } from '../notify/webhook-address.js';
import { newWebhookSecret } from '../notify/webhook-signature.js';
import { identityOf, requireUser } from './require-user.js';
import { parseOrThrow } from './validate.js';

/** The caller's own settings: the watchlist, and where email, SNS and webhook notifications go. */
export function meRouter(deps: {
  auth: Authenticator;
  settings: UserSettingsRepository;
  /** Which non-public addresses webhooks may reach; a URL naming any other such address is refused on save. */
  webhookAllow: WebhookAllowList;
  defaultWatchlist: string[];
  now?: () => number;
}): Router {
  const router = Router();
  const now = deps.now ?? Date.now;
  router.use(['/me/channels', '/me/watchlist'], requireUser(deps.auth));

  /** A new user starts with the symbols the server streams, so the dashboard is never empty. */
  router.get('/me/watchlist', async (_req, res) => {
    const stored = await deps.settings.watchlist(identityOf(res).userId);
    const body: Watchlist = { symbols: stored ?? deps.defaultWatchlist };
    res.json(body);
  });

  router.put('/me/watchlist', async (req, res) => {
    const body = parseOrThrow(watchlistSchema, req.body, 'body');
    await deps.settings.setWatchlist(identityOf(res).userId, body.symbols, Math.floor(now() / 1000));
    res.json(body);
  });

  router.get('/me/channels', async (_req, res) => {
    const body: ChannelSettings = await deps.settings.channels(identityOf(res).userId);
    res.json(body);
  });

  router.put('/me/channels', async (req, res) => {
    const patch = parseOrThrow(channelSettingsPatchSchema, req.body, 'body');
    // An IP literal can be judged now; a host name is judged on each delivery, when it is resolved.
    const refused = patch.webhook_url ? refusedLiteral(new URL(patch.webhook_url), deps.webhookAllow) : null;
    if (refused) {
      throw validationFailed(
        [{ path: 'webhook_url', message: 'must not lead to a loopback, private or link-local address' }],
        'Invalid request body',
      );
    }
    const body: ChannelSettings = await deps.settings.updateChannels(
      identityOf(res).userId,
      patch,
      Math.floor(now() / 1000),
    );
    res.json(body);
  });

  /** A new webhook signing secret, in place of any before it: the answer is the only time it is shown. */
  router.post('/me/channels/webhook-secret', async (_req, res) => {
    const body: WebhookSecret = { secret: newWebhookSecret() };
    await deps.settings.setWebhookSecret(identityOf(res).userId, body.secret, Math.floor(now() / 1000));
    res.set('cache-control', 'no-store').status(201).json(body);
  });

  return router;
}
