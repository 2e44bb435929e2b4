import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A request the receiver took. */
export interface ReceivedCall {
  method: string;
  /** Path and query, as sent. */
  path: string;
  body: string;
  authorization: string | undefined;
}

/**
 * A loopback HTTP server standing in for a remote API (a webhook receiver, an automation
 * endpoint): it answers every request 200 with `{}` JSON and records it.
 */
export class LoopbackReceiver {
  readonly calls: ReceivedCall[] = [];
  readonly #server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      this.calls.push({
        method: req.method ?? '',
        path: req.url ?? '',
        body: Buffer.concat(chunks).toString('utf8'),
        authorization: req.headers.authorization,
      });
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
    });
  });

  private constructor() {}

  static async start(): Promise<LoopbackReceiver> {
    const receiver = new LoopbackReceiver();
    await new Promise<void>((r) => receiver.#server.listen(0, '127.0.0.1', r));
    return receiver;
  }

  /** `http://127.0.0.1:<port>`, without a trailing slash. */
  get url(): string {
    return `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
  }

  /** The requests made to exactly this path. */
  to(path: string): ReceivedCall[] {
    return this.calls.filter((c) => c.path === path);
  }

  close(): Promise<void> {
    return new Promise((r) => this.#server.close(() => r()));
  }
}
