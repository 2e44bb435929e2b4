/** One `key=value` of a logfmt line; `quoted` tells `n="12"` (text) from `n=12` (a number). */
export interface LogfmtPair {
  key: string;
  value: string;
  quoted: boolean;
}

/**
 * Splits a logfmt line (`a=1 b="x \"y\"" c=`) into pairs, from `at`. Keys are runs of anything
 * but space, `=` and `"`; a value is a double-quoted string with backslash escapes or a run up
 * to the next space. Returns null at the first token that is not a pair (a bare word, a stray
 * quote, an unterminated string), so free text never passes for logfmt.
 */
export function scanLogfmt(line: string, at = 0): LogfmtPair[] | null {
  const pairs: LogfmtPair[] = [];
  const n = line.length;
  let i = at;
  while (i < n) {
    const c = line.charCodeAt(i);
    if (c === 32 || c === 9) {
      i++;
      continue;
    }
    const keyStart = i;
    while (i < n) {
      const k = line.charCodeAt(i);
      if (k === 61 || k === 32 || k === 34 || k === 9) break;
      i++;
    }
    if (i === keyStart || line.charCodeAt(i) !== 61) return null;
    const key = line.slice(keyStart, i);
    i++;
    if (line.charCodeAt(i) === 34) {
      const read = readQuoted(line, i);
      if (read === null) return null;
      pairs.push({ key, value: read.value, quoted: true });
      i = read.end;
      const after = line.charCodeAt(i);
      if (i < n && after !== 32 && after !== 9) return null;
      continue;
    }
    const valueStart = i;
    while (i < n) {
      const v = line.charCodeAt(i);
      if (v === 32 || v === 9) break;
      i++;
    }
    pairs.push({ key, value: line.slice(valueStart, i), quoted: false });
  }
  return pairs;
}

/** A `"..."` string at `at` with `\"`, `\\`, `\n`, `\t`, `\r` escapes; null when unterminated. */
export function readQuoted(line: string, at: number): { value: string; end: number } | null {
  let i = at + 1;
  let from = i;
  let value = '';
  const n = line.length;
  while (i < n) {
    const c = line.charCodeAt(i);
    if (c === 34) return { value: value + line.slice(from, i), end: i + 1 };
    if (c === 92 && i + 1 < n) {
      value += line.slice(from, i);
      const e = line.charAt(i + 1);
      value += e === 'n' ? '\n' : e === 't' ? '\t' : e === 'r' ? '\r' : e;
      i += 2;
      from = i;
      continue;
    }
    i++;
  }
  return null;
}

/** An unquoted decimal that survives the round trip to a double: `200`, `-3`, `0.25`. */
export function numericValue(value: string): number | null {
  const n = value.length;
  if (n === 0 || n > 22) return null;
  let i = value.charCodeAt(0) === 45 ? 1 : 0;
  const intStart = i;
  for (; i < n; i++) {
    const c = value.charCodeAt(i);
    if (c < 48 || c > 57) break;
  }
  const intDigits = i - intStart;
  // No leading zeros (`007` is an id), at most 15 integer digits (exact in a double).
  if (intDigits === 0 || intDigits > 15) return null;
  if (intDigits > 1 && value.charCodeAt(intStart) === 48) return null;
  if (i < n) {
    if (value.charCodeAt(i) !== 46) return null;
    const fracStart = ++i;
    for (; i < n; i++) {
      const c = value.charCodeAt(i);
      if (c < 48 || c > 57) return null;
    }
    if (i === fracStart || i - fracStart > 6) return null;
  }
  return Number(value);
}

/** All decimal digits, 1 to 15 of them: a count or a port, safe as a number. */
export function isSmallInteger(value: string | undefined): value is string {
  if (value === undefined || value.length === 0 || value.length > 15) return false;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}
