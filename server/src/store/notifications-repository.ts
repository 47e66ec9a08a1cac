import { GetCommand, PutCommand, QueryCommand, ScanCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { z } from 'zod';
import {
  DELIVERY_FAILURES,
  type DeliveryFailure,
  type DeliveryStatus,
  type NotificationRecord,
} from '@tickwatch/shared';
import type { PendingNotification } from './alerts-repository.js';
import { isConditionFailure } from './alerts-repository.js';
import { decodeCursor, encodeCursor } from './cursor.js';
import { SLOTS_PER_MS, atSlot, slotOf, slotsOf } from './history-slots.js';
import { UNDELIVERED_ATTRIBUTE, UNDELIVERED_INDEX } from './tables.js';
import { pages } from './pages.js';
import type { DocumentClient } from './document-client.js';

const cursorSchema = z.object({ user_id: z.string(), triggered_at: z.number() });

export interface NotificationQuery {
  limit: number;
  cursor?: string;
  symbol?: string;
  from?: number;
  to?: number;
}

export class NotificationsRepository {
  constructor(
    private readonly doc: DocumentClient,
    private readonly table: string,
  ) {}

  /**
   * Writes the record exactly once, however often it is called (a crash-recovery retry calls it again), in one call
   * unless it collides: the record tries the slots of its millisecond in an order fixed by its notification_id and
   * the slot its claim gave it (`slotsOf`), so a retry lands on its own record and recognises it. Only a collision
   * with another record of the user in the same millisecond costs a read and the next slot. `delivery` is the status
   * to write it with when its delivery already settled; an existing record is returned as stored.
   */
  async writeOnce(
    pending: PendingNotification,
    delivery: Pick<NotificationRecord, 'delivery_status' | 'message_id' | 'failure_id' | 'failure_reason'> = {
      delivery_status: 'pending',
      message_id: null,
    },
  ): Promise<NotificationRecord> {
    for (const slot of slotsOf(pending.notification_id, slotOf(pending.triggered_at))) {
      const record: NotificationRecord = { ...pending, triggered_at: atSlot(pending.triggered_at, slot), ...delivery };
      try {
        await this.doc.send(
          new PutCommand({
            TableName: this.table,
            // A pending record is in the outbox (UndeliveredIndex) until its delivery settles.
            Item:
              record.delivery_status === 'pending' ? { ...record, [UNDELIVERED_ATTRIBUTE]: record.user_id } : record,
            ConditionExpression: 'attribute_not_exists(triggered_at)',
          }),
        );
        return record;
      } catch (err) {
        if (!isConditionFailure(err)) throw err;
        // The slot is taken: by this very record (an earlier attempt), or by another fire of the same millisecond.
        const holder = await this.get(record.user_id, record.triggered_at);
        if (holder?.notification_id === pending.notification_id) return holder;
      }
    }
    throw new Error(`more than ${SLOTS_PER_MS} notifications for user ${pending.user_id} in one millisecond`);
  }

  async get(userId: string, triggeredAt: number): Promise<NotificationRecord | undefined> {
    const { Item } = await this.doc.send(
      new GetCommand({
        TableName: this.table,
        Key: { user_id: userId, triggered_at: triggeredAt },
        ConsistentRead: true,
      }),
    );
    return Item && toRecord(Item);
  }

  async setDelivery(
    userId: string,
    triggeredAt: number,
    update: { status: DeliveryStatus; messageId?: string | null; failure?: DeliveryFailure },
  ): Promise<void> {
    const sets = ['delivery_status = :s', 'message_id = :m'];
    const removes: string[] = [];
    if (update.failure) sets.push('failure_id = :fid', 'failure_reason = :f');
    else removes.push('failure_id', 'failure_reason');
    // A settled record leaves the outbox; a pending one stays in it.
    if (update.status !== 'pending') removes.push(UNDELIVERED_ATTRIBUTE);
    await this.doc.send(
      new UpdateCommand({
        TableName: this.table,
        Key: { user_id: userId, triggered_at: triggeredAt },
        UpdateExpression: `SET ${sets.join(', ')}${removes.length > 0 ? ` REMOVE ${removes.join(', ')}` : ''}`,
        ConditionExpression: 'attribute_exists(triggered_at)',
        ExpressionAttributeValues: {
          ':s': update.status,
          ':m': update.messageId ?? null,
          ...(update.failure ? { ':fid': update.failure, ':f': DELIVERY_FAILURES[update.failure] } : {}),
        },
      }),
    );
  }

  /** The user's records newest first; `from`/`to` in epoch ms (inclusive), optionally one symbol. */
  async list(userId: string, query: NotificationQuery): Promise<{ items: NotificationRecord[]; nextCursor?: string }> {
    const items: NotificationRecord[] = [];
    const startKey = query.cursor ? { ...decodeCursor(query.cursor, cursorSchema), user_id: userId } : undefined;
    const lower = query.from ?? 0;
    const upper = query.to === undefined ? Number.MAX_SAFE_INTEGER : Math.floor(query.to) + 0.999;
    if (lower > upper) return { items };
    // A cursor from another range ends the listing rather than being rejected by DynamoDB.
    const after = startKey?.triggered_at;
    if (after !== undefined && (after < lower || after > upper)) return { items };
    let more = false;
    const read = (key: Record<string, unknown> | undefined) =>
      this.doc.send(
        new QueryCommand({
          TableName: this.table,
          KeyConditionExpression: 'user_id = :u AND triggered_at BETWEEN :from AND :to',
          ...(query.symbol
            ? {
                FilterExpression: 'symbol = :s',
                ExpressionAttributeValues: { ':u': userId, ':from': lower, ':to': upper, ':s': query.symbol },
              }
            : { ExpressionAttributeValues: { ':u': userId, ':from': lower, ':to': upper } }),
          ScanIndexForward: false,
          Limit: query.limit - items.length,
          ExclusiveStartKey: key,
        }),
      );
    for await (const page of pages(read, startKey)) {
      items.push(...(page.Items ?? []).map(toRecord));
      more = page.LastEvaluatedKey !== undefined;
      if (!more || items.length >= query.limit) break;
    }
    const last = items.at(-1);
    return {
      items,
      ...(more && last ? { nextCursor: encodeCursor({ user_id: userId, triggered_at: last.triggered_at }) } : {}),
    };
  }

  /** Records newer than `afterTriggeredAt`, oldest first: what a reconnecting client missed. */
  async listNewerThan(userId: string, afterTriggeredAt: number, limit: number): Promise<NotificationRecord[]> {
    const { Items } = await this.doc.send(
      new QueryCommand({
        TableName: this.table,
        KeyConditionExpression: 'user_id = :u AND triggered_at > :t',
        ExpressionAttributeValues: { ':u': userId, ':t': afterTriggeredAt },
        ScanIndexForward: true,
        Limit: limit,
      }),
    );
    return (Items ?? []).map(toRecord);
  }

  /** The user's records still pending, whatever their age, oldest first (UndeliveredIndex). */
  async listUndelivered(userId: string, limit: number): Promise<NotificationRecord[]> {
    const { Items } = await this.doc.send(
      new QueryCommand({
        TableName: this.table,
        IndexName: UNDELIVERED_INDEX,
        KeyConditionExpression: '#u = :u',
        ExpressionAttributeNames: { '#u': UNDELIVERED_ATTRIBUTE },
        ExpressionAttributeValues: { ':u': userId },
        ScanIndexForward: true,
        Limit: limit,
      }),
    );
    return (Items ?? []).map(toRecord);
  }

  /** Every pending record of every user, page by page: the outbox, read at start-up. The index holds only these. */
  async *scanUndelivered(): AsyncGenerator<NotificationRecord[]> {
    const read = (startKey: Record<string, unknown> | undefined) =>
      this.doc.send(
        new ScanCommand({ TableName: this.table, IndexName: UNDELIVERED_INDEX, ExclusiveStartKey: startKey }),
      );
    for await (const page of pages(read)) yield (page.Items ?? []).map(toRecord);
  }
}

/** A stored item as the API shows it: the outbox key is bookkeeping, not part of the record. */
function toRecord(item: Record<string, unknown>): NotificationRecord {
  const { [UNDELIVERED_ATTRIBUTE]: _outbox, ...record } = item;
  return record as unknown as NotificationRecord;
}
