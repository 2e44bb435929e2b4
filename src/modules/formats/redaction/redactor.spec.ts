import {
  DEFAULT_REDACTION_RULES,
  luhn,
  REDACTION_RULES,
  type RedactionRule,
} from './redaction-rules';
import { Redactor } from './redactor';

const all = new Redactor(REDACTION_RULES);
const defaults = new Redactor(DEFAULT_REDACTION_RULES);
const only = (rule: RedactionRule) => new Redactor([rule]);

// A JWT as jwt.io prints it (HS256, `{"sub":"1234567890","name":"John Doe","iat":1516239022}`).
const JWT =
  'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c';

describe(Redactor.name, () => {
  it('returns the very same string for a clean line', () => {
    const line = '2026-11-26T12:00:00.123Z INFO GET /api/items/42 200 in 35 ms user=u-4711';
    expect(all.redact(line)).toBe(line);
  });

  describe('EMAIL', () => {
    it.each([
      ['login ok for jane.doe+shop@example.co.uk.', 'login ok for <EMAIL>.'],
      ['to=<ops@mail.example.com>, cc=a_b@x.io', 'to=<<EMAIL>>, cc=<EMAIL>'],
      ['"email":"Bob.Smith@Example.ORG"', '"email":"<EMAIL>"'],
    ])('%s', (input, expected) => {
      expect(only('EMAIL').redact(input)).toBe(expected);
    });

    it.each([
      'user@localhost logged in',
      '"@timestamp":"2026-11-26"',
      'npm install @nestjs/core@12.5.1',
      'a @ b',
    ])('leaves %s alone', (input) => {
      expect(only('EMAIL').redact(input)).toBe(input);
    });
  });

  describe('CREDIT_CARD', () => {
    it.each([
      ['paid with 4111111111111111 ok', 'paid with <CREDIT_CARD> ok'],
      ['card=5555-5555-5555-4444;', 'card=<CREDIT_CARD>;'],
      ['amex 3782 822463 10005 used', 'amex <CREDIT_CARD> used'],
      ['visa "4012 8888 8888 1881"', 'visa "<CREDIT_CARD>"'],
      ['discover 6011111111111117', 'discover <CREDIT_CARD>'],
    ])('%s', (input, expected) => {
      expect(only('CREDIT_CARD').redact(input)).toBe(expected);
    });

    it.each([
      // Not Luhn-valid (the last digit of 4111111111111111 changed).
      'paid with 4111111111111112 ok',
      // Order numbers and ids with no issuer prefix, even when Luhn-valid.
      'order 1000000000000008 shipped',
      'order #9000000000000008',
      // Epoch timestamps in ms, µs and ns.
      'ts=1764160000000 observed=1764160000000000 ns=1764160000000000000',
      // Calendar timestamps and durations.
      '2026-11-26 12:00:00.123456789 took 4111111111111111.5 ms',
      // Part of a longer run, or glued to letters.
      'trace 41111111111111114111111111111111',
      'id=abc4111111111111111',
      // Mixed separators.
      '4111 1111-1111 1111',
    ])('leaves %s alone', (input) => {
      expect(only('CREDIT_CARD').redact(input)).toBe(input);
    });
  });

  describe('IBAN', () => {
    it.each([
      ['iban=DE89370400440532013000 ok', 'iban=<IBAN> ok'],
      ['pay to GB82 WEST 1234 5698 7654 32 today', 'pay to <IBAN> today'],
      ['NL91ABNA0417164300', '<IBAN>'],
    ])('%s', (input, expected) => {
      expect(only('IBAN').redact(input)).toBe(expected);
    });

    it.each([
      'iban=DE89370400440532013001', // mod-97 fails
      'GB82 WEST 1234 5698 7654 3', // too short for GB
      'ISO8601 UTF8 HTTP11 build AB12',
      'XX89370400440532013000', // no such country
    ])('leaves %s alone', (input) => {
      expect(only('IBAN').redact(input)).toBe(input);
    });
  });

  describe('BEARER_TOKEN', () => {
    it.each([
      ['Authorization: Bearer abc.def-123_456~xyz', 'Authorization: Bearer <TOKEN>'],
      ['called with bearer sk_live_abcdefgh12345', 'called with bearer <TOKEN>'],
      ['"authorization":"Basic dXNlcjpwYXNzd29yZA=="', '"authorization":"Basic <TOKEN>"'],
    ])('%s', (input, expected) => {
      expect(only('BEARER_TOKEN').redact(input)).toBe(expected);
    });

    it.each(['the bearer of bad news', 'Bearer token missing', 'Basic auth disabled'])(
      'leaves %s alone',
      (input) => {
        expect(only('BEARER_TOKEN').redact(input)).toBe(input);
      },
    );

    it('keeps the scheme of a JWT bearer and marks the JWT', () => {
      expect(defaults.redact(`Authorization: Bearer ${JWT}`)).toBe('Authorization: Bearer <JWT>');
    });
  });

  describe('API_KEY', () => {
    it.each([
      ['key vgl_4fJ2kQ9zXc81LmNpQrStUvWx01AbCd', 'key <TOKEN>'],
      ['aws AKIAIOSFODNN7EXAMPLE used', 'aws <TOKEN> used'],
      ['gh ghp_16C7e42F292c6912E7710c838347Ae178B4a ok', 'gh <TOKEN> ok'],
      ['github_pat_11ABCDEFG0123456789_abcdefghijklmnop', '<TOKEN>'],
      ['slack xoxb-123456789012-abcdefABCDEF', 'slack <TOKEN>'],
      ['GET /v1?api_key=abc123def&x=1', 'GET /v1?api_key=<TOKEN>&x=1'],
      ['apikey: "s3cr3t-value"', 'apikey: "<TOKEN>"'],
      ['X-Api-Key=zzzz9999', 'X-Api-Key=<TOKEN>'],
      ['api_key=vgl_4fJ2kQ9zXc81LmNpQrStUvWx01AbCd', 'api_key=<TOKEN>'],
    ])('%s', (input, expected) => {
      expect(only('API_KEY').redact(input)).toBe(expected);
    });

    it.each(['the API is up', 'AKIA short', 'ghost town', 'xoxo from vgl', 'api_key_count: 3'])(
      'leaves %s alone',
      (input) => {
        expect(only('API_KEY').redact(input)).toBe(input);
      },
    );
  });

  describe('JWT', () => {
    it('replaces a three-part token wherever it is', () => {
      expect(only('JWT').redact(`session=${JWT}; Path=/`)).toBe('session=<JWT>; Path=/');
    });

    it.each(['eyJ alone', 'eyJhbGciOiJIUzI1NiJ9 has one part', 'keyJar.size.big'])(
      'leaves %s alone',
      (input) => {
        expect(only('JWT').redact(input)).toBe(input);
      },
    );
  });

  describe('PASSWORD', () => {
    it.each([
      ['login user=bob password=hunter2 ok', 'login user=bob password=<PASSWORD> ok'],
      ['passwd: s3cret!', 'passwd: <PASSWORD>'],
      ['{"password":"p@ss \\"w0rd\\"","user":"bob"}', '{"password":"<PASSWORD>","user":"bob"}'],
      ["db_password='x y z'", "db_password='<PASSWORD>'"],
      ['client_secret=abc&grant=x', 'client_secret=<PASSWORD>&grant=x'],
      ['access_token=ya29.a0Af', 'access_token=<PASSWORD>'],
      ['PASSWORD = letmein', 'PASSWORD = <PASSWORD>'],
      ['postgres://app:hunter2@db:5432/app', 'postgres://app:<PASSWORD>@db:5432/app'],
    ])('%s', (input, expected) => {
      expect(only('PASSWORD').redact(input)).toBe(expected);
    });

    it.each([
      'password reset requested',
      'token_count=5 tokens=7',
      'secrets manager reachable',
      '"password":""',
      'https://example.com:8443/path',
    ])('leaves %s alone', (input) => {
      expect(only('PASSWORD').redact(input)).toBe(input);
    });
  });

  describe('IP', () => {
    it.each([
      ['from 10.0.0.8 port 22', 'from <IP> port 22'],
      ['client=2001:db8::8a2e:370:7334, ok', 'client=<IP>, ok'],
      ['peer [::1]:8080', 'peer [<IP>]:8080'],
      ['ends with 192.168.1.1.', 'ends with <IP>.'],
    ])('%s', (input, expected) => {
      expect(only('IP').redact(input)).toBe(expected);
    });

    it.each(['at 12:00:00 mac 00:11:22:33:44:55', 'version 1.2.3.4.5', '999.1.1.1', 'deadbeef'])(
      'leaves %s alone',
      (input) => {
        expect(only('IP').redact(input)).toBe(input);
      },
    );

    it('is off by default', () => {
      expect(defaults.redact('from 10.0.0.8')).toBe('from 10.0.0.8');
    });
  });

  it('applies only the rules it was given', () => {
    const line = 'jane@example.com paid 4111111111111111 password=x';
    expect(only('EMAIL').redact(line)).toBe('<EMAIL> paid 4111111111111111 password=x');
    expect(new Redactor([]).redact(line)).toBe(line);
  });

  it('redacts the body and string attributes of a record, and secret keys by name', () => {
    const counts: Record<string, number> = {};
    const sut = new Redactor(DEFAULT_REDACTION_RULES, (rule, n) => {
      counts[rule] = (counts[rule] ?? 0) + n;
    });
    const record = {
      body: 'signup jane@example.com card 4111 1111 1111 1111',
      attributes: {
        'user.email': 'jane@example.com',
        'db.password': 'hunter2',
        'http.request.headers.authorization': 'Bearer abcdefgh12345678',
        'service.api_key': 'whatever',
        pin: 1234,
        token: 99,
        tags: ['ok', 'mail bob@example.org'],
        count: 3,
      },
    };
    expect(sut.redactRecord(record)).toBe(8);
    expect(record).toEqual({
      body: 'signup <EMAIL> card <CREDIT_CARD>',
      attributes: {
        'user.email': '<EMAIL>',
        'db.password': '<PASSWORD>',
        'http.request.headers.authorization': 'Bearer <TOKEN>',
        'service.api_key': '<TOKEN>',
        pin: 1234,
        token: '<PASSWORD>',
        tags: ['ok', 'mail <EMAIL>'],
        count: 3,
      },
    });
    expect(counts).toEqual({ EMAIL: 3, CREDIT_CARD: 1, PASSWORD: 2, BEARER_TOKEN: 1, API_KEY: 1 });
  });

  it('stays linear on adversarial lines', () => {
    const long = [
      `${'eyJ-'.repeat(50_000)}`,
      `${'a'.repeat(100_000)}@${'b'.repeat(100_000)}`,
      `${'token=token'.repeat(20_000)}`,
      `${'1-'.repeat(100_000)}`,
      `${'AB12 '.repeat(40_000)}`,
      `Bearer ${'x'.repeat(200_000)}`,
      'a@b '.repeat(50_000),
      'a@b.cc '.repeat(30_000),
      '::'.repeat(100_000),
    ];
    for (const line of long) expect(all.redact(line).length).toBeGreaterThan(0);
    expect(all.redact('a@b.cc '.repeat(30_000))).toBe('<EMAIL> '.repeat(30_000));
  });
});

describe(luhn.name, () => {
  it.each([
    ['4111111111111111', true],
    ['79927398713', true],
    ['79927398710', false],
  ])('%s → %s', (digits, valid) => {
    expect(luhn(digits)).toBe(valid);
  });
});
