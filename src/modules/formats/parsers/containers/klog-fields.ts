/** The structured part of a klog line: `"message" key="value" key=value key=<multi-line>`. */
import type { ParsedAttributes } from '../../log-format';

export interface KlogStructured {
  message: string;
  attrs: ParsedAttributes;
}

const GO_ESCAPES: Readonly<Record<string, string>> = {
  n: '\n',
  t: '\t',
  r: '\r',
  '"': '"',
  '\\': '\\',
  a: '\u0007',
  b: '\b',
  f: '\f',
  v: '\v',
};

/** A Go `strconv.Quote`d string starting at `at` (on the quote): its value and where it ends. */
export function readGoQuoted(s: string, at: number): { value: string; end: number } | null {
  let out = '';
  let i = at + 1;
  while (i < s.length) {
    const c = s.charAt(i);
    if (c === '"') return { value: out, end: i + 1 };
    if (c !== '\\') {
      out += c;
      i++;
      continue;
    }
    const e = s.charAt(i + 1);
    const simple = GO_ESCAPES[e];
    if (simple !== undefined) {
      out += simple;
      i += 2;
    } else if (e === 'x' || e === 'u' || e === 'U') {
      const width = e === 'x' ? 2 : e === 'u' ? 4 : 8;
      const code = parseInt(s.slice(i + 2, i + 2 + width), 16);
      if (!Number.isFinite(code) || code > 0x10ffff) return null;
      out += String.fromCodePoint(code);
      i += 2 + width;
    } else {
      out += e;
      i += 2;
    }
  }
  return null;
}

const KEY = /^[A-Za-z_][\w.\-/]{0,63}$/;

/**
 * Parses klog's structured form. Null when `text` is not one (a plain printf message that
 * happens to start with a quote), so the caller keeps it as written.
 */
export function parseKlogStructured(text: string): KlogStructured | null {
  const head = readGoQuoted(text, 0);
  if (head === null) return null;
  const attrs: ParsedAttributes = {};
  let i = head.end;
  while (i < text.length) {
    if (text.charCodeAt(i) !== 32) return null;
    i++;
    const eq = text.indexOf('=', i);
    if (eq === -1) return null;
    const key = text.slice(i, eq);
    if (!KEY.test(key)) return null;
    i = eq + 1;
    let value: string;
    const c = text.charCodeAt(i);
    if (c === 34) {
      const q = readGoQuoted(text, i);
      if (q === null) return null;
      value = q.value;
      i = q.end;
    } else if (c === 60 && text.charCodeAt(i + 1) === 10) {
      // key=<\n\tline\n\tline\n >: multi-line values, each line indented by a tab.
      const close = text.indexOf('\n >', i);
      if (close === -1) return null;
      value = text
        .slice(i + 2, close)
        .split('\n')
        .map((l) => (l.charCodeAt(0) === 9 ? l.slice(1) : l))
        .join('\n');
      i = close + 3;
    } else {
      let end = text.indexOf(' ', i);
      if (end === -1) end = text.length;
      value = text.slice(i, end);
      i = end;
    }
    putKlogValue(attrs, key, value);
  }
  return { message: head.value, attrs };
}

function putKlogValue(attrs: ParsedAttributes, key: string, value: string): void {
  if (key === 'err') {
    attrs['error.message'] = value;
    return;
  }
  if (value === 'true' || value === 'false') {
    attrs[key] = value === 'true';
    return;
  }
  const n = value.length > 0 && value.length < 16 ? Number(value) : NaN;
  attrs[key] = Number.isFinite(n) && /^-?\d/.test(value) ? n : value;
}
