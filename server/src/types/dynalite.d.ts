declare module 'dynalite' {
  import type { Server } from 'node:http';
  export interface DynaliteOptions {
    path?: string;
    createTableMs?: number;
    deleteTableMs?: number;
    updateTableMs?: number;
    maxItemSizeKb?: number;
  }
  export default function dynalite(options?: DynaliteOptions): Server;
}

/** The store dynalite's HTTP server wraps: LevelDB (or memory) plus its table catalogue. */
declare module 'dynalite/db/index.js' {
  import type { DynaliteOptions } from 'dynalite';
  export interface DynaliteStore {
    /** Closing waits for the LevelDB operations in flight (dynalite's lifecycle manager), then closes. */
    db: { close(): Promise<void> };
  }
  export function create(options?: DynaliteOptions): DynaliteStore;
}

/** The request checks dynalite's HTTP server makes before an action runs, with the same errors. */
declare module 'dynalite/validations/index.js' {
  import type { DynaliteStore } from 'dynalite/db/index.js';
  /** One operation's `dynalite/validations/<operation>.js`. */
  export interface OperationValidation {
    types: Record<string, unknown>;
    custom?: (data: Record<string, unknown>, store: DynaliteStore) => string | undefined;
  }
  export function checkTypes(data: unknown, types: OperationValidation['types']): Record<string, unknown>;
  export function checkValidations(
    data: Record<string, unknown>,
    types: OperationValidation['types'],
    custom: OperationValidation['custom'],
    store: DynaliteStore,
  ): void;
}
