import type { DeliveryContext, DeliveryResult, NotificationChannel } from './channel.js';

/**
 * The `websocket` method: the trader's open dashboards. Every fire is shown on them anyway; for this method their
 * acknowledgement is the delivery. With no dashboard open the record stays pending, and the dashboard gets it by
 * replay when it next connects (whose acknowledgement then marks it sent).
 */
export class WebsocketChannel implements NotificationChannel {
  readonly method = 'websocket' as const;
  readonly deliveredByDashboard = true;

  async deliver(_record: unknown, context: DeliveryContext): Promise<DeliveryResult> {
    return (await context.shownOnDashboard)
      ? { status: 'sent', messageId: null }
      : { status: 'pending', reason: 'no dashboard open; it is shown when the user next connects' };
  }
}
