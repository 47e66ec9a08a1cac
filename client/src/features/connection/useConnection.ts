import { useEffect, useState } from 'react';
import type { TickwatchSocket } from '../../api/socket';

export type ConnectionState = 'connecting' | 'live' | 'reconnecting' | 'offline';

/**
 * The socket's real state: live while connected, reconnecting while Socket.IO retries, offline when the browser
 * has no network. `onUnauthorized` runs when the server refuses the token at the handshake, or tells a connected
 * socket that its token has expired (`session:expired`: the socket is anonymous from then on, without alerts).
 */
export function useConnection(socket: TickwatchSocket, onUnauthorized: () => void): ConnectionState {
  const [state, setState] = useState<ConnectionState>(socket.connected ? 'live' : 'connecting');
  useEffect(() => {
    const live = () => setState('live');
    const lost = () => setState(navigator.onLine ? 'reconnecting' : 'offline');
    const failed = (err: Error) => {
      if (err.message === 'unauthorized') onUnauthorized();
      else lost();
    };
    socket.on('connect', live);
    socket.on('disconnect', lost);
    socket.on('connect_error', failed);
    socket.on('session:expired', onUnauthorized);
    socket.io.on('reconnect_attempt', lost);
    window.addEventListener('offline', lost);
    window.addEventListener('online', lost);
    if (socket.connected) live();
    return () => {
      socket.off('connect', live);
      socket.off('disconnect', lost);
      socket.off('connect_error', failed);
      socket.off('session:expired', onUnauthorized);
      socket.io.off('reconnect_attempt', lost);
      window.removeEventListener('offline', lost);
      window.removeEventListener('online', lost);
    };
  }, [socket, onUnauthorized]);
  return state;
}
