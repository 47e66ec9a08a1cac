import { Fragment, useState } from 'react';
import {
  DELIVERY_STATUS_LABELS,
  EVIDENCE_VALUE_LABELS,
  METHOD_LABELS,
  formatNumber,
  type NotificationRecord,
} from '@tickwatch/shared';
import { formatMoment } from '../../format';

/** Shows a fire on the price chart; the answer is why it cannot be shown, or null when it is. */
export type ShowOnChart = (record: NotificationRecord) => string | null;

const formatTime = (epochMs: number) => formatMoment(epochMs, Date.now());
const valueLabel = (name: string) =>
  name in EVIDENCE_VALUE_LABELS ? EVIDENCE_VALUE_LABELS[name as keyof typeof EVIDENCE_VALUE_LABELS] : name;

/**
 * The whole of one fire: its full message, time, price, channel and delivery (what a one-line row or a narrow card
 * leaves out), then why it fired, from the evidence its record keeps: the tick, the compared value (from what it was
 * before, for a crossing), the level, the indicator or fundamental values, and the condition as it was worded then.
 */
export function FireDetails({ record, onShowOnChart }: { record: NotificationRecord; onShowOnChart?: ShowOnChart }) {
  const [chartNote, setChartNote] = useState<string | null>(null);
  const evidence = record.evidence;
  return (
    <div className="nh-evidence" data-testid="history-evidence">
      <dl>
        <dt>Message</dt>
        <dd data-testid="details-message">{record.message}</dd>
        <dt>Fired</dt>
        <dd>
          <time dateTime={new Date(record.triggered_at).toISOString()}>{formatTime(record.triggered_at)}</time>
          {' at '}
          {formatNumber(record.current_price)}
        </dd>
        <dt>Channel</dt>
        <dd data-testid="details-channel">{METHOD_LABELS[record.notification_method]}</dd>
        <dt>Delivery</dt>
        <dd data-testid="details-delivery">
          {DELIVERY_STATUS_LABELS[record.delivery_status]}
          {record.delivery_status === 'failed' ? `: ${record.failure_reason ?? 'no reason given'}` : null}
        </dd>
      </dl>
      {evidence ? (
        <dl>
          <dt>Condition</dt>
          <dd data-testid="evidence-condition">{evidence.condition}</dd>
          <dt>Tick</dt>
          <dd data-testid="evidence-tick">
            {formatNumber(evidence.tick.price)} at{' '}
            <time dateTime={new Date(evidence.tick.timestamp).toISOString()}>
              {formatTime(evidence.tick.timestamp)}
            </time>
          </dd>
          <dt>{evidence.before === null ? 'Value' : 'Value (before → at)'}</dt>
          <dd data-testid="evidence-value">
            {evidence.before === null
              ? formatNumber(evidence.value)
              : `${formatNumber(evidence.before)} → ${formatNumber(evidence.value)}`}
          </dd>
          <dt>Level</dt>
          <dd data-testid="evidence-level">{formatNumber(evidence.level)}</dd>
          {Object.entries(evidence.values ?? {}).map(([name, value]) => (
            <Fragment key={name}>
              <dt>{valueLabel(name)}</dt>
              <dd data-testid={`evidence-${name}`}>{formatNumber(value)}</dd>
            </Fragment>
          ))}
        </dl>
      ) : (
        <p className="muted" data-testid="evidence-missing">
          This fire was recorded before Tickwatch kept the evidence of fires: its message is all there is.
        </p>
      )}
      {onShowOnChart ? (
        <button type="button" data-testid="history-show-on-chart" onClick={() => setChartNote(onShowOnChart(record))}>
          Show on chart
        </button>
      ) : null}
      {chartNote ? (
        <p className="muted" role="status" data-testid="history-chart-note">
          {chartNote}
        </p>
      ) : null}
    </div>
  );
}
