import { prescan, T_ALL, T_IPV4, T_IPV6 } from './prescan';
import { REDACTION_RULES, SCANNERS } from './redaction-rules';
import { Redactor } from './redactor';

/** Every scanner, unconditionally: what the redactor must produce whatever the pre-scan says. */
function oracle(text: string): string {
  let out = text;
  for (const scanner of SCANNERS) out = scanner.scan(out, () => undefined);
  return out;
}

const FRAGMENTS = [
  'jane.doe@example.com',
  '4111 1111 1111 1111',
  '5555-5555-5555-4444',
  'DE89 3704 0044 0532 0130 00',
  'GB82WEST12345698765432',
  'Authorization: Bearer abcdefgh12345678',
  'authorization="Basic dXNlcjpwYXNzd29yZA=="',
  'AKIAIOSFODNN7EXAMPLE',
  'ghp_16C7e42F292c6912E7710c838347Ae178B4a',
  'xoxb-123456789012-abcdefABCDEF',
  'vgl_4fJ2kQ9zXc81LmNpQrStUvWx01AbCd',
  'X-API-KEY: k-123456',
  'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl',
  'PassWord=hunter2',
  '"client_secret": "abc"',
  'Token: t0k3n',
  'https://bob:pw@example.com/x',
  '10.1.2.3',
  'fe80::1',
  '2001:0db8:0000:0000:0000:ff00:0042:8329',
  '::ffff:192.0.2.1',
  'GET /api/items/42 200',
  '2026-11-26T12:00:00.123Z',
  'order 1000000000000008',
  'plain words and numbers 12 345',
];

/** A deterministic pseudo-random generator (mulberry32), so failures reproduce. */
function rng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe(prescan.name, () => {
  const sut = new Redactor(REDACTION_RULES);

  it('never hides a match: the redactor agrees with running every scanner on every line', () => {
    const random = rng(42);
    const separators = [' ', ', ', ' | ', '\t', '&', ';', '"'];
    for (let n = 0; n < 2_000; n++) {
      const parts: string[] = [];
      const count = 1 + Math.floor(random() * 4);
      for (let k = 0; k < count; k++) {
        parts.push(FRAGMENTS[Math.floor(random() * FRAGMENTS.length)] as string);
        parts.push(separators[Math.floor(random() * separators.length)] as string);
      }
      const line = parts.join('');
      expect(sut.redact(line)).toBe(oracle(line));
    }
  });

  it('finds nothing in lines without any sign (IP rules off: times have digit.digit)', () => {
    for (const line of [
      '2026-11-26T12:00:00.123Z INFO processed order 100233 in 35 ms',
      'Nov 26 08:15:02 web-01 systemd[1]: Started Session 4721 of user deploy.',
      '',
    ]) {
      expect(prescan(line, T_ALL & ~(T_IPV4 | T_IPV6))).toBe(0);
    }
  });
});
