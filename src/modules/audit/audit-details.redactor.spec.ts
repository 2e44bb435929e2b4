import { isSecretKey, REDACTED, redactDetails } from './audit-details.redactor';

describe(redactDetails.name, () => {
  it('strips values under secret-looking keys at any depth, arrays included', () => {
    const sut = redactDetails({
      name: 'smtp',
      password: 'hunter2',
      before: { config: { smtpPassword: 'old-pw', host: 'mail.local', port: 25 } },
      after: { headers: [{ Authorization: 'Basic abc' }, { 'x-api-key': 'k-123' }] },
      access_token: 'at-1',
      clientSecret: 'cs-1',
      key: 'raw',
      privateKey: '-----BEGIN',
    });
    expect(sut).toEqual({
      name: 'smtp',
      password: REDACTED,
      before: { config: { smtpPassword: REDACTED, host: 'mail.local', port: 25 } },
      after: { headers: [{ Authorization: REDACTED }, { 'x-api-key': REDACTED }] },
      access_token: REDACTED,
      clientSecret: REDACTED,
      key: REDACTED,
      privateKey: REDACTED,
    });
    expect(JSON.stringify(sut)).not.toMatch(/hunter2|old-pw|abc|k-123|at-1|cs-1|raw|BEGIN/);
  });

  it('keeps keys that name or describe a secret rather than hold it', () => {
    for (const key of ['secretName', 'keyId', 'key_prefix', 'tokenExpiresAt', 'passwordChanged']) {
      expect(isSecretKey(key)).toBe(false);
    }
    for (const key of ['monkey', 'keyboard', 'host', 'scopes', 'role']) {
      expect(isSecretKey(key)).toBe(false);
    }
    for (const key of ['apiKey', 'API_KEY', 'webhookToken', 'refresh-token', 'pwd', 'Cookie']) {
      expect(isSecretKey(key)).toBe(true);
    }
  });

  it('keeps null under a secret key, so "was unset" stays visible', () => {
    expect(redactDetails({ before: { password: null }, after: { password: 'x' } })).toEqual({
      before: { password: null },
      after: { password: REDACTED },
    });
  });

  it('masks API keys, bearer tokens and URL passwords inside innocent strings', () => {
    const sut = redactDetails({
      note: 'used vgl_abcdefghijklmnop1234 then Bearer eyJhbGciOi.payload.sig',
      url: 'https://bot:s3cr3tpass@hooks.example/path?x=1',
    });
    expect(sut.note).toBe(`used vgl_${REDACTED} then Bearer ${REDACTED}`);
    expect(sut.url).toBe(`https://bot:${REDACTED}@hooks.example/path?x=1`);
  });

  it('bounds depth, entries and string length, and drops what JSON cannot hold', () => {
    let deep: Record<string, unknown> = { leaf: 1 };
    for (let i = 0; i < 20; i++) deep = { next: deep };
    const circular: Record<string, unknown> = { a: 1 };
    circular.self = circular;
    const sut = redactDetails({
      deep,
      circular,
      long: 'x'.repeat(5000),
      many: Array.from({ length: 150 }, (_, i) => i),
      fn: () => 1,
      when: new Date(Date.UTC(2026, 0, 2)),
      big: 10n,
      nan: Number.NaN,
      bytes: Buffer.from('secret bytes'),
    });
    expect(JSON.stringify(sut)).toContain('[truncated]');
    expect(sut.circular).toEqual({ a: 1, self: '[circular]' });
    expect((sut.long as string).length).toBe(2001);
    expect((sut.many as unknown[]).length).toBe(101);
    expect(sut).not.toHaveProperty('fn');
    expect(sut.when).toBe('2026-01-02T00:00:00.000Z');
    expect(sut.big).toBe('10');
    expect(sut.nan).toBe('NaN');
    expect(sut.bytes).toBe('[binary]');
  });

  it('never copies prototype-polluting keys', () => {
    const input = JSON.parse('{"__proto__": {"polluted": true}, "ok": 1}') as Record<
      string,
      unknown
    >;
    const sut = redactDetails(input);
    expect(Object.keys(sut)).toEqual(['ok']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
