import { DescribeTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { TableKey, TableNames } from './tables.js';

export type TableSizes = Partial<Record<TableKey, { bytes: number; items: number }>>;

/**
 * Each table's size and item count as the store reports them (DescribeTable, a free control-plane call; AWS refreshes
 * the figures about every six hours). A table the store will not describe is left out.
 */
export async function tableSizes(client: DynamoDBClient, tables: TableNames): Promise<TableSizes> {
  const entries = await Promise.all(
    (Object.entries(tables) as [TableKey, string][]).map(async ([key, TableName]) => {
      try {
        const { Table } = await client.send(new DescribeTableCommand({ TableName }));
        return [[key, { bytes: Table?.TableSizeBytes ?? 0, items: Table?.ItemCount ?? 0 }]] as const;
      } catch {
        return [];
      }
    }),
  );
  return Object.fromEntries(entries.flat());
}
