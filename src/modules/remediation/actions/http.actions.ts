import { AlertingError } from 'src/modules/alerting/alerting.errors';
import {
  checkOutboundUrl,
  parseRetryAfter,
  sendGuarded,
  type HostLookup,
} from 'src/modules/alerting/channels/outbound-url';

import { RemediationError } from '../remediation.errors';
import { type PlannedAction } from '../runbook/plan';
import { type HttpMethod } from '../runbook/runbook.types';

/**
 * One resolved HTTP call, with real secrets already substituted by the executor. `method` is the
 * runbook language's {@link HttpMethod} (which also allows HEAD), so any planned action fits.
 */
export interface HttpCall {
  method: HttpMethod;
  url: string;
  headers: Record<string, string>;
  body?: string;
}

/** Per-call policy: the SSRF opt-in comes from the tenant/runbook, the limits from the executor. */
export interface HttpCallOptions {
  /** Allow loopback, private and link-local targets (self-hosted automation, tests). */
  allowPrivateNetwork: boolean;
  /** Whole-call budget: connect, send, and reading the (capped) response. */
  timeoutMs: number;
  /** Default 64 KiB; the rest of the response is not read. */
  maxResponseBytes?: number;
  /** Statuses that count as success; default any 2xx. */
  expectStatus?: number[];
}

/** The outcome the executor records and retries on; never contains request headers or body. */
export interface HttpCallResult {
  ok: boolean;
  status?: number;
  retryable: boolean;
  retryAfterMs?: number;
  error?: string;
  /** The response body, truncated to maxResponseBytes, as text (for the audit log and `steps.<id>.response`). */
  response?: string;
  durationMs: number;
}

/** Collaborators, injectable so tests need neither real DNS nor a real clock. */
export interface HttpActionsDeps {
  /** Wall clock in ms, for durations and HTTP-date `Retry-After`; default `Date.now`. */
  readonly now?: () => number;
  /** Resolver used both by the SSRF guard and when connecting; default `node:dns` lookup. */
  readonly lookup?: HostLookup;
}

/** Request bodies above this are refused: a runbook step is a trigger, not an upload. */
export const MAX_REQUEST_BODY_BYTES = 1024 * 1024;
const DEFAULT_MAX_RESPONSE_BYTES = 64 * 1024;
/** RFC 9110 token characters: what a header name may consist of. */
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
/** Headers we compute ourselves; a tenant-supplied one could desynchronise the framing. */
const RESERVED_HEADERS = new Set(['content-length', 'transfer-encoding', 'connection']);

/**
 * Performs the HTTP and webhook steps of a runbook: one call, no redirects, a capped response,
 * and a verdict the executor can retry on. Never throws for anything the runbook or the remote
 * side did; only invalid `options` (an executor bug) throw.
 *
 * The target passes the alerting SSRF guard first, and the connection itself resolves the name
 * again through a guarded lookup, so a DNS answer that changes between check and connect
 * (rebinding) cannot reach a private address. Headers and bodies carry real secrets, so
 * nothing here logs them or echoes them into `error`.
 *
 * @example
 *   const result = await actions.call(httpCallFor(action), { allowPrivateNetwork: false, timeoutMs: 10_000 });
 */
export class HttpActions {
  readonly #now: () => number;
  readonly #lookup: HostLookup | undefined;

  constructor(deps: HttpActionsDeps = {}) {
    this.#now = deps.now ?? Date.now;
    this.#lookup = deps.lookup;
  }

  async call(call: HttpCall, options: HttpCallOptions): Promise<HttpCallResult> {
    const maxResponseBytes = validateOptions(options);
    const started = this.#now();
    const finish = (result: Omit<HttpCallResult, 'durationMs'>): HttpCallResult => ({
      ...result,
      durationMs: Math.max(0, this.#now() - started),
    });

    const refusal = refuseRequest(call);
    if (refusal !== undefined) return finish({ ok: false, retryable: false, error: refusal });
    let url: URL;
    try {
      url = await checkOutboundUrl(call.url, {
        allowPrivate: options.allowPrivateNetwork,
        ...(this.#lookup ? { lookup: this.#lookup } : {}),
      });
    } catch (error) {
      // An unresolvable name may be a DNS hiccup; a refused URL stays refused.
      const unresolvable = error instanceof AlertingError && error.code === 'URL_UNRESOLVABLE';
      return finish({ ok: false, retryable: unresolvable, error: errorText(error) });
    }

    let response: ResponseHead;
    let body: string;
    try {
      ({ response, body } = await this.#send(url, call, options, maxResponseBytes));
    } catch (error) {
      if (error instanceof AlertingError && error.code === 'URL_REFUSED') {
        return finish({ ok: false, retryable: false, error: error.message });
      }
      return finish({ ok: false, retryable: true, error: errorText(error) });
    }
    return finish(this.#classify(response, body, options.expectStatus));
  }

  #classify(
    response: ResponseHead,
    body: string,
    expectStatus: readonly number[] | undefined,
  ): Omit<HttpCallResult, 'durationMs'> {
    const { status } = response;
    const expected = expectStatus ? expectStatus.includes(status) : status >= 200 && status < 300;
    if (expected) return { ok: true, status, retryable: false, response: body };
    if (status >= 300 && status < 400) {
      const where = response.location ? ` to ${response.location.slice(0, 500)}` : '';
      return {
        ok: false,
        status,
        retryable: false,
        error: `HTTP ${status}: redirect${where} not followed`,
        response: body,
      };
    }
    const retryable = status === 408 || status === 425 || status === 429 || status >= 500;
    const retryAfterMs =
      status === 429 || status === 503
        ? parseRetryAfter(response.retryAfter, this.#now())
        : undefined;
    return {
      ok: false,
      status,
      retryable,
      ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
      error:
        expectStatus && status >= 200 && status < 300
          ? `HTTP ${status} not expected`
          : `HTTP ${status}`,
      response: body,
    };
  }

  /** Sends through the guarded sender: the connect-time lookup is checked too. */
  async #send(
    url: URL,
    call: HttpCall,
    options: HttpCallOptions,
    maxResponseBytes: number,
  ): Promise<{ response: ResponseHead; body: string }> {
    const r = await sendGuarded(url, {
      method: call.method,
      headers: call.headers,
      ...(call.body !== undefined ? { body: call.body } : {}),
      allowPrivate: options.allowPrivateNetwork,
      timeoutMs: options.timeoutMs,
      maxResponseBytes,
      ...(this.#lookup ? { lookup: this.#lookup } : {}),
    });
    return {
      response: { status: r.status, retryAfter: r.retryAfter, location: r.location },
      body: r.body,
    };
  }
}

/** Status line and the headers the verdict needs. */
interface ResponseHead {
  status: number;
  retryAfter: string | null;
  location: string | null;
}

/** The call a planned `http` or `webhook` action makes (webhook payloads are JSON). */
export function httpCallFor(
  action: Extract<PlannedAction, { kind: 'http' | 'webhook' }>,
): HttpCall {
  if (action.kind === 'http') {
    return {
      method: action.method,
      url: action.url,
      headers: { ...action.headers },
      ...(action.body !== undefined ? { body: action.body } : {}),
    };
  }
  const headers = { ...action.headers };
  const hasType = Object.keys(headers).some((name) => name.toLowerCase() === 'content-type');
  if (action.payload !== undefined && !hasType) headers['content-type'] = 'application/json';
  return {
    method: 'POST',
    url: action.url,
    headers,
    ...(action.payload !== undefined ? { body: action.payload } : {}),
  };
}

function validateOptions(options: HttpCallOptions): number {
  const max = options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
  if (!(Number.isFinite(options.timeoutMs) && options.timeoutMs > 0)) {
    throw new RemediationError(
      'INVALID_ARGUMENT',
      `timeoutMs must be positive, got ${options.timeoutMs}`,
    );
  }
  if (!(Number.isInteger(max) && max >= 0)) {
    throw new RemediationError(
      'INVALID_ARGUMENT',
      `maxResponseBytes must be a non-negative integer, got ${max}`,
    );
  }
  const badStatus = options.expectStatus?.find(
    (s) => !(Number.isInteger(s) && s >= 100 && s <= 599),
  );
  if (badStatus !== undefined) {
    throw new RemediationError(
      'INVALID_ARGUMENT',
      `expectStatus ${badStatus} is not an HTTP status`,
    );
  }
  return max;
}

/** Why the request must not be sent, or `undefined`. Messages name headers, never their values. */
function refuseRequest(call: HttpCall): string | undefined {
  const methods: readonly string[] = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD'];
  if (!methods.includes(call.method)) return `method ${String(call.method)} is not allowed`;
  const seen = new Set<string>();
  for (const [name, value] of Object.entries(call.headers)) {
    if (!HEADER_NAME.test(name))
      return `header name ${JSON.stringify(name.slice(0, 100))} is invalid`;
    if (typeof value !== 'string' || /[\r\n\0]/.test(value)) {
      return `header ${name} contains a line break or NUL`;
    }
    const lower = name.toLowerCase();
    if (RESERVED_HEADERS.has(lower)) return `header ${name} is set by Vigil, not the runbook`;
    if (seen.has(lower)) return `header ${name} is given twice`;
    seen.add(lower);
  }
  if (call.body !== undefined && Buffer.byteLength(call.body, 'utf8') > MAX_REQUEST_BODY_BYTES) {
    return `body exceeds ${MAX_REQUEST_BODY_BYTES} bytes`;
  }
  return undefined;
}

/**
 * A short reason from a Node or guard error. Duck-typed: Node's own errors need not be
 * `instanceof Error` in every realm, and a failed multi-address connect is an AggregateError.
 */
function errorText(error: unknown): string {
  if (error instanceof AlertingError) return error.message;
  const { message, code, errors } = (error ?? {}) as {
    message?: unknown;
    code?: unknown;
    errors?: unknown;
  };
  if ((typeof message !== 'string' || message === '') && Array.isArray(errors) && errors[0]) {
    return errorText(errors[0]);
  }
  const text = typeof message === 'string' && message !== '' ? message : 'network error';
  return typeof code === 'string' && !text.includes(code) ? `${text} (${code})` : text;
}
