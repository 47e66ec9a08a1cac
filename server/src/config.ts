import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { MARKET_CALENDARS, SYMBOL_PATTERN, type MarketCalendar } from '@tickwatch/shared';

/**
 * Every environment variable the server reads, validated once at start-up. README's configuration table lists the
 * same variables; keep the two in step.
 */
const DEV_INGEST_API_KEY = 'dev-ingest-key';

const symbolList = (name: string) =>
  z
    .string()
    .transform((raw) =>
      raw
        .split(',')
        .map((s) => s.trim().toUpperCase())
        .filter((s) => s.length > 0),
    )
    .superRefine((list, ctx) => {
      if (list.length === 0) ctx.addIssue({ code: 'custom', message: `${name} must name at least one symbol` });
      const bad = list.find((s) => !SYMBOL_PATTERN.test(s));
      if (bad !== undefined) ctx.addIssue({ code: 'custom', message: `${name} has an invalid symbol: ${bad}` });
    });

const positiveInt = z.coerce.number().int().positive();

const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  /** Port of the HTTP + Socket.IO server. 0 picks a free port. */
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  /** Interface to bind. The default keeps a fresh install off the network. */
  HOST: z.string().min(1).default('127.0.0.1'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Where the embedded store keeps its files. Ignored when DYNAMODB_ENDPOINT is set. */
  DATA_DIR: z.string().min(1).default('./data'),
  /**
   * An external DynamoDB-compatible endpoint (DynamoDB Local, AWS). Unset: start the embedded store. Requests to it
   * are signed with the AWS credentials in the environment when there are any (as the AWS CLI signs), else with
   * placeholders: DynamoDB Local keeps one database per access key and region.
   */
  DYNAMODB_ENDPOINT: z.url({ protocol: /^https?$/ }).optional(),
  /**
   * Talk to AWS DynamoDB through the SDK's default credential chain. Only this explicit setting selects AWS: AWS
   * credentials in the environment never switch it on, so `npm start` cannot reach a cloud account by accident.
   */
  DYNAMODB_USE_AWS: z.stringbool().default(false),
  AWS_REGION: z.string().min(1).default('ca-west-1'),
  /** Whose on-demand prices /api/usage projects with (server/src/usage/prices.ts); default AWS_REGION. */
  DYNAMODB_PRICE_REGION: z.string().min(1).optional(),
  /** Override one price of that region, or price a region the table lacks (all three then). US dollars. */
  DYNAMODB_PRICE_PER_MILLION_WRITES: z.coerce.number().nonnegative().optional(),
  DYNAMODB_PRICE_PER_MILLION_READS: z.coerce.number().nonnegative().optional(),
  DYNAMODB_PRICE_PER_GB_MONTH: z.coerce.number().nonnegative().optional(),
  TABLE_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9_.-]*$/, 'may hold only letters, digits, _ . and -')
    .default(''),
  /** Where ticks come from besides the HTTP ingest API. */
  FEED: z.enum(['simulator', 'polygon', 'none']).default('simulator'),
  SIM_SYMBOLS: symbolList('SIM_SYMBOLS').default(['AAPL', 'MSFT', 'NVDA', 'AMZN', 'GOOGL', 'TSLA', 'META', 'SPY']),
  /** Ticks per second across all simulated symbols. */
  SIM_TICKS_PER_SECOND: z.coerce.number().positive().max(10_000).default(8),
  /** Seed for a reproducible simulator run; unset for a different walk each start. */
  SIM_SEED: z.string().min(1).optional(),
  POLYGON_API_KEY: z.string().min(1).optional(),
  POLYGON_WS_URL: z.url({ protocol: /^wss?$/ }).default('wss://socket.polygon.io/stocks'),
  /** Comma list of symbols, or `*` for every trade on the feed. */
  POLYGON_SYMBOLS: z.union([z.literal('*'), symbolList('POLYGON_SYMBOLS')]).default('*'),
  /** Reconnect when the Polygon socket has been silent (no message, no pong) this long. */
  POLYGON_STALL_TIMEOUT_MS: positiveInt.default(30_000),
  /** Operator key for POST /api/ticks. Required in production. */
  INGEST_API_KEY: z.string().min(16, 'must be at least 16 characters').optional(),
  /**
   * A key that reads GET /metrics and GET /api/usage and nothing else, for Prometheus and dashboards that should not
   * hold the key that posts prices. Those two routes take INGEST_API_KEY too.
   */
  METRICS_API_KEY: z.string().min(16, 'must be at least 16 characters').optional(),
  /** Ticks waiting for DynamoDB before new ones are refused (HTTP) or dropped (feeds). */
  PERSIST_QUEUE_CAPACITY: positiveInt.default(100_000),
  /** BatchWriteItem calls in flight at once. */
  PERSIST_CONCURRENCY: positiveInt.max(64).default(4),
  /**
   * What `realtime_ticks` holds (docs/storage.md): `seconds`, one item per symbol per second that traded, with the
   * second's open, high, low, volume and trade count; `trades`, one item per trade.
   */
  TICK_STORE: z.enum(['seconds', 'trades']).default('seconds'),
  /** How often the embedded store deletes ticks whose TTL has passed. */
  TTL_SWEEP_INTERVAL_MS: positiveInt.default(10 * 60_000),
  /**
   * `dev`: anyone may sign in as any user id through POST /api/auth/dev-login (refused in production).
   * `jwt`: tokens from an identity provider, verified with JWT_SECRET or JWT_JWKS_URL. Default: dev with the
   * embedded store, jwt otherwise.
   */
  AUTH_MODE: z.enum(['dev', 'jwt']).optional(),
  /** HS256 secret for verifying (jwt) or signing (dev) tokens; dev mode keeps a generated one in DATA_DIR. */
  JWT_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  JWT_JWKS_URL: z.url({ protocol: /^https?$/ }).optional(),
  JWT_ISSUER: z.string().min(1).optional(),
  JWT_AUDIENCE: z.string().min(1).optional(),
  /** Lifetime of dev-login tokens. */
  DEV_TOKEN_TTL_SECONDS: positiveInt.default(7 * 86_400),
  MAX_ALERTS_PER_USER: positiveInt.max(100_000).default(500),
  /** JSON file of per-symbol fundamentals loaded at start-up: {"AAPL": {"eps_ttm": 6.1, ...}, ...}. */
  FUNDAMENTALS_FILE: z.string().min(1).optional(),
  /** Price frames to each socket at most this often; 0 sends every tick at once, unbatched. */
  TICK_FLUSH_MS: z.coerce.number().int().min(0).max(5000).default(100),
  /** How long a dashboard has to acknowledge an alert before it counts as not received. */
  NOTIFY_ACK_TIMEOUT_MS: positiveInt.max(120_000).default(10_000),
  /** Attempts per email, SNS or webhook notification before it is marked failed. */
  NOTIFY_MAX_ATTEMPTS: positiveInt.max(20).default(4),
  NOTIFY_RETRY_BASE_MS: positiveInt.max(600_000).default(2_000),
  /** Another SNS-compatible endpoint; unset uses AWS SNS in AWS_REGION. */
  SNS_ENDPOINT: z.url({ protocol: /^https?$/ }).optional(),
  /**
   * Turns on SNS delivery (it needs AWS credentials or SNS_ENDPOINT). Unset: on with DYNAMODB_USE_AWS=true or
   * SNS_ENDPOINT, never merely because credentials are in the environment.
   */
  SNS_ENABLED: z.stringbool().optional(),
  /** smtp://user:pass@host:port or smtps://…; unset turns email delivery off. */
  SMTP_URL: z.url({ protocol: /^smtps?$/ }).optional(),
  MAIL_FROM: z.string().min(3).default('Tickwatch <alerts@tickwatch.local>'),
  /**
   * Host names or IP addresses (comma list) webhooks may reach although they are loopback, private or link-local,
   * which are refused otherwise (docs/webhooks.md). A name lets through every address it resolves to.
   */
  WEBHOOK_ALLOW_HOSTS: z
    .string()
    .default('')
    .transform((raw) =>
      raw
        .split(',')
        .map((s) => s.trim().toLowerCase())
        .filter(Boolean),
    )
    .pipe(z.array(z.union([z.ipv4(), z.ipv6(), z.hostname()], { error: 'must be host names or IP addresses' }))),
  /** Origins allowed to call the REST API from a browser (comma list); the dashboard's own origin needs none. */
  CORS_ORIGINS: z
    .string()
    .default('')
    .transform((raw) =>
      raw
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
    )
    .pipe(z.array(z.url({ protocol: /^https?$/ }))),
  /**
   * Proxies in front of the server (a load balancer) whose X-Forwarded-For is believed: 0 trusts none, so behind a
   * balancer every client would share the balancer's address and its rate limits.
   */
  TRUST_PROXY_HOPS: z.coerce.number().int().min(0).max(10).default(0),
  RATE_LIMIT_SIGNIN_PER_MINUTE: positiveInt.default(20),
  RATE_LIMIT_ALERT_WRITES_PER_MINUTE: positiveInt.default(120),
  /** Each preview reads a symbol's stored 24 h: counted apart from the writes, so a busy form never blocks a save. */
  RATE_LIMIT_ALERT_PREVIEWS_PER_MINUTE: positiveInt.default(30),
  RATE_LIMIT_INGEST_PER_MINUTE: positiveInt.default(6_000),
  /**
   * Cluster mode: every process with the same REDIS_URL, store and TABLE_PREFIX is one system (docs/scaling.md).
   * Unset: one process on its own.
   */
  REDIS_URL: z.url({ protocol: /^rediss?$/ }).optional(),
  /** Redis Streams the accepted ticks are sharded over by symbol; every process of a cluster must agree. */
  TICK_SHARDS: positiveInt.max(1024).default(16),
  /** This process's name in the cluster (logs, health, stream consumers); default host, pid and a random part. */
  CLUSTER_NODE_ID: z
    .string()
    .regex(/^[A-Za-z0-9_.-]{1,64}$/, 'may hold only letters, digits, _ . and - (at most 64)')
    .optional(),
  /** A symbol with no trade for this long while its market is open is quiet (docs/alerts.md, "Feed health"). */
  FEED_QUIET_SECONDS: positiveInt.max(86_400).default(120),
  /** When symbols' markets are open: `always`, or `us-equities`; default follows FEED (polygon: us-equities). */
  FEED_MARKET_HOURS: z.enum(MARKET_CALENDARS).optional(),
});

/**
 * Which DynamoDB, and for an external endpoint whose credentials sign the requests: the SDK's default chain when
 * AWS credentials are in the environment, placeholders when there are none.
 */
/** What `realtime_ticks` holds of the trades (TICK_STORE). */
export type TickStoreMode = z.infer<typeof envSchema>['TICK_STORE'];

export type StoreConfig =
  | { mode: 'embedded'; dataDir: string }
  | { mode: 'external'; endpoint: string; credentials: 'default-chain' | 'placeholder' }
  | { mode: 'aws' };

export type FeedConfig =
  | { kind: 'simulator'; symbols: string[]; ticksPerSecond: number; seed?: string }
  | { kind: 'polygon'; apiKey: string; url: string; symbols: '*' | string[]; stallTimeoutMs: number }
  | { kind: 'none' };

export type AuthConfig =
  | { mode: 'dev'; secret: string | undefined; tokenTtlSeconds: number }
  | {
      mode: 'jwt';
      secret: string | undefined;
      jwksUrl: string | undefined;
      issuer: string | undefined;
      audience: string | undefined;
    };

export interface Config {
  env: 'development' | 'production' | 'test';
  port: number;
  host: string;
  logLevel: z.infer<typeof envSchema>['LOG_LEVEL'];
  store: StoreConfig;
  region: string;
  tablePrefix: string;
  /** Prices for /api/usage: a region of the price table, and any prices set in its place. */
  pricing: {
    region: string;
    overrides: { writePerMillion?: number; readPerMillion?: number; storagePerGbMonth?: number };
  };
  feed: FeedConfig;
  ingestApiKey: string;
  /** Keys that read /metrics and /api/usage: METRICS_API_KEY when set, and the ingest key. */
  metricsApiKeys: string[];
  persistence: { capacity: number; concurrency: number; tickStore: TickStoreMode };
  ttlSweepIntervalMs: number;
  auth: AuthConfig;
  maxAlertsPerUser: number;
  fundamentalsFile: string | undefined;
  tickFlushMs: number;
  notify: {
    ackTimeoutMs: number;
    maxAttempts: number;
    retryBaseMs: number;
    sns: { endpoint: string | undefined } | undefined;
    email: { smtpUrl: string; from: string } | undefined;
    webhook: { allowHosts: string[] };
  };
  corsOrigins: string[];
  trustProxyHops: number;
  rateLimits: {
    signInPerMinute: number;
    alertWritesPerMinute: number;
    alertPreviewsPerMinute: number;
    ingestPerMinute: number;
  };
  /** Set in cluster mode (REDIS_URL). */
  cluster: ClusterConfig | undefined;
  feedHealth: { quietMs: number; calendar: MarketCalendar };
}

export interface ClusterConfig {
  redisUrl: string;
  tickShards: number;
  nodeId: string;
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** A configuration error naming one variable, worded like the schema's own. */
const invalid = (variable: string, message: string) =>
  new ConfigError(`Invalid configuration:\n  ${variable}: ${message}`);

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const raw = blankToUndefined(env);
  const parsed = envSchema.safeParse(raw);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => `  ${issue.path.join('.')}: ${issue.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const e = parsed.data;

  if (e.DYNAMODB_ENDPOINT && e.DYNAMODB_USE_AWS) {
    throw invalid('DYNAMODB_ENDPOINT', 'set either DYNAMODB_ENDPOINT or DYNAMODB_USE_AWS, not both');
  }
  const store: StoreConfig = e.DYNAMODB_ENDPOINT
    ? { mode: 'external', endpoint: e.DYNAMODB_ENDPOINT, credentials: endpointCredentials(raw) }
    : e.DYNAMODB_USE_AWS
      ? { mode: 'aws' }
      : { mode: 'embedded', dataDir: path.resolve(e.DATA_DIR) };

  let feed: FeedConfig;
  if (e.FEED === 'polygon') {
    if (!e.POLYGON_API_KEY) throw invalid('POLYGON_API_KEY', 'required when FEED=polygon');
    feed = {
      kind: 'polygon',
      apiKey: e.POLYGON_API_KEY,
      url: e.POLYGON_WS_URL,
      symbols: e.POLYGON_SYMBOLS,
      stallTimeoutMs: e.POLYGON_STALL_TIMEOUT_MS,
    };
  } else if (e.FEED === 'simulator') {
    feed = {
      kind: 'simulator',
      symbols: e.SIM_SYMBOLS,
      ticksPerSecond: e.SIM_TICKS_PER_SECOND,
      ...(e.SIM_SEED ? { seed: e.SIM_SEED } : {}),
    };
  } else {
    feed = { kind: 'none' };
  }

  if (!e.INGEST_API_KEY && e.NODE_ENV === 'production') {
    throw invalid('INGEST_API_KEY', 'required when NODE_ENV=production');
  }

  const authMode = e.AUTH_MODE ?? (store.mode === 'embedded' ? 'dev' : 'jwt');
  let auth: AuthConfig;
  if (authMode === 'dev') {
    if (e.NODE_ENV === 'production') {
      throw invalid('AUTH_MODE', 'dev sign-in lets anyone act as any user; not allowed with NODE_ENV=production');
    }
    auth = { mode: 'dev', secret: e.JWT_SECRET, tokenTtlSeconds: e.DEV_TOKEN_TTL_SECONDS };
  } else {
    if (!e.JWT_SECRET && !e.JWT_JWKS_URL) {
      throw invalid('JWT_SECRET', 'AUTH_MODE=jwt needs JWT_SECRET or JWT_JWKS_URL');
    }
    auth = {
      mode: 'jwt',
      secret: e.JWT_SECRET,
      jwksUrl: e.JWT_JWKS_URL,
      issuer: e.JWT_ISSUER,
      audience: e.JWT_AUDIENCE,
    };
  }

  let cluster: ClusterConfig | undefined;
  if (e.REDIS_URL) {
    if (store.mode === 'embedded') {
      throw invalid(
        'REDIS_URL',
        'cluster mode needs a DynamoDB every process shares: set DYNAMODB_ENDPOINT (DynamoDB Local) or ' +
          'DYNAMODB_USE_AWS=true; the embedded store lives inside one process',
      );
    }
    if (!e.JWT_SECRET && !e.JWT_JWKS_URL) {
      throw invalid('JWT_SECRET', 'cluster mode needs JWT_SECRET (or JWT_JWKS_URL) shared by every process');
    }
    cluster = {
      redisUrl: e.REDIS_URL,
      tickShards: e.TICK_SHARDS,
      nodeId:
        e.CLUSTER_NODE_ID ??
        `${os
          .hostname()
          .replace(/[^A-Za-z0-9_.-]/g, '-')
          .slice(0, 40)}-${process.pid}`,
    };
  }

  return {
    env: e.NODE_ENV,
    port: e.PORT,
    host: e.HOST,
    logLevel: e.LOG_LEVEL,
    store,
    region: e.AWS_REGION,
    tablePrefix: e.TABLE_PREFIX,
    pricing: {
      region: e.DYNAMODB_PRICE_REGION ?? e.AWS_REGION,
      overrides: {
        ...(e.DYNAMODB_PRICE_PER_MILLION_WRITES === undefined
          ? {}
          : { writePerMillion: e.DYNAMODB_PRICE_PER_MILLION_WRITES }),
        ...(e.DYNAMODB_PRICE_PER_MILLION_READS === undefined
          ? {}
          : { readPerMillion: e.DYNAMODB_PRICE_PER_MILLION_READS }),
        ...(e.DYNAMODB_PRICE_PER_GB_MONTH === undefined ? {} : { storagePerGbMonth: e.DYNAMODB_PRICE_PER_GB_MONTH }),
      },
    },
    feed,
    ingestApiKey: e.INGEST_API_KEY ?? DEV_INGEST_API_KEY,
    metricsApiKeys: [...(e.METRICS_API_KEY ? [e.METRICS_API_KEY] : []), e.INGEST_API_KEY ?? DEV_INGEST_API_KEY],
    persistence: { capacity: e.PERSIST_QUEUE_CAPACITY, concurrency: e.PERSIST_CONCURRENCY, tickStore: e.TICK_STORE },
    ttlSweepIntervalMs: e.TTL_SWEEP_INTERVAL_MS,
    auth,
    maxAlertsPerUser: e.MAX_ALERTS_PER_USER,
    fundamentalsFile: e.FUNDAMENTALS_FILE,
    tickFlushMs: e.TICK_FLUSH_MS,
    notify: {
      ackTimeoutMs: e.NOTIFY_ACK_TIMEOUT_MS,
      maxAttempts: e.NOTIFY_MAX_ATTEMPTS,
      retryBaseMs: e.NOTIFY_RETRY_BASE_MS,
      sns:
        (e.SNS_ENABLED ?? (Boolean(e.SNS_ENDPOINT) || store.mode === 'aws')) ? { endpoint: e.SNS_ENDPOINT } : undefined,
      email: e.SMTP_URL ? { smtpUrl: e.SMTP_URL, from: e.MAIL_FROM } : undefined,
      webhook: { allowHosts: e.WEBHOOK_ALLOW_HOSTS },
    },
    corsOrigins: e.CORS_ORIGINS,
    trustProxyHops: e.TRUST_PROXY_HOPS,
    rateLimits: {
      signInPerMinute: e.RATE_LIMIT_SIGNIN_PER_MINUTE,
      alertWritesPerMinute: e.RATE_LIMIT_ALERT_WRITES_PER_MINUTE,
      alertPreviewsPerMinute: e.RATE_LIMIT_ALERT_PREVIEWS_PER_MINUTE,
      ingestPerMinute: e.RATE_LIMIT_INGEST_PER_MINUTE,
    },
    cluster,
    feedHealth: {
      quietMs: e.FEED_QUIET_SECONDS * 1000,
      calendar: e.FEED_MARKET_HOURS ?? (feed.kind === 'polygon' ? 'us-equities' : 'always'),
    },
  };
}

/**
 * Whether requests to DYNAMODB_ENDPOINT are signed with the environment's AWS credentials (the SDK's default chain:
 * a key pair, a profile, a web identity or a container role) or, when there are none, with placeholders. An access
 * key id without its secret is refused: the chain would skip it and go on looking, as far as the instance
 * metadata service.
 */
function endpointCredentials(env: Record<string, string | undefined>): 'default-chain' | 'placeholder' {
  if (env.AWS_ACCESS_KEY_ID && !env.AWS_SECRET_ACCESS_KEY) {
    throw invalid(
      'AWS_SECRET_ACCESS_KEY',
      'required with AWS_ACCESS_KEY_ID (the pair signs DYNAMODB_ENDPOINT requests)',
    );
  }
  const present = [
    'AWS_ACCESS_KEY_ID',
    'AWS_PROFILE',
    'AWS_WEB_IDENTITY_TOKEN_FILE',
    'AWS_CONTAINER_CREDENTIALS_FULL_URI',
    'AWS_CONTAINER_CREDENTIALS_RELATIVE_URI',
  ].some((name) => Boolean(env[name]));
  return present ? 'default-chain' : 'placeholder';
}

/** `FOO=` (or `FOO=  `) in a shell or .env file means "not set", not "set to the empty string". */
function blankToUndefined(env: NodeJS.ProcessEnv): Record<string, string | undefined> {
  return Object.fromEntries(Object.entries(env).map(([k, v]) => [k, v?.trim() === '' ? undefined : v]));
}
