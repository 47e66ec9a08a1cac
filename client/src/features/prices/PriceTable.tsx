import type { LivePrices } from './useLivePrices';

const priceFormat = new Intl.NumberFormat(undefined, { minimumFractionDigits: 2, maximumFractionDigits: 4 });
const timeFormat = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit' });

export function PriceTable({ rows }: { rows: LivePrices['rows'] }) {
  if (rows.size === 0) {
    return <p className="empty">Waiting for the first prices…</p>;
  }
  const sorted = [...rows.values()].sort((a, b) => a.tick.symbol.localeCompare(b.tick.symbol));
  return (
    <table className="prices" aria-label="Live prices">
      <thead>
        <tr>
          <th scope="col">Symbol</th>
          <th scope="col">Last</th>
          <th scope="col">Change</th>
          <th scope="col">Volume</th>
          <th scope="col">Time</th>
        </tr>
      </thead>
      <tbody>
        {sorted.map(({ tick, first }) => {
          const change = tick.price - first;
          const direction = change > 0 ? 'up' : change < 0 ? 'down' : 'flat';
          return (
            <tr key={tick.symbol} data-testid={`price-row-${tick.symbol}`}>
              <th scope="row">{tick.symbol}</th>
              <td data-testid={`price-${tick.symbol}`} key={tick.timestamp} className="flash">
                {priceFormat.format(tick.price)}
              </td>
              <td className={direction}>
                {change >= 0 ? '+' : ''}
                {priceFormat.format(change)} ({first > 0 ? ((change / first) * 100).toFixed(2) : '0.00'}%)
              </td>
              <td>{tick.volume.toLocaleString()}</td>
              <td>
                <time dateTime={new Date(tick.timestamp).toISOString()}>{timeFormat.format(tick.timestamp)}</time>
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
