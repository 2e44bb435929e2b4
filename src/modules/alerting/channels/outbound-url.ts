import { lookup as dnsCallbackLookup, type LookupAddress } from 'node:dns';
import { lookup as dnsLookup } from 'node:dns/promises';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP, type LookupFunction } from 'node:net';

import { AlertingError } from '../alerting.errors';

import { type DeliveryReceipt } from './alert-channel';

/** A resolver returning every address of a name (the shape of `dns.promises.lookup`). */
export type HostLookup = (
  hostname: string,
  options: { all: true; verbatim: true },
) => Promise<Array<{ address: string; family: number }>>;

export interface OutboundOptions {
  /** Allow loopback, private, link-local and other non-public addresses (self-hosted, tests). */
  readonly allowPrivate: boolean;
  /** Injected resolver for tests; default `node:dns/promises` `lookup`. */
  readonly lookup?: HostLookup;
}

/** Ranges no tenant-supplied URL may reach (unless `allowPrivate`): [first octets, prefix]. */
const REFUSED_V4: ReadonlyArray<readonly [number, number]> = [
  [0x00000000, 8], // 0/8 "this network", incl. 0.0.0.0
  [0x0a000000, 8], // 10/8
  [0x64400000, 10], // 100.64/10 carrier-grade NAT (cloud metadata lives here on some clouds)
  [0x7f000000, 8], // 127/8 loopback
  [0xa9fe0000, 16], // 169.254/16 link-local, cloud metadata
  [0xac100000, 12], // 172.16/12
  [0xc0000000, 24], // 192.0.0/24 IETF protocol assignments
  [0xc0a80000, 16], // 192.168/16
  [0xc6120000, 15], // 198.18/15 benchmarking
  [0xe0000000, 4], // 224/4 multicast
  [0xf0000000, 4], // 240/4 reserved, incl. 255.255.255.255 broadcast
];

/** `true` when the address (IPv4 or IPv6, any IPv4-embedding form) is not a public unicast one. */
export function isNonPublicAddress(address: string): boolean {
  const bare = address.replace(/^\[|\]$/g, '').replace(/%.*$/, '');
  const family = isIP(bare);
  if (family === 4) return isNonPublicV4(parseV4(bare));
  if (family !== 6) return true;
  const g = parseV6(bare);
  const embedded = embeddedV4(g);
  if (embedded !== null) return isNonPublicV4(embedded);
  if (g.every((x) => x === 0)) return true; // ::
  if (g.slice(0, 7).every((x) => x === 0) && g[7] === 1) return true; // ::1
  const first = g[0]!;
  if ((first & 0xffc0) === 0xfe80) return true; // fe80::/10 link-local
  if ((first & 0xffc0) === 0xfec0) return true; // fec0::/10 site-local (deprecated)
  if ((first & 0xfe00) === 0xfc00) return true; // fc00::/7 unique local
  if ((first & 0xff00) === 0xff00) return true; // ff00::/8 multicast
  return false;
}

/**
 * The SSRF guard: parses `url`, allows only http(s), resolves the host (every address) and
 * refuses it when any address is loopback, private, link-local, unspecified, multicast or an
 * IPv4-mapped/compatible/NAT64 form of those — unless `allowPrivate`.
 *
 * Throws `AlertingError('URL_REFUSED')` for a forbidden URL, `AlertingError('URL_UNRESOLVABLE')`
 * when the name does not resolve (possibly transient).
 *
 * @example
 *   const url = await checkOutboundUrl(target.webhookUrl, { allowPrivate: false });
 */
export async function checkOutboundUrl(url: string, opts: OutboundOptions): Promise<URL> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch (cause) {
    throw new AlertingError('URL_REFUSED', 'not a valid URL', { cause });
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
    throw new AlertingError('URL_REFUSED', `scheme ${parsed.protocol} is not allowed`);
  }
  await checkOutboundHost(parsed.hostname, opts);
  return parsed;
}

/**
 * The address part of {@link checkOutboundUrl}, for non-HTTP targets (SMTP hosts).
 * Returns the resolved addresses.
 */
export async function checkOutboundHost(host: string, opts: OutboundOptions): Promise<string[]> {
  const hostname = host.replace(/^\[|\]$/g, '');
  if (hostname === '') throw new AlertingError('URL_REFUSED', 'empty host');
  let addresses: string[];
  if (isIP(hostname) !== 0) {
    addresses = [hostname];
  } else {
    try {
      const resolve: HostLookup = opts.lookup ?? ((name, options) => dnsLookup(name, options));
      const found = await resolve(hostname, { all: true, verbatim: true });
      addresses = found.map((entry) => entry.address);
    } catch (cause) {
      throw new AlertingError('URL_UNRESOLVABLE', `cannot resolve ${hostname}`, { cause });
    }
    if (addresses.length === 0) {
      throw new AlertingError('URL_UNRESOLVABLE', `${hostname} has no address`);
    }
  }
  if (!opts.allowPrivate) {
    const refused = addresses.find(isNonPublicAddress);
    if (refused !== undefined) {
      throw new AlertingError('URL_REFUSED', `${hostname} resolves to non-public ${refused}`);
    }
  }
  return addresses;
}

/** A POST to a provider: the request, the guard setting and the timeout. */
export interface OutboundPost {
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
  readonly allowPrivate: boolean;
  /** Default 10 000 ms. */
  readonly timeoutMs?: number;
  /** Clock for HTTP-date `Retry-After` values; default `Date.now`. */
  readonly now?: () => number;
  /** Injected resolver for tests (the guard's and the connect-time lookup). */
  readonly lookup?: HostLookup;
}

/** A provider answer, or the receipt that ends the attempt (refused URL, network error, non-2xx). */
export type OutboundResult =
  | { readonly ok: true; readonly status: number; readonly body: string }
  | { readonly ok: false; readonly receipt: DeliveryReceipt; readonly body: string };

const MAX_RESPONSE_BYTES = 64 * 1024;

/**
 * Checks the URL with the SSRF guard, POSTs through {@link sendGuarded} (the connect-time
 * address is checked too; no redirects: a redirect could lead past the guard) and classifies
 * the outcome. Never throws.
 */
export async function postOutbound(request: OutboundPost): Promise<OutboundResult> {
  let url: URL;
  try {
    url = await checkOutboundUrl(request.url, {
      allowPrivate: request.allowPrivate,
      ...(request.lookup ? { lookup: request.lookup } : {}),
    });
  } catch (error) {
    return { ok: false, receipt: refusedReceipt(error), body: '' };
  }
  const timeoutMs = request.timeoutMs ?? 10_000;
  let response: GuardedResponse;
  try {
    response = await sendGuarded(url, {
      method: 'POST',
      headers: request.headers,
      body: request.body,
      allowPrivate: request.allowPrivate,
      timeoutMs,
      maxResponseBytes: MAX_RESPONSE_BYTES,
      ...(request.lookup ? { lookup: request.lookup } : {}),
    });
  } catch (error) {
    if (error instanceof AlertingError)
      return { ok: false, receipt: refusedReceipt(error), body: '' };
    const message = error instanceof GuardedTimeout ? error.message : networkMessage(error);
    return { ok: false, receipt: { ok: false, permanent: false, error: message }, body: '' };
  }
  const body = response.body;
  if (response.status >= 200 && response.status < 300) {
    return { ok: true, status: response.status, body };
  }
  const now = (request.now ?? Date.now)();
  return {
    ok: false,
    receipt: httpFailureReceipt(response.status, response.retryAfter, now, body),
    body,
  };
}

/**
 * Classifies a non-2xx answer: 408, 429 and 5xx are retryable, every other status permanent
 * (3xx included: redirects are not followed). `Retry-After` (seconds or HTTP date) becomes ms.
 */
export function httpFailureReceipt(
  status: number,
  retryAfter: string | null,
  nowMs: number,
  body = '',
): DeliveryReceipt {
  const retryable = status === 408 || status === 429 || status >= 500;
  const retryAfterMs = retryable ? parseRetryAfter(retryAfter, nowMs) : undefined;
  const detail = body.trim().slice(0, 200);
  return {
    ok: false,
    status,
    permanent: !retryable,
    error: detail ? `HTTP ${status}: ${detail}` : `HTTP ${status}`,
    ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
  };
}

/** `Retry-After` in ms: delta-seconds or an HTTP date; `undefined` when absent or unreadable. */
export function parseRetryAfter(value: string | null, nowMs: number): number | undefined {
  if (value === null || value.trim() === '') return undefined;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const at = Date.parse(text);
  return Number.isNaN(at) ? undefined : Math.max(0, at - nowMs);
}

/** The receipt for a URL or host the guard rejected (permanent) or could not resolve (retry). */
export function refusedReceipt(error: unknown): DeliveryReceipt {
  if (error instanceof AlertingError) {
    return {
      ok: false,
      permanent: error.code !== 'URL_UNRESOLVABLE',
      code: error.code,
      error: error.message,
    };
  }
  return { ok: false, permanent: false, error: networkMessage(error) };
}

function networkMessage(error: unknown): string {
  if (!(error instanceof Error)) return 'network error';
  const cause = error.cause instanceof Error ? `: ${error.cause.message}` : '';
  return `${error.message}${cause}`;
}

function parseV4(address: string): number {
  return address.split('.').reduce((acc, octet) => acc * 256 + Number(octet), 0);
}

function isNonPublicV4(value: number): boolean {
  return REFUSED_V4.some(([base, prefix]) => {
    const mask = prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
    return (value & mask) >>> 0 === base;
  });
}

/** The IPv4 address hidden in ::ffff:a.b.c.d, ::a.b.c.d (compatible), 64:ff9b::a.b.c.d (NAT64). */
function embeddedV4(g: readonly number[]): number | null {
  const zeros = (from: number, to: number) => g.slice(from, to).every((x) => x === 0);
  const tail = g[6]! * 0x10000 + g[7]!;
  if (zeros(0, 5) && g[5] === 0xffff) return tail;
  if (zeros(0, 6) && tail > 1) return tail;
  if (g[0] === 0x64 && g[1] === 0xff9b && zeros(2, 6)) return tail;
  return null;
}

/** The eight 16-bit groups of a valid IPv6 address (dotted IPv4 tail allowed). */
function parseV6(address: string): number[] {
  let text = address.toLowerCase();
  const tail: number[] = [];
  const lastColon = text.lastIndexOf(':');
  if (text.includes('.', lastColon)) {
    const v4 = parseV4(text.slice(lastColon + 1));
    tail.push(Math.floor(v4 / 0x10000), v4 % 0x10000);
    text = `${text.slice(0, lastColon + 1)}0:0`;
  }
  const [head, rest] = text.split('::') as [string, string | undefined];
  const parse = (part: string) => (part === '' ? [] : part.split(':').map((h) => parseInt(h, 16)));
  const left = parse(head);
  const groups =
    rest === undefined
      ? left
      : [
          ...left,
          ...new Array<number>(8 - left.length - parse(rest).length).fill(0),
          ...parse(rest),
        ];
  if (tail.length > 0) groups.splice(6, 2, ...tail);
  return groups;
}

/** A request through {@link sendGuarded}. */
export interface GuardedRequest {
  readonly method: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: string;
  readonly allowPrivate: boolean;
  readonly timeoutMs: number;
  readonly maxResponseBytes: number;
  readonly lookup?: HostLookup;
}

/** The status line, the headers callers read, and the body (capped). */
export interface GuardedResponse {
  readonly status: number;
  readonly retryAfter: string | null;
  readonly location: string | null;
  readonly body: string;
}

/** What a request that ran out of time rejects with. */
export class GuardedTimeout extends Error {
  constructor(timeoutMs: number) {
    super(`timed out after ${timeoutMs} ms`);
    this.name = 'TimeoutError';
  }
}

/**
 * Sends a request to a URL the guard already accepted, with node:http(s) rather than fetch: only
 * they let the socket's own lookup be checked, so a DNS answer that changes between the check
 * and the connect (rebinding) cannot reach a non-public address. No redirects are followed, no
 * socket is pooled (one opened under a tenant's private-network opt-in must not serve another),
 * and the body is read up to `maxResponseBytes`. Rejects on network errors, a refused
 * connect-time address (`URL_REFUSED`) and timeouts ({@link GuardedTimeout}).
 */
export async function sendGuarded(url: URL, req: GuardedRequest): Promise<GuardedResponse> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), req.timeoutMs);
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  try {
    return await new Promise<GuardedResponse>((resolve, reject) => {
      const request = send(url, {
        method: req.method,
        headers: req.headers,
        signal: controller.signal,
        lookup: guardedLookup(req.allowPrivate, req.lookup),
        agent: false,
      });
      request.on('error', reject);
      request.on('response', (res: IncomingMessage) => {
        readCappedMessage(res, req.maxResponseBytes).then(
          (body) =>
            resolve({
              status: res.statusCode ?? 0,
              retryAfter: headerValue(res.headers['retry-after']),
              location: headerValue(res.headers.location),
              body,
            }),
          reject,
        );
      });
      request.end(req.body);
    });
  } catch (error) {
    throw controller.signal.aborted ? new GuardedTimeout(req.timeoutMs) : error;
  } finally {
    clearTimeout(timer);
  }
}

/**
 * The `lookup` the socket uses: resolves like the guard and refuses non-public answers, so the
 * address connected to is one that was checked. IP-literal hosts skip it (the guard saw them).
 */
function guardedLookup(allowPrivate: boolean, resolve: HostLookup | undefined): LookupFunction {
  return (hostname, options, callback) => {
    const resolved: Promise<LookupAddress[]> = resolve
      ? resolve(hostname, { all: true, verbatim: true })
      : new Promise((done, fail) =>
          dnsCallbackLookup(hostname, { all: true, verbatim: true }, (error, addresses) =>
            error ? fail(error) : done(addresses),
          ),
        );
    resolved.then(
      (found) => {
        const wanted = options.family === 4 || options.family === 6 ? options.family : 0;
        const addresses = found.filter((a) => wanted === 0 || a.family === wanted);
        const refused = allowPrivate
          ? undefined
          : addresses.find((a) => isNonPublicAddress(a.address));
        if (refused !== undefined) {
          const error = new AlertingError(
            'URL_REFUSED',
            `${hostname} resolved at connect time to non-public ${refused.address}`,
          );
          callback(error, '', 0);
        } else if (addresses.length === 0) {
          const error: NodeJS.ErrnoException = new Error(`${hostname} has no address`);
          error.code = 'ENOTFOUND';
          callback(error, '', 0);
        } else if (options.all) {
          (callback as unknown as (e: null, all: LookupAddress[]) => void)(null, addresses);
        } else {
          callback(null, addresses[0]!.address, addresses[0]!.family);
        }
      },
      (error: NodeJS.ErrnoException) => callback(error, '', 0),
    );
  };
}

/** Reads at most `max` bytes, then stops the transfer; the cut may split a UTF-8 character. */
function readCappedMessage(res: IncomingMessage, max: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const done = () => resolve(Buffer.concat(chunks).subarray(0, max).toString('utf8'));
    res.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      size += chunk.byteLength;
      if (size >= max) {
        res.removeAllListeners('data');
        done();
        res.destroy();
      }
    });
    res.on('end', done);
    res.on('error', (error) => (size >= max ? done() : reject(error)));
    // Settled already unless the peer hung up mid-body (a later resolve/reject is a no-op).
    res.on('close', () => reject(new Error('connection closed before the response ended')));
  });
}

function headerValue(value: string | string[] | undefined): string | null {
  if (value === undefined) return null;
  return Array.isArray(value) ? (value[0] ?? null) : value;
}
