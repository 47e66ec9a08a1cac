import {
  BatchWriteItemCommand,
  DeleteItemCommand,
  GetItemCommand,
  PutItemCommand,
  QueryCommand as RawQueryCommand,
  ScanCommand as RawScanCommand,
  UpdateItemCommand,
  type AttributeValue,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import {
  BatchWriteCommand,
  DeleteCommand,
  GetCommand,
  PutCommand,
  QueryCommand,
  ScanCommand,
  UpdateCommand,
  type BatchWriteCommandOutput,
  type DeleteCommandOutput,
  type GetCommandOutput,
  type PutCommandOutput,
  type QueryCommandOutput,
  type ScanCommandOutput,
  type UpdateCommandOutput,
} from '@aws-sdk/lib-dynamodb';
import { marshall, unmarshall, type NativeAttributeValue } from '@aws-sdk/util-dynamodb';

type NativeItem = Record<string, NativeAttributeValue>;
type StoredItem = Record<string, AttributeValue>;
/** A BatchWrite request, with its item or key in either form. */
interface WriteRequestOf<Item> {
  PutRequest?: { Item: Item | undefined };
  DeleteRequest?: { Key: Item | undefined };
}

/** What the repositories send: lib-dynamodb's item-level commands. */
export type DocumentCommand =
  GetCommand | PutCommand | UpdateCommand | DeleteCommand | QueryCommand | ScanCommand | BatchWriteCommand;

/**
 * Sends lib-dynamodb's commands (plain JavaScript values in and out) as the client's own item calls, through a
 * DynamoDBClient made with `cacheMiddleware: true`, so each kind of call resolves the SDK's middleware stack once.
 *
 * Why not lib-dynamodb's DynamoDBDocumentClient: it resolves the whole stack twice on every call (once for its own
 * command, once for the wrapped one) and refuses `cacheMiddleware` (its cached handler would keep the first call's
 * input; aws-sdk-js-v3 PR #7801 is open). That cost 0.1-0.16 ms of CPU per call here, 14-18 % of an item call to the
 * embedded store (`npm run bench:ingest`, its last line), paid three times by every alert fire. The values are
 * converted by util-dynamodb's `marshall`/`unmarshall`, with the options the document client was given before
 * (`removeUndefinedValues`), at the places lib-dynamodb converts them for the parameters the repositories use (keys,
 * items, expression values, start and last-evaluated keys, batch requests); the legacy parameters (`Expected`,
 * `KeyConditions`, `AttributeUpdates`, ...) and item collection metrics are not converted.
 */
export class DocumentClient {
  constructor(private readonly client: DynamoDBClient) {}

  send(command: GetCommand): Promise<GetCommandOutput>;
  send(command: PutCommand): Promise<PutCommandOutput>;
  send(command: UpdateCommand): Promise<UpdateCommandOutput>;
  send(command: DeleteCommand): Promise<DeleteCommandOutput>;
  send(command: QueryCommand): Promise<QueryCommandOutput>;
  send(command: ScanCommand): Promise<ScanCommandOutput>;
  send(command: BatchWriteCommand): Promise<BatchWriteCommandOutput>;
  async send(command: DocumentCommand): Promise<unknown> {
    if (command instanceof GetCommand) {
      const { Key, ...rest } = command.input;
      const output = await this.client.send(new GetItemCommand({ ...rest, Key: toStored(Key) }));
      return { ...output, Item: toNative(output.Item) };
    }
    if (command instanceof PutCommand) {
      const { Item, ExpressionAttributeValues, ...rest } = command.input;
      const output = await this.client.send(
        new PutItemCommand({ ...rest, Item: toStored(Item), ...values(ExpressionAttributeValues) }),
      );
      return { ...output, Attributes: toNative(output.Attributes) };
    }
    if (command instanceof UpdateCommand) {
      const { Key, ExpressionAttributeValues, ...rest } = command.input;
      const output = await this.client.send(
        new UpdateItemCommand({ ...rest, Key: toStored(Key), ...values(ExpressionAttributeValues) }),
      );
      return { ...output, Attributes: toNative(output.Attributes) };
    }
    if (command instanceof DeleteCommand) {
      const { Key, ExpressionAttributeValues, ...rest } = command.input;
      const output = await this.client.send(
        new DeleteItemCommand({ ...rest, Key: toStored(Key), ...values(ExpressionAttributeValues) }),
      );
      return { ...output, Attributes: toNative(output.Attributes) };
    }
    if (command instanceof QueryCommand || command instanceof ScanCommand) {
      const { ExclusiveStartKey, ExpressionAttributeValues, ...rest } = command.input;
      const input = {
        ...rest,
        ...values(ExpressionAttributeValues),
        ...(ExclusiveStartKey ? { ExclusiveStartKey: toStored(ExclusiveStartKey) } : {}),
      };
      const output = await this.client.send(
        command instanceof QueryCommand ? new RawQueryCommand(input) : new RawScanCommand(input),
      );
      return {
        ...output,
        Items: output.Items?.map((item) => toNative(item)),
        LastEvaluatedKey: toNative(output.LastEvaluatedKey),
      };
    }
    if (!(command instanceof BatchWriteCommand)) {
      throw new TypeError(`DocumentClient does not send ${(command as object).constructor.name}`);
    }
    const output = await this.client.send(
      new BatchWriteItemCommand({
        ...command.input,
        RequestItems: convertRequests(command.input.RequestItems, toStored),
      }),
    );
    return { ...output, UnprocessedItems: convertRequests(output.UnprocessedItems, toNative) };
  }
}

function toStored(item: NativeItem | undefined): StoredItem | undefined {
  return item && marshall(item, { removeUndefinedValues: true });
}

function toNative(item: StoredItem | undefined): NativeItem | undefined {
  return item && unmarshall(item);
}

function values(native: NativeItem | undefined): { ExpressionAttributeValues?: StoredItem } {
  return native ? { ExpressionAttributeValues: toStored(native) } : {};
}

/** A BatchWrite's requests (or its unprocessed ones) with each item and key converted. */
function convertRequests<From, To>(
  requests: Record<string, WriteRequestOf<From>[]> | undefined,
  convert: (item: From | undefined) => To | undefined,
): Record<string, WriteRequestOf<To>[]> | undefined {
  if (!requests) return undefined;
  return Object.fromEntries(
    Object.entries(requests).map(([table, list]) => [
      table,
      list.map(({ PutRequest, DeleteRequest }) => ({
        ...(PutRequest ? { PutRequest: { Item: convert(PutRequest.Item) } } : {}),
        ...(DeleteRequest ? { DeleteRequest: { Key: convert(DeleteRequest.Key) } } : {}),
      })),
    ]),
  );
}
