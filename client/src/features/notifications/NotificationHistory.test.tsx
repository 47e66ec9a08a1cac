// @vitest-environment jsdom
import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanup, render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type { NotificationPage, NotificationRecord } from '@tickwatch/shared';
import type { Api } from '../../api/http';
import { NotificationHistory } from './NotificationHistory';

afterEach(cleanup);

const T = Date.UTC(2026, 0, 15, 15, 0);

function record(id: string, patch: Partial<NotificationRecord> = {}): NotificationRecord {
  return {
    notification_id: id,
    user_id: 'alice',
    alert_id: 'a1',
    symbol: 'FUN',
    current_price: 140,
    threshold: 15,
    triggered_at: T,
    notification_method: 'websocket',
    delivery_status: 'sent',
    message_id: null,
    condition_type: 'fundamental',
    message: 'FUN P/E 14.00 is below 15.00 (price 140.00)',
    ...patch,
  };
}

const withEvidence = record('n2', {
  triggered_at: T + 1,
  evidence: {
    tick: { price: 140, timestamp: T + 1 },
    value: 14,
    level: 15,
    before: null,
    condition: 'FUN P/E below 15.00',
    values: { metric: 14, eps_ttm: 10 },
  },
});
const withoutEvidence = record('n1');

/** The history's only use of the API: one page holding these records. */
const api = (items: NotificationRecord[]) =>
  ({ notifications: () => Promise.resolve({ items } satisfies NotificationPage) }) as unknown as Api;

async function renderHistory(onShowOnChart?: (r: NotificationRecord) => string | null) {
  const user = userEvent.setup();
  render(
    <NotificationHistory
      api={api([withEvidence, withoutEvidence])}
      live={[]}
      {...(onShowOnChart ? { onShowOnChart } : {})}
    />,
  );
  const rows = await screen.findAllByTestId('history-row');
  return { user, rows };
}

describe('NotificationHistory: why a fire fired', () => {
  it('opens a row to show its evidence, with the named values, and closes it again', async () => {
    const { user, rows } = await renderHistory();
    const expand = within(rows[0]!).getByRole('button', { name: 'Why FUN fired' });
    expect(expand.getAttribute('aria-expanded')).toBe('false');
    expect(screen.queryByTestId('history-details')).toBeNull();

    await user.click(expand);
    expect(expand.getAttribute('aria-expanded')).toBe('true');
    const details = screen.getByTestId('history-details');
    expect(details.id).toBe(expand.getAttribute('aria-controls'));
    expect(within(details).getByTestId('evidence-condition').textContent).toBe('FUN P/E below 15.00');
    expect(within(details).getByTestId('evidence-value').textContent).toBe('14.00');
    expect(within(details).getByTestId('evidence-level').textContent).toBe('15.00');
    expect(within(details).getByTestId('evidence-metric').textContent).toBe('14.00');
    expect(within(details).getByTestId('evidence-eps_ttm').textContent).toBe('10.00');
    expect(within(details).getByText('EPS (TTM)')).toBeTruthy();
    expect(within(details).queryByTestId('history-show-on-chart')).toBeNull();

    await user.click(expand);
    expect(screen.queryByTestId('history-details')).toBeNull();
  });

  it('says when a record was kept without evidence', async () => {
    const { user, rows } = await renderHistory();
    await user.click(within(rows[1]!).getByTestId('history-expand'));
    expect(screen.getByTestId('evidence-missing')).toBeTruthy();
    expect(screen.queryByTestId('evidence-condition')).toBeNull();
  });

  it('hands the record to "Show on chart" and shows why it could not be shown', async () => {
    const show = vi.fn<(r: NotificationRecord) => string | null>().mockReturnValueOnce(null);
    show.mockReturnValueOnce('This fire is older than 24 hours, the longest the chart shows.');
    const { user, rows } = await renderHistory(show);
    await user.click(within(rows[0]!).getByTestId('history-expand'));
    const button = screen.getByTestId('history-show-on-chart');
    await user.click(button);
    expect(show).toHaveBeenCalledWith(withEvidence);
    expect(screen.queryByTestId('history-chart-note')).toBeNull();
    await user.click(button);
    expect(screen.getByTestId('history-chart-note').textContent).toBe(
      'This fire is older than 24 hours, the longest the chart shows.',
    );
  });
});

describe('NotificationHistory: one line per fire, in the product’s words', () => {
  it('keeps the whole message in the cell’s title and in the opened row', async () => {
    const { user, rows } = await renderHistory();
    const message = within(rows[0]!).getByTestId('history-message');
    expect(message.getAttribute('title')).toBe('FUN P/E 14.00 is below 15.00 (price 140.00)');
    await user.click(within(rows[0]!).getByTestId('history-expand'));
    expect(screen.getByTestId('details-message').textContent).toBe('FUN P/E 14.00 is below 15.00 (price 140.00)');
    expect(screen.getByTestId('details-channel').textContent).toBe('Dashboard');
  });

  it('names the channel and the delivery status with the shared labels, never the raw values', async () => {
    const failed = record('n3', {
      triggered_at: T + 2,
      notification_method: 'sns',
      delivery_status: 'failed',
      failure_reason: 'topic not found',
    });
    const pending = record('n4', { triggered_at: T + 3, notification_method: 'webhook', delivery_status: 'pending' });
    render(<NotificationHistory api={api([pending, failed, withoutEvidence])} live={[]} />);
    await screen.findAllByTestId('history-row');
    expect(screen.getAllByTestId('history-channel').map((c) => c.textContent)).toEqual([
      'Webhook',
      'SMS / SNS topic',
      'Dashboard',
    ]);
    expect(screen.getAllByTestId('history-status').map((c) => c.textContent)).toEqual(['sending', 'failed', 'sent']);
    expect(screen.getByTestId('history-failure').getAttribute('title')).toBe('topic not found');
  });

  it('filters by date and time, and says so in the caption', async () => {
    const user = userEvent.setup();
    const asked: unknown[] = [];
    const recording = {
      notifications: (params: unknown) => {
        asked.push(params);
        return Promise.resolve({ items: [] } satisfies NotificationPage);
      },
    } as unknown as Api;
    render(<NotificationHistory api={recording} live={[]} />);
    await screen.findByTestId('history-empty');
    const from = screen.getByTestId('history-from');
    expect(from.getAttribute('type')).toBe('datetime-local');
    await user.type(from, '2026-01-15T09:30');
    await user.type(screen.getByTestId('history-to'), '2026-01-15T10:00');
    await user.click(screen.getByTestId('history-apply'));
    await screen.findByText(/match these filters/);
    expect(asked.at(-1)).toEqual({
      from: new Date(2026, 0, 15, 9, 30).getTime(),
      to: new Date(2026, 0, 15, 10, 1).getTime() - 1,
    });
    expect(screen.getByRole('table').querySelector('caption')?.textContent).toMatch(/from .*09:30.*, to .*10:00/);
  });
});
