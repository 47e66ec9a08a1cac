import type { ConsumedCapacity, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { TABLE_DEFINITIONS, UNDELIVERED_ATTRIBUTE, type TableKey, type TableNames } from './tables.js';

export type CapacityKind = 'read' | 'write';
/**
 * `reported`: the store's own ConsumedCapacity answer (AWS, DynamoDB Local, dynalite's table units).
 * `computed`: worked out here by DynamoDB's rules where the store says nothing (see `meterConsumedCapacity`).
 */
export type CapacitySource = 'reported' | 'computed';

export interface ConsumedUnits {
  table: TableKey;
  /** The DynamoDB API operation, e.g. `BatchWriteItem`. */
  operation: string;
  kind: CapacityKind;
  source: CapacitySource;
  units: number;
}

export type CapacityListener = (consumed: ConsumedUnits) => void;

/** The operations that consume capacity, by their API names, and which kind. */
const OPERATION_KINDS: ReadonlyMap<string, CapacityKind> = new Map([
  ['GetItem', 'read'],
  ['BatchGetItem', 'read'],
  ['Query', 'read'],
  ['Scan', 'read'],
  ['PutItem', 'write'],
  ['UpdateItem', 'write'],
  ['DeleteItem', 'write'],
  ['BatchWriteItem', 'write'],
]);

export interface MeterOptions {
  tables: TableNames;
  /**
   * The store reports table units but never index units (dynalite, the embedded store): index writes are computed.
   * AWS and DynamoDB Local report both.
   */
  computeIndexUnits: boolean;
}

/**
 * Asks DynamoDB for the capacity every call consumes (`ReturnConsumedCapacity: INDEXES`, so that index units are in
 * the total) and tells `listener`. The repositories' item calls go through this too: DocumentClient sends them on
 * this client. Add it before the client's first call: the client caches its resolved middleware (`cacheMiddleware`).
 *
 * What the store does not report is computed by DynamoDB's billing rules:
 * - a conditional write that fails is billed like the write (at least 1 unit) but answers with an error, not with
 *   ConsumedCapacity: 1 write unit (the size of the item it was checked against is not known here);
 * - with `computeIndexUnits`, a write to a table with global secondary indexes also writes each index the item is
 *   in, as many units as the table write (every index here projects ALL attributes). The alerts table's indexes hold
 *   every alert; the sparse UndeliveredIndex is written when the call names its key attribute (a record put pending,
 *   or its status settled), which is when DynamoDB writes it.
 */
export function meterConsumedCapacity(client: DynamoDBClient, options: MeterOptions, listener: CapacityListener): void {
  const tableOf = new Map(Object.entries(options.tables).map(([key, name]) => [name, key as TableKey]));
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const operation = operationName(context.commandName);
      const kind = operation && OPERATION_KINDS.get(operation);
      if (!operation || !kind) return next(args);
      const input = args.input as Record<string, unknown>;
      try {
        const result = await next({
          ...args,
          input: { ...input, ReturnConsumedCapacity: input.ReturnConsumedCapacity ?? 'INDEXES' },
        });
        const consumed = (result.output as { ConsumedCapacity?: ConsumedCapacity | ConsumedCapacity[] })
          .ConsumedCapacity;
        for (const entry of consumed === undefined ? [] : Array.isArray(consumed) ? consumed : [consumed]) {
          const table = entry.TableName === undefined ? undefined : tableOf.get(entry.TableName);
          const units = entry.CapacityUnits ?? 0;
          if (!table || units === 0) continue;
          listener({ table, operation, kind, source: 'reported', units });
          if (options.computeIndexUnits && kind === 'write') {
            const indexes = indexWrites(table, input);
            if (indexes > 0) listener({ table, operation, kind, source: 'computed', units: units * indexes });
          }
        }
        return result;
      } catch (err) {
        const table = typeof input.TableName === 'string' ? tableOf.get(input.TableName) : undefined;
        if (table && (err as { name?: string }).name === 'ConditionalCheckFailedException') {
          listener({ table, operation, kind, source: 'computed', units: 1 });
        }
        throw err;
      }
    },
    { step: 'initialize', name: 'tickwatchConsumedCapacity', override: true },
  );
}

function operationName(commandName: string | undefined): string | undefined {
  // Every call is the client's own command (`PutItemCommand`): DocumentClient sends lib-dynamodb's as those.
  return commandName?.replace(/Command$/, '');
}

/** How many of `table`'s global secondary indexes a write to it also writes (computeIndexUnits). */
function indexWrites(table: TableKey, input: Record<string, unknown>): number {
  const indexes = TABLE_DEFINITIONS[table].create.GlobalSecondaryIndexes ?? [];
  if (table !== 'notifications') return indexes.length;
  return mentions(input, UNDELIVERED_ATTRIBUTE) ? 1 : 0;
}

/** Whether a write call names `attribute`: in its item or its update's attribute names. */
function mentions(input: Record<string, unknown>, attribute: string): boolean {
  const item = input.Item as Record<string, unknown> | undefined;
  if (item && attribute in item) return true;
  const names = input.ExpressionAttributeNames as Record<string, string> | undefined;
  const expression = typeof input.UpdateExpression === 'string' ? input.UpdateExpression : '';
  return expression.includes(attribute) || Object.values(names ?? {}).includes(attribute);
}

/** Cumulative consumed units since start-up, by table, operation, kind and source; and a stream of each call's. */
export class CapacityMeter {
  private readonly sums = new Map<string, ConsumedUnits>();
  private readonly listeners = new Set<CapacityListener>();

  /** The meter's listener for `meterConsumedCapacity`. */
  readonly record: CapacityListener = (consumed) => {
    const key = `${consumed.table}|${consumed.operation}|${consumed.kind}|${consumed.source}`;
    const sum = this.sums.get(key);
    if (sum) sum.units += consumed.units;
    else this.sums.set(key, { ...consumed });
    for (const listener of this.listeners) listener(consumed);
  };

  onConsumed(listener: CapacityListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  totals(): ConsumedUnits[] {
    return [...this.sums.values()].map((sum) => ({ ...sum }));
  }
}
