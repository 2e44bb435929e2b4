/** One lexeme of the full-text index, in document order. */
export interface FullTextToken {
  lexeme: string;
  /** Offset just past the source text the lexeme came from. */
  end: number;
}

// An approximation of PostgreSQL's default text-search parser (what `to_tsvector('simple', …)`
// uses), worked out by probing `ts_debug` on log-like text. It covers the token kinds that log
// lines are made of: words, hyphenated words, numbers and versions, hosts, emails, URLs, paths.
// Patterns tried at every token start are bounded (DNS label limits and the like), so that a
// crafted body cannot make tokenizing quadratic.
const TAG = /<\/?[A-Za-z][^<>]*>/y;
const ENTITY = /&(?:[A-Za-z][A-Za-z0-9]{0,31}|#[0-9]{1,8}|#[xX][0-9A-Fa-f]{1,8});/y;
const PROTOCOL = /[A-Za-z]+:\/\//y;
const LABEL = '[A-Za-z0-9][A-Za-z0-9_-]{0,62}';
const HOST_SOURCE = String.raw`${LABEL}(?:\.${LABEL}){0,31}\.[A-Za-z]{2,63}(?![A-Za-z0-9])`;
const HOST = new RegExp(`${HOST_SOURCE}(?::[0-9]{1,5})?`, 'y');
const URL_PATH = /\/[^\s"<>]+/y;
const EMAIL = new RegExp(`[A-Za-z0-9][A-Za-z0-9_.-]{0,63}@${HOST_SOURCE}`, 'y');
const VERSION = /[0-9]+(?:\.[0-9]+){2,}/y;
const NUMBER = /[-+]?[0-9]+(?:\.[0-9]+)?[eE][-+]?[0-9]+|[-+]?[0-9]+\.[0-9]+|[-+]?[0-9]+/y;
const ALNUM_RUN = /[\p{L}\p{M}\p{Nd}]+/uy;
const LETTER = /\p{L}/u;
const ASCII_ALNUM = /[A-Za-z0-9]/;
const DIGITS = /[0-9]+/y;
/** PostgreSQL skips longer words without giving them a position. */
const MAX_LEXEME_BYTES = 2047;
const FILE_START = /\/|[A-Za-z0-9]+[/.]/y;
// Only at the very start of the text does the parser keep `~` or `./` in front of a path.
const FILE_START_AT_ZERO = /~|\.\.?\//y;
const FILE_CHAR = /[A-Za-z0-9_.~/-]/;
const LETTER_ASCII = /[A-Za-z]/;

function stickyMatch(pattern: RegExp, text: string, at: number): string | null {
  pattern.lastIndex = at;
  return pattern.exec(text)?.[0] ?? null;
}

/**
 * Splits text into lower-cased lexemes roughly the way PostgreSQL's `simple` configuration does,
 * so that the live tail and the stored search agree on what a word is.
 */
export function tokenizeFullText(text: string): FullTextToken[] {
  const tokens: FullTextToken[] = [];
  const emit = (source: string, end: number): void => {
    if (isIndexable(source)) tokens.push({ lexeme: source.toLowerCase(), end });
  };
  const paths = new PathRuns(text);
  let at = 0;
  while (at < text.length) {
    const ch = text[at] as string;
    const skipped =
      (ch === '<' && stickyMatch(TAG, text, at)) ||
      (ch === '&' && stickyMatch(ENTITY, text, at)) ||
      stickyMatch(PROTOCOL, text, at);
    if (skipped) {
      at += skipped.length;
      continue;
    }
    if (ASCII_ALNUM.test(ch)) {
      const email = stickyMatch(EMAIL, text, at);
      if (email) {
        emit(email, (at += email.length));
        continue;
      }
      const host = stickyMatch(HOST, text, at);
      if (host) {
        const path = stickyMatch(URL_PATH, text, at + host.length);
        const end = at + host.length + (path?.length ?? 0);
        if (path) emit(host + path, end);
        emit(host, at + host.length);
        if (path) emit(path, end);
        at = end;
        continue;
      }
    }
    const next = text[at + 1] ?? '';
    if ((ch === '-' || ch === '+') && /[0-9]/.test(next)) {
      // The parser drops the sign in front of a version number.
      if (stickyMatch(VERSION, text, at + 1)) {
        at++;
        continue;
      }
      const signed = stickyMatch(NUMBER, text, at) as string;
      emit(signed, (at += signed.length));
      continue;
    }
    if (/[0-9]/.test(ch)) {
      const number = stickyMatch(VERSION, text, at) ?? stickyMatch(NUMBER, text, at);
      if (number && number.length > (stickyMatch(DIGITS, text, at)?.length ?? 0)) {
        emit(number, (at += number.length));
        continue;
      }
    }
    const fileEnd = matchFile(text, at, paths);
    if (fileEnd !== null) {
      emit(text.slice(at, fileEnd), fileEnd);
      at = fileEnd;
      continue;
    }
    if (stickyMatch(ALNUM_RUN, text, at)) {
      at = emitWordOrHyphenated(text, at, emit);
      continue;
    }
    at++;
  }
  return tokens;
}

/**
 * The run of path characters around a position, remembered so that trying a path at every
 * position of one long run costs linear time overall.
 */
class PathRuns {
  #start = 0;
  #end = 0;
  /** Last `/` and last ASCII letter or digit before `#end`, after trailing dots and slashes. */
  #trimmedEnd = 0;
  #lastSlash = -1;
  #lastAlnum = -1;

  constructor(private readonly text: string) {}

  /** Where a path starting at `start` ends once trailing `.` and `/` are dropped. */
  trimmedEnd(start: number): number {
    this.#scan(start);
    return Math.max(start, this.#trimmedEnd);
  }

  hasSlash(start: number, end: number): boolean {
    return this.#lastSlash >= start && this.#lastSlash < end;
  }

  hasAlnum(start: number, end: number): boolean {
    return this.#lastAlnum >= start && this.#lastAlnum < end;
  }

  #scan(start: number): void {
    if (start >= this.#start && start < this.#end) return;
    const text = this.text;
    let end = start;
    this.#lastSlash = -1;
    this.#lastAlnum = -1;
    while (end < text.length && FILE_CHAR.test(text[end] as string)) {
      // `a/../b` is one path, but `/a..b` ends the path at the dots.
      if (text.startsWith('..', end) && text[end + 2] !== '/') break;
      if (text[end] === '.' && text[end + 1] === '-') break;
      end++;
    }
    let trimmed = end;
    while (trimmed > start && /[./]/.test(text[trimmed - 1] as string)) trimmed--;
    for (let at = start; at < trimmed; at++) {
      const ch = text[at] as string;
      if (ch === '/') this.#lastSlash = at;
      else if (ASCII_ALNUM.test(ch)) this.#lastAlnum = at;
    }
    this.#start = start;
    this.#end = end === start ? start + 1 : end;
    this.#trimmedEnd = trimmed;
  }
}

function isIndexable(source: string): boolean {
  // A UTF-16 unit is at most three UTF-8 bytes, so short words need no byte count.
  return source.length * 3 <= MAX_LEXEME_BYTES || Buffer.byteLength(source) <= MAX_LEXEME_BYTES;
}

/** Returns the end of a file path starting at `start`, or null if there is none. */
function matchFile(text: string, start: number, paths: PathRuns): number | null {
  const opening =
    stickyMatch(FILE_START, text, start) ??
    (start === 0 ? stickyMatch(FILE_START_AT_ZERO, text, 0) : null);
  // A path never starts with `//`; the scan retries from the second slash.
  if (opening === null || text.startsWith('//', start)) return null;
  const end = paths.trimmedEnd(start);
  if (end - start < 2 || !paths.hasAlnum(start, end)) return null;
  if (paths.hasSlash(start, end) || opening === '~') return end;
  // `a.b` and `v1.2` are file names, but `1.x` is a number followed by a word.
  const afterDot = start + opening.length;
  return LETTER_ASCII.test(opening) &&
    afterDot < end &&
    /[A-Za-z0-9_~]/.test(text[afterDot] as string)
    ? end
    : null;
}

/**
 * Emits `foo-bar-baz` as the whole and then its parts (each containing a letter), or a single
 * word. Returns where scanning continues.
 */
function emitWordOrHyphenated(
  text: string,
  start: number,
  emit: (source: string, end: number) => void,
): number {
  const parts: { word: string; end: number }[] = [];
  let at = start;
  for (;;) {
    const word = stickyMatch(ALNUM_RUN, text, at);
    if (!word || !LETTER.test(word)) break;
    parts.push({ word, end: at + word.length });
    at += word.length;
    if (text[at] !== '-') break;
    at++;
  }
  const last = parts[parts.length - 1];
  if (parts.length < 2 || last === undefined) {
    const word = stickyMatch(ALNUM_RUN, text, start) as string;
    emit(word, start + word.length);
    return start + word.length;
  }
  emit(text.slice(start, last.end), last.end);
  for (const part of parts) emit(part.word, part.end);
  // `us-east-1` continues with the unsigned number `1`, not `-1`.
  return text[last.end] === '-' && /[0-9]/.test(text[last.end + 1] ?? '') ? last.end + 1 : last.end;
}

/** The lexemes a prefix search needs: every one must appear, and `prefix` must start one. */
export interface PrefixLexemes {
  exact: string[];
  prefix: string;
}

/**
 * Splits the value of `foo*` into the lexemes to search for. Compound lexemes that end where the
 * last one ends (`e-ma` in `e-ma*`) are unfinished words, so only their parts are kept.
 */
export function prefixLexemes(value: string): PrefixLexemes | null {
  const tokens = tokenizeFullText(value);
  const last = tokens[tokens.length - 1];
  if (last === undefined) return null;
  const exact = tokens.filter((token) => token.end !== last.end).map((token) => token.lexeme);
  return { exact: [...new Set(exact)], prefix: last.lexeme };
}
