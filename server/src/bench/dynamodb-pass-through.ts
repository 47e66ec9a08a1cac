import http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * Sees one request as it arrives (its operation, from `x-amz-target`, and its body) and returns what sees its answer:
 * the status as soon as it is known, and the body too when the proxy reads answers.
 */
export type ExchangeObserver = (
  operation: string,
  request: Buffer,
) => (status: number, answer: Buffer | undefined) => void;

export interface PassThrough {
  endpoint: string;
  close(): Promise<void>;
}

/**
 * A pass-through HTTP proxy on 127.0.0.1 in front of a DynamoDB endpoint, forwarding every request and answer
 * unchanged, for benches and tests that watch what a server asks its store. With `readAnswers` each answer is read
 * whole before it is passed on (to look inside it); without, it streams through.
 */
export async function startPassThrough(
  target: string,
  observe: ExchangeObserver,
  options: { readAnswers: boolean },
): Promise<PassThrough> {
  const upstream = new URL(target);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
  const server = http.createServer((req, res) => {
    const operation = String(req.headers['x-amz-target'] ?? req.method)
      .split('.')
      .pop()!;
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const answered = observe(operation, body);
      const forward = http.request(
        {
          host: upstream.hostname,
          port: upstream.port,
          method: req.method,
          path: req.url,
          headers: { ...req.headers, host: upstream.host },
          agent,
        },
        (answer) => {
          const status = answer.statusCode ?? 502;
          if (!options.readAnswers) {
            answered(status, undefined);
            res.writeHead(status, answer.headers);
            answer.pipe(res);
            return;
          }
          const parts: Buffer[] = [];
          answer.on('data', (chunk: Buffer) => parts.push(chunk));
          answer.on('end', () => {
            const text = Buffer.concat(parts);
            answered(status, text);
            res.writeHead(status, answer.headers);
            res.end(text);
          });
        },
      );
      forward.on('error', () => res.destroy());
      forward.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      agent.destroy();
    },
  };
}
