import { createHash, randomBytes } from 'node:crypto';
import { crc32 } from 'node:zlib';

const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const BODY_LENGTH = 32;
const CHECKSUM_LENGTH = 6;
export const API_KEY_PREFIX = 'vgl_';

/**
 * Generates an API key: `vgl_` + 32 random base62 characters + a 6-character CRC32 checksum of
 * them, so secret scanners can recognise a leaked Vigil key and reject look-alikes offline.
 */
export function generateApiKey(): string {
  const bytes = randomBytes(BODY_LENGTH);
  let body = '';
  for (const b of bytes) body += ALPHABET[b % 62];
  return API_KEY_PREFIX + body + base62(crc32(body), CHECKSUM_LENGTH);
}

/** True when `key` looks like a Vigil key and its checksum holds. */
export function hasValidChecksum(key: string): boolean {
  if (!key.startsWith(API_KEY_PREFIX) || key.length !== 4 + BODY_LENGTH + CHECKSUM_LENGTH) {
    return false;
  }
  const body = key.slice(4, 4 + BODY_LENGTH);
  return key.slice(4 + BODY_LENGTH) === base62(crc32(body), CHECKSUM_LENGTH);
}

export function hashApiKey(key: string): Buffer {
  return createHash('sha256').update(key, 'utf8').digest();
}

/** What may be shown of a key after creation. */
export function displayPrefix(key: string): string {
  return key.slice(0, Math.min(8, key.length));
}

function base62(n: number, width: number): string {
  let out = '';
  let rest = n >>> 0;
  for (let i = 0; i < width; i++) {
    out = ALPHABET[rest % 62] + out;
    rest = Math.floor(rest / 62);
  }
  return out;
}
