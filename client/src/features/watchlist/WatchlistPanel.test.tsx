// @vitest-environment jsdom
import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanup, render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type { SymbolHealth } from '@tickwatch/shared';
import type { PriceRow, WatchlistState } from './useWatchlist';
import { WatchlistPanel } from './WatchlistPanel';

afterEach(cleanup);

/** The panel's one prop with state: a watchlist that adds for real in memory and answers health from `known`. */
function watchlistOf(known: Record<string, SymbolHealth>) {
  const symbols: string[] = [];
  const rows = new Map<string, PriceRow>();
  const state: WatchlistState = {
    symbols,
    rows,
    loading: false,
    error: null,
    add: vi.fn(async (symbol: string) => {
      symbols.push(symbol);
      rows.set(symbol, { symbol, last: null, dayOpen: null, health: known[symbol] ?? null });
    }),
    check: vi.fn(async (symbol: string) => known[symbol] ?? null),
    remove: vi.fn(async () => {}),
    latest: () => undefined,
  };
  return state;
}

describe('WatchlistPanel: adding a symbol', () => {
  it('says plainly when the feed does not carry it, and shows no stale warning or dash', async () => {
    const user = userEvent.setup();
    const watchlist = watchlistOf({
      XYZ: { symbol: 'XYZ', state: 'not_carried', since: null, last_trade_at: null },
    });
    const { rerender } = render(<WatchlistPanel watchlist={watchlist} selected={null} onSelect={() => {}} />);
    await user.type(screen.getByTestId('watchlist-input'), 'xyz');
    await user.click(screen.getByTestId('watchlist-add'));
    expect(await screen.findByText(/^The feed does not carry XYZ/)).toBeTruthy();
    expect(watchlist.check).toHaveBeenCalledWith('XYZ');
    rerender(<WatchlistPanel watchlist={{ ...watchlist }} selected={null} onSelect={() => {}} />);
    expect(screen.getByTestId('health-XYZ').className).toBe('wl-nofeed');
    expect(screen.getByTestId('price-XYZ').textContent).toBe('no price');
    expect(screen.getByTestId('watch-row-XYZ').textContent).not.toContain('—');
  });

  it('says nothing more for a symbol that is trading', async () => {
    const user = userEvent.setup();
    const watchlist = watchlistOf({ AAPL: { symbol: 'AAPL', state: 'live', since: null, last_trade_at: 1 } });
    render(<WatchlistPanel watchlist={watchlist} selected={null} onSelect={() => {}} />);
    await user.type(screen.getByTestId('watchlist-input'), 'AAPL');
    await user.click(screen.getByTestId('watchlist-add'));
    await vi.waitFor(() => expect(watchlist.add).toHaveBeenCalledWith('AAPL'));
    expect(screen.getByTestId('watchlist-note').hidden).toBe(true);
  });
});
