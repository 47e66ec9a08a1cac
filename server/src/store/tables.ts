import type { CreateTableCommandInput } from '@aws-sdk/client-dynamodb';

/**
 * The three tables exactly as designed in the seed (shared/seed/000_*.txt). Provisioning, the embedded store and
 * the schema test all read these definitions; nothing else describes a table.
 */
export const TABLE_NAMES = {
  alerts: 'alert_configurations',
  ticks: 'realtime_ticks',
  notifications: 'alert_notifications_history',
  /** Extension to the seed (docs/storage.md): per-symbol data that fundamental conditions need. */
  fundamentals: 'symbol_fundamentals',
  /** Extension to the seed (docs/storage.md): where each user's email and SNS notifications go. */
  userSettings: 'user_settings',
} as const;
export type TableKey = keyof typeof TABLE_NAMES;

/** Set (to the record's user_id) only while a history record is pending: the key of the sparse UndeliveredIndex. */
export const UNDELIVERED_ATTRIBUTE = 'undelivered_user';
export const UNDELIVERED_INDEX = 'UndeliveredIndex';

export interface TableDefinition {
  create: Omit<CreateTableCommandInput, 'TableName'>;
  /** Attribute DynamoDB's TTL deletes by, if any. */
  ttlAttribute?: string;
}

export const TABLE_DEFINITIONS: Record<TableKey, TableDefinition> = {
  alerts: {
    create: {
      AttributeDefinitions: [
        { AttributeName: 'alert_id', AttributeType: 'S' },
        { AttributeName: 'symbol', AttributeType: 'S' },
        { AttributeName: 'user_id', AttributeType: 'S' },
        { AttributeName: 'created_at', AttributeType: 'N' },
      ],
      KeySchema: [{ AttributeName: 'alert_id', KeyType: 'HASH' }],
      BillingMode: 'PAY_PER_REQUEST',
      GlobalSecondaryIndexes: [
        {
          IndexName: 'SymbolIndex',
          KeySchema: [
            { AttributeName: 'symbol', KeyType: 'HASH' },
            { AttributeName: 'user_id', KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'ALL' },
        },
        {
          IndexName: 'UserIndex',
          KeySchema: [
            { AttributeName: 'user_id', KeyType: 'HASH' },
            { AttributeName: 'created_at', KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'ALL' },
        },
      ],
    },
  },
  ticks: {
    create: {
      AttributeDefinitions: [
        { AttributeName: 'symbol', AttributeType: 'S' },
        { AttributeName: 'timestamp', AttributeType: 'N' },
      ],
      KeySchema: [
        { AttributeName: 'symbol', KeyType: 'HASH' },
        { AttributeName: 'timestamp', KeyType: 'RANGE' },
      ],
      BillingMode: 'PAY_PER_REQUEST',
    },
    ttlAttribute: 'ttl',
  },
  notifications: {
    create: {
      AttributeDefinitions: [
        { AttributeName: 'user_id', AttributeType: 'S' },
        { AttributeName: 'triggered_at', AttributeType: 'N' },
        { AttributeName: UNDELIVERED_ATTRIBUTE, AttributeType: 'S' },
      ],
      KeySchema: [
        { AttributeName: 'user_id', KeyType: 'HASH' },
        { AttributeName: 'triggered_at', KeyType: 'RANGE' },
      ],
      GlobalSecondaryIndexes: [
        {
          // Extension to the seed (docs/storage.md): a sparse index of the records still pending, the outbox that
          // start-up and a reconnecting dashboard read instead of whole partitions.
          IndexName: UNDELIVERED_INDEX,
          KeySchema: [
            { AttributeName: UNDELIVERED_ATTRIBUTE, KeyType: 'HASH' },
            { AttributeName: 'triggered_at', KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'ALL' },
        },
      ],
      BillingMode: 'PAY_PER_REQUEST',
    },
  },
  fundamentals: {
    create: {
      AttributeDefinitions: [{ AttributeName: 'symbol', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'symbol', KeyType: 'HASH' }],
      BillingMode: 'PAY_PER_REQUEST',
    },
  },
  userSettings: {
    create: {
      AttributeDefinitions: [{ AttributeName: 'user_id', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'user_id', KeyType: 'HASH' }],
      BillingMode: 'PAY_PER_REQUEST',
    },
  },
};

/** Seconds a tick is kept: the seed's 24 h TTL. */
export const TICK_TTL_SECONDS = 86_400;

export type TableNames = Record<TableKey, string>;

export function tableNames(prefix: string): TableNames {
  return {
    alerts: prefix + TABLE_NAMES.alerts,
    ticks: prefix + TABLE_NAMES.ticks,
    notifications: prefix + TABLE_NAMES.notifications,
    fundamentals: prefix + TABLE_NAMES.fundamentals,
    userSettings: prefix + TABLE_NAMES.userSettings,
  };
}
