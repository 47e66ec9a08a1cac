import type { NotificationRecord } from '@tickwatch/shared';

/**
 * The dashboards a user has open, as delivery sees them. The realtime layer implements it; delivery never touches
 * sockets or rooms itself.
 */
export interface Dashboards {
  /**
   * Shows a fire on every open dashboard of its user, whatever the alert's method; resolves whether at least one
   * acknowledged it in time.
   */
  show(record: NotificationRecord): Promise<boolean>;
  /** Tells the user's open dashboards that a record's delivery status changed. */
  updated(record: NotificationRecord): void;
}
