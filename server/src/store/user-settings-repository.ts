import { GetCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { ChannelSettings, FeedAlertSettings } from '@tickwatch/shared';

export type UserSettingsItem = ChannelSettings & { user_id: string; updated_at: number; watchlist?: string[] };

const NO_CHANNELS: ChannelSettings = { email: null, sns_target: null };

/** `user_settings`, an extension to the seed: one item per user with their notification targets. */
export class UserSettingsRepository {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  async channels(userId: string): Promise<ChannelSettings> {
    const { Item } = await this.doc.send(new GetCommand({ TableName: this.table, Key: { user_id: userId } }));
    const item = Item as Partial<UserSettingsItem> | undefined;
    return { email: item?.email ?? null, sns_target: item?.sns_target ?? null };
  }

  async watchlist(userId: string): Promise<string[] | undefined> {
    const { Item } = await this.doc.send(
      new GetCommand({ TableName: this.table, Key: { user_id: userId }, ProjectionExpression: 'watchlist' }),
    );
    return (Item as Partial<UserSettingsItem> | undefined)?.watchlist;
  }

  async setWatchlist(userId: string, symbols: string[], updatedAt: number): Promise<void> {
    await this.doc.send(
      new UpdateCommand({
        TableName: this.table,
        Key: { user_id: userId },
        UpdateExpression: 'SET watchlist = :w, updated_at = :u',
        ExpressionAttributeValues: { ':w': symbols, ':u': updatedAt },
      }),
    );
  }

  /** Sets the given fields only; returns the channels as now stored. */
  async updateChannels(userId: string, patch: Partial<ChannelSettings>, updatedAt: number): Promise<ChannelSettings> {
    const entries = Object.entries(patch).filter(([, v]) => v !== undefined);
    const names = Object.fromEntries([...entries.map(([k]) => [`#${k}`, k]), ['#updated_at', 'updated_at']]);
    const values = Object.fromEntries([...entries.map(([k, v]) => [`:${k}`, v]), [':updated_at', updatedAt]]);
    const sets = [...entries.map(([k]) => `#${k} = :${k}`), '#updated_at = :updated_at'];
    const { Attributes } = await this.doc.send(
      new UpdateCommand({
        TableName: this.table,
        Key: { user_id: userId },
        UpdateExpression: `SET ${sets.join(', ')}`,
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
        ReturnValues: 'ALL_NEW',
      }),
    );
    const item = Attributes as Partial<UserSettingsItem>;
    return { ...NO_CHANNELS, email: item.email ?? null, sns_target: item.sns_target ?? null };
  }

  /** The feed-blind notice setting (`feed_blind_minutes`), a separate attribute of the user's item. */
  async feedAlerts(userId: string): Promise<FeedAlertSettings> {
    const { Item } = await this.doc.send(
      new GetCommand({ TableName: this.table, Key: { user_id: userId }, ProjectionExpression: 'feed_blind_minutes' }),
    );
    const minutes: unknown = Item?.feed_blind_minutes;
    return { blind_minutes: typeof minutes === 'number' ? minutes : null };
  }

  async setFeedAlerts(userId: string, settings: FeedAlertSettings, updatedAt: number): Promise<void> {
    await this.doc.send(
      new UpdateCommand({
        TableName: this.table,
        Key: { user_id: userId },
        UpdateExpression: 'SET feed_blind_minutes = :m, updated_at = :u',
        ExpressionAttributeValues: { ':m': settings.blind_minutes, ':u': updatedAt },
      }),
    );
  }
}
