/** What replaces a value that looks secret. */
export const REDACTED = '[REDACTED]';

const MAX_DEPTH = 8;
const MAX_STRING = 2000;
const MAX_ENTRIES = 100;

/** Word stems that make a key secret wherever they appear in it (`accessToken`, `smtp_password`). */
const SECRET_STEMS = [
  'password',
  'passwd',
  'passphrase',
  'secret',
  'token',
  'apikey',
  'privatekey',
  'credential',
  'authorization',
  'cookie',
  'signature',
];
/** Words that are secret only on their own (`key`, but not `monkey` or `keyboard`). */
const SECRET_WORDS = new Set(['key', 'keys', 'pwd', 'pass', 'pin', 'otp', 'bearer']);
/** A last word that makes the key describe a secret rather than hold it (`secretName`, `keyId`). */
const DESCRIPTORS = new Set([
  'id',
  'ids',
  'name',
  'names',
  'prefix',
  'kind',
  'type',
  'count',
  'length',
  'hint',
  'fingerprint',
  'scope',
  'scopes',
  'at',
  'expires',
  'expiry',
  'version',
  'set',
  'present',
  'configured',
  'changed',
  'rotated',
  'revoked',
]);

/** Credentials that may sit inside an innocent-looking string. */
const VALUE_PATTERNS: ReadonlyArray<[RegExp, string]> = [
  [/\bvgl_[A-Za-z0-9_]{8,}/g, `vgl_${REDACTED}`],
  [/\b(Bearer|Basic|Token)\s+[A-Za-z0-9._~+/=-]{8,}/gi, `$1 ${REDACTED}`],
  [/(\/\/[^/\s:@]*):[^/\s@]+@/g, `$1:${REDACTED}@`],
];

/**
 * Copies audit `details` for storage: values under keys that look secret (password, token,
 * secret, key, authorization, ...) become `[REDACTED]` at any depth, API keys, bearer tokens and
 * URL passwords inside strings are masked, and size is bounded (depth, entries, string length).
 * Keys that only name or describe a secret (`secretName`, `keyId`, `tokenExpiresAt`) are kept.
 */
export function redactDetails(details: Record<string, unknown>): Record<string, unknown> {
  const out = redactValue(details, 0, new WeakSet());
  return typeof out === 'object' && out !== null && !Array.isArray(out)
    ? (out as Record<string, unknown>)
    : {};
}

export function isSecretKey(key: string): boolean {
  const words = key
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((w) => w !== '');
  const last = words[words.length - 1];
  if (last === undefined || DESCRIPTORS.has(last)) return false;
  const joined = words.join('');
  return (
    words.some((w) => SECRET_WORDS.has(w)) || SECRET_STEMS.some((stem) => joined.includes(stem))
  );
}

function redactValue(value: unknown, depth: number, seen: WeakSet<object>): unknown {
  if (value === null || typeof value === 'boolean') return value;
  if (typeof value === 'number') return Number.isFinite(value) ? value : String(value);
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'string') return redactString(value);
  if (typeof value !== 'object') return undefined; // functions, symbols, undefined
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.toISOString();
  if (Buffer.isBuffer(value) || ArrayBuffer.isView(value)) return '[binary]';
  if (seen.has(value)) return '[circular]';
  if (depth >= MAX_DEPTH) return '[truncated]';
  seen.add(value);
  try {
    if (Array.isArray(value)) {
      const items = value.slice(0, MAX_ENTRIES).map((v) => redactValue(v, depth + 1, seen) ?? null);
      if (value.length > MAX_ENTRIES) items.push(`[${value.length - MAX_ENTRIES} more]`);
      return items;
    }
    const out: Record<string, unknown> = {};
    const entries = Object.entries(value as Record<string, unknown>);
    for (const [key, v] of entries.slice(0, MAX_ENTRIES)) {
      if (key === '__proto__' || key === 'constructor' || key === 'prototype') continue;
      const redacted = isSecretKey(key)
        ? v === null || v === undefined
          ? v
          : REDACTED
        : redactValue(v, depth + 1, seen);
      if (redacted !== undefined) out[key.slice(0, 200)] = redacted;
    }
    if (entries.length > MAX_ENTRIES) out['…'] = `${entries.length - MAX_ENTRIES} more keys`;
    return out;
  } finally {
    seen.delete(value);
  }
}

function redactString(value: string): string {
  let out = value;
  for (const [pattern, replacement] of VALUE_PATTERNS) out = out.replace(pattern, replacement);
  return out.length > MAX_STRING ? `${out.slice(0, MAX_STRING)}…` : out;
}
