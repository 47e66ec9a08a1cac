import type { Server as HttpServer } from 'node:http';
import { Server, type ServerOptions, type Socket } from 'socket.io';
import type { ClientToServerEvents, InterServerEvents, ServerToClientEvents, SocketData } from '@tickwatch/shared';

export type TickServer = Server<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;
export type TickSocket = Socket<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;

/** `adapter`: in a cluster, rooms and acknowledgements span the processes (cluster/cluster-node.ts). */
export function createSocketServer(httpServer: HttpServer, adapter?: ServerOptions['adapter']): TickServer {
  return new Server(httpServer, {
    ...(adapter ? { adapter } : {}),
    // Widgets embed the price feed on other sites; the feed is public and read-only, user data needs a token.
    cors: { origin: true },
    maxHttpBufferSize: 64 * 1024,
  });
}

/** This process's sockets: on the public price feed only, or signed in as a user. */
export function connectedSockets(io: TickServer): { public: number; signedIn: number } {
  let signedIn = 0;
  const sockets = io.of('/').sockets;
  for (const socket of sockets.values()) if (socket.data.userId !== undefined) signedIn += 1;
  return { public: sockets.size - signedIn, signedIn };
}
