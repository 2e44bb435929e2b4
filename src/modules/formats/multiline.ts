/**
 * Joins continuation lines (stack traces, indented detail lines, multi-line entries) onto the
 * line that started their record, one source stream at a time. Pure: no I/O, time comes in as
 * an argument. The caller owns format detection: it asks `append` first and, when the line does
 * not continue the pending record, detects the line's format and calls `start`.
 *
 * @example
 *   const ml = new Multiline<Head, number>(DEFAULT_MULTILINE, (r) => out.push(r));
 *   if (!ml.append(line, owner, now, classifier)) ml.start(line, detect(line), owner, now);
 *   ml.end(); // end of the HTTP request: emit what is pending
 */

export interface MultilineOptions {
  /** A record that reaches this many lines is emitted; the next line starts a new one. */
  maxLines: number;
  /** Same for UTF-8 bytes (the joining '\n' included). */
  maxBytes: number;
  /** A streaming input emits a pending record this long after its last line (`flushDue`). */
  timeoutMs: number;
}

export const DEFAULT_MULTILINE: Readonly<MultilineOptions> = Object.freeze({
  maxLines: 500,
  maxBytes: 128 * 1024,
  timeoutMs: 1500,
});

/** What the stream knows about record starts. */
export interface LineClassifier {
  /** The stream's settled format detects this line (false while the stream is not settled). */
  startsRecord(line: string): boolean;
  /** The settled format marks only the first line of its records (LogFormat.startLine). */
  readonly startLineOnly: boolean;
}

/** A finished record: its lines joined with '\n', the first line's head and every line's owner. */
export interface JoinedRecord<H, O> {
  text: string;
  lineCount: number;
  head: H;
  owners: O[];
}

/** Where in a stack trace the pending record is: decides which unindented lines still belong. */
const enum Trace {
  None,
  Java,
  Python,
  PythonDone,
  Go,
  NodeCaret,
  Node,
}

interface Pending<H, O> {
  head: H;
  first: string;
  rest: string[] | null;
  owners: O[];
  bytes: number;
  lastAt: number;
  trace: Trace;
}

const TAB = 9;
const SPACE = 32;

const FRAME_AT = /^\s+at\s/;
const MORE_FRAMES = /^\s*\.\.\. \d+ (?:more|common frames omitted)/;
const CARET = /^\s*\^+\s*$/;
const PY_EXCEPTION = /^[A-Za-z_][\w.]*(?::\s|:?$)/;
const GO_GOROUTINE = /^goroutine \d+ \[/;
const GO_FUNCTION = /^[\w./*()[\]-]+\(.*\)$/;
const JAVA_EXCEPTION = /^(?:[a-zA-Z_$][\w$]*\.)+[\w$]*(?:Exception|Error|Throwable)(?::\s|$)/;
const JS_ERROR = /^[\w$.]*(?:Error|Exception)\b/;
const NODE_VERSION = /^Node\.js v\d/;

export class Multiline<H, O> {
  #pending: Pending<H, O> | null = null;

  constructor(
    private readonly options: MultilineOptions,
    private readonly emit: (record: JoinedRecord<H, O>) => void,
  ) {}

  /** The head of the record waiting for more lines, or null. */
  get head(): H | null {
    return this.#pending?.head ?? null;
  }

  /** True when a record is waiting for more lines. */
  get pending(): boolean {
    return this.#pending !== null;
  }

  /**
   * Adds the line to the pending record when it continues it; false when it starts a new record
   * (or would overflow the pending one, which is then emitted).
   */
  append(line: string, owner: O, now: number, classifier: LineClassifier): boolean {
    const p = this.#pending;
    if (p === null) return false;
    const trace = continuation(line, p.trace, classifier);
    if (trace === null) return false;
    const bytes = p.bytes + 1 + utf8Length(line);
    const lines = (p.rest?.length ?? 0) + 2;
    if (lines > this.options.maxLines || bytes > this.options.maxBytes) {
      this.flush();
      return false;
    }
    (p.rest ??= []).push(line);
    p.owners.push(owner);
    p.bytes = bytes;
    p.lastAt = now;
    p.trace = trace;
    return true;
  }

  /** Emits the pending record and starts a new one with this line. */
  start(line: string, head: H, owner: O, now: number): void {
    this.flush();
    this.#pending = {
      head,
      first: line,
      rest: null,
      owners: [owner],
      bytes: utf8Length(line),
      lastAt: now,
      trace: startTrace(line),
    };
  }

  /** Emits the pending record when its last line is older than the timeout. */
  flushDue(now: number): void {
    const p = this.#pending;
    if (p !== null && now - p.lastAt >= this.options.timeoutMs) this.flush();
  }

  /** Emits the pending record, if any. */
  flush(): void {
    const p = this.#pending;
    if (p === null) return;
    this.#pending = null;
    let rest = p.rest;
    // Blank lines after the last real one belong to nobody's message.
    while (rest !== null && rest.length > 0 && isBlank(rest[rest.length - 1] as string)) {
      rest.pop();
      if (rest.length === 0) rest = null;
    }
    const text = rest === null ? p.first : `${p.first}\n${rest.join('\n')}`;
    this.emit({ text, lineCount: 1 + (rest?.length ?? 0), head: p.head, owners: p.owners });
  }

  /** The input ended (end of an HTTP request): emits what is pending. */
  end(): void {
    this.flush();
  }
}

/** The trace state after `line` joins a record in state `trace`, or null when it starts a new one. */
function continuation(line: string, trace: Trace, classifier: LineClassifier): Trace | null {
  if (line.length === 0 || isBlank(line)) {
    return trace !== Trace.None || !classifier.startsRecord(line) ? trace : null;
  }
  const c0 = line.charCodeAt(0);
  if (c0 === SPACE || c0 === TAB) {
    if (FRAME_AT.test(line)) return trace === Trace.Node ? Trace.Node : Trace.Java;
    if (CARET.test(line)) return Trace.NodeCaret;
    if (trace !== Trace.None || MORE_FRAMES.test(line)) return trace;
    const trimmed = line.trimStart();
    if (trimmed.startsWith('File "')) return Trace.Python;
    if (trimmed.startsWith('Suppressed: ') || trimmed.startsWith('--- End of ')) return Trace.Java;
    return classifier.startsRecord(line) ? null : trace;
  }
  if (c0 === 0x7b /* { */) return null;
  if (line.startsWith('Caused by: ')) return Trace.Java;
  if (line.startsWith('Traceback (most recent call last):')) return Trace.Python;
  if (
    line.startsWith('During handling of the above exception') ||
    line.startsWith('The above exception was the direct cause')
  ) {
    return Trace.Python;
  }
  switch (trace) {
    case Trace.Python:
      if (PY_EXCEPTION.test(line)) return Trace.PythonDone;
      break;
    case Trace.Go:
      if (GO_GOROUTINE.test(line) || GO_FUNCTION.test(line)) return Trace.Go;
      if (line.startsWith('created by ') || line.startsWith('exit status ')) return Trace.Go;
      if (line.startsWith('[signal ')) return Trace.Go;
      break;
    case Trace.NodeCaret:
      if (JS_ERROR.test(line)) return Trace.Node;
      break;
    case Trace.Node:
      if (NODE_VERSION.test(line)) return Trace.Node;
      break;
    default:
      break;
  }
  if (GO_GOROUTINE.test(line)) return Trace.Go;
  if (JAVA_EXCEPTION.test(line) && !classifier.startsRecord(line)) return Trace.Java;
  if (classifier.startLineOnly && !classifier.startsRecord(line)) return trace;
  return null;
}

/** A record's first line can open a trace already (Go's `panic:`, Python's bare traceback). */
function startTrace(line: string): Trace {
  if (line.startsWith('panic: ') || line.startsWith('fatal error: ')) return Trace.Go;
  if (line.startsWith('Traceback (most recent call last):')) return Trace.Python;
  if (line.startsWith('Exception in thread "')) return Trace.Java;
  return Trace.None;
}

function isBlank(line: string): boolean {
  for (let i = 0; i < line.length; i++) {
    const c = line.charCodeAt(i);
    if (c !== SPACE && c !== TAB && c !== 13) return false;
  }
  return true;
}

/** UTF-8 length without encoding when the line is plain ASCII-sized. */
function utf8Length(line: string): number {
  for (let i = 0; i < line.length; i++) {
    if (line.charCodeAt(i) > 0x7f) return Buffer.byteLength(line, 'utf8');
  }
  return line.length;
}
