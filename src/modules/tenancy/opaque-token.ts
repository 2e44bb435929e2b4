import { createHash, randomBytes } from 'node:crypto';

/** A 256-bit random token for refresh tokens and e-mail links; only its SHA-256 is stored. */
export function generateOpaqueToken(prefix: string): string {
  return prefix + randomBytes(32).toString('base64url');
}

export function hashOpaqueToken(token: string): Buffer {
  return createHash('sha256').update(token, 'utf8').digest();
}

/** E-mail addresses compare case-insensitively: stored and looked up in lower case. */
export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

export function isPlausibleEmail(email: string): boolean {
  return email.length <= 254 && /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email);
}
