// @vitest-environment jsdom
import { afterEach, describe, expect, it, vi } from 'vitest';
import { act, cleanup, render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type { FeedAlertSettings, FeedBlindNotice } from '@tickwatch/shared';
import type { Api } from '../../api/http';
import type { TickwatchSocket } from '../../api/socket';
import { formatClock } from '../../format';
import { FeedAlerts } from './FeedAlerts';

afterEach(cleanup);

/** The API's two feed-alert routes, keeping what was saved, and a socket whose `feed:blind` the test sends. */
function setUp(stored: FeedAlertSettings = { blind_minutes: null }) {
  let current = stored;
  const api = {
    feedAlerts: vi.fn(() => Promise.resolve(current)),
    setFeedAlerts: vi.fn((next: FeedAlertSettings) => {
      current = next;
      return Promise.resolve(next);
    }),
  };
  const handlers = new Map<string, (notice: FeedBlindNotice) => void>();
  const socket = {
    on: (event: string, handler: (notice: FeedBlindNotice) => void) => handlers.set(event, handler),
    off: (event: string) => handlers.delete(event),
  };
  render(<FeedAlerts api={api as unknown as Api} socket={socket as unknown as TickwatchSocket} />);
  const send = (notice: FeedBlindNotice) => act(() => handlers.get('feed:blind')!(notice));
  return { api, send, user: userEvent.setup() };
}

const field = (testId: string) => screen.getByTestId(testId) as HTMLInputElement;

describe('FeedAlerts', () => {
  it('shows the stored setting, and saves a new one from the keyboard', async () => {
    const { api, user } = setUp({ blind_minutes: 30 });
    await vi.waitFor(() => expect(field('feed-alert-enabled').checked).toBe(true));
    expect(field('feed-alert-minutes').value).toBe('30');
    await user.clear(field('feed-alert-minutes'));
    await user.type(field('feed-alert-minutes'), '5{Enter}');
    expect(api.setFeedAlerts.mock.calls).toEqual([[{ blind_minutes: 5 }]]);
    expect(screen.getByTestId('feed-alert-message').textContent).toBe('Saved: after 5 min');
  });

  it('turns the notice off with null', async () => {
    const { api, user } = setUp({ blind_minutes: 30 });
    await vi.waitFor(() => expect(field('feed-alert-enabled').checked).toBe(true));
    await user.click(field('feed-alert-enabled'));
    expect(field('feed-alert-minutes').disabled).toBe(true);
    await user.click(screen.getByTestId('feed-alert-save'));
    expect(api.setFeedAlerts.mock.calls).toEqual([[{ blind_minutes: null }]]);
    expect(screen.getByTestId('feed-alert-message').textContent).toBe('Feed alerts off');
  });

  it.each(['0', '1441', '2.5', ''])('refuses %j minutes and sends nothing', async (minutes) => {
    const { api, user } = setUp();
    await vi.waitFor(() => expect(field('feed-alert-enabled').disabled).toBe(false));
    await user.click(field('feed-alert-enabled'));
    await user.clear(field('feed-alert-minutes'));
    if (minutes) await user.type(field('feed-alert-minutes'), minutes);
    await user.click(screen.getByTestId('feed-alert-save'));
    expect(api.setFeedAlerts).not.toHaveBeenCalled();
    expect(screen.getByRole('alert').textContent).toBe('Minutes must be a whole number from 1 to 1440');
  });

  it('lists each feed-blind notice, newest first, until dismissed', async () => {
    const { send, user } = setUp();
    const since = Date.parse('2026-01-15T15:42:00.000Z');
    send({ symbol: 'AAPL', since, minutes: 5 });
    send({ symbol: 'MSFT', since, minutes: 5 });
    const texts = () => screen.queryAllByTestId('feed-notice').map((n) => n.querySelector('span')?.textContent);
    expect(texts()).toEqual([
      `MSFT has had no trade since ${formatClock(since)} (over 5 min).`,
      `AAPL has had no trade since ${formatClock(since)} (over 5 min).`,
    ]);
    await user.click(screen.getByRole('button', { name: 'Dismiss the notice about MSFT' }));
    expect(texts()).toEqual([`AAPL has had no trade since ${formatClock(since)} (over 5 min).`]);
  });
});
