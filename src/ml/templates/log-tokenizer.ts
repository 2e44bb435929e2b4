/**
 * Log-aware tokenisation with variable masking in one left-to-right scan.
 *
 * A line is cut on whitespace and on the punctuation that structures log messages (`=`, `:`, `,`,
 * `;`, `|`, `#`, brackets, quotes); each punctuation character is kept as its own token, and each
 * token remembers whether whitespace preceded it, so a template rebuilt from tokens reads like the
 * line (`uid=<*> euid=<*>`, `pam_unix(sshd:auth):`). Before a word is cut, compound values that
 * contain those characters are recognised whole: times (`12:21:32`), IPv4 with port
 * (`10.0.0.1:50010`), IPv6 and MAC addresses, URLs and `Fri Jun 17 07:07:00 2005`-style timestamps.
 *
 * Each word is then classified by one pass over its characters (no regular expressions, no
 * backtracking): numbers, sizes and durations with units, hex, IPv4/IPv6, UUIDs, dates and times,
 * paths, URLs, e-mails and long ids with digits become variables (masked) when their masker is
 * enabled. The variable classes follow the loghub preprocessing practice (Zhu et al., "Tools and
 * Benchmarks for Automated Log Parsing", ICSE-SEIP 2019) and Drain3's default masking list.
 *
 * @example
 *   const tokenizer = new LogTokenizer();
 *   const buf = new TokenBuffer();
 *   tokenizer.tokenize('Connection from 10.0.0.1:22 closed after 12ms', buf);
 *   // buf.text: ['Connection', 'from', '10.0.0.1:22', 'closed', 'after', '12ms']
 *   // buf.kind: [WORD, WORD, VARIABLE, WORD, WORD, VARIABLE]
 */

/** A token that may be a constant of the template. */
export const WORD = 0;
/** A masked variable: never a constant, never a tree key. */
export const VARIABLE = 1;
/** Structural punctuation (or a multi-line anchor): must be equal for two lines to share a template. */
export const PUNCT = 2;
export type TokenKind = typeof WORD | typeof VARIABLE | typeof PUNCT;

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

export interface TokenizerOptions {
  /** Variable classes to mask; default: all of {@link MASKERS}. */
  maskers?: readonly MaskerName[];
  /** Tokens beyond this count are folded into one trailing variable (default 256). */
  maxTokens?: number;
}

/**
 * Reusable output of {@link LogTokenizer.tokenize}: parallel arrays valid up to `length`.
 * One buffer per caller avoids allocating arrays per line.
 */
export class TokenBuffer {
  length = 0;
  readonly text: string[] = [];
  readonly kind: TokenKind[] = [];
  /** 1 when whitespace preceded the token. */
  readonly space: number[] = [];
  /** Offset of the token in the tokenised string. */
  readonly start: number[] = [];
  /** For a variable, the bit of the masker class that recognised it; 0 otherwise. */
  readonly shape: number[] = [];

  push(text: string, kind: TokenKind, space: number, start: number, shape = 0): void {
    const i = this.length++;
    this.text[i] = text;
    this.kind[i] = kind;
    this.space[i] = space;
    this.start[i] = start;
    this.shape[i] = shape;
  }
}

// Character classes of ASCII codes; everything >= 128 is a word character.
const SPACE = 1;
const DELIM = 2;
const DIGIT = 4;
const HEX = 8;
const ALPHA = 16;
const CLASS = new Uint8Array(128);
for (let c = 0; c <= 32; c++) CLASS[c] = SPACE;
CLASS[127] = SPACE;
for (const ch of '=:,;|#()[]{}"') CLASS[ch.charCodeAt(0)] = DELIM;
for (let c = 48; c <= 57; c++) CLASS[c] = DIGIT | HEX;
for (let c = 65; c <= 90; c++) CLASS[c] = ALPHA | (c <= 70 ? HEX : 0);
for (let c = 97; c <= 122; c++) CLASS[c] = ALPHA | (c <= 102 ? HEX : 0);

const C_APOS = 39;
const C_COLON = 58;
const C_SLASH = 47;
const C_BACKSLASH = 92;
const C_DOT = 46;
const C_AT = 64;
const C_DASH = 45;
const C_PLUS = 43;

function cls(c: number): number {
  return c < 128 ? (CLASS[c] as number) : 0;
}

const EMPTY_SHAPE = 1 << 30;
const NUMBER_SHAPE = 1;

function closerOf(c: number): number {
  switch (c) {
    case 40:
      return 41;
    case 91:
      return 93;
    case 123:
      return 125;
    case 34:
    case C_APOS:
      return c;
    default:
      return -1;
  }
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

const MASKER_BIT: Record<MaskerName, number> = Object.fromEntries(
  MASKERS.map((name, i) => [name, 1 << i]),
) as Record<MaskerName, number>;

export class LogTokenizer {
  readonly #mask: number;
  readonly #maxTokens: number;

  constructor(options: TokenizerOptions = {}) {
    const maskers = options.maskers ?? MASKERS;
    let mask = 0;
    for (const name of maskers) {
      const bit = MASKER_BIT[name];
      if (bit === undefined) throw new RangeError(`unknown masker "${String(name)}"`);
      mask |= bit;
    }
    this.#mask = mask;
    this.#maxTokens = options.maxTokens ?? 256;
    if (!Number.isInteger(this.#maxTokens) || this.#maxTokens < 2) {
      throw new RangeError(`maxTokens must be an integer >= 2, got ${this.#maxTokens}`);
    }
  }

  /** Tokenises `line` into `out` (cleared first). Never throws on any string. */
  tokenize(line: string, out: TokenBuffer): void {
    out.length = 0;
    const n = line.length;
    let i = 0;
    let space = 0;
    while (i < n) {
      const c = line.charCodeAt(i);
      const k = cls(c);
      if (k & SPACE) {
        space = 1;
        i++;
        continue;
      }
      if (out.length === this.#maxTokens - 1) {
        out.push(line.slice(i).trimEnd(), VARIABLE, space, i);
        return;
      }
      if ((k & DELIM && !(c === C_COLON && line.charCodeAt(i + 1) === C_COLON)) || c === C_APOS) {
        out.push(line[i] as string, PUNCT, space, i);
        // An empty pair `()`, `[]`, `""` after a space or `=` holds an empty value (unlike a call
        // `init()`): keep its slot as a variable.
        if (
          line.charCodeAt(i + 1) === closerOf(c) &&
          (i === 0 || cls(line.charCodeAt(i - 1)) & (SPACE | DELIM))
        )
          out.push('', VARIABLE, 0, i + 1, EMPTY_SHAPE);
        space = 0;
        i++;
        continue;
      }
      i = this.#word(line, i, space, out);
      space = 0;
    }
    if (out.length > 1) collapseLists(line, out);
  }

  /** Scans and classifies the word starting at `i`; returns the index after it. */
  #word(line: string, i: number, space: number, out: TokenBuffer): number {
    const n = line.length;
    const first = line.charCodeAt(i);
    const slashStart = first === C_SLASH;
    let j = i;
    let digits = 0;
    let hexOnly = true; // hex digits and dots only
    let alphaOnly = true;
    let colons = 0;
    let at = -1;
    let dotDigit = false; // a digit.digit inside the word (versions: v1.2, dquot_6.5.1)
    while (j < n) {
      const c = line.charCodeAt(j);
      const k = cls(c);
      if (k & ALPHA) {
        // Fast path: most characters of most words are letters.
        if (!(k & HEX)) hexOnly = false;
        j++;
        continue;
      }
      if (k & SPACE) break;
      if (c === C_APOS) {
        // An apostrophe inside a word (can't) belongs to it; elsewhere it is a quote.
        if (j > i && cls(line.charCodeAt(j - 1)) & ALPHA && cls(line.charCodeAt(j + 1)) & ALPHA) {
          j++;
          alphaOnly = false;
          hexOnly = false;
          continue;
        }
        break;
      }
      if (k & DELIM) {
        if (c === 44 && colons > 0 && cls(first) & DIGIT && isFraction(line, j + 1)) {
          // The milliseconds of `18:01:47,978` belong to the time.
          j++;
          continue;
        }
        if (c !== C_COLON) break;
        if (j === i + 1 && cls(first) & ALPHA && line.charCodeAt(j + 1) === C_BACKSLASH) {
          // A Windows path: C:\Windows\System32 runs to the next space.
          while (j < n && !(cls(line.charCodeAt(j)) & SPACE)) j++;
          const bit = this.#mask & MASKER_BIT.path;
          out.push(line.slice(i, j), bit ? VARIABLE : WORD, space, i, bit);
          return j;
        }
        if (
          alphaOnly &&
          j > i &&
          line.charCodeAt(j + 1) === C_SLASH &&
          line.charCodeAt(j + 2) === C_SLASH
        ) {
          if (this.#mask & MASKER_BIT.url) return this.#url(line, i, j + 3, space, out);
          break;
        }
        const next = line.charCodeAt(j + 1);
        // Times, ISO timestamps, ip:port, IPv6 and MAC addresses keep their colons.
        const timeLike = cls(first) & DIGIT && cls(next) & DIGIT;
        const chain =
          (hexOnly && (digits > 0 || colons > 0 || next === C_COLON)) || (slashStart && digits > 0);
        if (!timeLike && (!chain || !colonSegment(line, j + 1))) break;
        colons++;
        alphaOnly = false;
        j++;
        continue;
      }
      if (k & DIGIT) {
        digits++;
        if (j >= i + 2 && line.charCodeAt(j - 1) === C_DOT && cls(line.charCodeAt(j - 2)) & DIGIT) {
          dotDigit = true;
        }
      }
      alphaOnly = false;
      if (!(k & HEX) && c !== C_DOT) hexOnly = false;
      if (c === C_AT && at < 0) at = j;
      j++;
    }
    if (j === i) {
      // A lone `::` that does not start an IPv6 address.
      out.push(line.slice(i, i + 1), PUNCT, space, i);
      return i + 1;
    }
    if (
      alphaOnly &&
      j - i === 3 &&
      first >= 65 &&
      first <= 90 &&
      this.#mask & MASKER_BIT.timestamp
    ) {
      const end = textTimestampEnd(line, i);
      if (end > 0) {
        out.push(line.slice(i, end), VARIABLE, space, i, MASKER_BIT.timestamp);
        return end;
      }
    }
    let end = j;
    const name = classify(line, i, j, digits, hexOnly, alphaOnly, colons, at, dotDigit);
    const bit = name === undefined ? 0 : this.#mask & MASKER_BIT[name];
    const kind = bit !== 0 ? VARIABLE : WORD;
    if (kind === VARIABLE && end - i > 1 && line.charCodeAt(end - 1) === C_DOT) end--;
    out.push(line.slice(i, end), kind, space, i, bit);
    if (end < j) out.push('.', PUNCT, 0, end);
    return j;
  }

  #url(line: string, i: number, j: number, space: number, out: TokenBuffer): number {
    const n = line.length;
    while (j < n) {
      const c = line.charCodeAt(j);
      if (c <= 32 || c === 34 || c === C_APOS || c === 60 || c === 62) break;
      j++;
    }
    let end = j;
    const last = line.charCodeAt(end - 1);
    // Sentence punctuation after a URL is not part of it; a `)` is, when the URL opened one.
    if (
      last === C_DOT ||
      last === 44 ||
      last === 93 ||
      (last === 41 && line.lastIndexOf('(', end) < i)
    )
      end--;
    out.push(line.slice(i, end), VARIABLE, space, i, MASKER_BIT.url);
    if (end < j) out.push(line.slice(end, j), PUNCT, 0, end);
    return j;
  }
}

/** The variable class of the word [i, j), or undefined for a word that is not a variable. */
function classify(
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

/**
 * Runs of whitespace-separated variables of one class (`delete blk_1 blk_2 blk_3`) are one
 * variable-length parameter: they collapse into a single variable so the token count, which keys
 * the tree, does not vary with the list. Numbers are left alone (`init 1 -2` are two values).
 */
function collapseLists(line: string, out: TokenBuffer): void {
  const n = out.length;
  let w = 0;
  for (let r = 0; r < n; r++) {
    const shape = out.shape[r] as number;
    if (
      w > 0 &&
      out.kind[r] === VARIABLE &&
      out.space[r] === 1 &&
      shape !== NUMBER_SHAPE &&
      shape !== EMPTY_SHAPE &&
      out.kind[w - 1] === VARIABLE &&
      out.shape[w - 1] === shape
    ) {
      const s = out.start[w - 1] as number;
      out.text[w - 1] = line.slice(s, (out.start[r] as number) + (out.text[r] as string).length);
      continue;
    }
    if (w !== r) {
      out.text[w] = out.text[r] as string;
      out.kind[w] = out.kind[r] as TokenKind;
      out.space[w] = out.space[r] as number;
      out.start[w] = out.start[r] as number;
      out.shape[w] = shape;
    }
    w++;
  }
  out.length = w;
}

/** Exactly three to nine digits, then the end of the word. */
function isFraction(line: string, k: number): boolean {
  const end = digitsEnd(line, k, 3, 9);
  return end > 0 && (end === line.length || !(cls(line.charCodeAt(end)) & (DIGIT | ALPHA)));
}

/** After a `:`, is there a non-empty run of hex digits/dots (or another `:`) ending at a boundary? */
function colonSegment(line: string, k: number): boolean {
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

function isTime(line: string, i: number): boolean {
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
