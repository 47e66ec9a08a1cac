import crypto from 'node:crypto';
import { DeleteCommand, GetCommand, PutCommand, QueryCommand, ScanCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { z } from 'zod';
import {
  ALERT_OPTION_FIELDS,
  CONDITION_TYPES,
  NOTIFICATION_METHODS,
  TRIGGER_MODES,
  fireEvidenceSchema,
  fundamentalConditionSchema,
  indicatorConditionSchema,
  priceChannelConditionSchema,
  priceMoveConditionSchema,
  priceThresholdConditionSchema,
  symbolSchema,
  userIdSchema,
  type AlertBookkeeping,
  type AlertDefinition,
  type NotificationRecord,
} from '@tickwatch/shared';
import { decodeCursor, encodeCursor } from './cursor.js';
import { pages } from './pages.js';
import type { DocumentClient } from './document-client.js';

/** A fire claimed in the alert item but not yet written to the history table (see docs/alerts.md). */
export type PendingNotification = Omit<NotificationRecord, 'delivery_status' | 'message_id'>;

/** An item of `alert_configurations`: the seed's attributes, the definition's options and the trigger state. */
export type AlertItem = AlertDefinition &
  AlertBookkeeping & {
    /** True while a level condition may fire; false after it fired until the condition is false again. */
    armed: boolean;
    /** Bumped by every write, so concurrent writers (API, several evaluators) cannot overwrite each other. */
    version: number;
    /** Epoch ms of the last fire's tick, for cooldowns across restarts. */
    last_fired_ms: number | null;
    /** Storage key of the tick of the last fire or re-arm recorded with one (see claimFire). */
    decided_at?: number;
    pending_notification?: PendingNotification;
  };

/** A new alert of `userId` as first stored: armed, never fired, version 1. */
export function newAlertItem(definition: AlertDefinition, userId: string, nowSeconds: number): AlertItem {
  return {
    ...definition,
    alert_id: crypto.randomUUID(),
    user_id: userId,
    created_at: nowSeconds,
    updated_at: nowSeconds,
    last_triggered: null,
    trigger_count: 0,
    armed: true,
    version: 1,
    last_fired_ms: null,
  };
}

export class VersionConflictError extends Error {
  override name = 'VersionConflictError';
}

const userCursorSchema = z.object({ alert_id: z.string(), user_id: z.string(), created_at: z.number() });

const pendingNotificationSchema = z.object({
  notification_id: z.string().min(1),
  user_id: userIdSchema,
  alert_id: z.string().min(1),
  symbol: symbolSchema,
  current_price: z.number(),
  threshold: z.number(),
  triggered_at: z.number(),
  notification_method: z.enum(NOTIFICATION_METHODS),
  condition_type: z.enum(CONDITION_TYPES),
  message: z.string(),
  evidence: fireEvidenceSchema.optional(),
});

const storedFields = {
  alert_id: z.string().min(1),
  user_id: userIdSchema,
  symbol: symbolSchema,
  notification_method: z.enum(NOTIFICATION_METHODS),
  enabled: z.boolean(),
  cooldown_seconds: z.number().int().nonnegative(),
  trigger_mode: z.enum(TRIGGER_MODES),
  expires_at: z.number().nullable(),
  note: z.string(),
  // Items stored before alerts had message templates have none: the standard sentence, as '' means.
  message: z.string().default(''),
  created_at: z.number(),
  updated_at: z.number(),
  last_triggered: z.number().nullable(),
  trigger_count: z.number().int().nonnegative(),
  armed: z.boolean(),
  version: z.number().int(),
  last_fired_ms: z.number().nullable(),
  decided_at: z.number().optional(),
  pending_notification: pendingNotificationSchema.optional(),
};

/**
 * What a stored item must be for the engine to run it. The API validated what it wrote, but the table also holds
 * what other tools, hand edits and partial writes left. Conditions go through their shared schemas; the other fields
 * are checked for what the engine relies on, without the API's defaults, which would make up a missing field instead
 * of refusing the item. About 1.5 µs an item: 0.15 s of a 100k-alert start-up.
 */
const storedAlertSchema = z.discriminatedUnion('condition_type', [
  z.object({ ...storedFields, condition_type: z.literal('price_threshold'), condition: priceThresholdConditionSchema }),
  z.object({ ...storedFields, condition_type: z.literal('indicator'), condition: indicatorConditionSchema }),
  z.object({ ...storedFields, condition_type: z.literal('fundamental'), condition: fundamentalConditionSchema }),
  z.object({ ...storedFields, condition_type: z.literal('price_move'), condition: priceMoveConditionSchema }),
  z.object({ ...storedFields, condition_type: z.literal('price_channel'), condition: priceChannelConditionSchema }),
]);

/**
 * Segments of the start-up Scan read at once (DynamoDB's parallel scan): each is its own chain of 1 MB pages, so a
 * store that serves requests in parallel (AWS, DynamoDB Local) serves them together. Loading 100k alerts from
 * DynamoDB Local on two cores took 15-17 s in one segment, 3.6-5.7 s in 8, 3.2-3.7 s in 16 and no less in 32; the
 * embedded store, which runs on this process's one thread, takes about the same however many.
 */
export const LOAD_SEGMENTS = 16;

/** A stored item that is not an alert the engine can run, and why. */
export interface InvalidAlertItem {
  alertId: unknown;
  issues: string[];
}

/** The part of a decision's update that records the tick it was made on and refuses it after a later one. */
function decidedAtClause(decidedAt: number | undefined): {
  set: string;
  condition: string;
  values: Record<string, number>;
} {
  if (decidedAt === undefined) return { set: '', condition: '', values: {} };
  return {
    set: ', decided_at = :d',
    condition: ' AND (attribute_not_exists(decided_at) OR decided_at < :d)',
    values: { ':d': decidedAt },
  };
}

/** An item as read back: one stored before alerts had message templates has none, which means '' (the standard one). */
function asAlertItem(item: Record<string, unknown>): AlertItem {
  return { message: '', ...item } as AlertItem;
}

/** The items of a page that are alerts the engine can run; each other one goes to `onInvalid`. */
function validItems(
  raw: Record<string, unknown>[] | undefined,
  onInvalid: (invalid: InvalidAlertItem) => void,
): AlertItem[] {
  const items: AlertItem[] = [];
  for (const item of raw ?? []) {
    const parsed = storedAlertSchema.safeParse(item);
    if (parsed.success) items.push(parsed.data);
    else {
      const issues = parsed.error.issues.map((issue) => `${issue.path.join('.') || '(item)'}: ${issue.message}`);
      onInvalid({ alertId: item.alert_id, issues });
    }
  }
  return items;
}

export class AlertsRepository {
  constructor(
    private readonly doc: DocumentClient,
    private readonly table: string,
  ) {}

  async create(item: AlertItem): Promise<void> {
    await this.doc.send(
      new PutCommand({ TableName: this.table, Item: item, ConditionExpression: 'attribute_not_exists(alert_id)' }),
    );
  }

  async get(alertId: string): Promise<AlertItem | undefined> {
    const { Item } = await this.doc.send(
      new GetCommand({ TableName: this.table, Key: { alert_id: alertId }, ConsistentRead: true }),
    );
    return Item && asAlertItem(Item);
  }

  /** The alert if it exists and belongs to `userId`; another user's alert is indistinguishable from none. */
  async getOwned(userId: string, alertId: string): Promise<AlertItem | undefined> {
    const item = await this.get(alertId);
    return item?.user_id === userId ? item : undefined;
  }

  /** The user's alerts, newest first, through UserIndex. */
  async listByUser(
    userId: string,
    limit: number,
    cursor?: string,
  ): Promise<{ items: AlertItem[]; nextCursor?: string }> {
    const result = await this.doc.send(
      new QueryCommand({
        TableName: this.table,
        IndexName: 'UserIndex',
        KeyConditionExpression: 'user_id = :u',
        ExpressionAttributeValues: { ':u': userId },
        ScanIndexForward: false,
        Limit: limit,
        ...(cursor ? { ExclusiveStartKey: this.userCursor(cursor, userId) } : {}),
      }),
    );
    return {
      items: (result.Items ?? []).map(asAlertItem),
      ...(result.LastEvaluatedKey ? { nextCursor: encodeCursor(result.LastEvaluatedKey) } : {}),
    };
  }

  async countByUser(userId: string): Promise<number> {
    let count = 0;
    const read = (startKey: Record<string, unknown> | undefined) =>
      this.doc.send(
        new QueryCommand({
          TableName: this.table,
          IndexName: 'UserIndex',
          KeyConditionExpression: 'user_id = :u',
          ExpressionAttributeValues: { ':u': userId },
          Select: 'COUNT',
          ExclusiveStartKey: startKey,
        }),
      );
    for await (const page of pages(read)) count += page.Count ?? 0;
    return count;
  }

  /**
   * Every alert, for loading the engine at start-up: a parallel Scan of LOAD_SEGMENTS segments. Each page's valid
   * items go to `onPage` as the page arrives; each invalid one to `onInvalid` instead, so one bad item costs that
   * alert and not the start-up.
   */
  async scanAll(onPage: (items: AlertItem[]) => void, onInvalid: (invalid: InvalidAlertItem) => void): Promise<void> {
    await Promise.all(
      Array.from({ length: LOAD_SEGMENTS }, async (_, segment) => {
        const read = (startKey: Record<string, unknown> | undefined) =>
          this.doc.send(
            new ScanCommand({
              TableName: this.table,
              Segment: segment,
              TotalSegments: LOAD_SEGMENTS,
              ExclusiveStartKey: startKey,
            }),
          );
        for await (const page of pages(read)) onPage(validItems(page.Items, onInvalid));
      }),
    );
  }

  /**
   * Every alert on one symbol, through SymbolIndex: how a process that takes over a symbol's shard loads its alerts
   * without scanning the table. The index is eventually consistent; a write it has not caught up with reaches the
   * engine through the cluster's change stream, and a claim against an old version reloads the alert.
   */
  async listBySymbol(symbol: string, onInvalid: (invalid: InvalidAlertItem) => void): Promise<AlertItem[]> {
    const read = (startKey: Record<string, unknown> | undefined) =>
      this.doc.send(
        new QueryCommand({
          TableName: this.table,
          IndexName: 'SymbolIndex',
          KeyConditionExpression: 'symbol = :s',
          ExpressionAttributeValues: { ':s': symbol },
          ExclusiveStartKey: startKey,
        }),
      );
    const items: AlertItem[] = [];
    for await (const page of pages(read)) items.push(...validItems(page.Items, onInvalid));
    return items;
  }

  /**
   * Replaces the definition of the caller's alert if nobody wrote it since `expectedVersion`. With `rearm` (a new
   * condition, or re-enabling) it starts armed, so a condition that is already true fires on the next tick.
   */
  async replaceDefinition(
    userId: string,
    alertId: string,
    expectedVersion: number,
    definition: AlertDefinition,
    updatedAt: number,
    rearm: boolean,
  ): Promise<AlertItem> {
    const names: Record<string, string> = { '#updated_at': 'updated_at', '#version': 'version', '#user_id': 'user_id' };
    const values: Record<string, unknown> = {
      ':updated_at': updatedAt,
      ':one': 1,
      ':u': userId,
      ':v': expectedVersion,
    };
    const sets = ['#updated_at = :updated_at', '#version = #version + :one'];
    if (rearm) {
      names['#armed'] = 'armed';
      values[':true'] = true;
      sets.push('#armed = :true');
    }
    for (const field of [...ALERT_OPTION_FIELDS, 'condition_type', 'condition'] as const) {
      names[`#${field}`] = field;
      values[`:${field}`] = definition[field];
      sets.push(`#${field} = :${field}`);
    }
    return this.conditionalUpdate({
      Key: { alert_id: alertId },
      UpdateExpression: `SET ${sets.join(', ')}`,
      ConditionExpression: '#user_id = :u AND #version = :v',
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: values,
    });
  }

  /** Deletes the caller's alert; false when there is no such alert of theirs. */
  async deleteOwned(userId: string, alertId: string): Promise<boolean> {
    try {
      await this.doc.send(
        new DeleteCommand({
          TableName: this.table,
          Key: { alert_id: alertId },
          ConditionExpression: 'user_id = :u',
          ExpressionAttributeValues: { ':u': userId },
        }),
      );
      return true;
    } catch (err) {
      if (isConditionFailure(err)) return false;
      throw err;
    }
  }

  /**
   * Claims one fire: counts it, disarms (level conditions), disables (trigger_mode once) and parks the history
   * record in the item, in one conditional write. Two evaluators racing for the same fire both expect the same
   * version; exactly one wins, the other gets VersionConflictError. With `decidedAt` (the tick's storage key) the
   * claim also needs every decision recorded so far to be about an earlier tick: a cluster's new shard owner that
   * evaluates a tick again, having loaded the alert as its previous owner left it, cannot record a second fire for
   * it, nor one on an earlier tick.
   */
  async claimFire(
    alertId: string,
    expectedVersion: number,
    fire: {
      lastTriggered: number;
      lastFiredMs: number;
      disarm: boolean;
      disable: boolean;
      pending: PendingNotification;
      decidedAt?: number;
    },
  ): Promise<AlertItem> {
    const decided = decidedAtClause(fire.decidedAt);
    return this.conditionalUpdate({
      Key: { alert_id: alertId },
      UpdateExpression:
        'SET last_triggered = :lt, last_fired_ms = :lf, trigger_count = trigger_count + :one, #version = #version + :one, ' +
        `pending_notification = :p, armed = :armed, enabled = :enabled${decided.set}`,
      // A parked record must reach the history table before the next fire may park its own.
      ConditionExpression: `#version = :v AND enabled = :true AND attribute_not_exists(pending_notification)${decided.condition}`,
      ExpressionAttributeNames: { '#version': 'version' },
      ExpressionAttributeValues: {
        ...decided.values,
        ':lt': fire.lastTriggered,
        ':lf': fire.lastFiredMs,
        ':one': 1,
        ':p': fire.pending,
        ':armed': !fire.disarm,
        ':enabled': !fire.disable,
        ':v': expectedVersion,
        ':true': true,
      },
    });
  }

  /** Re-arms a level alert whose condition went false after it fired; `decidedAt` as for claimFire. */
  async rearm(alertId: string, expectedVersion: number, decidedAt?: number): Promise<AlertItem> {
    const decided = decidedAtClause(decidedAt);
    return this.conditionalUpdate({
      Key: { alert_id: alertId },
      UpdateExpression: `SET armed = :true, #version = #version + :one${decided.set}`,
      ConditionExpression: `#version = :v${decided.condition}`,
      ExpressionAttributeNames: { '#version': 'version' },
      ExpressionAttributeValues: { ':true': true, ':one': 1, ':v': expectedVersion, ...decided.values },
    });
  }

  /** Disables an alert whose expiry has passed, so the store says what the API and the engine do. */
  async expire(alertId: string, expectedVersion: number): Promise<AlertItem> {
    return this.conditionalUpdate({
      Key: { alert_id: alertId },
      UpdateExpression: 'SET enabled = :false, #version = #version + :one',
      ConditionExpression: '#version = :v',
      ExpressionAttributeNames: { '#version': 'version' },
      ExpressionAttributeValues: { ':false': false, ':one': 1, ':v': expectedVersion },
    });
  }

  /** Forgets the parked record once it is safely in the history table; a no-op if already cleared. */
  async clearPending(alertId: string, notificationId: string): Promise<void> {
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.table,
          Key: { alert_id: alertId },
          UpdateExpression: 'REMOVE pending_notification',
          ConditionExpression: 'pending_notification.notification_id = :n',
          ExpressionAttributeValues: { ':n': notificationId },
        }),
      );
    } catch (err) {
      if (!isConditionFailure(err)) throw err;
    }
  }

  private async conditionalUpdate(
    input: Omit<ConstructorParameters<typeof UpdateCommand>[0], 'TableName' | 'ReturnValues'>,
  ): Promise<AlertItem> {
    try {
      const { Attributes } = await this.doc.send(
        new UpdateCommand({ TableName: this.table, ReturnValues: 'ALL_NEW', ...input }),
      );
      return asAlertItem(Attributes!);
    } catch (err) {
      if (isConditionFailure(err)) throw new VersionConflictError('alert changed or is gone');
      throw err;
    }
  }

  private userCursor(cursor: string, userId: string) {
    const key = decodeCursor(cursor, userCursorSchema);
    // A cursor is only valid for the user it was issued to.
    return { ...key, user_id: userId };
  }
}

export function isConditionFailure(err: unknown): boolean {
  return (err as Error | undefined)?.name === 'ConditionalCheckFailedException';
}
