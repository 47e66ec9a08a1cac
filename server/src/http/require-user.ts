import type { RequestHandler, Response } from 'express';
import type { Authenticator, Identity } from '../auth/authenticator.js';
import { unauthorized } from '../errors.js';

export function bearerToken(header: string | undefined): string | undefined {
  const match = /^Bearer\s+(\S+)$/i.exec(header ?? '');
  return match?.[1];
}

/** Puts the verified caller in res.locals.identity, or answers 401. */
export function requireUser(auth: Authenticator): RequestHandler {
  return async (req, res, next) => {
    const token = bearerToken(req.get('authorization'));
    if (!token) throw unauthorized('Sign in first: send Authorization: Bearer <token>');
    res.locals.identity = await auth.verify(token);
    next();
  };
}

export function identityOf(res: Response): Identity {
  const identity = res.locals.identity as Identity | undefined;
  if (!identity) throw new Error('route is missing requireUser');
  return identity;
}
