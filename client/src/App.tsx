import { useMemo } from 'react';
import { connectSocket } from './api/socket';
import { PriceTable } from './features/prices/PriceTable';
import { useLivePrices } from './features/prices/useLivePrices';

const CONNECTION_LABEL = { connecting: 'Connecting…', live: 'Live', reconnecting: 'Reconnecting…', offline: 'Offline' };

export function App() {
  const socket = useMemo(connectSocket, []);
  const { connection, rows, error } = useLivePrices(socket);
  return (
    <div className="app">
      <header>
        <h1>Tickwatch</h1>
        <span className={`connection ${connection}`} data-testid="connection-state" role="status">
          {CONNECTION_LABEL[connection]}
        </span>
      </header>
      <main>
        {error ? (
          <p className="error" role="alert">
            {error}
          </p>
        ) : null}
        <PriceTable rows={rows} />
      </main>
    </div>
  );
}
