export type FoundRedisServer = { path: string; version: string; from: 'REDIS_SERVER' | 'PATH' } | { missing: string };

/** The redis-server to run: `REDIS_SERVER`, else `redis-server` on the PATH, or a sentence saying what to install. */
export declare function findRedisServer(env?: NodeJS.ProcessEnv): FoundRedisServer;

export interface RedisExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** The last 32 kB redis-server wrote. */
  output: string;
}

export interface StartRedisOptions {
  /** Data directory (kept by stop()); default a new temporary directory, which stop() removes. */
  dir?: string;
  /** Port on 127.0.0.1; default a free one. */
  port?: number;
  /** Run in its own process group, so a terminal's Ctrl-C reaches only the parent, which stops it in its turn. */
  detached?: boolean;
  /** Called when redis-server exits without stop(), kill() or restart() asking it to. */
  onUnexpectedExit?: (exit: RedisExit) => void;
}

export interface RedisServer {
  /** `redis://127.0.0.1:<port>` */
  readonly url: string;
  readonly port: number;
  /** Where the append-only file lives. */
  readonly dir: string;
  /** redis-server's version, e.g. `7.0.15`. */
  readonly version: string;
  /** The running redis-server's process id; undefined while it is down. */
  readonly pid: number | undefined;
  /** What the current redis-server has written (the last 32 kB). */
  output(): string;
  /** SIGTERM (Redis fsyncs its AOF and exits), SIGKILL after 5 s; removes the directory if startRedis made it. */
  stop(): Promise<void>;
  /** SIGKILL now, as a crash would; restart() brings it back with every acknowledged write. */
  kill(): void;
  /** Stops it (SIGTERM) if it runs, waits `downMs`, starts it again on the same port and directory, waits for PONG. */
  restart(downMs?: number): Promise<void>;
}

/**
 * Starts redis-server on 127.0.0.1 with `--appendonly yes --appendfsync always` and no RDB snapshots, and resolves
 * once it answers PING. The binary is `REDIS_SERVER`, else `redis-server` on the PATH.
 */
export declare function startRedis(options?: StartRedisOptions): Promise<RedisServer>;
