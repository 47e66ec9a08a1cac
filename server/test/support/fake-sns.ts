import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type Reply = { status: number; body: string };

export const published = (messageId: string): Reply => ({
  status: 200,
  body:
    '<PublishResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><PublishResult>' +
    `<MessageId>${messageId}</MessageId></PublishResult>` +
    '<ResponseMetadata><RequestId>req-1</RequestId></ResponseMetadata></PublishResponse>',
});

export const snsError = (status: number, type: 'Sender' | 'Receiver', code: string, message: string): Reply => ({
  status,
  body:
    '<ErrorResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/">' +
    `<Error><Type>${type}</Type><Code>${code}</Code><Message>${message}</Message></Error>` +
    '<RequestId>req-2</RequestId></ErrorResponse>',
});

/**
 * A local stand-in for SNS. @aws-sdk/client-sns 3.x speaks the AWS Query protocol: a form-encoded POST to `/`
 * with Action=Publish&Version=2010-03-31 and the input's members, answered in XML.
 */
export class FakeSns {
  readonly requests: { contentType: string | undefined; params: URLSearchParams }[] = [];
  /** Replies for the next requests, in order; a successful publish once they run out. */
  readonly replies: Reply[] = [];
  private constructor(private readonly server: Server) {}

  static async start(): Promise<FakeSns> {
    const fake: FakeSns = new FakeSns(createServer((req, res) => void fake.handle(req, res)));
    await new Promise<void>((resolve) => fake.server.listen(0, '127.0.0.1', resolve));
    return fake;
  }

  get endpoint(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const params = new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
    this.requests.push({ contentType: req.headers['content-type'], params });
    const reply = this.replies.shift() ?? published(`msg-${this.requests.length}`);
    res.writeHead(reply.status, { 'content-type': 'text/xml' });
    res.end(reply.body);
  }
}
