/** One JSON value from the body; `offset` is the byte offset in the body where it starts. */
export interface ParsedValue {
  ok: true;
  value: unknown;
  offset: number;
}

/** A malformed stretch of the body; `line` is 1-based. */
export interface ParseFailure {
  ok: false;
  error: string;
  offset: number;
  line: number;
}

const LF = 0x0a;
const CR = 0x0d;
const SPACE = 0x20;
const TAB = 0x09;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const COLON = 0x3a;
const LBRACE = 0x7b;
const RBRACE = 0x7d;
const LBRACKET = 0x5b;
const RBRACKET = 0x5d;

const MAX_ERROR_LENGTH = 200;
const NEWLINE_BRACE = Buffer.from('\n{');

/**
 * Splits a body into JSON values: one object, a JSON array (its elements), NDJSON, or
 * objects concatenated with no separator (Fluent Bit's `json_stream`). Every top-level array
 * contributes its elements. A malformed value becomes a {@link ParseFailure} and costs nothing
 * else: the scanner resumes right after it when its brackets balance, and otherwise at the next
 * line that starts with `{`. Never throws.
 */
export function parseJsonValues(
  body: Buffer,
  maxValueBytes = Infinity,
): Array<ParsedValue | ParseFailure> {
  const start = skipWhitespace(body, bomLength(body), body.length);
  if (start >= body.length) return [];
  const first = body[start];
  // Large bodies take the scanner, which measures each value before decoding it.
  if ((first === LBRACE || first === LBRACKET) && body.length - start <= maxValueBytes) {
    // Fast path: a well-formed single object or array needs one native parse.
    let whole: unknown;
    try {
      whole = JSON.parse(body.toString('utf8', start));
    } catch {
      return new ValueScanner(body, start, maxValueBytes).run();
    }
    if (!Array.isArray(whole)) return [{ ok: true, value: whole, offset: start }];
    const offsets = elementOffsets(body, start);
    // Both walks read the same valid JSON, so the counts agree; the guard keeps offsets honest.
    if (offsets.length === whole.length) {
      return whole.map((value: unknown, i) => ({ ok: true, value, offset: offsets[i]! }));
    }
    return new ValueScanner(body, start, maxValueBytes).run();
  }
  return new ValueScanner(body, start, maxValueBytes).run();
}

/** The non-blank lines of a text body, without their `\n` or `\r\n`. */
export function parseTextLines(body: Buffer): string[] {
  const lines: string[] = [];
  const length = body.length;
  let pos = bomLength(body);
  while (pos < length) {
    const newline = body.indexOf(LF, pos);
    const lineEnd = newline === -1 ? length : newline;
    let end = lineEnd;
    if (end > pos && body[end - 1] === CR) end--;
    if (!isBlank(body, pos, end)) lines.push(body.toString('utf8', pos, end));
    pos = lineEnd + 1;
  }
  return lines;
}

/** Start offsets of the elements of the valid JSON array that opens at `start`. */
function elementOffsets(body: Buffer, start: number): number[] {
  const offsets: number[] = [];
  const length = body.length;
  let pos = skipWhitespace(body, start + 1, length);
  if (body[pos] === RBRACKET) return offsets;
  while (pos < length) {
    offsets.push(pos);
    const end = valueEnd(body, pos, length);
    if (end < 0) break;
    pos = skipWhitespace(body, end, length);
    if (body[pos] !== COMMA) break;
    pos = skipWhitespace(body, pos + 1, length);
  }
  return offsets;
}

/** End of the value at `pos` in valid JSON (composite, string or scalar), or -1. */
function valueEnd(body: Buffer, pos: number, length: number): number {
  const c = body[pos];
  if (c === LBRACE || c === LBRACKET) return compositeEnd(body, pos, length, false);
  if (c === QUOTE) {
    const quote = stringEnd(body, pos + 1, length, false);
    return quote < 0 ? -1 : quote + 1;
  }
  let i = pos;
  while (i < length && !isDelimiter(body[i])) i++;
  return i;
}

/**
 * End (exclusive) of the object or array opening at `start`, found by bracket depth, or -1.
 * With `lineAware`, a line break inside a string or a line starting with `{` while still open
 * ends the attempt: that is how a truncated NDJSON line shows itself.
 */
function compositeEnd(body: Buffer, start: number, length: number, lineAware: boolean): number {
  let depth = 0;
  for (let i = start; i < length; i++) {
    const c = body[i];
    if (c === QUOTE) {
      i = stringEnd(body, i + 1, length, lineAware);
      if (i < 0) return -1;
    } else if (c === LBRACE || c === LBRACKET) {
      depth++;
    } else if (c === RBRACE || c === RBRACKET) {
      if (--depth === 0) return i + 1;
    } else if (c === LF && lineAware && body[i + 1] === LBRACE) {
      return -1;
    }
  }
  return -1;
}

/** Index of the closing quote of a string whose content starts at `from`, or -1. */
function stringEnd(body: Buffer, from: number, length: number, lineAware: boolean): number {
  for (let i = from; i < length; i++) {
    const c = body[i];
    if (c === QUOTE) return i;
    if (c === BACKSLASH) i++;
    else if (c === LF && lineAware) return -1;
  }
  return -1;
}

class ValueScanner {
  private readonly out: Array<ParsedValue | ParseFailure> = [];
  private readonly length: number;
  private pos: number;
  private inArray = false;
  private failuresAtArrayStart = 0;
  private failures = 0;
  // Line numbers are counted lazily, only for failures, from the last counted position.
  private countedPos = 0;
  private countedLine = 1;

  constructor(
    private readonly body: Buffer,
    private readonly firstValue: number,
    private readonly maxValueBytes: number,
  ) {
    this.length = body.length;
    this.pos = firstValue;
  }

  run(): Array<ParsedValue | ParseFailure> {
    const body = this.body;
    const length = this.length;
    for (;;) {
      const pos = skipWhitespace(body, this.pos, length);
      if (pos >= length) break;
      this.pos = pos;
      const c = body[pos];
      if (this.inArray && c === COMMA) {
        // Lenient about commas: a doubled or trailing one loses no data.
        this.pos = pos + 1;
      } else if (this.inArray && c === RBRACKET) {
        this.inArray = false;
        this.pos = pos + 1;
      } else if (!this.inArray && c === LBRACKET) {
        this.inArray = true;
        this.failuresAtArrayStart = this.failures;
        this.pos = pos + 1;
      } else if (c === LBRACE || c === LBRACKET) {
        this.readComposite(pos);
      } else if (c === QUOTE) {
        const end = stringEnd(body, pos + 1, length, true);
        if (end < 0) this.failAndResync(pos, 'unterminated string');
        else this.parseSlice(pos, end + 1);
      } else {
        this.readScalarOrGarbage(pos);
      }
    }
    if (this.inArray && this.failures === this.failuresAtArrayStart) {
      this.fail(length, "unexpected end of input: the array has no closing ']'");
    }
    return this.out;
  }

  private readComposite(pos: number): void {
    const body = this.body;
    if (!this.inArray && this.isLineStart(pos)) {
      // NDJSON: try the whole line first, which needs no byte scan at all.
      const newline = body.indexOf(LF, pos);
      const lineEnd = newline === -1 ? this.length : newline;
      // The whole-body parse already failed on exactly this text; an oversized line may still
      // hold several values, which the byte scan below measures one by one.
      const oversized = lineEnd - pos > this.maxValueBytes;
      if (!oversized && !(pos === this.firstValue && lineEnd === this.length)) {
        const value = tryParse(body.toString('utf8', pos, lineEnd));
        if (value !== FAILED) {
          this.out.push({ ok: true, value, offset: pos });
          this.pos = lineEnd;
          return;
        }
      }
    }
    const end = compositeEnd(body, pos, this.length, true);
    if (end < 0) this.failAndResync(pos, 'unexpected end of value: unbalanced brackets or quotes');
    else this.parseSlice(pos, end);
  }

  /** A number or literal parses; anything else is garbage up to the next `{` or line break. */
  private readScalarOrGarbage(pos: number): void {
    const body = this.body;
    const length = this.length;
    const c = body[pos];
    if (
      c === 0x2d ||
      (c !== undefined && c >= 0x30 && c <= 0x39) ||
      c === 0x74 ||
      c === 0x66 ||
      c === 0x6e
    ) {
      let end = pos;
      while (end < length && !isDelimiter(body[end])) end++;
      const value = tryParse(body.toString('utf8', pos, end));
      if (value !== FAILED) {
        this.out.push({ ok: true, value, offset: pos });
        this.pos = end;
        return;
      }
    }
    let end = pos + 1;
    while (end < length) {
      const b = body[end];
      if (b === LBRACE || b === LF || (this.inArray && (b === COMMA || b === RBRACKET))) break;
      end++;
    }
    const preview = body.toString('utf8', pos, Math.min(end, pos + 40)).trimEnd();
    this.fail(pos, clip(`unexpected text ${JSON.stringify(preview)}`));
    this.pos = end;
  }

  private parseSlice(start: number, end: number): void {
    if (end - start > this.maxValueBytes) {
      this.fail(start, tooLarge(end - start, this.maxValueBytes));
      this.pos = end;
      return;
    }
    try {
      this.out.push({
        ok: true,
        value: JSON.parse(this.body.toString('utf8', start, end)),
        offset: start,
      });
    } catch (err) {
      this.fail(start, clip(err instanceof Error ? err.message : String(err)));
    }
    this.pos = end;
  }

  private failAndResync(start: number, error: string): void {
    this.fail(start, error);
    const next = this.body.indexOf(NEWLINE_BRACE, start);
    this.pos = next === -1 ? this.length : next + 1;
  }

  private fail(offset: number, error: string): void {
    this.failures++;
    this.out.push({ ok: false, error, offset, line: this.lineAt(offset) });
  }

  private isLineStart(pos: number): boolean {
    return pos === this.firstValue || this.body[pos - 1] === LF;
  }

  private lineAt(offset: number): number {
    if (offset < this.countedPos) {
      this.countedPos = 0;
      this.countedLine = 1;
    }
    let pos = this.countedPos;
    let line = this.countedLine;
    for (;;) {
      const newline = this.body.indexOf(LF, pos);
      if (newline === -1 || newline >= offset) break;
      line++;
      pos = newline + 1;
    }
    this.countedPos = pos;
    this.countedLine = line;
    return line;
  }
}

const FAILED = Symbol('failed');

function tryParse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return FAILED;
  }
}

function isDelimiter(c: number | undefined): boolean {
  return (
    c === SPACE ||
    c === TAB ||
    c === LF ||
    c === CR ||
    c === COMMA ||
    c === COLON ||
    c === QUOTE ||
    c === LBRACE ||
    c === RBRACE ||
    c === LBRACKET ||
    c === RBRACKET
  );
}

function skipWhitespace(body: Buffer, from: number, length: number): number {
  let i = from;
  while (i < length) {
    const c = body[i];
    if (c !== SPACE && c !== LF && c !== CR && c !== TAB) break;
    i++;
  }
  return i;
}

function isBlank(body: Buffer, start: number, end: number): boolean {
  for (let i = start; i < end; i++) {
    const c = body[i];
    if (c !== SPACE && c !== TAB && c !== CR) return false;
  }
  return true;
}

function bomLength(body: Buffer): number {
  return body[0] === 0xef && body[1] === 0xbb && body[2] === 0xbf ? 3 : 0;
}

function tooLarge(bytes: number, max: number): string {
  return `the value is ${bytes} bytes, more than the limit of ${max}`;
}

function clip(message: string): string {
  return message.length > MAX_ERROR_LENGTH
    ? `${message.slice(0, MAX_ERROR_LENGTH - 3)}...`
    : message;
}
