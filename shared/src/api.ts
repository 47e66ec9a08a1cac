import type { Tick } from './ticks.js';

/** Stable error ids shared by HTTP responses and socket acks. */
export const ERROR_IDS = [
  'validation_failed',
  'unauthorized',
  'forbidden',
  'not_found',
  'conflict',
  'payload_too_large',
  'rate_limited',
  'unavailable',
  'internal',
] as const;
export type ErrorId = (typeof ERROR_IDS)[number];

export interface FieldIssue {
  /** Dotted path into the payload, e.g. `3.price`; empty for the payload as a whole. */
  path: string;
  message: string;
}

export interface ApiError {
  id: ErrorId;
  message: string;
  issues?: FieldIssue[];
}

export interface ErrorBody {
  error: ApiError;
}

/** The one envelope every socket acknowledgement uses. */
export type Ack<T> = { ok: true; data: T } | { ok: false; error: ApiError };

export interface HealthReport {
  status: 'ok' | 'degraded';
  store: { mode: 'embedded' | 'external' | 'aws'; reachable: boolean; endpoint?: string };
  feed: FeedStatus;
  persistence: {
    queued: number;
    capacity: number;
    written: number;
    dropped: number;
    failedBatches: number;
    /** Ticks the store refused for good (a value it cannot hold); each is in the log with the reason. */
    deadLettered: number;
  };
  alerts: {
    /** Alert decisions (fires, re-arms, expiries) waiting to be recorded: a storm, or a slow store. */
    queued: number;
    /** Alert decisions the store refused for good; each is in the log with the reason. */
    deadLettered: number;
  };
  /** Minute bars after a restart: charts of a symbol still `warming` wait for its stored day to be read. */
  candles: {
    /** Symbols whose stored day the background pass has still to read into memory; 0 once it is done. */
    warming: number;
    /** Candles requests waiting for a symbol's stored day to be read. */
    waiting: number;
  };
  uptimeSeconds: number;
  cluster?: ClusterHealth;
}

/** A cluster process's part (REDIS_URL set): see docs/scaling.md. */
export interface ClusterHealth {
  /** This process: CLUSTER_NODE_ID and a part unique to this run. */
  node: string;
  redis: 'ok' | 'unreachable';
  /** Processes alive in the cluster at the last heartbeat. */
  members: number;
  /** Tick shards this process owns: it stores their ticks and evaluates their alerts. */
  shards: number[];
  feedLeader: boolean;
  /** Owned ticks waiting for the store. */
  storing: number;
  /** Feed ticks Redis did not take (a blip). */
  droppedFeedTicks: number;
}

export interface FeedStatus {
  kind: 'simulator' | 'polygon' | 'none';
  /** `standby`: in a cluster, another process runs the feed; this one takes over if that one stops. */
  state: 'idle' | 'standby' | 'connecting' | 'authenticating' | 'streaming' | 'backoff' | 'stopped' | 'failed';
  lastTickAt: number | null;
  ticks: number;
  reconnects: number;
  error?: string;
}

/** A user id as it appears in tokens (`sub`) and in the tables: an opaque id such as a Cognito UUID. */
export const USER_ID_PATTERN = /^[A-Za-z0-9_.@:-]{1,128}$/;

export interface DevLoginResponse {
  token: string;
  user_id: string;
  /** Epoch seconds. */
  expires_at: number;
}

export interface AuthSettings {
  mode: 'dev' | 'jwt';
}

export interface DayBarQuote {
  open: number;
  high: number;
  low: number;
  close: number;
}

/** The latest trade and the trading day's bar of one symbol, for watchlists. */
export interface Quote {
  symbol: string;
  last: Tick | null;
  day: DayBarQuote | null;
}

/** GET /api/usage (operator key): DynamoDB capacity consumed and what it costs a month at on-demand prices. */
export interface UsageReport {
  /** Whose calls are counted: this process's, or (cluster mode) every process's. */
  scope: 'process' | 'cluster';
  store: { mode: 'embedded' | 'external' | 'aws' };
  /** The prices projections use, or null with the reason when the region has none and none are configured. */
  prices: UsagePrices | null;
  pricesMissing?: string;
  lastHour: UsageWindowReport;
  last24h: UsageWindowReport;
  /** Table sizes as the store reports them (AWS refreshes them about every six hours) and their monthly price. */
  storage: {
    tables: Record<string, { bytes: number; items: number }>;
    projectedMonthlyUsd: number | null;
  };
}

export interface UsagePrices {
  region: string;
  writePerMillion: number;
  readPerMillion: number;
  storagePerGbMonth: number;
  /** Where the table's prices come from and when they were listed; `configured` when the operator set them all. */
  source: string;
  asOf: string | null;
  /** Which prices the operator set (DYNAMODB_PRICE_*) in place of the table's. */
  overridden: ('writePerMillion' | 'readPerMillion' | 'storagePerGbMonth')[];
}

export interface UsageWindowReport {
  from: string;
  to: string;
  /** The part of the window that was measured: shorter than the window while the server is younger than it. */
  coveredSeconds: number;
  /** By table name as in the seed (without TABLE_PREFIX). */
  tables: Record<string, UsageUnits>;
  total: UsageUnits;
}

export interface UsageUnits {
  readUnits: number;
  writeUnits: number;
  /** The window's rate carried over a month (365.25 / 12 days) at on-demand prices; null without prices. */
  projectedMonthlyUsd: number | null;
}
