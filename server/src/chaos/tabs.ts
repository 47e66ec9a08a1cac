import { io, type Socket } from 'socket.io-client';
import type { Ack, ClientToServerEvents, NotificationRecord, ServerToClientEvents } from '@tickwatch/shared';

/**
 * A signed-in dashboard tab on a real socket.io-client, doing what client/src/features/notifications/
 * useNotifications.ts does: acknowledge every `alert:triggered`, and on every (re)connect ask for
 * `notifications:replay {after}` with the newest `triggered_at` it has seen. Unlike the dashboard it asks again
 * while a replay comes back full (500 records), as docs/socket-api.md tells clients to.
 */

type TabSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

const REPLAY_PAGE = 500;
const REPLAY_TIMEOUT_MS = 15_000;

export class Tab {
  private readonly socket: TabSocket;
  /** How many times each notification id arrived. */
  readonly received = new Map<string, number>();
  private newestSeen = 0;
  private offline = false;
  replays = 0;
  replayFailures = 0;

  constructor(
    url: string,
    readonly user: string,
    token: string,
  ) {
    this.socket = io(url, {
      transports: ['websocket'],
      forceNew: true,
      auth: { token },
      // Socket.IO's own reconnection, as the dashboard's; a shorter back-off than its default keeps the run short.
      reconnectionDelay: 100,
      reconnectionDelayMax: 1_000,
    });
    this.socket.on('alert:triggered', (record: NotificationRecord, ack) => {
      ack(true);
      this.received.set(record.notification_id, (this.received.get(record.notification_id) ?? 0) + 1);
      if (record.triggered_at > this.newestSeen) this.newestSeen = record.triggered_at;
    });
    this.socket.on('connect', () => void this.replay());
  }

  get connected(): boolean {
    return this.socket.connected;
  }

  /** Resolves once connected (bounded). */
  async waitConnected(timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!this.socket.connected) {
      if (Date.now() > deadline) throw new Error(`tab of ${this.user} did not connect within ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  /**
   * The connection dies without a goodbye (the TCP socket is destroyed, no close frame, as when a laptop sleeps or
   * a proxy drops it); the tab stays away for `offlineMs`, then reconnects and replays.
   */
  async drop(offlineMs: number): Promise<void> {
    if (this.offline || !this.socket.connected) return;
    this.offline = true;
    this.socket.io.reconnection(false);
    const transport = this.socket.io.engine?.transport as unknown as { ws?: { terminate(): void } } | undefined;
    if (transport?.ws) transport.ws.terminate();
    else this.socket.io.engine?.close();
    await new Promise((resolve) => setTimeout(resolve, offlineMs));
    this.socket.io.reconnection(true);
    this.offline = false;
    this.socket.connect();
  }

  close(): void {
    this.socket.io.reconnection(false);
    this.socket.disconnect();
  }

  private async replay(): Promise<void> {
    for (let page = 0; page < 100 && this.socket.connected; page++) {
      this.replays += 1;
      let ack: Ack<{ replayed: number }>;
      try {
        ack = await this.ask();
      } catch {
        this.replayFailures += 1;
        return;
      }
      if (!ack.ok) {
        this.replayFailures += 1;
        return;
      }
      if (ack.data.replayed < REPLAY_PAGE) return;
    }
  }

  private ask(): Promise<Ack<{ replayed: number }>> {
    return this.socket.timeout(REPLAY_TIMEOUT_MS).emitWithAck('notifications:replay', { after: this.newestSeen });
  }
}
