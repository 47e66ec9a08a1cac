import type { NotificationRecord } from '@tickwatch/shared';
import type { Dashboards } from '../notify/dashboards.js';
import type { TickServer, TickSocket } from './io.js';
import { userRoom } from './rooms.js';

/**
 * Delivery's view of the dashboards, on Socket.IO: a user's open tabs are the room `user:<id>` (so it works across
 * processes with an adapter), and a fire is shown with `alert:triggered`, which each tab acknowledges.
 */
export class SocketDashboards implements Dashboards {
  constructor(
    private readonly io: TickServer,
    private readonly ackTimeoutMs: number,
  ) {}

  show(record: NotificationRecord): Promise<boolean> {
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

  /** One tab (a replay); resolves true if it acknowledged in time. */
  showTo(socket: TickSocket, record: NotificationRecord): Promise<boolean> {
    return new Promise((resolve) => {
      socket.timeout(this.ackTimeoutMs).emit('alert:triggered', record, (err: Error | null, received: boolean) => {
        resolve(!err && received === true);
      });
    });
  }

  updated(record: NotificationRecord): void {
    this.io.to(userRoom(record.user_id)).emit('notification:updated', record);
  }
}
