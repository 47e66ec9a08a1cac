import { Router } from 'express';
import { channelSettingsPatchSchema, watchlistSchema, type ChannelSettings, type Watchlist } from '@tickwatch/shared';
import type { UserSettingsRepository } from '../store/user-settings-repository.js';
import { type Authenticator } from '../auth/authenticator.js';
import { identityOf, requireUser } from './require-user.js';
import { parseOrThrow } from './validate.js';

/** The caller's own settings: the watchlist, and where email and SNS notifications go. */
export function meRouter(deps: {
  auth: Authenticator;
  settings: UserSettingsRepository;
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
    const body: ChannelSettings = await deps.settings.updateChannels(
      identityOf(res).userId,
      patch,
      Math.floor(now() / 1000),
    );
    res.json(body);
  });

  return router;
}
