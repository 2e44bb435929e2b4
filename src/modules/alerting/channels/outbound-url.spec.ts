import { createServer, type Server } from 'node:http';
import { type AddressInfo } from 'node:net';

import { AlertingError } from '../alerting.errors';

import {
  type HostLookup,
  checkOutboundHost,
  checkOutboundUrl,
  httpFailureReceipt,
  isNonPublicAddress,
  parseRetryAfter,
  postOutbound,
} from './outbound-url';

const resolvesTo =
  (...addresses: string[]): HostLookup =>
  async () =>
    addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));

async function refusal(promise: Promise<unknown>): Promise<AlertingError> {
  const error: unknown = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AlertingError);
  return error as AlertingError;
}

describe(checkOutboundUrl.name, () => {
  it.each([
    'http://127.0.0.1/hook',
    'http://127.8.9.10:8080/',
    'http://[::1]/',
    'http://10.1.2.3/',
    'http://172.20.0.1/',
    'http://192.168.1.1/',
    'http://169.254.169.254/latest/meta-data/',
    'http://[::ffff:127.0.0.1]/',
    'http://[::ffff:169.254.169.254]/',
    'http://[::ffff:7f00:1]/',
    'http://[64:ff9b::a9fe:a9fe]/',
    'http://[fe80::1]/',
    'http://[fd00::1]/',
    'http://0.0.0.0/',
    'http://[::]/',
    'http://224.0.0.1/',
    'http://[ff02::1]/',
    'http://2130706433/', // 127.0.0.1 as one decimal number
    'http://0x7f.0.0.1/',
    'http://localhost:3000/',
  ])('refuses %s without allowPrivate', async (url) => {
    const error = await refusal(checkOutboundUrl(url, { allowPrivate: false }));
    expect(error.code).toBe('URL_REFUSED');
  });

  it('allows a public literal without resolving anything', async () => {
    const url = await checkOutboundUrl('https://93.184.216.34/hook', { allowPrivate: false });
    expect(url.hostname).toBe('93.184.216.34');
  });

  it('allows loopback when allowPrivate is set', async () => {
    const url = await checkOutboundUrl('http://127.0.0.1:9/x', { allowPrivate: true });
    expect(url.port).toBe('9');
  });

  it('refuses a name when any of its addresses is private', async () => {
    const lookup = resolvesTo('93.184.216.34', '10.0.0.5');
    const error = await refusal(
      checkOutboundHost('hooks.example.com', { allowPrivate: false, lookup }),
    );
    expect(error.code).toBe('URL_REFUSED');
    expect(error.message).toContain('10.0.0.5');
  });

  it('accepts a name whose addresses are all public', async () => {
    const lookup = resolvesTo('93.184.216.34', '2606:2800:220:1:248:1893:25c8:1946');
    await expect(
      checkOutboundHost('hooks.example.com', { allowPrivate: false, lookup }),
    ).resolves.toHaveLength(2);
  });

  it('reports an unresolvable name as URL_UNRESOLVABLE', async () => {
    const lookup: HostLookup = async () => {
      throw Object.assign(new Error('getaddrinfo ENOTFOUND'), { code: 'ENOTFOUND' });
    };
    const error = await refusal(checkOutboundHost('nope.invalid', { allowPrivate: false, lookup }));
    expect(error.code).toBe('URL_UNRESOLVABLE');
  });

  it.each(['ftp://93.184.216.34/', 'file:///etc/passwd', 'gopher://93.184.216.34/', 'not a url'])(
    'refuses %s (only http and https)',
    async (url) => {
      const error = await refusal(checkOutboundUrl(url, { allowPrivate: true }));
      expect(error.code).toBe('URL_REFUSED');
    },
  );
});

describe(isNonPublicAddress.name, () => {
  it('keeps ordinary public addresses public', () => {
    for (const ip of [
      '8.8.8.8',
      '172.32.0.1',
      '172.15.255.255',
      '100.128.0.1',
      '2001:4860::8888',
    ]) {
      expect(isNonPublicAddress(ip)).toBe(false);
    }
  });

  it('sees private ranges at their edges', () => {
    for (const ip of ['172.16.0.0', '172.31.255.255', '100.64.0.1', '255.255.255.255', 'fec0::1']) {
      expect(isNonPublicAddress(ip)).toBe(true);
    }
  });
});

describe(parseRetryAfter.name, () => {
  it('reads delta-seconds and HTTP dates', () => {
    const now = Date.UTC(2026, 10, 26, 12, 0, 0);
    expect(parseRetryAfter('2', now)).toBe(2000);
    expect(parseRetryAfter('Thu, 26 Nov 2026 12:00:30 GMT', now)).toBe(30_000);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter(null, now)).toBeUndefined();
  });
});

describe(httpFailureReceipt.name, () => {
  it('calls 4xx permanent except 408 and 429, and 5xx retryable', () => {
    expect(httpFailureReceipt(400, null, 0).permanent).toBe(true);
    expect(httpFailureReceipt(404, null, 0).permanent).toBe(true);
    expect(httpFailureReceipt(301, null, 0).permanent).toBe(true);
    expect(httpFailureReceipt(408, null, 0).permanent).toBe(false);
    expect(httpFailureReceipt(429, '3', 0)).toMatchObject({ permanent: false, retryAfterMs: 3000 });
    expect(httpFailureReceipt(503, null, 0).permanent).toBe(false);
  });
});

describe(postOutbound.name, () => {
  let server: Server;
  let base: string;

  beforeAll(async () => {
    server = createServer((req, res) => {
      if (req.url === '/redirect') {
        res.writeHead(302, { location: 'http://169.254.169.254/' }).end();
      } else {
        res.writeHead(200).end('fine');
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  const post = (path: string, allowPrivate = true) =>
    postOutbound({ url: `${base}${path}`, headers: {}, body: '{}', allowPrivate });

  it('returns the body of a 2xx answer', async () => {
    await expect(post('/ok')).resolves.toEqual({ ok: true, status: 200, body: 'fine' });
  });

  it('does not follow a redirect (it could lead past the guard)', async () => {
    const result = await post('/redirect');
    expect(result.ok).toBe(false);
    expect(!result.ok && result.receipt).toMatchObject({ status: 302, permanent: true });
  });

  it('refuses loopback without allowPrivate, permanently', async () => {
    const result = await post('/ok', false);
    expect(!result.ok && result.receipt).toMatchObject({ permanent: true, code: 'URL_REFUSED' });
  });

  it('checks the address it connects to again (a DNS answer that changes cannot rebind)', async () => {
    let hits = 0;
    server.on('request', () => hits++);
    const port = (server.address() as AddressInfo).port;
    let lookups = 0;
    // The guard sees a public address; the connection would see loopback.
    const lookup = () =>
      Promise.resolve([
        lookups++ === 0
          ? { address: '93.184.216.34', family: 4 }
          : { address: '127.0.0.1', family: 4 },
      ]);
    const result = await postOutbound({
      url: `http://hooks.example:${port}/ok`,
      headers: {},
      body: '{}',
      allowPrivate: false,
      lookup,
    });
    expect(lookups).toBe(2);
    expect(!result.ok && result.receipt).toMatchObject({ permanent: true, code: 'URL_REFUSED' });
    expect(hits).toBe(0);
  });

  it('reports a refused connection as retryable', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const result = await postOutbound({
      url: `http://127.0.0.1:${port}/`,
      headers: {},
      body: '',
      allowPrivate: true,
    });
    expect(!result.ok && result.receipt).toMatchObject({ ok: false, permanent: false });
  });
});
