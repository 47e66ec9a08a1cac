import type { NotificationRecord } from '@tickwatch/shared';
import { userRoom, type TickServer, type TickSocket } from '../realtime/socket-server.js';
import type { DeliveryResult, NotificationChannel } from './channel.js';

/**
 * Pushes a fire to every open tab of its user (the room `user:<id>`, so it works across processes with an
 * adapter) and waits for their acknowledgements. Sent once any tab acknowledged; with nobody connected it stays
 * pending, and the dashboard gets it by replay when it next connects.
 */
export class WebsocketChannel implements NotificationChannel {
  readonly method = 'websocket' as const;

  constructor(
    private readonly io: TickServer,
    private readonly ackTimeoutMs: number,
  ) {}

  async deliver(record: NotificationRecord): Promise<DeliveryResult> {
    const received = await this.push(record);
    return received
      ? { status: 'sent', messageId: null }
      : { status: 'pending', reason: 'no dashboard open; it is shown when the user next connects' };
  }

  /** Every tab of the user; resolves true if at least one acknowledged in time. */
  push(record: NotificationRecord): Promise<boolean> {
    return new Promise((resolve) => {
      this.io
        .to(userRoom(record.user_id))
        .timeout(this.ackTimeoutMs)
        .emit('alert:triggered', record, (_err: Error | null, responses: boolean[]) => {
          // A timeout error still comes with the answers of the tabs that did reply.
          resolve(responses.some((received) => received === true));
        });
    });
  }

  /** One socket (a replay); resolves true if it acknowledged in time. */
  pushTo(socket: TickSocket, record: NotificationRecord): Promise<boolean> {
    return new Promise((resolve) => {
      socket.timeout(this.ackTimeoutMs).emit('alert:triggered', record, (err: Error | null, received: boolean) => {
        resolve(!err && received === true);
      });
    });
  }
}
