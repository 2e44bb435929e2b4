/**
 * Pieces shared by the access-log parsers (web and cloud families): a scanner for
 * space-separated lines with "quoted" and [bracketed] fields, the request line, URLs and
 * `ip:port` pairs. Hand-written because access logs are the hottest formats.
 */
import type { ParsedAttributes } from '../../log-format';

const SPACE = 32;
const QUOTE = 34;
const BACKSLASH = 92;
const OPEN_BRACKET = 91;
const CLOSE_BRACKET = 93;
const OPEN_BRACE = 123;
const CLOSE_BRACE = 125;

export interface ScanOptions {
  /** Also read `{...}` as one field (HAProxy captured headers). */
  braces?: boolean;
}

/**
 * Splits `line` from `start` into space-separated fields (runs of spaces, as Squid pads its
 * columns, count as one). A field in double quotes is one field (backslash escapes undone, see
 * `unescapeQuoted`), so is one in square brackets (returned without them).
 * A closing quote only counts when a separator or the end follows it, so a stray quote inside
 * a field does not cut it; a bracket group closed by something else (`[::1]:80`) is a plain
 * field. Null when a quote or bracket is never closed.
 */
export function scanFields(line: string, start = 0, options?: ScanOptions): string[] | null {
  const braces = options?.braces === true;
  const out: string[] = [];
  const len = line.length;
  let i = start;
  while (i < len) {
    const c = line.charCodeAt(i);
    if (c === SPACE) {
      i++;
      continue;
    }
    if (c === QUOTE) {
      let j = i + 1;
      let escaped = false;
      for (;;) {
        if (j >= len) return null;
        const d = line.charCodeAt(j);
        if (d === BACKSLASH) {
          escaped = true;
          j += 2;
          continue;
        }
        if (d === QUOTE && (j + 1 === len || line.charCodeAt(j + 1) === SPACE)) break;
        j++;
      }
      const raw = line.slice(i + 1, j);
      out.push(escaped ? unescapeQuoted(raw) : raw);
      i = j + 1;
      continue;
    }
    const close =
      c === OPEN_BRACKET ? CLOSE_BRACKET : braces && c === OPEN_BRACE ? CLOSE_BRACE : -1;
    if (close !== -1) {
      const j = line.indexOf(String.fromCharCode(close), i + 1);
      if (j === -1) return null;
      // `[2001:db8::1]:443` is an address, not a bracketed field: read it as a plain one.
      if (j + 1 === len || line.charCodeAt(j + 1) === SPACE) {
        out.push(line.slice(i + 1, j));
        i = j + 1;
        continue;
      }
    }
    let j = i + 1;
    while (j < len && line.charCodeAt(j) !== SPACE) j++;
    out.push(line.slice(i, j));
    i = j;
  }
  return out;
}

const SIMPLE_ESCAPES: Readonly<Record<string, string>> = {
  '"': '"',
  '\\': '\\',
  n: '\n',
  t: '\t',
  r: '\r',
  b: '\b',
  v: '\v',
  f: '\f',
};

/**
 * Undoes the escaping Apache (`\"`, `\\`, `\n`, `\xhh`) and nginx (`\xhh` for `"`, `\` and
 * non-printable bytes) apply inside quoted fields. A run of `\xhh` that is valid UTF-8 text comes
 * back as that text (an escaped multi-byte character returns whole); control bytes and invalid
 * UTF-8 (a TLS handshake sent to a plain HTTP port) stay escaped, so no NUL or junk gets through.
 */
export function unescapeQuoted(s: string): string {
  if (s.indexOf('\\') === -1) return s;
  let out = '';
  let i = 0;
  while (i < s.length) {
    const c = s.charCodeAt(i);
    if (c !== BACKSLASH || i + 1 >= s.length) {
      out += s.charAt(i);
      i++;
      continue;
    }
    const next = s.charAt(i + 1);
    if (next === 'x' && isHex(s, i + 2) && isHex(s, i + 3)) {
      const runStart = i;
      const bytes: number[] = [];
      while (
        s.charCodeAt(i) === BACKSLASH &&
        s.charAt(i + 1) === 'x' &&
        isHex(s, i + 2) &&
        isHex(s, i + 3)
      ) {
        bytes.push(parseInt(s.slice(i + 2, i + 4), 16));
        i += 4;
      }
      out += decodeBytes(bytes) ?? s.slice(runStart, i);
      continue;
    }
    out += SIMPLE_ESCAPES[next] ?? '\\' + next;
    i += 2;
  }
  return out;
}

const UTF8 = new TextDecoder('utf-8', { fatal: true });

function decodeBytes(bytes: readonly number[]): string | null {
  for (const b of bytes) if (b < 32 || b === 127) return null;
  try {
    return UTF8.decode(Uint8Array.from(bytes));
  } catch {
    return null;
  }
}

function isHex(s: string, i: number): boolean {
  const c = s.charCodeAt(i) | 32;
  return (c >= 48 && c <= 57) || (c >= 97 && c <= 102);
}

/** True for `-`, the empty string and undefined: the field was not logged. */
export function isAbsent(v: string | undefined): v is undefined {
  return v === undefined || v === '-' || v === '';
}

/** Sets a string attribute unless the field is absent. */
export function putText(attrs: ParsedAttributes, key: string, v: string | undefined): void {
  if (!isAbsent(v)) attrs[key] = v;
}

/** Sets a numeric attribute when the field is a finite number (`-` and junk leave it out). */
export function putNumber(attrs: ParsedAttributes, key: string, v: string | undefined): void {
  const n = toNumber(v);
  if (n !== undefined) attrs[key] = n;
}

export function toNumber(v: string | undefined): number | undefined {
  if (isAbsent(v)) return undefined;
  const s = v.charCodeAt(0) === 43 ? v.slice(1) : v; // HAProxy's `+` on adjusted counters
  const n = Number(s);
  return s.length > 0 && Number.isFinite(n) ? n : undefined;
}

/** A literal IPv4 or IPv6 address (a zone like `%eth0` allowed); not a host name. */
export function isIp(s: string): boolean {
  if (s.length < 2 || s.length > 64) return false;
  let dots = 0;
  let colons = 0;
  let letters = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 46) dots++;
    else if (c === 58) colons++;
    else if (c === 37 && colons > 0) return true;
    else if ((c | 32) >= 97 && (c | 32) <= 102) letters++;
    else if (!(c >= 48 && c <= 57)) return false;
  }
  return colons >= 2 || (dots === 3 && colons === 0 && letters === 0);
}

/**
 * Sets `<prefix>.ip` (or `<prefix>.address` for a host name) and `<prefix>.port` from
 * `1.2.3.4:80`, `[2001:db8::1]:80`, or, when `withPort` says a port is always written, from an
 * unbracketed `2001:db8::1:80` too. A bare address (no port) is accepted.
 */
export function putAddress(
  attrs: ParsedAttributes,
  prefix: string,
  v: string | undefined,
  withPort = false,
): void {
  if (isAbsent(v)) return;
  let host = v;
  let port: string | undefined;
  if (v.charCodeAt(0) === OPEN_BRACKET) {
    const end = v.indexOf(']');
    if (end > 0) {
      host = v.slice(1, end);
      if (v.charCodeAt(end + 1) === 58) port = v.slice(end + 2);
    }
  } else {
    const last = v.lastIndexOf(':');
    const first = v.indexOf(':');
    if (last > 0 && (first === last || withPort)) {
      host = v.slice(0, last);
      port = v.slice(last + 1);
    }
  }
  if (isIp(host)) attrs[prefix + '.ip'] = host;
  else attrs[prefix + '.address'] = host;
  putNumber(attrs, prefix + '.port', port);
}

/**
 * `GET /path?q HTTP/1.1` into method, URL and version. Anything else (a TLS handshake sent to
 * a plain port, `-`) is kept whole as `http.request.line` rather than guessed at.
 */
export function putRequestLine(attrs: ParsedAttributes, request: string | undefined): void {
  // `- - -`: a TCP connection or a request that never arrived (ELB, Envoy).
  if (isAbsent(request) || request.startsWith('- ')) return;
  const a = request.indexOf(' ');
  const b = request.lastIndexOf(' ');
  const method = a > 0 ? request.slice(0, a) : '';
  if (a > 0 && isMethod(method)) {
    attrs['http.request.method'] = method;
    if (b > a && request.startsWith('HTTP/', b + 1)) {
      putUrl(attrs, request.slice(a + 1, b));
      attrs['http.version'] = request.slice(b + 6);
    } else {
      putUrl(attrs, request.slice(a + 1));
    }
    return;
  }
  attrs['http.request.line'] = request;
}

function isMethod(s: string): boolean {
  if (s.length > 24) return false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (!((c >= 65 && c <= 90) || c === 45 || c === 95)) return false;
  }
  return true;
}

/**
 * `url.original` plus its parts: `/p?q` gives path and query; `https://host:8443/p?q` also
 * scheme, domain and port; `host:443` (a CONNECT target) domain and port.
 */
export function putUrl(attrs: ParsedAttributes, url: string | undefined): void {
  if (isAbsent(url)) return;
  attrs['url.original'] = url;
  let rest = url;
  const scheme = url.indexOf('://');
  if (scheme > 0 && scheme < 12) {
    attrs['url.scheme'] = url.slice(0, scheme).toLowerCase();
    const hostStart = scheme + 3;
    let hostEnd = url.indexOf('/', hostStart);
    const q = url.indexOf('?', hostStart);
    if (q !== -1 && (hostEnd === -1 || q < hostEnd)) hostEnd = q;
    if (hostEnd === -1) hostEnd = url.length;
    putAuthority(attrs, url.slice(hostStart, hostEnd));
    rest = url.slice(hostEnd);
  } else if (url.charCodeAt(0) !== 47 && url.charCodeAt(0) !== 42) {
    putAuthority(attrs, url);
    return;
  }
  const q = rest.indexOf('?');
  const path = q === -1 ? rest : rest.slice(0, q);
  if (path.length > 0) attrs['url.path'] = path;
  if (q !== -1 && q + 1 < rest.length) attrs['url.query'] = rest.slice(q + 1);
}

function putAuthority(attrs: ParsedAttributes, authority: string): void {
  const at = authority.lastIndexOf('@');
  const hostPort = at === -1 ? authority : authority.slice(at + 1);
  let host = hostPort;
  let port: string | undefined;
  if (hostPort.charCodeAt(0) === OPEN_BRACKET) {
    const end = hostPort.indexOf(']');
    host = end > 0 ? hostPort.slice(1, end) : hostPort;
    if (end > 0 && hostPort.charCodeAt(end + 1) === 58) port = hostPort.slice(end + 2);
  } else {
    const colon = hostPort.indexOf(':');
    if (colon !== -1 && colon === hostPort.lastIndexOf(':')) {
      host = hostPort.slice(0, colon);
      port = hostPort.slice(colon + 1);
    }
  }
  if (host.length > 0) attrs['url.domain'] = host;
  putNumber(attrs, 'url.port', port);
}

/** Seconds (as logged by ALB, Caddy, Squid...) to ECS `event.duration` nanoseconds. */
export function secondsToNanos(seconds: number): number {
  return Math.round(seconds * 1e9);
}

/** Milliseconds to nanoseconds. */
export function millisToNanos(ms: number): number {
  return Math.round(ms * 1e6);
}
