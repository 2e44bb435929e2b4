import {
  ALPHA,
  C_APOS,
  C_AT,
  C_BACKSLASH,
  C_COLON,
  C_DOT,
  C_SLASH,
  classify,
  cls,
  colonSegment,
  DELIM,
  DIGIT,
  HEX,
  isFraction,
  type MaskerName,
  MASKERS,
  SPACE,
  textTimestampEnd,
} from './variable-classes';

export { MASKERS, type MaskerName };

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
  /** Number of VARIABLE tokens pushed since the last reset. */
  variables = 0;
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
    if (kind === VARIABLE) this.variables++;
    this.text[i] = text;
    this.kind[i] = kind;
    this.space[i] = space;
    this.start[i] = start;
    this.shape[i] = shape;
  }
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
    out.variables = 0;
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
    if (out.variables > 1) collapseLists(line, out);
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
