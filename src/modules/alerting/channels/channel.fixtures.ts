import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { type AddressInfo } from 'node:net';

import { type AlertNotice, type NoticeAlert } from './alert-channel';

/** One firing alert of the checkout service, as the channel specs render it. */
export const SAMPLE_ALERT: NoticeAlert = {
  fingerprint: 'fp1',
  labels: { service: 'checkout', host: 'web-1', alertname: 'ErrorSpike' },
  annotations: {},
  status: 'firing',
  startsAt: new Date('2026-11-26T10:00:00Z'),
  endsAt: null,
  explanation: 'error pattern E17 at 14x',
  evidence: ['ERROR payment declined id=1'],
};

/** A notice of the checkout group with one alert and the ack link; `overrides` replace fields. */
export function sampleNotice(overrides: Partial<AlertNotice> = {}): AlertNotice {
  return {
    id: 'ntf_0193',
    tenantId: 'tenant-a',
    groupKey: '{}:{service="checkout"}',
    dedupKey: 'grp_5f2c',
    status: 'firing',
    severity: 'high',
    title: 'Checkout errors spiking',
    summary: 'Error rate of checkout is 14x its usual level',
    alerts: [SAMPLE_ALERT],
    links: {
      alert: 'https://vigil.example/alerts/grp_5f2c',
      ack: 'https://vigil.example/ack/t1',
    },
    groupLabels: { service: 'checkout' },
    createdAt: new Date('2026-11-26T10:01:00Z'),
    ...overrides,
  };
}

/** A request the provider received. */
export interface ProviderRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/** What the provider answers. */
export interface ProviderReply {
  status: number;
  headers?: Record<string, string>;
  body?: string;
}

/**
 * A loopback stand-in for a provider's API (Teams, Opsgenie, ...): records each request and
 * answers with `reply`, which a test sets before sending. `reset()` (in `beforeEach`) forgets the
 * requests and restores the usual reply.
 */
export class ScriptedProvider {
  readonly requests: ProviderRequest[] = [];
  reply: ProviderReply;
  readonly #server: Server;

  constructor(
    private readonly usual: ProviderReply,
    replyHeaders: Record<string, string> = {},
  ) {
    this.reply = usual;
    this.#server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        this.requests.push({
          method: req.method ?? '',
          url: req.url ?? '',
          headers: req.headers,
          body: Buffer.concat(chunks).toString(),
        });
        res
          .writeHead(this.reply.status, { ...replyHeaders, ...this.reply.headers })
          .end(this.reply.body ?? '');
      });
    });
  }

  /** Listens on loopback; the base URL, e.g. `http://127.0.0.1:41234`. */
  async listen(): Promise<string> {
    await new Promise<void>((resolve) => this.#server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
  }

  reset(): void {
    this.requests.length = 0;
    this.reply = this.usual;
  }

  async close(): Promise<void> {
    this.#server.closeAllConnections();
    await new Promise((resolve) => this.#server.close(resolve));
  }
}
