/**
 * What HAProxy's HTTP and TCP log lines share: the optional syslog header HAProxy writes when
 * it logs to a socket (BSD `Nov 26 10:11:12 lb1 haproxy[1234]: `, RFC 5424, or the ISO-dated
 * header rsyslog writes to files by default), the client,
 * the bracketed accept date, frontend, backend/server and the connection counters.
 */
import type { ParsedAttributes, ParsedFields } from '../../log-format';
import { putAddress, putText, toNumber } from './access-fields';
import { parseClfTimeFast } from './web-time';

const BSD_HEADER =
  /^(?:<\d{1,3}>)?[A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d (?:([^ \[]+) )?([^ \[]+)\[(\d+)\]: /;
const ISO_HEADER = /^\d{4}-\d\d-\d\dT[\d:.]+(?:Z|[+-]\d\d:\d\d) ([^ \[]+) ([^ \[]+)\[(\d+)\]: /;
const RFC5424_HEADER = /^<\d{1,3}>1 \S+ (\S+) (\S+) (\S+) \S+ (?:-|\[[^\]]*\]) /;

export interface HaproxyLine {
  /** Where the HAProxy part starts (after the syslog header, if any). */
  start: number;
  host?: string;
  attrs: ParsedAttributes;
}

/** Finds the HAProxy body behind an optional syslog header; -1 start when the header is odd. */
export function haproxyHeader(line: string): HaproxyLine {
  const attrs: ParsedAttributes = {};
  const c = line.charCodeAt(0);
  if (line.charCodeAt(4) === 45 && line.charCodeAt(10) === 84) {
    const iso = ISO_HEADER.exec(line);
    if (iso === null) return { start: -1, attrs };
    attrs['process.name'] = iso[2] as string;
    attrs['process.pid'] = Number(iso[3]);
    return { start: iso[0].length, attrs, host: iso[1] };
  }
  // A bare line starts with the client address: a digit, a hex letter or ':' (IPv6).
  if (c !== 60 && !(c >= 65 && c <= 90 && line.charCodeAt(1) >= 97)) return { start: 0, attrs };
  const bsd = BSD_HEADER.exec(line);
  if (bsd !== null) {
    attrs['process.name'] = bsd[2] as string;
    attrs['process.pid'] = Number(bsd[3]);
    return { start: bsd[0].length, attrs, ...(bsd[1] === undefined ? {} : { host: bsd[1] }) };
  }
  const rfc = RFC5424_HEADER.exec(line);
  if (rfc !== null) {
    putText(attrs, 'process.name', rfc[2]);
    const pid = toNumber(rfc[3]);
    if (pid !== undefined) attrs['process.pid'] = pid;
    return { start: rfc[0].length, attrs, ...(rfc[1] === '-' ? {} : { host: rfc[1] }) };
  }
  // No header: a bare line whose client merely starts with a capital hex digit.
  return { start: c === 60 ? -1 : 0, attrs };
}

/** Client, accept date, frontend, backend/server: the first four fields of both layouts. */
export function haproxyCommon(fields: readonly string[], head: HaproxyLine): ParsedFields | null {
  const attrs = head.attrs;
  putAddress(attrs, 'source', fields[0], true);
  // The accept date is local time without a zone: read as UTC like every zone-less time.
  const timestamp = parseClfTimeFast(fields[1] as string, true);
  putText(attrs, 'haproxy.frontend_name', fields[2]);
  const backend = fields[3] as string;
  const slash = backend.indexOf('/');
  if (slash === -1) return null;
  putText(attrs, 'haproxy.backend_name', backend.slice(0, slash));
  putText(attrs, 'haproxy.server_name', backend.slice(slash + 1));
  return {
    ...(timestamp === null ? {} : { timestamp }),
    ...(head.host === undefined ? {} : { host: head.host }),
    attributes: attrs,
  };
}

/** `a/b/c` into numbers under the given keys; -1 (HAProxy's "never reached") is left out. */
export function putSlashed(
  attrs: ParsedAttributes,
  value: string | undefined,
  keys: readonly string[],
): number[] | null {
  if (value === undefined) return null;
  const parts = value.split('/');
  if (parts.length !== keys.length) return null;
  const out: number[] = [];
  for (let i = 0; i < parts.length; i++) {
    const n = toNumber(parts[i]);
    if (n === undefined) return null;
    out.push(n);
    if (n >= 0) attrs[keys[i] as string] = n;
  }
  return out;
}

export const CONNECTION_KEYS = [
  'haproxy.connections.active',
  'haproxy.connections.frontend',
  'haproxy.connections.backend',
  'haproxy.connections.server',
  'haproxy.connections.retries',
] as const;

export const QUEUE_KEYS = ['haproxy.server_queue', 'haproxy.backend_queue'] as const;
