import type { ConnectionState } from './useConnection';

const LABEL: Record<ConnectionState, string> = {
  connecting: 'Connecting…',
  live: 'Live',
  reconnecting: 'Reconnecting…',
  offline: 'Offline',
};

export function ConnectionBadge({ state }: { state: ConnectionState }) {
  return (
    <span
      className={`connection ${state}`}
      data-testid="connection-state"
      data-state={state}
      role="status"
      aria-live="polite"
    >
      {LABEL[state]}
    </span>
  );
}
