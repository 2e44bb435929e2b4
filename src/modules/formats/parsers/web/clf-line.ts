/**
 * The Common Log Format core shared by `ncsa-common`, `combined` and `traefik`:
 * `host ident authuser [date] "request" status bytes`, then whatever each format appends.
 */
import type { ParsedAttributes, ParsedFields } from '../../log-format';
import { isAbsent, isIp, putAddress, putNumber, putRequestLine, putText } from './access-fields';
import { parseClfTimeFast } from './web-time';

/** A quoted field with backslash escapes, for detect patterns; linear (the branches are disjoint). */
export const QUOTED = String.raw`"(?:[^"\\]|\\.)*"`;

/** `host ident authuser [date] "request" status bytes`, anchored at the start. */
export const CLF_HEAD =
  String.raw`^\S+ \S+ \S+ \[\d\d\/[A-Za-z]{3}\/\d{4}:\d\d:\d\d:\d\d(?:\.\d+)? [+-]\d{4}\] ` +
  QUOTED +
  String.raw` (?:\d{3}|-) (?:\d+|-)`;

/** Fields of the CLF core (the first seven scanned fields); null when the date is not CLF. */
export function clfCore(fields: readonly string[]): ParsedFields | null {
  if (fields.length < 7) return null;
  const timestamp = parseClfTimeFast(fields[3] as string);
  if (timestamp === null) return null;
  const attrs: ParsedAttributes = {};
  putAddress(attrs, 'source', fields[0]);
  putText(attrs, 'user.name', fields[2]);
  putRequestLine(attrs, fields[4]);
  putNumber(attrs, 'http.response.status_code', fields[5]);
  putNumber(attrs, 'http.response.body.bytes', fields[6]);
  return { timestamp, attributes: attrs };
}

/** The two fields combined appends: referer and user agent. */
export function putRefererAndAgent(
  attrs: ParsedAttributes,
  referer: string | undefined,
  agent: string | undefined,
): void {
  putText(attrs, 'http.request.referrer', referer);
  putText(attrs, 'user_agent.original', agent);
}

/**
 * An `X-Forwarded-For` value (`203.0.113.7, 10.0.0.1`): the first address is the original
 * client. False when the field is not an address list.
 */
export function putForwardedFor(attrs: ParsedAttributes, value: string | undefined): boolean {
  if (isAbsent(value)) return false;
  const comma = value.indexOf(',');
  const first = (comma === -1 ? value : value.slice(0, comma)).trim();
  if (!isIp(first)) return false;
  attrs['http.request.forwarded_for'] = value;
  attrs['client.ip'] = first;
  return true;
}
