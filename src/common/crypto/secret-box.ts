import { createCipheriv, createDecipheriv, createHash, hkdfSync, randomBytes } from 'node:crypto';

export interface SecretKey {
  /** Short name stored with each ciphertext, so the right key opens it after a rotation. */
  id: string;
  /** 32 bytes (AES-256). */
  key: Buffer;
}

export interface Opened {
  plaintext: string;
  /** Sealed under a key other than the primary: the caller should seal it again and store that. */
  stale: boolean;
}

export class SecretBoxError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SecretBoxError';
  }
}

const VERSION = 'v1';
const ID = /^[A-Za-z0-9_-]{1,32}$/;

/**
 * Secrets at rest: AES-256-GCM under a key ring from configuration. The first key seals; every
 * key opens, so rotating means putting a new key first and letting `stale` re-seal on read.
 * `context` (for example `tenant:<id>:secret:<name>`) is authenticated but not stored: a
 * ciphertext copied to another tenant's row does not open there.
 *
 * Sealed form: `v1.<key id>.<iv>.<tag>.<ciphertext>`, base64url parts.
 */
export class SecretBox {
  readonly #keys: ReadonlyMap<string, Buffer>;
  readonly #primary: SecretKey;

  constructor(keys: readonly SecretKey[]) {
    const [primary] = keys;
    if (!primary) throw new SecretBoxError('the secret key ring is empty');
    const byId = new Map<string, Buffer>();
    for (const { id, key } of keys) {
      if (!ID.test(id)) throw new SecretBoxError(`secret key id "${id}" must match ${ID.source}`);
      if (key.length !== 32) throw new SecretBoxError(`secret key "${id}" must be 32 bytes`);
      if (byId.has(id)) throw new SecretBoxError(`secret key id "${id}" appears twice`);
      byId.set(id, key);
    }
    this.#keys = byId;
    this.#primary = primary;
  }

  /**
   * Parses `VIGIL_SECRET_KEYS`: comma-separated `id:base64key` entries, the sealing key first.
   */
  static fromKeyRing(spec: string): SecretBox {
    const keys = spec
      .split(',')
      .map((entry) => entry.trim())
      .filter((entry) => entry !== '')
      .map((entry) => {
        const colon = entry.indexOf(':');
        if (colon <= 0) throw new SecretBoxError('each secret key must be written id:base64key');
        return { id: entry.slice(0, colon), key: Buffer.from(entry.slice(colon + 1), 'base64') };
      });
    return new SecretBox(keys);
  }

  /** A development-only key ring derived from a stable string (never used in production). */
  static forDevelopment(seed: string): SecretBox {
    return new SecretBox([
      { id: 'dev', key: createHash('sha256').update(`vigil-dev:${seed}`).digest() },
    ]);
  }

  /** A 32-byte key for another purpose (HKDF-SHA256 of the sealing key), e.g. signing cursors. */
  deriveKey(purpose: string): Buffer {
    return Buffer.from(hkdfSync('sha256', this.#primary.key, Buffer.alloc(0), purpose, 32));
  }

  get primaryKeyId(): string {
    return this.#primary.id;
  }

  seal(plaintext: string, context: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.#primary.key, iv);
    cipher.setAAD(Buffer.from(context, 'utf8'));
    const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return [
      VERSION,
      this.#primary.id,
      iv.toString('base64url'),
      cipher.getAuthTag().toString('base64url'),
      ciphertext.toString('base64url'),
    ].join('.');
  }

  open(sealed: string, context: string): Opened {
    const parts = sealed.split('.');
    if (parts.length !== 5 || parts[0] !== VERSION) {
      throw new SecretBoxError('not a sealed secret');
    }
    const [, id, iv, tag, ciphertext] = parts as [string, string, string, string, string];
    const key = this.#keys.get(id);
    if (!key) throw new SecretBoxError(`secret sealed under unknown key "${id}"`);
    try {
      const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
      decipher.setAAD(Buffer.from(context, 'utf8'));
      decipher.setAuthTag(Buffer.from(tag, 'base64url'));
      const plaintext = Buffer.concat([
        decipher.update(Buffer.from(ciphertext, 'base64url')),
        decipher.final(),
      ]).toString('utf8');
      return { plaintext, stale: id !== this.#primary.id };
    } catch {
      throw new SecretBoxError('secret does not open: wrong key, context or a tampered value');
    }
  }
}
