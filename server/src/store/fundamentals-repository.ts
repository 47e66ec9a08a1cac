import { GetCommand, PutCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { Fundamentals } from '@tickwatch/shared';
import type { DocumentClient } from './document-client.js';

export type FundamentalsItem = Fundamentals & { symbol: string; updated_at: number };

/** `symbol_fundamentals`, the one table beyond the seed: what fundamental conditions need besides the price. */
export class FundamentalsRepository {
  constructor(
    private readonly doc: DocumentClient,
    private readonly table: string,
  ) {}

  async put(item: FundamentalsItem): Promise<void> {
    await this.doc.send(new PutCommand({ TableName: this.table, Item: item }));
  }

  async get(symbol: string): Promise<FundamentalsItem | undefined> {
    // Consistent: a cluster process reads a change another one just wrote.
    const { Item } = await this.doc.send(
      new GetCommand({ TableName: this.table, Key: { symbol }, ConsistentRead: true }),
    );
    return Item as FundamentalsItem | undefined;
  }

  async all(): Promise<FundamentalsItem[]> {
    const items: FundamentalsItem[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await this.doc.send(new ScanCommand({ TableName: this.table, ExclusiveStartKey: startKey }));
      items.push(...((page.Items ?? []) as FundamentalsItem[]));
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    return items;
  }
}
