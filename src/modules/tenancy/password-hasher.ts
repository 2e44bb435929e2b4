import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';

export const MIN_PASSWORD_LENGTH = 10;
const MAX_PASSWORD_LENGTH = 1024;

export interface ScryptParams {
  /** log2 of the CPU/memory cost N. */
  logN: number;
  r: number;
  p: number;
}

/** About 32 MiB and 50-100 ms per hash on a server core (OWASP: N=2^15 with r=8 is a minimum). */
export const DEFAULT_SCRYPT: ScryptParams = { logN: 15, r: 8, p: 1 };
const KEY_LENGTH = 32;

/**
 * Password hashes in a self-describing format, `scrypt$<logN>$<r>$<p>$<salt>$<hash>` (base64url),
 * so the parameters can be raised later and old hashes still verify.
 */
export class PasswordHasher {
  constructor(private readonly params: ScryptParams = DEFAULT_SCRYPT) {}

  async hash(password: string): Promise<string> {
    assertAcceptable(password);
    const salt = randomBytes(16);
    const { logN, r, p } = this.params;
    const derived = await derive(password, salt, this.params, KEY_LENGTH);
    return ['scrypt', logN, r, p, salt.toString('base64url'), derived.toString('base64url')].join(
      '$',
    );
  }

  /** Constant-time comparison; a malformed stored hash never matches. */
  async verify(password: string, stored: string): Promise<boolean> {
    const parsed = parse(stored);
    if (!parsed || password.length > MAX_PASSWORD_LENGTH) return false;
    const derived = await derive(password, parsed.salt, parsed.params, parsed.hash.length);
    return timingSafeEqual(derived, parsed.hash);
  }

  /** True when `stored` was made with weaker parameters than the current ones. */
  needsRehash(stored: string): boolean {
    const parsed = parse(stored);
    return !parsed || parsed.params.logN < this.params.logN || parsed.params.r < this.params.r;
  }
}

export class WeakPasswordError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WeakPasswordError';
  }
}

export function assertAcceptable(password: string): void {
  if (password.length < MIN_PASSWORD_LENGTH) {
    throw new WeakPasswordError(
      `the password must be at least ${MIN_PASSWORD_LENGTH} characters long`,
    );
  }
  if (password.length > MAX_PASSWORD_LENGTH) {
    throw new WeakPasswordError(`the password must be at most ${MAX_PASSWORD_LENGTH} characters`);
  }
}

function derive(
  password: string,
  salt: Buffer,
  { logN, r, p }: ScryptParams,
  length: number,
): Promise<Buffer> {
  const N = 2 ** logN;
  return new Promise((resolve, reject) => {
    scrypt(
      password.normalize('NFKC'),
      salt,
      length,
      { N, r, p, maxmem: 256 * N * r + 1024 * 1024 },
      (err, key) => (err ? reject(err) : resolve(key)),
    );
  });
}

function parse(stored: string): { params: ScryptParams; salt: Buffer; hash: Buffer } | null {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return null;
  const [logN, r, p] = parts.slice(1, 4).map(Number) as [number, number, number];
  if (![logN, r, p].every((n) => Number.isInteger(n) && n > 0) || logN > 20 || r > 32 || p > 16) {
    return null;
  }
  const salt = Buffer.from(parts[4] ?? '', 'base64url');
  const hash = Buffer.from(parts[5] ?? '', 'base64url');
  if (salt.length < 8 || hash.length < 16) return null;
  return { params: { logN, r, p }, salt, hash };
}
