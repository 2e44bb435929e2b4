import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { basicAuth, TestVigil } from '../support/test-vigil';

function httpsGet(
  url: string,
  ca: Buffer,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { ca, headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('TLS termination by config', () => {
  let sut: TestVigil;
  let dir: string;
  let cert: Buffer;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'vigil-tls-'));
    execFileSync('openssl', [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-days',
      '1',
      '-subj',
      '/CN=localhost',
      '-addext',
      'subjectAltName=IP:127.0.0.1,DNS:localhost',
      '-keyout',
      join(dir, 'key.pem'),
      '-out',
      join(dir, 'cert.pem'),
    ]);
    cert = readFileSync(join(dir, 'cert.pem'));
    sut = await TestVigil.start({
      TLS_CERT_FILE: join(dir, 'cert.pem'),
      TLS_KEY_FILE: join(dir, 'key.pem'),
    });
  });
  afterAll(async () => {
    await sut.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('serves HTTPS with the configured certificate on the main port', async () => {
    const res = await httpsGet(`https://127.0.0.1:${sut.vigil.port}/healthz`, cert);
    expect(res.status).toBe(200);
  });

  it('serves HTTPS on the ES port too', async () => {
    const res = await httpsGet(`https://127.0.0.1:${sut.vigil.esPort}/`, cert, {
      authorization: basicAuth(sut.adminKey),
    });
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body)).toMatchObject({ tagline: 'You Know, for Search' });
  });

  it('refuses clients that do not trust the certificate', async () => {
    await expect(
      httpsGet(`https://127.0.0.1:${sut.vigil.port}/healthz`, Buffer.from('')),
    ).rejects.toThrow(/self[- ]signed|certificate/i);
  });
});

describe('TRUST_PROXY', () => {
  const anonymous = (sut: TestVigil, forwardedFor: string) =>
    fetch(`${sut.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-forwarded-for': forwardedFor },
      body: JSON.stringify({ query: '{ __typename }' }),
    }).then((r) => r.status);
  const limits = { RATE_LIMIT_GRAPHQL_PER_SECOND: '1', RATE_LIMIT_GRAPHQL_BURST: '2' };

  it('is off by default: a forged X-Forwarded-For does not buy a fresh rate limit', async () => {
    const sut = await TestVigil.start(limits);
    try {
      const seen = [];
      for (let i = 0; i < 3; i++) seen.push(await anonymous(sut, `203.0.113.${i}`));
      expect(seen).toEqual([200, 200, 429]);
    } finally {
      await sut.close();
    }
  });

  it('when the proxy is trusted, limits each forwarded client on its own', async () => {
    const sut = await TestVigil.start({ ...limits, TRUST_PROXY: '127.0.0.1' });
    try {
      const seen = [];
      for (let i = 0; i < 3; i++) seen.push(await anonymous(sut, `203.0.113.${i}`));
      expect(seen).toEqual([200, 200, 200]);
      expect(await anonymous(sut, '203.0.113.0')).toBe(200);
      expect(await anonymous(sut, '203.0.113.0')).toBe(429);
    } finally {
      await sut.close();
    }
  });
});
