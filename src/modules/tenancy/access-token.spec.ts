import {
  type CryptoKey,
  decodeJwt,
  decodeProtectedHeader,
  exportJWK,
  generateKeyPair,
  importJWK,
  SignJWT,
} from 'jose';

import {
  type AccessTokenClaims,
  looksLikeJwt,
  signAccessToken,
  type SigningMaterial,
  verifyAccessToken,
} from './access-token';

const settings = { issuer: 'vigil-test', audience: 'vigil-api', ttlSeconds: 900 };
const claims: AccessTokenClaims = {
  sub: '0190b6a0-0000-7000-8000-000000000001',
  tid: '0190b6a0-0000-7000-8000-000000000002',
  role: 'editor',
  sid: '0190b6a0-0000-7000-8000-000000000003',
};

async function keyPair(kid: string): Promise<SigningMaterial & { publicKey: CryptoKey }> {
  const { privateKey, publicKey } = await generateKeyPair('ES256');
  return { kid, privateKey, publicKey };
}

describe('access tokens', () => {
  let key: Awaited<ReturnType<typeof keyPair>>;
  const resolve = () => (header: { kid?: string }) =>
    header.kid === key.kid ? key.publicKey : Promise.reject(new TypeError('unknown kid'));

  beforeAll(async () => {
    key = await keyPair('k1');
  });

  it('carries sub, tid, role, sid, iss, aud, a kid header and a 15-minute expiry', async () => {
    const { token, expiresAt } = await signAccessToken(claims, key, settings, 1_800_000_000);
    expect(decodeProtectedHeader(token)).toEqual({ alg: 'ES256', kid: 'k1', typ: 'at+jwt' });
    expect(decodeJwt(token)).toEqual({
      ...claims,
      iss: 'vigil-test',
      aud: 'vigil-api',
      iat: 1_800_000_000,
      exp: 1_800_000_900,
    });
    expect(expiresAt.getTime()).toBe(1_800_000_900_000);
  });

  it('verifies a fresh token back to its claims', async () => {
    const { token } = await signAccessToken(claims, key, settings);
    await expect(verifyAccessToken(token, resolve(), settings)).resolves.toEqual(claims);
  });

  it('refuses expired tokens, other audiences and issuers, and other keys', async () => {
    const long = Math.floor(Date.now() / 1000) - 3600;
    const expired = (await signAccessToken(claims, key, settings, long)).token;
    const otherAud = (await signAccessToken(claims, key, { ...settings, audience: 'x' })).token;
    const otherIss = (await signAccessToken(claims, key, { ...settings, issuer: 'x' })).token;
    const impostor = { ...(await keyPair('k1')) };
    const foreign = (await signAccessToken(claims, impostor, settings)).token;
    for (const token of [expired, otherAud, otherIss, foreign]) {
      await expect(verifyAccessToken(token, resolve(), settings)).resolves.toBeNull();
    }
  });

  it('refuses alg none, HS256 signed with the public key, and a tampered payload', async () => {
    const { token } = await signAccessToken(claims, key, settings);
    const [header, payload, signature] = token.split('.') as [string, string, string];
    const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
    const none = `${b64({ alg: 'none', kid: 'k1', typ: 'at+jwt' })}.${payload}.`;
    const tampered = `${header}.${b64({ ...decodeJwt(token), role: 'owner' })}.${signature}`;
    const jwk = await exportJWK(key.publicKey);
    const hmacKey = await importJWK(
      { kty: 'oct', k: Buffer.from(JSON.stringify(jwk)).toString('base64url') },
      'HS256',
    );
    const hs = await new SignJWT({ ...decodeJwt(token) })
      .setProtectedHeader({ alg: 'HS256', kid: 'k1', typ: 'at+jwt' })
      .sign(hmacKey);
    for (const bad of [none, tampered, hs, 'not.a.jwt', '']) {
      await expect(verifyAccessToken(bad, resolve(), settings)).resolves.toBeNull();
    }
  });

  it('tells JWTs from API keys', () => {
    expect(looksLikeJwt('eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln')).toBe(true);
    expect(looksLikeJwt('vgl_0123456789abcdefABCDEF0123456789xyzXYZ')).toBe(false);
    expect(looksLikeJwt('bootstrap-key')).toBe(false);
  });
});
