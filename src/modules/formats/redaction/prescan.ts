/**
 * Cheap signs that a redaction scanner could match. `prescan` sets a bit per sign in one pass
 * over the characters; a scanner runs only when its bit is set. The bits are a superset: a sign
 * may be present without a match (the scanner decides), but no match exists without its sign.
 */
export const T_EMAIL = 1 << 0; // '@'
export const T_CARD = 1 << 1; // 13+ digits, possibly grouped by single spaces or dashes
export const T_IBAN = 1 << 2; // two capitals then two digits
export const T_BEARER = 1 << 3; // 'bearer', 'authorization'
export const T_KNOWN_KEY = 1 << 4; // 'vgl_', 'AKIA', 'ASIA', 'gh?_', 'github_pat_', 'xox?-'
export const T_API_KEY = 1 << 5; // 'api' + optional '_' / '-' + 'key'
export const T_JWT = 1 << 6; // 'eyJ'
export const T_URL_PASSWORD = 1 << 7; // '://' and '@'
export const T_PASSWORD = 1 << 8; // 'passw', 'passphrase', 'secret', 'token'
export const T_IPV4 = 1 << 9; // digit '.' digit
export const T_IPV6 = 1 << 10; // '::', or 7 colons in a run of hex digits and colons
export const T_ALL = (1 << 11) - 1;

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

function isHexLetter(c: number): boolean {
  const l = c | 32;
  return l >= 97 && l <= 102;
}

/** Case-insensitive `word` (lower-case letters only) at `at`. */
function wordAt(s: string, at: number, word: string): boolean {
  if (at + word.length > s.length) return false;
  for (let k = 0; k < word.length; k++) {
    if ((s.charCodeAt(at + k) | 32) !== word.charCodeAt(k)) return false;
  }
  return true;
}

function apiKeyAt(s: string, i: number): boolean {
  if (!wordAt(s, i, 'api')) return false;
  const sep = s.charCodeAt(i + 3);
  return wordAt(s, sep === 95 || sep === 45 ? i + 4 : i + 3, 'key');
}

/** The signs present in `s`, limited to `wanted` (the bits of the enabled scanners). */
export function prescan(s: string, wanted: number): number {
  let found = 0;
  let digitRun = 0;
  // Colons in the current run of hex digits, colons and dots (IPv6 candidates).
  let colons = 0;
  let scheme = false;
  const ipv6 = (wanted & T_IPV6) !== 0;
  const len = s.length;
  for (let i = 0; i < len; i++) {
    const c = s.charCodeAt(i);
    if (isDigit(c)) {
      if (++digitRun >= 13) found |= T_CARD;
      continue;
    }
    if ((c === 32 || c === 45) && digitRun > 0 && isDigit(s.charCodeAt(i + 1))) continue;
    digitRun = 0;
    if (ipv6) {
      if (c === 58) {
        if (s.charCodeAt(i + 1) === 58 || ++colons >= 7) found |= T_IPV6;
      } else if (c !== 46 && !isHexLetter(c)) {
        colons = 0;
      }
    }
    // Two capitals and two digits may start an IBAN.
    if (
      c >= 65 &&
      c <= 90 &&
      isCapital(s.charCodeAt(i + 1)) &&
      isDigit(s.charCodeAt(i + 2)) &&
      isDigit(s.charCodeAt(i + 3))
    ) {
      found |= T_IBAN;
    }
    switch (c) {
      case 64: // @
        found |= T_EMAIL;
        break;
      case 46: // .
        if (isDigit(s.charCodeAt(i - 1)) && isDigit(s.charCodeAt(i + 1))) found |= T_IPV4;
        break;
      case 58: // :
        if (s.charCodeAt(i + 1) === 47 && s.charCodeAt(i + 2) === 47) scheme = true;
        break;
      case 65: // A
        if (s.startsWith('AKIA', i) || s.startsWith('ASIA', i)) found |= T_KNOWN_KEY;
        else if (apiKeyAt(s, i)) found |= T_API_KEY;
        else if (wordAt(s, i, 'authorization')) found |= T_BEARER;
        break;
      case 97: // a
        if (apiKeyAt(s, i)) found |= T_API_KEY;
        else if (wordAt(s, i, 'authorization')) found |= T_BEARER;
        break;
      case 66: // B
      case 98: // b
        if (wordAt(s, i, 'bearer')) found |= T_BEARER;
        break;
      case 101: // e
        if (s.charCodeAt(i + 1) === 121 && s.charCodeAt(i + 2) === 74) found |= T_JWT;
        break;
      case 103: // g
        if (
          (s.charCodeAt(i + 1) === 104 && s.charCodeAt(i + 3) === 95) ||
          s.startsWith('github_pat_', i)
        ) {
          found |= T_KNOWN_KEY;
        }
        break;
      case 118: // v
        if (s.startsWith('vgl_', i)) found |= T_KNOWN_KEY;
        break;
      case 120: // x
        if (s.startsWith('xox', i) && s.charCodeAt(i + 4) === 45) found |= T_KNOWN_KEY;
        break;
      case 88: // X
        if (apiKeyAt(s, i + 2)) found |= T_API_KEY;
        break;
      case 80: // P
      case 112: // p
        if (wordAt(s, i, 'passw') || wordAt(s, i, 'passphrase')) found |= T_PASSWORD;
        break;
      case 83: // S
      case 115: // s
        if (wordAt(s, i, 'secret')) found |= T_PASSWORD;
        break;
      case 84: // T
      case 116: // t
        if (wordAt(s, i, 'token')) found |= T_PASSWORD;
        break;
      default:
        break;
    }
  }
  // `scheme://user:password@host` needs both.
  if (scheme && (found & T_EMAIL) !== 0) found |= T_URL_PASSWORD;
  return found & wanted;
}

function isCapital(c: number): boolean {
  return c >= 65 && c <= 90;
}
