import { Fragment, useEffect, useMemo, useRef, useState, type FormEvent, type InputHTMLAttributes } from 'react';
import { DELIVERY_STATUS_LABELS, METHOD_LABELS, formatNumber, type NotificationRecord } from '@tickwatch/shared';
import type { Api } from '../../api/http';
import { formatMoment } from '../../format';
import { FireDetails, type ShowOnChart } from './FireDetails';
import {
  describeFilter,
  mergeHistory,
  parseHistoryFilter,
  upsertRecords,
  type HistoryFilter,
  type HistoryFilterField,
  type HistoryFilterInput,
} from './history';
import './history.css';

const failureText = (r: NotificationRecord) => r.failure_reason ?? 'no reason given';

interface Loaded {
  items: NotificationRecord[];
  nextCursor?: string;
}

/**
 * Every fire of the user's alerts, newest first, page by page from `GET /api/notifications`, with the records
 * that arrive by socket (`live`: new fires and delivery updates) folded in so the table stays current. A row opens
 * to show why it fired, and `onShowOnChart` takes the trader to that moment on the chart.
 *
 * The same component sits in the narrow side panel and in the full-width view: history.css lays it out by its own
 * width (a container query), as a full table when there is room and as two-line cards with the price and channel
 * moved into the opened row when there is not.
 */
export function NotificationHistory({
  api,
  live,
  onShowOnChart,
}: {
  api: Api;
  live: NotificationRecord[];
  onShowOnChart?: ShowOnChart;
}) {
  const [draft, setDraft] = useState<HistoryFilterInput>({ symbol: '', from: '', to: '' });
  const [fieldErrors, setFieldErrors] = useState<Partial<Record<HistoryFilterField, string>>>({});
  const [filter, setFilter] = useState<HistoryFilter>({});
  const [loaded, setLoaded] = useState<Loaded | null>(null);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<string | null>(null);
  const [open, setOpen] = useState<ReadonlySet<string>>(() => new Set());
  // Answers for a filter that has since changed are dropped.
  const generation = useRef(0);

  useEffect(() => {
    const mine = ++generation.current;
    setLoaded(null);
    setLoading(true);
    setError(null);
    api
      .notifications(filter)
      .then((page) => {
        if (mine === generation.current) setLoaded({ items: page.items, nextCursor: page.nextCursor });
      })
      .catch((err: unknown) => {
        if (mine === generation.current) setError(`Could not load the history: ${(err as Error).message}`);
      })
      .finally(() => {
        if (mine === generation.current) setLoading(false);
      });
  }, [api, filter]);

  async function loadMore() {
    const cursor = loaded?.nextCursor;
    if (!cursor || loading) return;
    const mine = generation.current;
    setLoading(true);
    setError(null);
    try {
      const page = await api.notifications({ ...filter, cursor });
      if (mine !== generation.current) return;
      setLoaded((current) => ({ items: upsertRecords(current?.items ?? [], page.items), nextCursor: page.nextCursor }));
    } catch (err) {
      if (mine === generation.current) setError(`Could not load more: ${(err as Error).message}`);
    } finally {
      if (mine === generation.current) setLoading(false);
    }
  }

  function apply(event: FormEvent) {
    event.preventDefault();
    const parsed = parseHistoryFilter(draft);
    if (!parsed.ok) {
      setFieldErrors(parsed.errors);
      return;
    }
    setFieldErrors({});
    setDraft((current) => ({ ...current, symbol: parsed.filter.symbol ?? '' }));
    setFilter(parsed.filter);
  }

  const rows = useMemo(
    () => (loaded ? mergeHistory(loaded.items, live, filter, !loaded.nextCursor) : []),
    [loaded, live, filter],
  );
  const toggle = (id: string) =>
    setOpen((current) => {
      const next = new Set(current);
      if (!next.delete(id)) next.add(id);
      return next;
    });
  // Rows say "14:32:05" for today: re-rendered with every live record, which is often enough to notice midnight.
  const now = Date.now();
  const filtered = filter.symbol !== undefined || filter.from !== undefined || filter.to !== undefined;

  const field = (
    name: HistoryFilterField,
    label: string,
    type: 'text' | 'datetime-local',
    extra: InputHTMLAttributes<HTMLInputElement> = {},
  ) => (
    <div className="nh-field">
      <label htmlFor={`history-${name}`}>{label}</label>
      <input
        id={`history-${name}`}
        data-testid={`history-${name}`}
        type={type}
        value={draft[name]}
        onChange={(e) => setDraft((current) => ({ ...current, [name]: e.target.value }))}
        aria-invalid={fieldErrors[name] ? true : undefined}
        aria-describedby={fieldErrors[name] ? `history-${name}-error` : undefined}
        {...extra}
      />
      {fieldErrors[name] ? (
        <span className="nh-field-error" id={`history-${name}-error`} data-testid={`history-${name}-error`}>
          {fieldErrors[name]}
        </span>
      ) : null}
    </div>
  );

  return (
    <div className="nh-history" data-testid="history">
      <form className="nh-filters" onSubmit={apply} aria-label="Filter history" noValidate>
        {field('symbol', 'Symbol', 'text', {
          placeholder: 'e.g. AAPL',
          autoCapitalize: 'characters',
          autoComplete: 'off',
          spellCheck: false,
          maxLength: 10,
        })}
        {field('from', 'From', 'datetime-local', { max: draft.to || undefined })}
        {field('to', 'To', 'datetime-local', { min: draft.from || undefined })}
        <button type="submit" data-testid="history-apply">
          Apply
        </button>
      </form>

      {error ? (
        <p className="error" role="alert" data-testid="history-error">
          {error}
        </p>
      ) : null}

      <table className="nh-table" data-testid="history-table" aria-busy={loading}>
        <caption>Fired alerts, newest first{describeFilter(filter, now)}</caption>
        <colgroup>
          <col className="nh-col-time" />
          <col className="nh-col-symbol" />
          <col />
          <col className="nh-col-price" />
          <col className="nh-col-channel" />
          <col className="nh-col-status" />
        </colgroup>
        <thead>
          <tr>
            <th scope="col">Time</th>
            <th scope="col">Symbol</th>
            <th scope="col">Message</th>
            <th scope="col" className="nh-num nh-lesser">
              Price
            </th>
            <th scope="col" className="nh-lesser">
              Channel
            </th>
            <th scope="col">Delivery</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <Fragment key={r.notification_id}>
              <tr data-testid="history-row" data-notification-id={r.notification_id}>
                <td className="nh-time">
                  <button
                    type="button"
                    className="nh-expand"
                    data-testid="history-expand"
                    aria-expanded={open.has(r.notification_id)}
                    aria-controls={`history-details-${r.notification_id}`}
                    aria-label={`Why ${r.symbol} fired`}
                    onClick={() => toggle(r.notification_id)}
                  >
                    <span aria-hidden="true">{open.has(r.notification_id) ? '▾' : '▸'}</span>
                  </button>
                  <time dateTime={new Date(r.triggered_at).toISOString()} data-testid="history-time">
                    {formatMoment(r.triggered_at, now)}
                  </time>
                </td>
                <td className="nh-symbol">{r.symbol}</td>
                <td className="nh-message" title={r.message} data-testid="history-message">
                  {r.message}
                </td>
                <td className="nh-num nh-lesser">{formatNumber(r.current_price)}</td>
                <td className="nh-lesser" data-testid="history-channel">
                  {METHOD_LABELS[r.notification_method]}
                </td>
                <td className="nh-delivery">
                  <span
                    className={`nh-status nh-${r.delivery_status}`}
                    data-testid="history-status"
                    data-status={r.delivery_status}
                  >
                    {DELIVERY_STATUS_LABELS[r.delivery_status]}
                  </span>
                  {r.delivery_status === 'failed' ? (
                    <span className="nh-failure" data-testid="history-failure" title={failureText(r)}>
                      {failureText(r)}
                    </span>
                  ) : null}
                </td>
              </tr>
              {open.has(r.notification_id) ? (
                <tr id={`history-details-${r.notification_id}`} className="nh-details" data-testid="history-details">
                  <td colSpan={6}>
                    <FireDetails record={r} {...(onShowOnChart ? { onShowOnChart } : {})} />
                  </td>
                </tr>
              ) : null}
            </Fragment>
          ))}
        </tbody>
      </table>

      {loaded && rows.length === 0 ? (
        <p className="empty" data-testid="history-empty">
          {filtered ? 'No alerts fired that match these filters.' : 'No alerts have fired yet.'}
        </p>
      ) : null}
      {loading ? (
        <p className="muted" role="status" data-testid="history-loading">
          Loading…
        </p>
      ) : null}
      {loaded?.nextCursor ? (
        <button
          type="button"
          className="nh-more"
          data-testid="history-more"
          onClick={() => void loadMore()}
          disabled={loading}
        >
          Load more
        </button>
      ) : null}
    </div>
  );
}
