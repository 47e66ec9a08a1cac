import { useEffect, useMemo, useState } from 'react';
import type { Tick } from '@tickwatch/shared';
import { connectSocket } from '../api/socket';
import { formatWidgetPrice, MAX_WIDGET_SYMBOLS, parseWidgetQuery } from './query';
import './widget.css';

type Link = 'connecting' | 'live' | 'reconnecting';
const LINK_LABEL: Record<Link, string> = { connecting: 'Connecting', live: 'Live', reconnecting: 'Reconnecting' };

interface Quote {
  price: number;
  direction: 'up' | 'down' | 'flat';
}

/**
 * The embeddable price list at `/widget?symbols=AAPL,MSFT&theme=light|dark` (docs/widget.md): an anonymous socket,
 * subscribed again on every connect, and one row per symbol updated from conflated `ticks` frames.
 */
export function Widget() {
  const query = useMemo(() => parseWidgetQuery(window.location.search), []);
  const [quotes, setQuotes] = useState<ReadonlyMap<string, Quote>>(() => new Map());
  const [link, setLink] = useState<Link>('connecting');
  const symbolKey = query.symbols.join(',');
  // Framed, the widget is see-through and takes the host page's colour; opened on its own it paints its theme's
  // background, or dark text would sit on the browser's white (docs/widget.md).
  const standalone = window.top === window;

  useEffect(() => {
    if (!symbolKey) return;
    const symbols = symbolKey.split(',');
    const wanted = new Set(symbols);
    const socket = connectSocket(null);
    // A reconnected socket starts with no subscriptions (docs/socket-api.md).
    const subscribe = () => {
      setLink('live');
      socket.emit('ticks:subscribe', symbols, () => {});
    };
    const lost = () => setLink('reconnecting');
    const onTicks = (frame: Tick[]) =>
      setQuotes((current) => {
        let next: Map<string, Quote> | null = null;
        for (const tick of frame) {
          if (!wanted.has(tick.symbol)) continue;
          next ??= new Map(current);
          const previous = next.get(tick.symbol);
          const direction =
            !previous || previous.price === tick.price
              ? (previous?.direction ?? 'flat')
              : tick.price > previous.price
                ? 'up'
                : 'down';
          next.set(tick.symbol, { price: tick.price, direction });
        }
        return next ?? current;
      });
    socket.on('connect', subscribe);
    socket.on('disconnect', lost);
    socket.on('connect_error', lost);
    socket.on('ticks', onTicks);
    return () => {
      socket.off('connect', subscribe);
      socket.off('disconnect', lost);
      socket.off('connect_error', lost);
      socket.off('ticks', onTicks);
      socket.disconnect();
    };
  }, [symbolKey]);

  return (
    <main
      className={`wg-root wg-${query.theme}${standalone ? ' wg-standalone' : ''}`}
      data-testid="widget"
      data-theme={query.theme}
      aria-label="Live prices"
    >
      {query.symbols.length > 0 ? (
        <>
          <p className={`wg-link wg-${link}`} role="status" data-testid="widget-status" data-state={link}>
            <span className="wg-dot" aria-hidden="true" />
            {LINK_LABEL[link]}
          </p>
          <ul className="wg-list">
            {query.symbols.map((symbol) => {
              const quote = quotes.get(symbol);
              return (
                <li key={symbol} className="wg-row" data-testid={`widget-row-${symbol}`}>
                  <span className="wg-symbol">{symbol}</span>
                  <span className={`wg-price wg-${quote?.direction ?? 'flat'}`} data-testid={`widget-price-${symbol}`}>
                    {quote ? formatWidgetPrice(quote.price) : '—'}
                  </span>
                </li>
              );
            })}
          </ul>
        </>
      ) : (
        <p className="wg-note" data-testid="widget-empty">
          No symbols: add <code>?symbols=AAPL,MSFT</code> to the address.
        </p>
      )}
      {query.invalid.length > 0 ? (
        <p className="wg-note" data-testid="widget-invalid">
          Not ticker symbols, skipped: {query.invalid.join(', ')}
        </p>
      ) : null}
      {query.extra.length > 0 ? (
        <p className="wg-note" data-testid="widget-extra">
          At most {MAX_WIDGET_SYMBOLS} symbols; left out: {query.extra.join(', ')}
        </p>
      ) : null}
      <footer className="wg-footer" data-testid="widget-footer">
        Powered by{' '}
        <a href="/" target="_blank" rel="noopener noreferrer">
          Tickwatch
        </a>
      </footer>
    </main>
  );
}
