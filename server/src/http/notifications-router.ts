import { Router } from 'express';
import { notificationQuerySchema, type NotificationPage } from '@tickwatch/shared';
import type { NotificationsRepository } from '../store/notifications-repository.js';
import { type Authenticator } from '../auth/authenticator.js';
import { identityOf, requireUser } from './require-user.js';
import { validationFailed } from '../errors.js';
import { parseOrThrow, withCursor } from './validate.js';

/** The caller's alert history, newest first. */
export function notificationsRouter({
  auth,
  notifications,
}: {
  auth: Authenticator;
  notifications: NotificationsRepository;
}): Router {
  const router = Router();
  router.get('/notifications', requireUser(auth), async (req, res) => {
    const { userId } = identityOf(res);
    const query = parseOrThrow(notificationQuerySchema, req.query, 'query');
    if (query.from !== undefined && query.to !== undefined && query.from > query.to) {
      throw validationFailed([{ path: 'from', message: 'must not be after to' }]);
    }
    const page = await withCursor(() =>
      notifications.list(userId, {
        limit: query.limit,
        ...(query.cursor ? { cursor: query.cursor } : {}),
        ...(query.symbol ? { symbol: query.symbol } : {}),
        ...(query.from !== undefined ? { from: query.from } : {}),
        ...(query.to !== undefined ? { to: query.to } : {}),
      }),
    );
    const body: NotificationPage = { items: page.items, ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}) };
    res.json(body);
  });
  return router;
}
