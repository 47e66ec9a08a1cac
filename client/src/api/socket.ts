import { io, type Socket } from 'socket.io-client';
import type { ClientToServerEvents, ServerToClientEvents } from '@tickwatch/shared';

export type TickwatchSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/** One socket per page, same origin as the page (the server serves both). */
export function connectSocket(): TickwatchSocket {
  return io({ transports: ['websocket', 'polling'] });
}
