import {
  createServer,
  type IncomingHttpHeaders,
  type Server,
  type ServerResponse,
} from 'node:http';
import { type AddressInfo } from 'node:net';

import { type HostLookup } from 'src/modules/alerting/channels/outbound-url';

import { RemediationError } from '../remediation.errors';

import {
  HttpActions,
  MAX_REQUEST_BODY_BYTES,
  httpCallFor,
  type HttpCallOptions,
} from './http.actions';

interface Recorded {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

const NOW = Date.parse('2026-11-26T10:00:00Z');
const LOOPBACK: HttpCallOptions = { allowPrivateNetwork: true, timeoutMs: 5_000 };

/** A resolver answering from a script, one answer per call, to simulate DNS rebinding. */
function scriptedLookup(...answers: string[][]): HostLookup {
  let call = 0;
  return (_hostname) => {
    const answer = answers[Math.min(call++, answers.length - 1)]!;
    return Promise.resolve(
      answer.map((address) => ({ address, family: address.includes(':') ? 6 : 4 })),
    );
  };
}

describe(HttpActions.name, () => {
  let server: Server;
  let base: string;
  let port: number;
  const requests: Recorded[] = [];
  const hanging: ServerResponse[] = [];
  const sut = new HttpActions({ now: () => NOW });

  function route(path: string, res: ServerResponse): void {
    switch (path) {
      case '/echo':
        res.writeHead(201, { 'content-type': 'text/plain' }).end('pong');
        return;
      case '/big':
        res.writeHead(200).end('a'.repeat(10_000) + 'b'.repeat(100_000));
        return;
      case '/fail':
        res.writeHead(500).end('database down');
        return;
      case '/busy':
        res.writeHead(429, { 'retry-after': '7' }).end();
        return;
      case '/maintenance':
        res.writeHead(503, { 'retry-after': new Date(NOW + 90_000).toUTCString() }).end();
        return;
      case '/missing':
        res.writeHead(404).end('no such job');
        return;
      case '/moved':
        res.writeHead(302, { location: 'http://169.254.169.254/latest/meta-data/' }).end();
        return;
      case '/slow':
        hanging.push(res);
        return;
      default:
        res.writeHead(400).end();
    }
  }

  beforeAll(async () => {
    server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        requests.push({
          method: req.method ?? '',
          url: req.url ?? '',
          headers: req.headers,
          body: Buffer.concat(chunks).toString(),
        });
        route(req.url ?? '', res);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
    base = `http://127.0.0.1:${port}`;
  });

  afterAll(async () => {
    hanging.forEach((res) => res.destroy());
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  beforeEach(() => {
    requests.length = 0;
  });

  it('sends method, headers and body as given and captures a 2xx response', async () => {
    const result = await sut.call(
      {
        method: 'PUT',
        url: `${base}/echo`,
        headers: { Authorization: 'Bearer s3cret', 'Content-Type': 'application/json' },
        body: '{"replicas":3}',
      },
      LOOPBACK,
    );

    expect(result).toEqual({
      ok: true,
      status: 201,
      retryable: false,
      response: 'pong',
      durationMs: 0,
    });
    expect(requests).toHaveLength(1);
    expect(requests[0]).toMatchObject({
      method: 'PUT',
      url: '/echo',
      body: '{"replicas":3}',
      headers: {
        authorization: 'Bearer s3cret',
        'content-type': 'application/json',
        'content-length': '14',
      },
    });
  });

  it('truncates the captured response to maxResponseBytes', async () => {
    const result = await sut.call(
      { method: 'GET', url: `${base}/big`, headers: {} },
      { ...LOOPBACK, maxResponseBytes: 10_003 },
    );

    expect(result.ok).toBe(true);
    expect(result.response).toBe('a'.repeat(10_000) + 'bbb');
  });

  it('defaults the response cap to 64 KiB', async () => {
    const result = await sut.call({ method: 'GET', url: `${base}/big`, headers: {} }, LOOPBACK);

    expect(result.response).toHaveLength(64 * 1024);
  });

  it('treats a 500 as retryable and keeps its body', async () => {
    const result = await sut.call({ method: 'POST', url: `${base}/fail`, headers: {} }, LOOPBACK);

    expect(result).toEqual({
      ok: false,
      status: 500,
      retryable: true,
      error: 'HTTP 500',
      response: 'database down',
      durationMs: 0,
    });
  });

  it('honours Retry-After in seconds on 429', async () => {
    const result = await sut.call({ method: 'POST', url: `${base}/busy`, headers: {} }, LOOPBACK);

    expect(result).toMatchObject({ ok: false, status: 429, retryable: true, retryAfterMs: 7_000 });
  });

  it('honours Retry-After as an HTTP date on 503', async () => {
    const result = await sut.call(
      { method: 'POST', url: `${base}/maintenance`, headers: {} },
      LOOPBACK,
    );

    expect(result).toMatchObject({ ok: false, status: 503, retryable: true, retryAfterMs: 90_000 });
  });

  it('treats a 404 as final', async () => {
    const result = await sut.call(
      { method: 'DELETE', url: `${base}/missing`, headers: {} },
      LOOPBACK,
    );

    expect(result).toMatchObject({
      ok: false,
      status: 404,
      retryable: false,
      response: 'no such job',
    });
  });

  it('does not follow a redirect and says where it pointed', async () => {
    const result = await sut.call({ method: 'GET', url: `${base}/moved`, headers: {} }, LOOPBACK);

    expect(result).toMatchObject({
      ok: false,
      status: 302,
      retryable: false,
      error: 'HTTP 302: redirect to http://169.254.169.254/latest/meta-data/ not followed',
    });
    expect(requests.map((r) => r.url)).toEqual(['/moved']);
  });

  it('accepts exactly the statuses in expectStatus', async () => {
    const created = await sut.call(
      { method: 'GET', url: `${base}/echo`, headers: {} },
      { ...LOOPBACK, expectStatus: [200] },
    );
    const redirect = await sut.call(
      { method: 'GET', url: `${base}/moved`, headers: {} },
      { ...LOOPBACK, expectStatus: [302] },
    );

    expect(created).toMatchObject({
      ok: false,
      status: 201,
      retryable: false,
      error: 'HTTP 201 not expected',
    });
    expect(redirect).toMatchObject({ ok: true, status: 302 });
  });

  it('gives up after timeoutMs and calls that retryable', async () => {
    const result = await sut.call(
      { method: 'GET', url: `${base}/slow`, headers: {} },
      { ...LOOPBACK, timeoutMs: 50 },
    );

    expect(result).toMatchObject({ ok: false, retryable: true, error: 'timed out after 50 ms' });
    expect(result.status).toBeUndefined();
  });

  it('treats a refused connection as retryable', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const freePort = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));

    const result = await sut.call(
      { method: 'GET', url: `http://127.0.0.1:${freePort}/`, headers: {} },
      LOOPBACK,
    );

    expect(result).toMatchObject({ ok: false, retryable: true });
    expect(result.error).toContain('ECONNREFUSED');
  });

  describe('refusals, none of which sends anything', () => {
    it('refuses loopback without the private-network opt-in', async () => {
      const result = await sut.call(
        { method: 'GET', url: `${base}/echo`, headers: {} },
        { allowPrivateNetwork: false, timeoutMs: 5_000 },
      );

      expect(result).toMatchObject({ ok: false, retryable: false });
      expect(result.error).toMatch(/non-public 127\.0\.0\.1/);
      expect(requests).toHaveLength(0);
    });

    it('refuses the cloud metadata address', async () => {
      const result = await sut.call(
        { method: 'GET', url: 'http://169.254.169.254/latest/meta-data/', headers: {} },
        { allowPrivateNetwork: false, timeoutMs: 5_000 },
      );

      expect(result).toMatchObject({ ok: false, retryable: false });
      expect(result.error).toMatch(/non-public 169\.254\.169\.254/);
    });

    it('refuses a name that rebinds to loopback between the check and the connect', async () => {
      const rebinding = new HttpActions({
        now: () => NOW,
        lookup: scriptedLookup(['93.184.216.34'], ['127.0.0.1']),
      });

      const result = await rebinding.call(
        { method: 'GET', url: `http://hooks.example.com:${port}/echo`, headers: {} },
        { allowPrivateNetwork: false, timeoutMs: 5_000 },
      );

      expect(result).toMatchObject({ ok: false, retryable: false });
      expect(result.error).toBe(
        'hooks.example.com resolved at connect time to non-public 127.0.0.1',
      );
      expect(requests).toHaveLength(0);
    });

    it('connects to the checked address of a name when private targets are allowed', async () => {
      const internal = new HttpActions({ now: () => NOW, lookup: scriptedLookup(['127.0.0.1']) });

      const result = await internal.call(
        { method: 'GET', url: `http://rundeck.internal:${port}/echo`, headers: {} },
        LOOPBACK,
      );

      expect(result).toMatchObject({ ok: true, status: 201 });
      expect(requests[0]?.headers.host).toBe(`rundeck.internal:${port}`);
    });

    it('refuses a header value with CR/LF without echoing it', async () => {
      const result = await sut.call(
        { method: 'GET', url: `${base}/echo`, headers: { 'X-Token': 'abc\r\nX-Injected: 1' } },
        LOOPBACK,
      );

      expect(result).toEqual({
        ok: false,
        retryable: false,
        error: 'header X-Token contains a line break or NUL',
        durationMs: 0,
      });
      expect(requests).toHaveLength(0);
    });

    it('refuses invalid header names and headers Vigil sets itself', async () => {
      const badName = await sut.call(
        { method: 'GET', url: `${base}/echo`, headers: { 'X A': '1' } },
        LOOPBACK,
      );
      const framing = await sut.call(
        { method: 'POST', url: `${base}/echo`, headers: { 'Content-Length': '0' }, body: 'x' },
        LOOPBACK,
      );

      expect(badName.error).toBe('header name "X A" is invalid');
      expect(framing.error).toBe('header Content-Length is set by Vigil, not the runbook');
      expect(requests).toHaveLength(0);
    });

    it('refuses a body over 1 MiB', async () => {
      const result = await sut.call(
        {
          method: 'POST',
          url: `${base}/echo`,
          headers: {},
          body: 'x'.repeat(MAX_REQUEST_BODY_BYTES + 1),
        },
        LOOPBACK,
      );

      expect(result).toMatchObject({
        ok: false,
        retryable: false,
        error: 'body exceeds 1048576 bytes',
      });
      expect(requests).toHaveLength(0);
    });

    it('refuses schemes other than http(s)', async () => {
      const result = await sut.call(
        { method: 'GET', url: 'file:///etc/passwd', headers: {} },
        LOOPBACK,
      );

      expect(result).toMatchObject({
        ok: false,
        retryable: false,
        error: 'scheme file: is not allowed',
      });
    });
  });

  it('throws on options only a buggy executor would pass', async () => {
    await expect(
      sut.call({ method: 'GET', url: `${base}/echo`, headers: {} }, { ...LOOPBACK, timeoutMs: 0 }),
    ).rejects.toThrow(RemediationError);
    await expect(
      sut.call(
        { method: 'GET', url: `${base}/echo`, headers: {} },
        { ...LOOPBACK, expectStatus: [2000] },
      ),
    ).rejects.toThrow('expectStatus 2000 is not an HTTP status');
  });
});

describe(httpCallFor.name, () => {
  it('turns a webhook into a JSON POST', () => {
    expect(
      httpCallFor({
        kind: 'webhook',
        method: 'POST',
        url: 'https://ci.example/hook',
        headers: {},
        payload: '{}',
      }),
    ).toEqual({
      method: 'POST',
      url: 'https://ci.example/hook',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
  });

  it('keeps a webhook content type and passes http actions through', () => {
    expect(
      httpCallFor({
        kind: 'webhook',
        method: 'POST',
        url: 'https://ci.example/hook',
        headers: { 'Content-Type': 'application/vnd.github+json' },
        payload: '{}',
      }).headers,
    ).toEqual({ 'Content-Type': 'application/vnd.github+json' });
    expect(
      httpCallFor({
        kind: 'http',
        method: 'HEAD',
        url: 'https://svc.example/',
        headers: { a: 'b' },
      }),
    ).toEqual({
      method: 'HEAD',
      url: 'https://svc.example/',
      headers: { a: 'b' },
    });
  });
});
