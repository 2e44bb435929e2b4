/**
 * Helpers for multi-line records (the registry joins continuation lines onto the first with
 * '\n'): split the header line from the rest, and name the error a stack trace reports.
 */
import type { ParsedAttributes } from '../../log-format';

/** The first line of a record (without a trailing '\r') and the index where the rest starts. */
export function firstLine(record: string): { head: string; rest: number } {
  const nl = record.indexOf('\n');
  if (nl === -1) return { head: record, rest: record.length };
  const end = nl > 0 && record.charCodeAt(nl - 1) === 13 ? nl - 1 : nl;
  return { head: record.slice(0, end), rest: nl };
}

/** The header's message followed by the continuation lines as they were written. */
export function withContinuation(message: string, record: string, rest: number): string {
  return rest >= record.length ? message : message + record.slice(rest);
}

export interface ErrorInfo {
  type: string;
  message?: string;
}

// `java.lang.IllegalStateException: boom`, `Exception in thread "main" java.io.IOException`,
// `System.InvalidOperationException: ...` (.NET writes the same shape). The class name must be
// qualified and its last segment capitalised, which keeps prose lines out.
const JAVA_EXCEPTION =
  /^(?:Exception in thread "[^"]{0,200}" )?((?:[A-Za-z_$][\w$]{0,100}\.){1,30}[A-Z][\w$]{0,100})(?::\s?(.*))?$/;

// A throwable's simple name, for text that is not known to be a stack trace.
const THROWABLE_NAME = /(?:Exception|Error|Throwable)$/;

/**
 * The first exception a Java (or .NET) stack trace names in the lines from `from` on: the
 * throwable at the top of the trace, not its causes. Indented lines count (.NET indents).
 * `strict` also demands a name ending in Exception, Error or Throwable, for free text.
 */
export function javaError(record: string, from: number, strict = false): ErrorInfo | null {
  let start = from;
  while (start < record.length) {
    let end = record.indexOf('\n', start);
    if (end === -1) end = record.length;
    let s = start;
    while (s < end && (record.charCodeAt(s) === 32 || record.charCodeAt(s) === 9)) s++;
    const lineEnd = end > s && record.charCodeAt(end - 1) === 13 ? end - 1 : end;
    // Frames (`at x.y(Foo.java:1)`) and `... 12 more` never name the throwable.
    if (!record.startsWith('at ', s) && !record.startsWith('...', s)) {
      const m = JAVA_EXCEPTION.exec(record.slice(s, lineEnd));
      if (m !== null && (!strict || THROWABLE_NAME.test(m[1] as string))) {
        return { type: m[1] as string, message: m[2] || undefined };
      }
    }
    start = end + 1;
  }
  return null;
}

// `ValueError: bad input`, `requests.exceptions.ConnectionError: ...`, `KeyboardInterrupt`.
const PYTHON_EXCEPTION = /^([A-Za-z_][\w.]{0,200})(?::\s(.*))?$/;

/**
 * The exception a Python traceback ends with: the last unindented `Name: message` line after a
 * `Traceback (most recent call last):` line (with chained exceptions, the one finally raised).
 */
export function pythonError(record: string, from: number): ErrorInfo | null {
  const tb = record.indexOf('Traceback (most recent call last):', from);
  if (tb === -1) return null;
  let found: ErrorInfo | null = null;
  let start = record.indexOf('\n', tb) + 1;
  while (start > 0 && start < record.length) {
    let end = record.indexOf('\n', start);
    if (end === -1) end = record.length;
    const c = record.charCodeAt(start);
    if (c !== 32 && c !== 9) {
      const lineEnd = end > start && record.charCodeAt(end - 1) === 13 ? end - 1 : end;
      const m = PYTHON_EXCEPTION.exec(record.slice(start, lineEnd));
      if (m !== null && m[1] !== 'Traceback') {
        found = { type: m[1] as string, message: m[2] || undefined };
      }
    }
    start = end + 1;
  }
  return found;
}

/** Sets error.type and error.message from what a stack trace named. */
export function putError(attributes: ParsedAttributes, error: ErrorInfo | null): void {
  if (error === null) return;
  attributes['error.type'] = error.type;
  if (error.message !== undefined) attributes['error.message'] = error.message;
}
