import { io, type Socket } from 'socket.io-client';
import type { ClientToServerEvents, ServerToClientEvents } from '@tickwatch/shared';

export type BenchSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/**
 * A bench's client socket, connected: websocket only, its own connection, no reconnection (a dropped socket must
 * show up as missing deliveries, not be hidden by a reconnect). `token` signs it in; `symbols` are subscribed.
 */
export async function connectBenchSocket(
  url: string,
  options: { token?: string; symbols?: string[] } = {},
): Promise<BenchSocket> {
  const socket: BenchSocket = io(url, {
    transports: ['websocket'],
    forceNew: true,
    reconnection: false,
    ...(options.token ? { auth: { token: options.token } } : {}),
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('connect_error', reject);
  });
  if (options.symbols) {
    const ack = await socket.timeout(30_000).emitWithAck('ticks:subscribe', options.symbols);
    if (!ack.ok) throw new Error(`subscribe refused: ${ack.error.message}`);
  }
  return socket;
}
