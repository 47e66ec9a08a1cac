import { useCallback, useEffect, useState } from 'react';
import type { Alert, AlertDefinitionInput } from '@tickwatch/shared';
import type { Api } from '../../api/http';

export interface AlertsState {
  alerts: Alert[];
  loading: boolean;
  error: string | null;
  reload(): Promise<void>;
  create(definition: AlertDefinitionInput): Promise<Alert>;
  update(alertId: string, patch: Record<string, unknown>): Promise<Alert>;
  remove(alertId: string): Promise<void>;
}

/** The user's alerts, newest first; writes update the list from the server's answer. */
export function useAlerts(api: Api): AlertsState {
  const [alerts, setAlerts] = useState<Alert[]>([]);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<string | null>(null);

  const reload = useCallback(async () => {
    try {
      const all: Alert[] = [];
      let cursor: string | undefined;
      do {
        const page = await api.alerts(cursor);
        all.push(...page.items);
        cursor = page.nextCursor;
      } while (cursor);
      setAlerts(all);
      setError(null);
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setLoading(false);
    }
  }, [api]);

  useEffect(() => {
    void reload();
  }, [reload]);

  const create = useCallback(
    async (definition: AlertDefinitionInput) => {
      const alert = await api.createAlert(definition);
      setAlerts((current) => [alert, ...current]);
      return alert;
    },
    [api],
  );
  const update = useCallback(
    async (alertId: string, patch: Record<string, unknown>) => {
      const alert = await api.updateAlert(alertId, patch);
      setAlerts((current) => current.map((a) => (a.alert_id === alertId ? alert : a)));
      return alert;
    },
    [api],
  );
  const remove = useCallback(
    async (alertId: string) => {
      await api.deleteAlert(alertId);
      setAlerts((current) => current.filter((a) => a.alert_id !== alertId));
    },
    [api],
  );
  return { alerts, loading, error, reload, create, update, remove };
}
