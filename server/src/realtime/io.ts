import type { Server as HttpServer } from 'node:http';
import { Server, type Socket } from 'socket.io';
import type { ClientToServerEvents, InterServerEvents, ServerToClientEvents, SocketData } from '@tickwatch/shared';

export type TickServer = Server<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;
export type TickSocket = Socket<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;

export function createSocketServer(httpServer: HttpServer): TickServer {
  return new Server(httpServer, {
    // Widgets embed the price feed on other sites; the feed is public and read-only, user data needs a token.
    cors: { origin: true },
    maxHttpBufferSize: 64 * 1024,
  });
}
