import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import express from 'express';
import PQueue from 'p-queue';
import { ClusterNode } from './cluster/cluster-node.js';
import type { Config } from './config.js';
import { AlertEngine } from './engine/alert-engine.js';
import { EMBEDDED_RECORDER_CONCURRENCY, RECORDER_CONCURRENCY } from './engine/fire-recorder.js';
import { engineChanges, type AlertChanges } from './engine/alert-changes.js';
import { loadFundamentals } from './engine/load-fundamentals.js';
import { restoreMarket } from './engine/restore-market.js';
import { createFeed } from './feeds/create-feed.js';
import type { TickFeed } from './feeds/feed.js';
import { Authenticator } from './auth/authenticator.js';
import { RetryGroup } from './backoff.js';
import { notFound } from './errors.js';
import { alertsRouter } from './http/alerts-router.js';
import { authRouter } from './http/auth-router.js';
import { errorHandler } from './http/error-handler.js';
import { feedAlertsRouter } from './http/feed-alerts-router.js';
import { fundamentalsRouter } from './http/fundamentals-router.js';
import { apiCors, perMinute, securityHeaders } from './http/hardening.js';
import { healthRouter } from './http/health-router.js';
import { meRouter } from './http/me-router.js';
import { metricsRouter } from './http/metrics-router.js';
import { notificationsRouter } from './http/notifications-router.js';
import { symbolsRouter } from './http/symbols-router.js';
import { ticksRouter } from './http/ticks-router.js';
import { usageRouter } from './http/usage-router.js';
import { TickCounts } from './ingest/tick-counts.js';
import { TickPipeline } from './ingest/tick-pipeline.js';
import type { Logger } from './log.js';
import { FeedHealth } from './market/feed-health.js';
import { MarketHours } from './market/market-hours.js';
import { MarketState } from './market/market-state.js';
import { MinuteBars } from './market/minute-bars.js';
import { MinuteBarsWarmer, warmingOrder } from './market/minute-bars-warmer.js';
import { TradingDayClock } from './market/trading-day.js';
import type { NotificationChannel } from './notify/channel.js';
import { DeliveryService } from './notify/delivery-service.js';
import { EmailChannel } from './notify/email-channel.js';
import { SnsChannel } from './notify/sns-channel.js';
import { WebhookAllowList } from './notify/webhook-address.js';
import { WebhookChannel } from './notify/webhook-channel.js';
import { WebsocketChannel } from './notify/websocket-channel.js';
import { createMetricsRegistry } from './metrics/prometheus.js';
import { FeedHealthEvents } from './realtime/feed-health-events.js';
import { connectedSockets, createSocketServer, type TickServer } from './realtime/io.js';
import { SocketDashboards } from './realtime/socket-dashboards.js';
import { attachSocketHandlers } from './realtime/socket-handlers.js';
import { TickFanout } from './realtime/tick-fanout.js';
import { AlertsRepository } from './store/alerts-repository.js';
import { FundamentalsRepository } from './store/fundamentals-repository.js';
import { HistoryWrites } from './store/history-writes.js';
import { NotificationsRepository } from './store/notifications-repository.js';
import type { OpenStore } from './store/open-store.js';
import { tableSizes } from './store/table-sizes.js';
import { TICK_TTL_SECONDS } from './store/tables.js';
import { TicksRepository } from './store/ticks-repository.js';
import { startTtlSweeper } from './store/ttl-sweeper.js';
import { UserSettingsRepository } from './store/user-settings-repository.js';
import { UsageLedger } from './usage/usage-ledger.js';
import { resolvePrices } from './usage/usage-report.js';

const DEFAULT_CLIENT_DIST = fileURLToPath(new URL('../../client/dist', import.meta.url));
/** JSON bodies: 1000 ticks at ~120 bytes each, with room to spare. */
const JSON_BODY_LIMIT = '256kb';

export interface AppDeps {
  store: OpenStore;
  log: Logger;
  /** Built dashboard to serve; defaults to client/dist. */
  clientDist?: string;
  /** Replaces the email/SNS channels built from config (tests of delivery failures). */
  channels?: NotificationChannel[];
  /** Store calls the fire recorder has in flight at once (default by store); benchmarks set Infinity for a baseline. */
  recorderConcurrency?: number;
}

export interface App {
  httpServer: http.Server;
  io: TickServer;
  market: MarketState;
  pipeline: TickPipeline;
  feed: TickFeed;
  ticks: TicksRepository;
  /** Reads what an earlier run stored into the minute bars, in the background after listening. */
  warmer: MinuteBarsWarmer;
  engine: AlertEngine;
  delivery: DeliveryService;
  fanout: TickFanout;
  auth: Authenticator;
  /** Loads alerts, starts listening and the feed; resolves with the base URL. */
  listen(): Promise<string>;
  /** Stops the feed, closes sockets, flushes queued ticks and alert decisions (bounded waits). */
  close(): Promise<ShutdownReport>;
}

/** What shutting down flushed to the store, and what it had to leave. */
export interface ShutdownReport {
  ticks: { stored: number; left: number };
  decisions: { recorded: number; left: number };
  /** Email and SNS deliveries cut short; they stay pending in the outbox and resume at the next start. */
  deliveries: { leftPending: number };
}

/** Builds the whole server from its parts; main.ts passes real ones, tests pass real ones on ephemeral ports. */
export async function createApp(config: Config, deps: AppDeps): Promise<App> {
  const { store, log } = deps;
  const startedAt = Date.now();
  const auth = await Authenticator.create(
    config.auth,
    config.store.mode === 'embedded' ? config.store.dataDir : undefined,
  );
  const ticks = new TicksRepository(store.clients.doc, store.tables.ticks);
  const alerts = new AlertsRepository(store.clients.doc, store.tables.alerts);
  const notifications = new NotificationsRepository(store.clients.doc, store.tables.notifications);
  const fundamentals = new FundamentalsRepository(store.clients.doc, store.tables.fundamentals);
  const settings = new UserSettingsRepository(store.clients.doc, store.tables.userSettings);
  const webhookAllow = new WebhookAllowList(config.notify.webhook.allowHosts);
  // Fires are delivered as soon as they are claimed; their history writes follow, carrying any settled status.
  const history = new HistoryWrites(notifications);

  // Cluster mode: Redis carries accepted ticks, alert changes, sockets' rooms and rate limits between processes.
  const cluster = config.cluster
    ? await ClusterNode.connect(config.cluster, config.tablePrefix, log.child({ part: 'cluster' }))
    : undefined;

  const app = express();
  const httpServer = http.createServer(app);
  const io = createSocketServer(httpServer, cluster?.socketAdapter());
  const fanout = new TickFanout(io, config.tickFlushMs);
  // What clients see. In a cluster the engine evaluates on a market state of its own, moved only by the ticks of the
  // shards this process owns, in their streams' order.
  const market = new MarketState();
  const evaluated = cluster ? new MarketState() : market;
  const bars = new MinuteBars({ ttlSeconds: TICK_TTL_SECONDS });
  const warmer = new MinuteBarsWarmer({
    bars,
    read: (symbol, range, add, signal) => ticks.readSpans(symbol, range, add, signal),
    log: log.child({ part: 'minute-bars' }),
  });
  const tickCounts = new TickCounts();
  // Every trade that reaches the market state, from any source, tells feed health; in a cluster every process sees
  // every trade (through the tick log), so each one knows every symbol's last trade.
  const hours = new MarketHours(config.feedHealth.calendar);
  const health = new FeedHealth({ quietMs: config.feedHealth.quietMs, hours, carried: carriedSymbols(config) });
  // Every writer of the store backs off together: the first success after an outage wakes them all.
  const storeRetries = new RetryGroup();
  const pipeline = new TickPipeline(
    market,
    bars,
    ticks,
    { ...config.persistence, retries: storeRetries, counts: tickCounts, trades: health },
    log.child({ part: 'ingest' }),
  );
  const engine = new AlertEngine({
    alerts,
    notifications,
    history,
    ticks,
    market: evaluated,
    retries: storeRetries,
    recorderConcurrency:
      deps.recorderConcurrency ??
      (config.store.mode === 'embedded' ? EMBEDDED_RECORDER_CONCURRENCY : RECORDER_CONCURRENCY),
    log: log.child({ part: 'engine' }),
  });
  const dashboards = new SocketDashboards(io, config.notify.ackTimeoutMs);
  const delivery = new DeliveryService({
    dashboards,
    channels: [new WebsocketChannel(), ...(deps.channels ?? configuredChannels(config, webhookAllow, log))],
    notifications,
    history,
    settings,
    options: { maxAttempts: config.notify.maxAttempts, retryBaseMs: config.notify.retryBaseMs },
    log: log.child({ part: 'notify' }),
  });
  // The tick path, top to bottom: feed or HTTP → pipeline (store queue, market state) → price fan-out and alert
  // engine → delivery.
  pipeline.onLiveTick((move) => fanout.publish(move.tick));
  if (!cluster) pipeline.onLiveTick((move) => void engine.onMove(move));
  engine.onFired((record) => delivery.deliver(record));
  const healthEvents = new FeedHealthEvents({
    io,
    health,
    hours,
    alerts,
    settings,
    log: log.child({ part: 'feed-health' }),
  });
  attachSocketHandlers(io, {
    auth,
    market,
    fanout,
    health: (symbols) => {
      const now = Date.now();
      return symbols.map((symbol) => health.state(symbol, now));
    },
    // A socket whose session expires during a replay gets none of the records still to come.
    replay: (socket, userId, after) =>
      delivery.replay(userId, after, (record) =>
        socket.data.userId === userId ? dashboards.showTo(socket, record) : Promise.resolve(false),
      ),
    log: log.child({ part: 'realtime' }),
  });
  // The simulator carries on from the market's last prices (after a restart, or taking the feed over in a cluster).
  const lastPrice = (symbol: string) => market.latest(symbol)?.price;
  const feed: TickFeed = cluster
    ? clusterFeed(config, cluster)
    : createFeed(config.feed, (tick) => pipeline.ingestLive(tick), log, lastPrice);
  const evaluating = cluster?.changes ?? engineChanges(engine);
  // A user's alerts decide which symbols' blindness they hear of: their sockets here read them again.
  const changes: AlertChanges = {
    changed: (item, previousSymbol) => {
      evaluating.changed(item, previousSymbol);
      healthEvents.changed(item.user_id);
    },
    removed: (alertId) => evaluating.removed(alertId),
    fundamentalsChanged: (symbol, fundamentals) => evaluating.fundamentalsChanged(symbol, fundamentals),
  };
  const limiter = (perMinuteLimit: number, what: string, name: string) =>
    perMinute(perMinuteLimit, what, cluster && { store: cluster.rateLimitStore(name), log });

  const alertWrites = limiter(config.rateLimits.alertWritesPerMinute, 'alert changes', 'alert-writes');
  const alertPreviews = limiter(config.rateLimits.alertPreviewsPerMinute, 'alert previews', 'alert-previews');
  // In a cluster every process's units are summed in Redis, so any process answers for the whole cluster.
  const ledger = cluster?.usage ?? new UsageLedger(startedAt);
  store.capacity.onConsumed((consumed) => ledger.record(consumed.table, consumed.kind, consumed.units, Date.now()));
  const metrics = createMetricsRegistry({
    capacity: store.capacity,
    firesRecorded: () => engine.firesRecorded,
    deliveries: () => delivery.outcomeCounts(),
    sockets: () => connectedSockets(io),
    framesSent: () => fanout.stats().framesSent,
    ticks: () => tickCounts.snapshot(),
    writeQueue: () => (cluster ?? pipeline).stats(),
  });
  app.disable('x-powered-by');
  // A client's address (rate limits, the page's scheme) comes from X-Forwarded-For only through as many proxies as
  // the operator says are in front.
  app.set('trust proxy', config.trustProxyHops > 0 ? config.trustProxyHops : false);
  app.use(securityHeaders());
  app.use(metricsRouter({ registry: metrics, keys: config.metricsApiKeys }));
  app.use('/api', apiCors(config.corsOrigins));
  app.use('/api', express.json({ limit: JSON_BODY_LIMIT }));
  app.use('/api/auth', limiter(config.rateLimits.signInPerMinute, 'sign-in attempts', 'sign-in'));
  app.post('/api/ticks', limiter(config.rateLimits.ingestPerMinute, 'ingest requests', 'ingest'));
  app.post('/api/alerts/preview', alertPreviews);
  app.use('/api/alerts', (req, res, next) =>
    req.method === 'GET' || req.path === '/preview' ? next() : alertWrites(req, res, next),
  );
  app.use('/api', authRouter(auth));
  app.use('/api', meRouter({ auth, settings, webhookAllow, defaultWatchlist: defaultWatchlist(config) }));
  app.use('/api', feedAlertsRouter({ auth, settings, changed: (userId) => healthEvents.changed(userId) }));
  app.use(
    '/api',
    ticksRouter({
      intake: cluster?.intake ?? pipeline,
      market,
      bars,
      warmer,
      ticks,
      ingestApiKey: config.ingestApiKey,
      counts: tickCounts,
    }),
  );
  app.use('/api', symbolsRouter({ market, health }));
  app.use(
    '/api',
    alertsRouter({
      auth,
      alerts,
      settings,
      engine,
      changes,
      maxAlertsPerUser: config.maxAlertsPerUser,
      ticks,
      fundamentals,
      health,
    }),
  );
  app.use('/api', notificationsRouter({ auth, notifications }));
  app.use('/api', fundamentalsRouter({ auth, fundamentals, changes, operatorKey: config.ingestApiKey }));
  app.use(
    '/api',
    healthRouter({
      reachable: store.reachable,
      store: config.store,
      feed,
      persistence: cluster ?? pipeline,
      engine,
      candles: () => warmer.status(),
      startedAt,
      ...(cluster ? { cluster: () => cluster.health() } : {}),
    }),
  );
  app.use(
    '/api',
    usageRouter({
      keys: config.metricsApiKeys,
      scope: cluster ? 'cluster' : 'process',
      store: { mode: config.store.mode },
      prices: resolvePrices(config.pricing),
      windows: (at) => ledger.windows(at),
      sizes: () => tableSizes(store.clients.raw, store.tables),
    }),
  );
  app.use('/api', (req) => {
    throw notFound(`No API route ${req.method} ${req.path}`);
  });
  serveDashboard(app, deps.clientDist ?? DEFAULT_CLIENT_DIST, log);
  app.use(errorHandler(log));

  let stopSweeper: (() => Promise<void>) | undefined;
  let stopExpirySweep: (() => void) | undefined;

  return {
    httpServer,
    io,
    market,
    pipeline,
    feed,
    ticks,
    warmer,
    engine,
    delivery,
    fanout,
    auth,
    async listen() {
      // Alerts and today's market state are loaded before any tick can arrive, so none is evaluated blind. The
      // registry lists the symbols with stored ticks; the feed's own symbols are read too, for ticks a version
      // before the registry stored.
      await loadFundamentals(fundamentals, engine, config.fundamentalsFile, log);
      const stored = [...new Set([...(await ticks.registeredSymbols()), ...feedSymbols(config)])];
      // A cluster process takes alerts over shard by shard (cluster/shard-worker.ts); its live view starts here.
      if (cluster) await restoreMarkets(market, ticks, stored);
      else await engine.load(stored);
      // Loading set each stored symbol's latest tick, and no tick has come in yet: the store alone holds those
      // symbols' ticks up to there, for their minute bars to read (the warmer, once listening).
      const restored = market.symbols().map((symbol) => ({ symbol, lastTradeAt: market.latest(symbol)!.timestamp }));
      for (const { symbol, lastTradeAt } of restored) {
        bars.storedElsewhere(symbol, lastTradeAt);
        // Restored trades count: a restart does not make every symbol "never seen".
        health.recordTrade(symbol, lastTradeAt, Date.now());
      }
      const toWarm = warmingOrder(restored);
      healthEvents.start();
      if (!cluster) delivery.resumeOutbox();
      await new Promise<void>((resolve, reject) => {
        httpServer.once('error', reject);
        httpServer.listen(config.port, config.host, () => {
          httpServer.off('error', reject);
          resolve();
        });
      });
      void warmer.start(toWarm);
      if (!store.ttlSupported) stopSweeper = startTtlSweeper(ticks, config.ttlSweepIntervalMs, log);
      stopExpirySweep = engine.startExpirySweep();
      if (cluster) {
        await cluster.start({
          pipeline,
          engine,
          evaluated,
          ticks,
          fundamentals,
          persistence: { ...config.persistence, retries: storeRetries, counts: tickCounts },
          createFeed: (sink) => createFeed(config.feed, sink, log, lastPrice),
          resumeDeliveries: (only) => delivery.resumeOutbox(only),
          // Every retry's back-off at most, and time for each attempt's provider call.
          deliveryWindowMs:
            config.notify.retryBaseMs * 2 ** (config.notify.maxAttempts - 1) + config.notify.maxAttempts * 10_000,
        });
      } else feed.start();
      const { port } = httpServer.address() as AddressInfo;
      return `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`;
    },
    async close() {
      // First, so no read of a stored day outlives the store (a page in hand is all it waits for).
      await warmer.stop();
      await feed.stop();
      // Hands the feed and every shard back only after the batch in hand is stored and acknowledged.
      await cluster?.close(10_000);
      await stopSweeper?.();
      stopExpirySweep?.();
      healthEvents.stop();
      fanout.close();
      await new Promise<void>((resolve) => {
        void io.close(() => resolve());
      });
      httpServer.closeAllConnections();
      const ticksFlushed = await pipeline.close(10_000);
      const decisions = await engine.close();
      const deliveries = await delivery.close();
      await cluster?.disconnect();
      return { ticks: ticksFlushed, decisions, deliveries };
    },
  };
}

/** In a cluster the feed runs in whichever process holds its lease; elsewhere it stands by. */
function clusterFeed(config: Config, cluster: ClusterNode): TickFeed {
  return {
    start() {},
    async stop() {},
    status: () =>
      cluster.feedStatus() ?? {
        kind: config.feed.kind,
        state: config.feed.kind === 'none' ? 'idle' : 'standby',
        lastTickAt: null,
        ticks: 0,
        reconnects: 0,
      },
  };
}

/** The live view of stored symbols: a few at a time, as a full-market feed stores many. */
async function restoreMarkets(market: MarketState, ticks: TicksRepository, symbols: readonly string[]): Promise<void> {
  const pool = new PQueue({ concurrency: 4 });
  const dayStart = new TradingDayClock().dayStart(Date.now());
  await Promise.all(symbols.map((symbol) => pool.add(() => restoreMarket(market, ticks, symbol, dayStart))));
}

/** What feed health may call "not carried": the symbols a feed names; any symbol for Polygon's `*` or the HTTP ingest alone. */
function carriedSymbols(config: Config): ReadonlySet<string> | 'any' {
  return config.feed.kind === 'none' || config.feed.symbols === '*' ? 'any' : new Set(config.feed.symbols);
}

/** The symbols the feed streams, when it names them. */
function feedSymbols(config: Config): string[] {
  return config.feed.kind === 'none' || config.feed.symbols === '*' ? [] : config.feed.symbols;
}

function defaultWatchlist(config: Config): string[] {
  if (config.feed.kind === 'simulator') return config.feed.symbols.slice(0, 50);
  if (config.feed.kind === 'polygon' && config.feed.symbols !== '*') return config.feed.symbols.slice(0, 50);
  return ['AAPL', 'MSFT', 'NVDA', 'SPY'];
}

function configuredChannels(config: Config, webhookAllow: WebhookAllowList, log: Logger): NotificationChannel[] {
  // Webhooks need nothing from the operator: every user brings their own receiver.
  const channels: NotificationChannel[] = [
    new WebhookChannel(
      { allow: webhookAllow, connectTimeoutMs: 5_000, responseTimeoutMs: 10_000 },
      log.child({ channel: 'webhook' }),
    ),
  ];
  if (config.notify.sns) {
    channels.push(
      new SnsChannel(
        { region: config.region, ...(config.notify.sns.endpoint ? { endpoint: config.notify.sns.endpoint } : {}) },
        log.child({ channel: 'sns' }),
      ),
    );
  }
  if (config.notify.email) channels.push(new EmailChannel(config.notify.email, log.child({ channel: 'email' })));
  return channels;
}

function serveDashboard(app: express.Express, dist: string, log: Logger): void {
  const index = path.join(dist, 'index.html');
  if (!fs.existsSync(index)) {
    log.warn({ dist }, 'dashboard is not built; run `npm run build` (npm start does this for you)');
    app.get('/', (_req, res) => {
      res.type('text/plain').send('Tickwatch API is running. The dashboard is not built: run `npm run build`.');
    });
    return;
  }
  app.use(express.static(dist, { index: false, maxAge: '1h', setHeaders: noCacheForHtml }));
  // Client-side routes (/, /widget, ...) all load the single-page app.
  app.get(/^\/(?!api\/|socket\.io\/).*/, (_req, res) => {
    res.setHeader('Cache-Control', 'no-cache');
    res.sendFile(index);
  });
}

function noCacheForHtml(res: http.ServerResponse, filePath: string): void {
  if (filePath.endsWith('.html')) res.setHeader('Cache-Control', 'no-cache');
}
