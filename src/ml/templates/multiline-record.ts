/**
 * Splits a multi-line record (a log4j/logback or Python record whose message carries a stack
 * trace) into the line the template is mined from and the exception type that keys it, so a
 * record forms one pattern per (message, exception type) and never one per frame.
 *
 * Java: the first `pkg.Type: message` (or `Caused by:`-less) line after the message whose type
 * ends in Exception/Error/Throwable. Python: the last unindented `Type: message` line after
 * `Traceback (most recent call last):`.
 *
 * @example
 *   splitRecord('Request failed id=7\njava.lang.IllegalStateException: boom\n\tat a.B.c(B.java:1)');
 *   // { message: 'Request failed id=7', exceptionType: 'java.lang.IllegalStateException' }
 */
export interface SplitRecord {
  message: string;
  /** Absent when no exception type was recognised. */
  exceptionType?: string;
}

const JAVA_TYPE =
  /^(?:Caused by: )?((?:[A-Za-z_$][\w$]*\.)*[A-Za-z_$][\w$]*(?:Exception|Error|Throwable|Failure))(?::|$|\s)/;
const PYTHON_TYPE = /^((?:[A-Za-z_][\w]*\.)*[A-Za-z_]\w*)(?::|$)/;

export function splitRecord(record: string): SplitRecord {
  const lines = record.split('\n');
  let first = 0;
  while (first < lines.length - 1 && (lines[first] as string).trim() === '') first++;
  const message = (lines[first] as string).replace(/\r$/, '');
  let python = false;
  let pythonType: string | undefined;
  for (let k = first + 1; k < lines.length; k++) {
    const line = (lines[k] as string).replace(/\r$/, '');
    if (line.startsWith('Traceback (most recent call last)')) {
      python = true;
      continue;
    }
    if (python) {
      if (line === '' || /^\s/.test(line)) continue;
      const m = PYTHON_TYPE.exec(line);
      if (m) pythonType = m[1];
      continue;
    }
    const m = JAVA_TYPE.exec(line.trim());
    if (m) return { message, exceptionType: m[1] };
  }
  if (pythonType !== undefined) return { message, exceptionType: pythonType };
  return { message };
}
