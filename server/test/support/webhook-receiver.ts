import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedWebhook {
  headers: http.IncomingHttpHeaders;
  /** The body exactly as it arrived: signatures are checked over these bytes. */
  rawBody: Buffer;
  /** The status this receiver answered. */
  status: number;
}

/**
 * A real HTTP receiver on 127.0.0.1 for webhook tests. It keeps every request and counts every TCP connection
 * (so a test can tell that nothing connected at all), and answers the statuses queued in `answers`, then 204.
 */
export class WebhookReceiver {
  readonly received: ReceivedWebhook[] = [];
  /** Statuses to answer, first to last; once empty, every request gets 204. */
  readonly answers: number[] = [];
  connections = 0;

  private constructor(
    private readonly server: http.Server,
    readonly url: string,
  ) {}

  static async start(): Promise<WebhookReceiver> {
    const server = http.createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const receiver = new WebhookReceiver(server, `http://127.0.0.1:${port}/hooks/tickwatch`);
    server.on('connection', () => (receiver.connections += 1));
    server.on('request', (req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const status = receiver.answers.shift() ?? 204;
        receiver.received.push({ headers: req.headers, rawBody: Buffer.concat(chunks), status });
        res.writeHead(status).end();
      });
    });
    return receiver;
  }

  /** The same receiver under another host name of the loopback address. */
  urlAt(host: string): string {
    return this.url.replace('127.0.0.1', host);
  }

  reset(): void {
    this.received.length = 0;
    this.answers.length = 0;
    this.connections = 0;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
