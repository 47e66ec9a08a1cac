import { io, type Socket } from 'socket.io-client';
import type { ClientToServerEvents, ServerToClientEvents } from '@tickwatch/shared';

export type TickwatchSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/**
 * One socket per page, same origin as the page. With a token it also carries the user's alerts. Reconnection is
 * Socket.IO's own (exponential back-off), so a restarted server is picked up without a reload.
 */
export function connectSocket(token: string | null, url?: string): TickwatchSocket {
  const options = {
    transports: ['websocket', 'polling'],
    reconnectionDelayMax: 5000,
    ...(token ? { auth: { token } } : {}),
  };
  return url ? io(url, options) : io(options);
}
