import { useEffect, useRef, useState, type FormEvent, type MouseEvent } from 'react';
import { MAX_WATCHLIST, describeHealth, formatNumber, symbolSchema, type SymbolHealthState } from '@tickwatch/shared';
import { formatChange, formatClock, formatMoment, type Direction } from '../../format';
import type { PriceRow, WatchlistState } from './useWatchlist';
import { addedNote, awaitingFirstTrade } from './watchlist-wording';
import './watchlist.css';

/** "quiet since 10:42" today, "quiet since Nov 28 15:58" for an older moment. */
const sinceMoment = (ms: number) => formatMoment(ms, Date.now(), false);

/** What each feed-health state means, for the badge's tooltip. */
const HEALTH_TITLES: Record<SymbolHealthState, string> = {
  live: 'The feed is trading this symbol',
  quiet: 'No trade for a while though its market is open: the price may be out of date',
  never_seen: 'The server has had no trade of this symbol',
  not_carried: 'The feed does not stream this symbol: no price will come unless it is posted to the ingest API',
};

/**
 * The user's symbols with live prices: add (validated with the shared symbol schema), remove, and pick the one
 * the chart shows. Each row is selected by a click anywhere on it, or by its symbol button (Enter/Space).
 */
export function WatchlistPanel({
  watchlist,
  selected,
  onSelect,
}: {
  watchlist: WatchlistState;
  selected: string | null;
  onSelect: (symbol: string) => void;
}) {
  const [input, setInput] = useState('');
  const [formError, setFormError] = useState<string | null>(null);
  /** What the server said of the symbol just added, when it is not trading: a typo should not go unnoticed. */
  const [note, setNote] = useState<{ symbol: string; text: string } | null>(null);
  const [adding, setAdding] = useState(false);
  const [removing, setRemoving] = useState<string | null>(null);
  const inputRef = useRef<HTMLInputElement>(null);
  const listRef = useRef<HTMLTableSectionElement>(null);
  /** After a removal, where keyboard focus goes once the row has gone: the row that took its place, or the input. */
  const focusAfterRemove = useRef<string | null | undefined>(undefined);

  useEffect(() => {
    const target = focusAfterRemove.current;
    if (target === undefined) return;
    focusAfterRemove.current = undefined;
    const next = target ? listRef.current?.querySelector<HTMLElement>(`[data-testid="remove-${target}"]`) : null;
    (next ?? inputRef.current)?.focus();
  }, [watchlist.symbols]);

  async function add(event: FormEvent) {
    event.preventDefault();
    const symbol = input.trim().toUpperCase();
    const parsed = symbolSchema.safeParse(symbol);
    if (!parsed.success) {
      setFormError(`Symbol ${parsed.error.issues[0]?.message ?? 'is not valid'}`);
      inputRef.current?.focus();
      return;
    }
    if (watchlist.symbols.includes(parsed.data)) {
      setFormError(`${parsed.data} is already on your watchlist`);
      return;
    }
    if (watchlist.symbols.length >= MAX_WATCHLIST) {
      setFormError(`Your watchlist holds at most ${MAX_WATCHLIST} symbols: remove one first`);
      return;
    }
    setFormError(null);
    setNote(null);
    setAdding(true);
    try {
      const [health] = await Promise.all([watchlist.check(parsed.data), watchlist.add(parsed.data)]);
      const text = health ? addedNote(health, sinceMoment) : null;
      if (text) setNote({ symbol: parsed.data, text });
      setInput('');
    } catch {
      // useWatchlist keeps the message in watchlist.error, shown below.
    } finally {
      setAdding(false);
    }
  }

  async function remove(symbol: string) {
    const before = watchlist.symbols;
    const index = before.indexOf(symbol);
    const rest = before.filter((s) => s !== symbol);
    const neighbour = rest[index] ?? rest[index - 1] ?? null;
    setRemoving(symbol);
    if (note?.symbol === symbol) setNote(null);
    // The focused button goes with its row: keep keyboard users in the list (see the effect above).
    focusAfterRemove.current = neighbour;
    try {
      await watchlist.remove(symbol);
    } catch {
      focusAfterRemove.current = undefined;
      return; // shown through watchlist.error
    } finally {
      setRemoving(null);
    }
    if (symbol === selected && neighbour) onSelect(neighbour);
  }

  const rows = watchlist.symbols.flatMap((symbol) => {
    const row = watchlist.rows.get(symbol);
    return row ? [row] : [];
  });

  return (
    <div className="wl-panel">
      <h2 className="wl-heading">Watchlist</h2>
      <form className="wl-form" onSubmit={add} aria-label="Add symbol" noValidate>
        <label htmlFor="wl-input" className="wl-label">
          Add symbol
        </label>
        <div className="wl-form-row">
          <input
            id="wl-input"
            ref={inputRef}
            data-testid="watchlist-input"
            value={input}
            onChange={(e) => {
              setInput(e.target.value);
              setFormError(null);
            }}
            placeholder="e.g. AAPL"
            autoComplete="off"
            autoCapitalize="characters"
            spellCheck={false}
            maxLength={20}
            aria-invalid={formError ? true : undefined}
            aria-describedby={formError ? 'wl-input-error' : undefined}
          />
          <button type="submit" data-testid="watchlist-add" disabled={adding}>
            {adding ? 'Adding…' : 'Add'}
          </button>
        </div>
        {formError ? (
          <p id="wl-input-error" className="wl-error" role="alert" data-testid="watchlist-error">
            {formError}
          </p>
        ) : null}
        <p className="wl-note" role="status" data-testid="watchlist-note" hidden={!note}>
          {note?.text}
        </p>
      </form>

      {watchlist.error ? (
        <p className="wl-error" role="alert" data-testid="watchlist-server-error">
          {watchlist.error}
        </p>
      ) : null}

      {watchlist.loading && rows.length === 0 ? (
        <p className="wl-muted" role="status" data-testid="watchlist-loading">
          Loading your watchlist…
        </p>
      ) : rows.length === 0 ? (
        <p className="wl-muted" data-testid="watchlist-empty">
          Your watchlist is empty. Add a symbol such as AAPL to follow its price.
        </p>
      ) : (
        <table className="wl-table" data-testid="watchlist-table">
          <caption className="wl-sr-only">Watchlist prices. Choose a symbol to show its chart.</caption>
          <thead>
            <tr>
              <th scope="col">Symbol</th>
              <th scope="col">Last</th>
              <th scope="col">Change</th>
              <th scope="col">
                <span className="wl-sr-only">Remove</span>
              </th>
            </tr>
          </thead>
          <tbody ref={listRef}>
            {rows.map((row) => (
              <WatchRow
                key={row.symbol}
                row={row}
                selected={row.symbol === selected}
                removing={removing === row.symbol}
                onSelect={onSelect}
                onRemove={(symbol) => void remove(symbol)}
              />
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}

function WatchRow({
  row,
  selected,
  removing,
  onSelect,
  onRemove,
}: {
  row: PriceRow;
  selected: boolean;
  removing: boolean;
  onSelect: (symbol: string) => void;
  onRemove: (symbol: string) => void;
}) {
  const { symbol, last, dayOpen, health } = row;
  // No price because none is expected yet (not carried, never traded) is a fact to state, not a warning; a symbol
  // that traded and went quiet is the warning.
  const waiting = awaitingFirstTrade(health, last !== null);
  const blind = health !== null && health.state !== 'live' && !waiting;
  // Which way the last update moved the price, for the flash's colour (state from the previous render, the
  // pattern React documents for "adjusting state when a prop changes").
  const [seen, setSeen] = useState<{ timestamp: number; price: number } | null>(last);
  const [move, setMove] = useState<Direction | null>(null);
  if (last && last.timestamp !== seen?.timestamp) {
    setSeen({ timestamp: last.timestamp, price: last.price });
    setMove(!seen ? 'flat' : last.price > seen.price ? 'up' : last.price < seen.price ? 'down' : 'flat');
  }

  const change = last && dayOpen !== null ? formatChange(last.price, dayOpen) : null;
  const selectRow = (event: MouseEvent) => {
    // The buttons inside handle their own clicks.
    if ((event.target as HTMLElement).closest('button')) return;
    onSelect(symbol);
  };

  return (
    <tr
      data-testid={`watch-row-${symbol}`}
      className={`wl-row${selected ? ' wl-selected' : ''}${blind ? ' wl-row-stale' : ''}`}
      aria-current={selected ? 'true' : undefined}
      onClick={selectRow}
    >
      <th scope="row" className="wl-symbol">
        <button
          type="button"
          className="wl-select"
          aria-pressed={selected}
          data-testid={`select-${symbol}`}
          onClick={() => onSelect(symbol)}
        >
          {symbol}
        </button>
        {health ? (
          <span
            className={waiting ? 'wl-nofeed' : blind ? 'wl-stale' : 'wl-live'}
            data-testid={`health-${symbol}`}
            data-state={health.state}
            title={HEALTH_TITLES[health.state]}
          >
            {describeHealth(health, sinceMoment)}
          </span>
        ) : null}
      </th>
      <td className="wl-last">
        <span
          // A new key per trade remounts the cell, which restarts its CSS flash.
          key={last?.timestamp ?? 'none'}
          className={`wl-price${move ? ` wl-flash wl-flash-${move}` : ''}${last ? '' : ' wl-noprice'}`}
          data-testid={`price-${symbol}`}
        >
          {last ? formatNumber(last.price) : 'no price'}
        </span>
        {last ? (
          <time className="wl-time" dateTime={new Date(last.timestamp).toISOString()}>
            {formatClock(last.timestamp, true)}
          </time>
        ) : null}
      </td>
      <td className={`wl-change wl-${change?.direction ?? 'flat'}`} data-testid={`change-${symbol}`}>
        {change ? (
          <>
            <span className="wl-change-amount">{change.amount}</span>{' '}
            <span className="wl-change-percent">{change.percent}</span>
          </>
        ) : (
          <span className="wl-sr-only">no change</span>
        )}
      </td>
      <td className="wl-actions">
        <button
          type="button"
          className="wl-remove"
          aria-label={`Remove ${symbol}`}
          title={`Remove ${symbol}`}
          data-testid={`remove-${symbol}`}
          disabled={removing}
          onClick={() => onRemove(symbol)}
        >
          <span aria-hidden="true">×</span>
        </button>
      </td>
    </tr>
  );
}
