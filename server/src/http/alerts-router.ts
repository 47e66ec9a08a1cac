import { Router } from 'express';
import { z } from 'zod';
import {
  alertDefinitionSchema,
  definitionOf,
  alertListQuerySchema,
  alertPatchSchema,
  conditionKey,
  type AlertDefinition,
  type AlertPage,
  type AlertPreview,
  type Fundamentals,
} from '@tickwatch/shared';
import type { AlertChanges } from '../engine/alert-changes.js';
import type { AlertEngine } from '../engine/alert-engine.js';
import { previewAlert, storedWindow } from '../engine/preview.js';
import type { FeedHealth } from '../market/feed-health.js';
import {
  VersionConflictError,
  newAlertItem,
  type AlertItem,
  type AlertsRepository,
} from '../store/alerts-repository.js';
import type { FundamentalsItem, FundamentalsRepository } from '../store/fundamentals-repository.js';
import type { TicksRepository } from '../store/ticks-repository.js';
import type { UserSettingsRepository } from '../store/user-settings-repository.js';
import { type Authenticator } from '../auth/authenticator.js';
import { identityOf, requireUser } from './require-user.js';
import { AppError, issuesFrom, notFound, validationFailed } from '../errors.js';
import { presentAlert } from './presenters.js';
import { parseOrThrow, withCursor } from './validate.js';

export interface AlertsRouterDeps {
  auth: Authenticator;
  alerts: AlertsRepository;
  settings: UserSettingsRepository;
  /** What the engine here knows of an alert (undefined for one another process of a cluster evaluates). */
  engine: Pick<AlertEngine, 'view'>;
  changes: AlertChanges;
  maxAlertsPerUser: number;
  /** What a draft is replayed over (`POST /alerts/preview`): the stored ticks and the symbol's fundamentals. */
  ticks: TicksRepository;
  fundamentals: FundamentalsRepository;
  /** Feed health, for each alert's `blind_since`. */
  health: Pick<FeedHealth, 'state'>;
  now?: () => number;
}

const idParams = z.object({ alert_id: z.uuid('must be an alert id') });
const PATCH_ATTEMPTS = 3;

/** CRUD on the caller's alerts. The user always comes from the verified token; another user's alert is a 404. */
export function alertsRouter({
  auth,
  alerts,
  settings,
  engine,
  changes,
  maxAlertsPerUser,
  ticks,
  fundamentals,
  health,
  now = Date.now,
}: AlertsRouterDeps): Router {
  const router = Router();
  router.use('/alerts', requireUser(auth));
  const present = (item: AlertItem) => {
    const at = now();
    return presentAlert(item, engine.view(item.alert_id), at, health.state(item.symbol, at));
  };

  /** An email, SNS or webhook alert with nowhere to send it would fail on its first fire: refuse it now instead. */
  async function assertTarget(userId: string, definition: AlertDefinition): Promise<void> {
    const method = definition.notification_method;
    if (method === 'websocket') return;
    const channels = await settings.channels(userId);
    if (method === 'email' && !channels.email) {
      throw validationFailed([
        { path: 'notification_method', message: 'set an email address in your notification channels first' },
      ]);
    }
    if (method === 'sns' && !channels.sns_target) {
      throw validationFailed([
        {
          path: 'notification_method',
          message: 'set an SNS phone number or topic in your notification channels first',
        },
      ]);
    }
    if (method === 'webhook' && (!channels.webhook_url || !channels.webhook_secret_set)) {
      throw validationFailed([
        {
          path: 'notification_method',
          message: 'set a webhook URL and generate its signing secret in your notification channels first',
        },
      ]);
    }
  }

  router.post('/alerts', async (req, res) => {
    const { userId } = identityOf(res);
    const definition = parseOrThrow(alertDefinitionSchema, req.body, 'body');
    await assertTarget(userId, definition);
    if ((await alerts.countByUser(userId)) >= maxAlertsPerUser) {
      throw new AppError(
        'conflict',
        409,
        `You already have ${maxAlertsPerUser} alerts, the most allowed; delete some first`,
      );
    }
    const item = newAlertItem(definition, userId, Math.floor(now() / 1000));
    await alerts.create(item);
    changes.changed(item);
    res.status(201).location(`/api/alerts/${item.alert_id}`).json(present(item));
  });

  // Reads only: a draft is never stored, whatever it is.
  router.post('/alerts/preview', async (req, res) => {
    const definition = parseOrThrow(alertDefinitionSchema, req.body, 'body');
    const gone = new AbortController();
    res.on('close', () => gone.abort());
    const stored = await fundamentals.get(definition.symbol);
    const preview: AlertPreview = await previewAlert({
      definition,
      signal: gone.signal,
      ...storedWindow(ticks, definition.symbol, now()),
      fundamentals: stored && metricsOf(stored),
    });
    if (!gone.signal.aborted) res.json(preview);
  });

  router.get('/alerts', async (req, res) => {
    const { userId } = identityOf(res);
    const query = parseOrThrow(alertListQuerySchema, req.query, 'query');
    const page = await withCursor(() => alerts.listByUser(userId, query.limit, query.cursor));
    const body: AlertPage = {
      items: page.items.map(present),
      ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}),
    };
    res.json(body);
  });

  router.get('/alerts/:alert_id', async (req, res) => {
    const { alert_id } = parseOrThrow(idParams, req.params, 'params');
    res.json(present(await ownedOrThrow(alerts, identityOf(res).userId, alert_id)));
  });

  router.patch('/alerts/:alert_id', async (req, res) => {
    const { userId } = identityOf(res);
    const { alert_id } = parseOrThrow(idParams, req.params, 'params');
    const patch = parseOrThrow(alertPatchSchema, req.body, 'body');
    // A fire bumps the version too, so a busy alert can move under us: re-read and merge again.
    for (let attempt = 1; ; attempt++) {
      const existing = await ownedOrThrow(alerts, userId, alert_id);
      const merged = mergePatch(definitionOf(existing), patch);
      if (patch.notification_method) await assertTarget(userId, merged);
      const rearm = conditionKey(merged) !== conditionKey(existing) || (merged.enabled && !existing.enabled);
      try {
        const updated = await alerts.replaceDefinition(
          userId,
          alert_id,
          existing.version,
          merged,
          Math.floor(now() / 1000),
          rearm,
        );
        changes.changed(updated, existing.symbol);
        res.json(present(updated));
        return;
      } catch (err) {
        if (!(err instanceof VersionConflictError) || attempt >= PATCH_ATTEMPTS) {
          if (err instanceof VersionConflictError)
            throw new AppError('conflict', 409, 'The alert changed while saving; try again');
          throw err;
        }
      }
    }
  });

  router.delete('/alerts/:alert_id', async (req, res) => {
    const { alert_id } = parseOrThrow(idParams, req.params, 'params');
    if (!(await alerts.deleteOwned(identityOf(res).userId, alert_id))) throw notFound('No such alert');
    changes.removed(alert_id);
    res.status(204).end();
  });

  return router;
}

function metricsOf({ symbol: _symbol, updated_at: _updatedAt, ...metrics }: FundamentalsItem): Fundamentals {
  return metrics;
}

async function ownedOrThrow(alerts: AlertsRepository, userId: string, alertId: string): Promise<AlertItem> {
  const item = await alerts.getOwned(userId, alertId);
  if (!item) throw notFound('No such alert');
  return item;
}

/** Applies a PATCH to a definition and validates the result as a whole, so errors name the fields as sent. */
function mergePatch(current: AlertDefinition, patch: z.infer<typeof alertPatchSchema>): AlertDefinition {
  if (patch.condition_type && patch.condition_type !== current.condition_type && !patch.condition) {
    throw validationFailed([{ path: 'condition', message: `a new condition_type needs its condition` }]);
  }
  const merged = {
    ...current,
    ...patch,
    // A partial condition is merged into the current one of the same type; a key set to null is removed.
    condition: !patch.condition
      ? current.condition
      : withoutNulls(
          (patch.condition_type ?? current.condition_type) === current.condition_type
            ? { ...current.condition, ...patch.condition }
            : patch.condition,
        ),
  };
  const result = alertDefinitionSchema.safeParse(merged);
  if (!result.success) throw validationFailed(issuesFrom(result.error), 'Invalid request body');
  return result.data;
}

function withoutNulls(condition: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(condition).filter(([, value]) => value !== null));
}
