export interface DynamoDbLocalExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** The last 32 kB DynamoDB Local wrote. */
  output: string;
}

export interface StartDynamoDbLocalOptions {
  /** Port on 127.0.0.1; default a free one. */
  port?: number;
  /** Run in its own process group, so a terminal's Ctrl-C reaches only the parent, which stops it in its turn. */
  detached?: boolean;
  /** Called when DynamoDB Local exits without stop() asking it to. */
  onUnexpectedExit?: (exit: DynamoDbLocalExit) => void;
}

export interface DynamoDbLocalProcess {
  /** `http://127.0.0.1:<port>` */
  readonly endpoint: string;
  readonly port: number;
  readonly pid: number | undefined;
  output(): string;
  /** SIGTERM, SIGKILL after 5 s. Its tables were in memory: they are gone. */
  stop(): Promise<void>;
}

/** Starts DynamoDB Local (`-inMemory -disableTelemetry`) and resolves once it answers ListTables. Needs Java 17+. */
export declare function startDynamoDbLocal(options?: StartDynamoDbLocalOptions): Promise<DynamoDbLocalProcess>;
