import { Router } from 'express';
import { devLoginSchema, type AuthSettings, type DevLoginResponse } from '@tickwatch/shared';
import { type Authenticator } from '../auth/authenticator.js';
import { identityOf, requireUser } from './require-user.js';
import { parseOrThrow } from './validate.js';

export function authRouter(auth: Authenticator): Router {
  const router = Router();

  /** How the dashboard should sign users in. */
  router.get('/auth/settings', (_req, res) => {
    const body: AuthSettings = { mode: auth.mode };
    res.json(body);
  });

  /** Development sign-in: a token for any well-formed user id. Refused unless AUTH_MODE=dev. */
  router.post('/auth/dev-login', async (req, res) => {
    const { user_id } = parseOrThrow(devLoginSchema, req.body, 'body');
    const { token, expiresAt } = await auth.issueDevToken(user_id);
    const body: DevLoginResponse = { token, user_id, expires_at: expiresAt };
    res.json(body);
  });

  router.get('/me', requireUser(auth), (_req, res) => {
    res.json({ user_id: identityOf(res).userId, auth_mode: auth.mode });
  });

  return router;
}
