import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { ChannelSettings, FeedAlertSettings } from '@tickwatch/shared';
import type { DocumentClient } from './document-client.js';

type ChannelTargets = Omit<ChannelSettings, 'webhook_secret_set'>;

/**
 * A user's targets as delivery needs them: the webhook's signing secret too, which the API never shows. The
 * repository always fills every field; the webhook ones may be absent where a caller knows them to be unused.
 */
export type DeliveryTargets = ChannelTargets & { webhook_secret?: string | null };

export type UserSettingsItem = Partial<DeliveryTargets> & { user_id: string; updated_at: number; watchlist?: string[] };

/** `user_settings`, an extension to the seed: one item per user with their notification targets. */
export class UserSettingsRepository {
  constructor(
    private readonly doc: DocumentClient,
    private readonly table: string,
  ) {}

  async channels(userId: string): Promise<ChannelSettings> {
    return presentChannels(await this.deliveryTargets(userId));
  }

  async deliveryTargets(userId: string): Promise<DeliveryTargets> {
    const { Item } = await this.doc.send(new GetCommand({ TableName: this.table, Key: { user_id: userId } }));
    return targetsOf(Item as Partial<UserSettingsItem> | undefined);
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
  async updateChannels(userId: string, patch: Partial<ChannelTargets>, updatedAt: number): Promise<ChannelSettings> {
    return presentChannels(await this.update(userId, patch, updatedAt));
  }

  /** Replaces the user's webhook signing secret: the old one stops verifying with the next delivery. */
  async setWebhookSecret(userId: string, secret: string, updatedAt: number): Promise<void> {
    await this.update(userId, { webhook_secret: secret }, updatedAt);
  }

  private async update(userId: string, patch: Partial<DeliveryTargets>, updatedAt: number): Promise<DeliveryTargets> {
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
    return targetsOf(Attributes as Partial<UserSettingsItem>);
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

function targetsOf(item: Partial<UserSettingsItem> | undefined): DeliveryTargets {
  return {
    email: item?.email ?? null,
    sns_target: item?.sns_target ?? null,
    webhook_url: item?.webhook_url ?? null,
    webhook_secret: item?.webhook_secret ?? null,
  };
}

/** The targets as the API shows them: whether a webhook secret is set, never the secret. */
function presentChannels({ webhook_secret, ...targets }: DeliveryTargets): ChannelSettings {
  return { ...targets, webhook_secret_set: Boolean(webhook_secret) };
}
