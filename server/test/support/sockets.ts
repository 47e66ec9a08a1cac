import { io, type Socket } from 'socket.io-client';
import type {
  ClientToServerEvents,
  FeedBlindNotice,
  NotificationRecord,
  ServerToClientEvents,
  SymbolHealth,
  Tick,
} from '@tickwatch/shared';

export type Client = Socket<ServerToClientEvents, ClientToServerEvents>;

export interface ConnectedClient {
  socket: Client;
  /** `alert:triggered` events in arrival order. */
  alerts: NotificationRecord[];
  updates: NotificationRecord[];
  frames: Tick[][];
  /** `symbols:health` entries and `feed:blind` notices, in arrival order. */
  health: SymbolHealth[];
  notices: FeedBlindNotice[];
  /** `ticks:subscribe`, resolved with the server's acknowledgement. */
  subscribe(symbols: string[]): Promise<unknown>;
  close(): void;
}

/**
 * A real socket.io-client, as a dashboard tab. It acknowledges alerts with `acknowledge` (true unless told
 * otherwise), like a tab that showed them.
 */
export async function connectClient(
  url: string,
  options: { token?: string; acknowledge?: boolean } = {},
): Promise<ConnectedClient> {
  const socket: Client = io(url, {
    transports: ['websocket'],
    forceNew: true,
    reconnection: false,
    ...(options.token ? { auth: { token: options.token } } : {}),
  });
  const client: ConnectedClient = {
    socket,
    alerts: [],
    updates: [],
    frames: [],
    health: [],
    notices: [],
    subscribe: (symbols) => socket.timeout(5000).emitWithAck('ticks:subscribe', symbols),
    close: () => socket.disconnect(),
  };
  socket.on('alert:triggered', (record, ack) => {
    client.alerts.push(record);
    ack(options.acknowledge ?? true);
  });
  socket.on('notification:updated', (record) => client.updates.push(record));
  socket.on('ticks', (frame) => client.frames.push(frame));
  socket.on('symbols:health', (entries) => client.health.push(...entries));
  socket.on('feed:blind', (notice) => client.notices.push(notice));
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('connect_error', reject);
  });
  return client;
}
