import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

import { decodeJwt, decodeProtectedHeader, generateKeyPair, SignJWT } from 'jose';
import { DataSource } from 'typeorm';

import { signAccessToken } from 'src/modules/tenancy/access-token';
import { SigningKeyService } from 'src/modules/tenancy/signing-key.service';

import {
  codeOf,
  COUNT_LOGS,
  createMember,
  login,
  PASSWORD,
  SESSION_FIELDS,
  type TestSession,
} from '../support/test-users';
import { type TestTenant, TestVigil } from '../support/test-vigil';

const CLI = join(__dirname, '..', '..', 'dist', 'src', 'cli.js');
const REFRESH = `mutation($r: String!) { refreshSession(refreshToken: $r) { ${SESSION_FIELDS} } }`;
const LOGOUT = `mutation($r: String!) { logout(refreshToken: $r) }`;

describe('user sessions: login, JWT access tokens, refresh rotation, logout', () => {
  let sut: TestVigil;
  let acme: TestTenant;

  beforeAll(async () => {
    sut = await TestVigil.start();
    acme = await sut.createTenant('acme');
    await createMember(sut, acme, 'Olga@Example.com', 'owner');
  });
  afterAll(() => sut.close());

  const refresh = (token: string) =>
    sut.graphql<{ refreshSession: TestSession }>(null, REFRESH, { r: token });

  it('logs in, reads logs with the token, rotates it, and detects refresh-token reuse', async () => {
    const first = await login(sut, 'olga@example.com', 'acme');
    expect(first).toMatchObject({
      role: 'owner',
      user: { email: 'olga@example.com' },
      tenant: { id: acme.id, slug: 'acme' },
    });
    expect(first.refreshToken).toMatch(/^vrt_/);
    await expect(sut.graphql(first.accessToken, COUNT_LOGS)).resolves.toEqual({
      data: { logs: { totalCount: 0 } },
    });
    const me = await sut.graphql(
      first.accessToken,
      `{ me { user { email } tenant { slug } role } }`,
    );
    expect(me.data).toEqual({
      me: { user: { email: 'olga@example.com' }, tenant: { slug: 'acme' }, role: 'owner' },
    });

    const second = await refresh(first.refreshToken);
    expect(codeOf(second)).toBe('OK');
    const rotated = second.data!.refreshSession;
    expect(rotated.refreshToken).not.toBe(first.refreshToken);
    expect(codeOf(await sut.graphql(rotated.accessToken, COUNT_LOGS))).toBe('OK');

    // The old refresh token again: someone copied it. The whole session ends.
    const reused = await refresh(first.refreshToken);
    expect(codeOf(reused)).toBe('UNAUTHENTICATED');
    expect(reused.errors![0]!.message).toMatch(/already used/);
    expect(codeOf(await refresh(rotated.refreshToken))).toBe('UNAUTHENTICATED');
    expect(codeOf(await sut.graphql(rotated.accessToken, COUNT_LOGS))).toBe('UNAUTHENTICATED');
  });

  it('logout ends the session: its access and refresh tokens stop working, others do not', async () => {
    const a = await login(sut, 'olga@example.com', 'acme');
    const b = await login(sut, 'olga@example.com', null); // one tenant only: no slug needed
    await expect(sut.graphql(null, LOGOUT, { r: a.refreshToken })).resolves.toEqual({
      data: { logout: true },
    });
    expect(codeOf(await sut.graphql(a.accessToken, COUNT_LOGS))).toBe('UNAUTHENTICATED');
    expect(codeOf(await refresh(a.refreshToken))).toBe('UNAUTHENTICATED');
    expect(codeOf(await sut.graphql(b.accessToken, COUNT_LOGS))).toBe('OK');
  });

  it('changes a password: the current one is required, and every other session ends', async () => {
    await createMember(sut, acme, 'pavel@example.com', 'viewer');
    const other = await login(sut, 'pavel@example.com', 'acme');
    const mine = await login(sut, 'pavel@example.com', 'acme');
    const CHANGE = `mutation($c: String!, $n: String!) {
      changePassword(currentPassword: $c, newPassword: $n) { ${SESSION_FIELDS} } }`;
    const NEW_PASSWORD = 'a brand new passphrase 42';

    const wrong = await sut.graphql(mine.accessToken, CHANGE, {
      c: 'not it at all',
      n: NEW_PASSWORD,
    });
    // Bad input, not a dead session: a client must not sign the user out over a typo.
    expect(codeOf(wrong)).toBe('BAD_USER_INPUT');
    expect(codeOf(await sut.graphql(mine.accessToken, COUNT_LOGS))).toBe('OK');
    const weak = await sut.graphql(mine.accessToken, CHANGE, { c: PASSWORD, n: 'short' });
    expect(codeOf(weak)).toBe('BAD_USER_INPUT');
    const byKey = await sut.graphql(acme.adminKey, CHANGE, { c: PASSWORD, n: NEW_PASSWORD });
    expect(codeOf(byKey)).toBe('FORBIDDEN');

    const changed = await sut.graphql<{ changePassword: TestSession }>(mine.accessToken, CHANGE, {
      c: PASSWORD,
      n: NEW_PASSWORD,
    });
    expect(codeOf(changed)).toBe('OK');
    const fresh = changed.data!.changePassword;
    expect(fresh).toMatchObject({ role: 'viewer', tenant: { slug: 'acme' } });
    expect(codeOf(await sut.graphql(fresh.accessToken, COUNT_LOGS))).toBe('OK');
    for (const old of [other, mine]) {
      expect(codeOf(await sut.graphql(old.accessToken, COUNT_LOGS))).toBe('UNAUTHENTICATED');
      expect(codeOf(await refresh(old.refreshToken))).toBe('UNAUTHENTICATED');
    }
    await expect(login(sut, 'pavel@example.com', 'acme')).rejects.toThrow();
    await expect(login(sut, 'pavel@example.com', 'acme', NEW_PASSWORD)).resolves.toMatchObject({
      role: 'viewer',
    });
  });

  it('answers a wrong password, an unknown e-mail and a foreign tenant alike', async () => {
    await sut.createTenant('other');
    const attempts = [
      ['olga@example.com', 'wrong password!!', 'acme'],
      ['nobody@example.com', PASSWORD, 'acme'],
      ['olga@example.com', PASSWORD, 'other'],
      ['olga@example.com', PASSWORD, 'no-such-tenant'],
    ];
    for (const [e, p, t] of attempts) {
      const res = await sut.graphql(
        null,
        `mutation($e: String!, $p: String!, $t: String) { login(email: $e, password: $p, tenant: $t) { accessToken } }`,
        { e, p, t },
      );
      expect(res.errors?.map((x) => [x.message, x.extensions?.code])).toEqual([
        ['invalid e-mail, password or tenant', 'UNAUTHENTICATED'],
      ]);
    }
  });

  it('refuses expired, foreign-signed, alg:none, wrong-audience and tampered tokens', async () => {
    const good = await login(sut, 'olga@example.com', 'acme');
    const claims = decodeJwt(good.accessToken);
    const header = decodeProtectedHeader(good.accessToken);
    const key = await sut.vigil.app.get(SigningKeyService).signingKey();
    const c = {
      sub: claims.sub!,
      tid: claims.tid as string,
      role: 'owner' as const,
      sid: claims.sid as string,
    };
    const settings = { issuer: 'vigil', audience: 'vigil-api', ttlSeconds: 900 };
    const hourAgo = Math.floor(Date.now() / 1000) - 3600;

    const expired = (await signAccessToken(c, key, settings, hourAgo)).token;
    const wrongAudience = (await signAccessToken(c, key, { ...settings, audience: 'other-app' }))
      .token;
    const wrongIssuer = (await signAccessToken(c, key, { ...settings, issuer: 'evil' })).token;
    const impostor = await generateKeyPair('ES256');
    const foreign = (
      await signAccessToken(c, { kid: header.kid!, privateKey: impostor.privateKey }, settings)
    ).token;
    const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
    const [h, p, s] = good.accessToken.split('.') as [string, string, string];
    const none = `${b64({ ...header, alg: 'none' })}.${p}.`;
    const tampered = `${h}.${b64({ ...claims, tid: 'ffffffff-ffff-4fff-8fff-ffffffffffff' })}.${s}`;
    const hs256 = await new SignJWT(claims)
      .setProtectedHeader({ alg: 'HS256', kid: header.kid!, typ: 'at+jwt' })
      .sign(new TextEncoder().encode('a shared secret of at least 32 bytes!'));

    expect(codeOf(await sut.graphql(good.accessToken, COUNT_LOGS))).toBe('OK');
    for (const bad of [expired, wrongAudience, wrongIssuer, foreign, none, tampered, hs256]) {
      expect(codeOf(await sut.graphql(bad, COUNT_LOGS))).toBe('UNAUTHENTICATED');
    }
  });

  it('keeps API keys working beside user tokens', async () => {
    await expect(sut.graphql(acme.adminKey, COUNT_LOGS)).resolves.toEqual({
      data: { logs: { totalCount: 0 } },
    });
    expect(codeOf(await sut.graphql(`vgl_${'x'.repeat(38)}`, COUNT_LOGS))).toBe('UNAUTHENTICATED');
  });

  it('serves the public signing keys as JWKS, without private parts', async () => {
    const session = await login(sut, 'olga@example.com', 'acme');
    const res = await fetch(`${sut.url}/.well-known/jwks.json`);
    expect(res.status).toBe(200);
    const jwks = (await res.json()) as { keys: Array<Record<string, unknown>> };
    const kid = decodeProtectedHeader(session.accessToken).kid;
    expect(jwks.keys).toContainEqual(
      expect.objectContaining({ kid, kty: 'EC', crv: 'P-256', alg: 'ES256', use: 'sig' }),
    );
    for (const key of jwks.keys) expect(key).not.toHaveProperty('d');
  });

  it('stores no private key in plaintext', async () => {
    const db = sut.vigil.app.get(DataSource);
    const rows = await db.query<Array<{ private_jwk_sealed: string }>>(
      `SELECT private_jwk_sealed FROM signing_keys`,
    );
    expect(rows.length).toBeGreaterThan(0);
    for (const r of rows) expect(r.private_jwk_sealed).not.toMatch(/"d"|"kty"/);
  });

  it('creates users from the vigil CLI, with a password from stdin or an invitation link', () => {
    if (!existsSync(CLI)) throw new Error(`build first: ${CLI} is missing (npm test builds it)`);
    const cli = (args: string[], input = '') =>
      spawnSync(process.execPath, [CLI, 'user', 'create', ...args], {
        input,
        encoding: 'utf8',
        env: { ...process.env, DATABASE_URL: sut.databaseUrl, PUBLIC_URL: 'https://v.example' },
      });
    const withPassword = cli(
      ['cli@example.com', '--tenant', 'acme', '--role', 'admin', '--password-stdin'],
      'a password from stdin\n',
    );
    expect(withPassword.status).toBe(0);
    expect(withPassword.stdout).not.toContain('a password from stdin');
    const invited = cli(['invitee@example.com', '--tenant', 'acme', '--role', 'viewer']);
    expect(invited.status).toBe(0);
    const token = /accept-invitation\?token=([\w-]+)/.exec(invited.stdout)?.[1];
    expect(token).toBeDefined();
    const badRole = cli(['x@example.com', '--tenant', 'acme', '--role', 'god']);
    expect([badRole.status, badRole.stderr]).toEqual([2, expect.stringMatching(/--role/)]);
    return (async () => {
      expect((await login(sut, 'cli@example.com', 'acme', 'a password from stdin')).role).toBe(
        'admin',
      );
      const accepted = await sut.graphql<{ acceptInvitation: { role: string } }>(
        null,
        `mutation($t: String!) { acceptInvitation(token: $t, password: "invitee password") { role } }`,
        { t: token },
      );
      expect(accepted).toEqual({ data: { acceptInvitation: { role: 'viewer' } } });
    })();
  });
});
