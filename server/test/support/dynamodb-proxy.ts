import { startPassThrough } from '../../src/bench/dynamodb-pass-through.js';

/** What the store answered, summed by table: units as its ConsumedCapacity said, and refused conditional writes. */
export interface StoreReports {
  units: Map<string, { read: number; write: number }>;
  conditionalFailures: Map<string, number>;
  /** Calls that consume capacity (control-plane calls such as DescribeTable are free and not counted). */
  calls: number;
}

export interface DynamoProxy {
  endpoint: string;
  reports(): StoreReports;
  close(): Promise<void>;
}

const READS = new Set(['GetItem', 'BatchGetItem', 'Query', 'Scan']);
const WRITES = new Set(['PutItem', 'UpdateItem', 'DeleteItem', 'BatchWriteItem']);

/**
 * A pass-through proxy in front of a DynamoDB endpoint that reads every answer's ConsumedCapacity as the store sent
 * it: the figures a server behind it should report, taken from the wire rather than from the SDK.
 */
export async function startDynamoProxy(target: string): Promise<DynamoProxy> {
  const reports: StoreReports = { units: new Map(), conditionalFailures: new Map(), calls: 0 };
  const proxy = await startPassThrough(
    target,
    (operation, request) => (status, answer) => note(reports, operation, request, status, answer!),
    { readAnswers: true },
  );
  return {
    endpoint: proxy.endpoint,
    reports: () => ({
      units: new Map([...reports.units].map(([table, u]) => [table, { ...u }])),
      conditionalFailures: new Map(reports.conditionalFailures),
      calls: reports.calls,
    }),
    close: () => proxy.close(),
  };
}

function note(reports: StoreReports, operation: string, request: Buffer, status: number, answer: Buffer): void {
  if (!READS.has(operation) && !WRITES.has(operation)) return;
  reports.calls += 1;
  let parsed: { ConsumedCapacity?: unknown; __type?: string };
  let input: { TableName?: string };
  try {
    parsed = JSON.parse(answer.toString('utf8')) as typeof parsed;
    input = JSON.parse(request.toString('utf8')) as typeof input;
  } catch {
    return;
  }
  if (status !== 200) {
    if (parsed.__type?.endsWith('ConditionalCheckFailedException') && input.TableName) {
      reports.conditionalFailures.set(input.TableName, (reports.conditionalFailures.get(input.TableName) ?? 0) + 1);
    }
    return;
  }
  const consumed = parsed.ConsumedCapacity;
  const entries = (Array.isArray(consumed) ? consumed : consumed ? [consumed] : []) as {
    TableName: string;
    CapacityUnits?: number;
  }[];
  for (const { TableName, CapacityUnits } of entries) {
    const sums = reports.units.get(TableName) ?? { read: 0, write: 0 };
    sums[READS.has(operation) ? 'read' : 'write'] += CapacityUnits ?? 0;
    reports.units.set(TableName, sums);
  }
}
