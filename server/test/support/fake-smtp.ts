import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

export interface Received {
  mailFrom: string | undefined;
  rcptTo: string[];
  raw: string;
}

/** A real SMTP server on an ephemeral port that keeps every message it accepts and can refuse recipients. */
export class FakeSmtp {
  readonly messages: Received[] = [];
  /** Recipients answered with this SMTP reply instead of being accepted. */
  readonly refuse = new Map<string, { code: number; text: string }>();
  private readonly server: SMTPServer;

  private constructor() {
    this.server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      disableReverseLookup: true,
      logger: false,
      onRcptTo: (address, _session, callback) => {
        const refusal = this.refuse.get(address.address);
        if (!refusal) return callback();
        callback(Object.assign(new Error(refusal.text), { responseCode: refusal.code }));
      },
      onData: (stream, session, callback) => {
        const chunks: Buffer[] = [];
        stream.on('data', (chunk: Buffer) => chunks.push(chunk));
        stream.on('error', callback);
        stream.on('end', () => {
          this.messages.push({
            mailFrom: session.envelope.mailFrom ? session.envelope.mailFrom.address : undefined,
            rcptTo: session.envelope.rcptTo.map((r) => r.address),
            raw: Buffer.concat(chunks).toString('utf8'),
          });
          callback();
        });
      },
    });
  }

  static async start(): Promise<FakeSmtp> {
    const fake = new FakeSmtp();
    await new Promise<void>((resolve) => fake.server.listen(0, '127.0.0.1', resolve));
    return fake;
  }

  get url(): string {
    return `smtp://127.0.0.1:${(this.server.server.address() as AddressInfo).port}`;
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

/** The parts of a MIME message these tests read: unfolded top-level headers and each decoded text part. */
export function parseMessage(raw: string): { headers: Map<string, string>; parts: Map<string, string> } {
  const [head = '', ...rest] = raw.split(/\r\n\r\n/);
  const headers = parseHeaders(head);
  const body = rest.join('\r\n\r\n');
  const parts = new Map<string, string>();
  const boundary = /boundary="?([^";\r\n]+)"?/i.exec(headers.get('content-type') ?? '')?.[1];
  const sections = boundary
    ? body.split(`--${boundary}`).slice(1, -1)
    : [`${[...headers].map(([k, v]) => `${k}: ${v}`).join('\r\n')}\r\n\r\n${body}`];
  for (const section of sections) {
    const [partHead = '', ...partBody] = section.replace(/^\r\n/, '').split(/\r\n\r\n/);
    const partHeaders = parseHeaders(partHead);
    const type = (partHeaders.get('content-type') ?? 'text/plain').split(';')[0]!.trim();
    parts.set(type, decode(partBody.join('\r\n\r\n'), partHeaders.get('content-transfer-encoding') ?? '7bit'));
  }
  return { headers, parts };
}

function parseHeaders(head: string): Map<string, string> {
  const headers = new Map<string, string>();
  for (const line of head.replace(/\r\n[ \t]+/g, ' ').split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon > 0) headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
  }
  return headers;
}

function decode(body: string, encoding: string): string {
  switch (encoding.toLowerCase()) {
    case 'base64':
      return Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
    case 'quoted-printable':
      return Buffer.from(
        body
          .replace(/=\r\n/g, '')
          .replace(/=([0-9A-F]{2})/gi, (_m, hex: string) => String.fromCharCode(parseInt(hex, 16))),
        'latin1',
      ).toString('utf8');
    default:
      return body;
  }
}
