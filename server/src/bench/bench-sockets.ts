import seedrandom from 'seedrandom';
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

/**
 * Which symbols each of `clients` sockets watches: `perClient` of `symbols`, drawn with a seeded generator so every
 * run (and every process of a run) subscribes alike.
 */
export function seededSubscriptions(seed: string, clients: number, symbols: readonly string[], perClient: number) {
  const random = seedrandom(seed);
  return Array.from({ length: clients }, () => {
    const pool = [...symbols];
    for (let i = 0; i < perClient; i++) {
      const j = i + Math.floor(random() * (pool.length - i));
      [pool[i], pool[j]] = [pool[j]!, pool[i]!];
    }
    return pool.slice(0, perClient);
  });
}
