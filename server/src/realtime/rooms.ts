/**
 * The Socket.IO rooms, named in one place. Tick subscriptions and users are rooms (not per-process maps) so that an
 * adapter can route both across server processes.
 */
export const TICK_ROOM_PREFIX = 'ticks:';
export const tickRoom = (symbol: string) => `${TICK_ROOM_PREFIX}${symbol}`;
export const userRoom = (userId: string) => `user:${userId}`;
