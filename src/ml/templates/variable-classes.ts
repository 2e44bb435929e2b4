/**
 * Character classes and the variable classifiers behind {@link LogTokenizer}: each function reads
 * character codes of the line in place (no regular expressions, no substrings) and decides
 * which variable class, if any, a word belongs to.
 */

export const MASKERS = [
  'number',
  'unit',
  'hex',
  'ipv4',
  'ipv6',
  'uuid',
  'timestamp',
  'path',
  'url',
  'email',
  'id',
] as const;
export type MaskerName = (typeof MASKERS)[number];

// Character classes of ASCII codes; everything >= 128 is a word character.
export const SPACE = 1;
export const DELIM = 2;
export const DIGIT = 4;
export const HEX = 8;
export const ALPHA = 16;
const CLASS = new Uint8Array(128);
for (let c = 0; c <= 32; c++) CLASS[c] = SPACE;
CLASS[127] = SPACE;
for (const ch of '=:,;|#()[]{}"') CLASS[ch.charCodeAt(0)] = DELIM;
for (let c = 48; c <= 57; c++) CLASS[c] = DIGIT | HEX;
for (let c = 65; c <= 90; c++) CLASS[c] = ALPHA | (c <= 70 ? HEX : 0);
for (let c = 97; c <= 122; c++) CLASS[c] = ALPHA | (c <= 102 ? HEX : 0);

export const C_APOS = 39;
export const C_COLON = 58;
export const C_SLASH = 47;
export const C_BACKSLASH = 92;
export const C_DOT = 46;
export const C_AT = 64;
export const C_DASH = 45;
export const C_PLUS = 43;

export function cls(c: number): number {
  return c < 128 ? (CLASS[c] as number) : 0;
}

const MONTHS = new Set([
  'Jan',
  'Feb',
  'Mar',
  'Apr',
  'May',
  'Jun',
  'Jul',
  'Aug',
  'Sep',
  'Oct',
  'Nov',
  'Dec',
]);
const WEEKDAYS = new Set(['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun']);

/** The variable class of the word [i, j), or undefined for a word that is not a variable. */
export function classify(
  line: string,
  i: number,
  j: number,
  digits: number,
  hexOnly: boolean,
  alphaOnly: boolean,
  colons: number,
  at: number,
  dotDigit: boolean,
): MaskerName | undefined {
  if (alphaOnly) return undefined;
  const first = line.charCodeAt(i);
  const len = j - i;
  if (colons > 0) {
    if (first === C_SLASH) return 'path';
    return isTime(line, i) ? 'timestamp' : dotsBeforeColon(line, i, j) === 3 ? 'ipv4' : 'ipv6';
  }
  const second = line.charCodeAt(i + 1);
  if (
    first === C_SLASH ||
    first === C_BACKSLASH ||
    ((first === C_DOT || first === 126) && second === C_SLASH)
  ) {
    return len > 1 ? 'path' : undefined;
  }
  const signed = (first === C_DASH || first === C_PLUS) && (cls(second) & DIGIT) !== 0;
  if (cls(first) & DIGIT || signed)
    return numericKind(line, signed ? i + 1 : i, j, digits, hexOnly);
  if (first === 48 && (second | 32) === 120) return 'hex';
  if (at > i && at < j - 1) {
    const dot = line.indexOf('.', at);
    if (dot > at + 1 && dot < j - 1) return 'email';
  }
  if (digits === 0) return undefined;
  if (isUuid(line, i, j)) return 'uuid';
  if (hexOnly && len >= 8) return 'hex';
  // A version (v1.2.3, dquot_6.5.1), but not a protocol name (HTTP/1.1).
  if (digits >= 4 || (dotDigit && line.lastIndexOf('/', j - 1) < i)) return 'id';
  return undefined;
}

/** Exactly three to nine digits, then the end of the word. */
export function isFraction(line: string, k: number): boolean {
  const end = digitsEnd(line, k, 3, 9);
  return end > 0 && (end === line.length || !(cls(line.charCodeAt(end)) & (DIGIT | ALPHA)));
}

/** After a `:`, is there a non-empty run of hex digits/dots (or another `:`) ending at a boundary? */
export function colonSegment(line: string, k: number): boolean {
  const n = line.length;
  if (line.charCodeAt(k) === C_COLON) return true;
  const start = k;
  while (k < n) {
    const c = line.charCodeAt(k);
    if (cls(c) & HEX || c === C_DOT) {
      k++;
      continue;
    }
    break;
  }
  if (k === start) return false;
  if (k === n) return true;
  const c = line.charCodeAt(k);
  return (cls(c) & (SPACE | DELIM)) !== 0 || c === C_SLASH;
}

export function isTime(line: string, i: number): boolean {
  const d = (o: number): boolean => (cls(line.charCodeAt(i + o)) & DIGIT) !== 0;
  if (d(0) && line.charCodeAt(i + 1) === C_COLON) return d(2) && d(3);
  return d(0) && d(1) && line.charCodeAt(i + 2) === C_COLON && d(3) && d(4);
}

function dotsBeforeColon(line: string, i: number, j: number): number {
  let dots = 0;
  for (let k = i; k < j; k++) {
    const c = line.charCodeAt(k);
    if (c === C_COLON) break;
    if (c === C_DOT) dots++;
  }
  return dots;
}

function numericKind(
  line: string,
  i: number,
  j: number,
  digits: number,
  hexOnly: boolean,
): MaskerName {
  // Plain integer or decimal.
  let k = i;
  let dots = 0;
  while (k < j) {
    const c = line.charCodeAt(k);
    if (c === C_DOT) dots++;
    else if (!(cls(c) & DIGIT)) break;
    k++;
  }
  if (k === j) return dots <= 1 ? 'number' : dots === 3 ? 'ipv4' : 'id';
  // Digits followed by letters only: a size or a duration (12ms, 3.5s, 10MB, 4KiB).
  if (dots <= 1) {
    let m = k;
    while (m < j && cls(line.charCodeAt(m)) & ALPHA) m++;
    if (m === j) return 'unit';
  }
  if (isUuid(line, i, j)) return 'uuid';
  const c = line.charCodeAt(k);
  if ((c === C_DASH || c === C_SLASH) && k - i >= 2 && digits >= 4) return 'timestamp';
  if (hexOnly) return 'hex';
  return 'id';
}

function isUuid(line: string, i: number, j: number): boolean {
  if (j - i !== 36) return false;
  for (let k = 0; k < 36; k++) {
    const c = line.charCodeAt(i + k);
    if (k === 8 || k === 13 || k === 18 || k === 23) {
      if (c !== C_DASH) return false;
    } else if (!(cls(c) & HEX)) return false;
  }
  return true;
}

/**
 * `[Wkd ]Mon D[D] HH:MM[:SS[.fff]][ TZ][ YYYY]` starting at `i`: the end index, or -1 when the
 * text is not such a timestamp (a time of day is required, so `Jun` in prose is left alone).
 */
export function textTimestampEnd(line: string, i: number): number {
  let k = i;
  let word = line.slice(k, k + 3);
  if (WEEKDAYS.has(word)) {
    k = skipSpaces(line, k + 3);
    if (k < 0) return -1;
    word = line.slice(k, k + 3);
  }
  if (!MONTHS.has(word) || cls(line.charCodeAt(k + 3)) & ALPHA) return -1;
  k = skipSpaces(line, k + 3);
  if (k < 0) return -1;
  k = digitsEnd(line, k, 1, 2);
  if (k < 0 || !(cls(line.charCodeAt(k)) & SPACE)) return -1;
  k = skipSpaces(line, k);
  if (k < 0 || !isTime(line, k)) return -1;
  k = digitsEnd(line, k, 1, 2) + 1;
  k = digitsEnd(line, k, 2, 2);
  if (line.charCodeAt(k) === C_COLON) k = digitsEnd(line, k + 1, 2, 2);
  if (k < 0) return -1;
  if (line.charCodeAt(k) === C_DOT || line.charCodeAt(k) === 44) {
    const f = digitsEnd(line, k + 1, 1, 9);
    if (f > 0) k = f;
  }
  // Optional zone abbreviation then optional year.
  let m = skipSpaces(line, k);
  if (m > 0) {
    let z = m;
    while (z < line.length && z - m < 5 && cls(line.charCodeAt(z)) & ALPHA) z++;
    if (
      z - m >= 3 &&
      z - m <= 4 &&
      line.slice(m, z) === line.slice(m, z).toUpperCase() &&
      (z === line.length || cls(line.charCodeAt(z)) & SPACE)
    ) {
      k = z;
      m = skipSpaces(line, k);
    }
  }
  if (m > 0) {
    const y = digitsEnd(line, m, 4, 4);
    if (y > 0 && (y === line.length || !(cls(line.charCodeAt(y)) & (DIGIT | ALPHA)))) k = y;
  }
  return k;
}

function skipSpaces(line: string, k: number): number {
  const start = k;
  while (k < line.length && (line.charCodeAt(k) === 32 || line.charCodeAt(k) === 9)) k++;
  return k > start && k < line.length ? k : -1;
}

function digitsEnd(line: string, k: number, min: number, max: number): number {
  if (k < 0) return -1;
  const start = k;
  while (k < line.length && k - start < max && cls(line.charCodeAt(k)) & DIGIT) k++;
  return k - start >= min ? k : -1;
}
