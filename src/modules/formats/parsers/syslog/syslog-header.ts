import type { ParseContext, ParsedAttributes } from '../../log-format';
import { parseTimestamp } from '../../normalize/timestamp';
import { digitsAt, fractionAt, monthNumber, utcMillis, yearlessMillis } from '../support/time';

/** RFC 5424 severity keywords, indexed by severity code. */
export const SYSLOG_SEVERITY_NAMES = [
  'emerg',
  'alert',
  'crit',
  'err',
  'warning',
  'notice',
  'info',
  'debug',
] as const;

/** RFC 5424 facility keywords, indexed by facility code. */
const FACILITY_NAMES = [
  'kern',
  'user',
  'mail',
  'daemon',
  'auth',
  'syslog',
  'lpr',
  'news',
  'uucp',
  'cron',
  'authpriv',
  'ftp',
  'ntp',
  'security',
  'console',
  'solaris-cron',
  'local0',
  'local1',
  'local2',
  'local3',
  'local4',
  'local5',
  'local6',
  'local7',
];

/**
 * Reads `<PRI>` at the start of a line: the priority value (0..191) and where the header goes
 * on, or null when the line does not open with a valid PRI.
 */
export function readPri(line: string): { pri: number; end: number } | null {
  if (line.charCodeAt(0) !== 60) return null;
  let pri = 0;
  let i = 1;
  for (; i < 5; i++) {
    const d = line.charCodeAt(i) - 48;
    if (!(d >= 0 && d <= 9)) break;
    pri = pri * 10 + d;
  }
  // 1..3 digits, no leading zero except "<0>" itself (RFC 5424 section 6.2.1).
  if (i === 1 || i > 4 || line.charCodeAt(i) !== 62) return null;
  if (i > 2 && line.charCodeAt(1) === 48) return null;
  if (pri > 191) return null;
  return { pri, end: i + 1 };
}

/** The ECS `log.syslog.*` attributes of a priority value; returns the severity keyword. */
export function priAttributes(pri: number, attributes: ParsedAttributes): string {
  const facility = pri >> 3;
  const severity = pri & 7;
  attributes['log.syslog.priority'] = pri;
  attributes['log.syslog.facility.code'] = facility;
  const facilityName = FACILITY_NAMES[facility];
  if (facilityName !== undefined) attributes['log.syslog.facility.name'] = facilityName;
  attributes['log.syslog.severity.code'] = severity;
  const name = SYSLOG_SEVERITY_NAMES[severity] as string;
  attributes['log.syslog.severity.name'] = name;
  return name;
}

/** `Oct 11 22:14:15`, `Oct  1 02:04:05.123` at a position (sticky, so no slicing). */
const BSD_TIME = /([A-Z][a-z]{2}) {1,2}(\d{1,2}) (\d\d:\d\d:\d\d(?:\.\d{1,9})?)(?= )/y;
/** Cisco and some appliances put the year in: `Nov 26 2026 10:11:12`. */
const BSD_TIME_WITH_YEAR = /([A-Z][a-z]{2}) {1,2}(\d{1,2}) (\d{4}) (\d\d):(\d\d):(\d\d)(?=[ :])/y;

/** `yearlessMillis` (support/time.ts) with the fields as a tuple. */
export function inferYear(
  month: number,
  [day, hour, minute, second, millis]: readonly [number, number, number, number, number],
  receivedAt: number,
): number | null {
  return yearlessMillis(month, day, hour, minute, second, millis, receivedAt);
}

/** A timestamp read at `at`: its value (null when it does not hold a valid date) and its end. */
export interface TimeToken {
  timestamp: number | null;
  end: number;
}

/**
 * Reads the time that opens a syslog header at `at`: BSD (`Oct 11 22:14:15`, year inferred from
 * `receivedAt`), BSD with a year, or RFC 3339 (rsyslog's high-precision template). Null when
 * none is there.
 */
export function readSyslogTime(line: string, at: number, ctx: ParseContext): TimeToken | null {
  const c = line.charCodeAt(at);
  if (c >= 65 && c <= 90) {
    BSD_TIME.lastIndex = at;
    const m = BSD_TIME.exec(line);
    if (m !== null) {
      const month = monthNumber(m[1] as string);
      if (month === 0) return null;
      const clock = m[3] as string;
      const millis = clock.length > 9 ? fractionAt(clock, 9).millis : 0;
      const fields = [
        Number(m[2]),
        digitsAt(clock, 0, 2),
        digitsAt(clock, 3, 2),
        digitsAt(clock, 6, 2),
        millis,
      ] as const;
      return { timestamp: inferYear(month, fields, ctx.receivedAt), end: BSD_TIME.lastIndex };
    }
    BSD_TIME_WITH_YEAR.lastIndex = at;
    const y = BSD_TIME_WITH_YEAR.exec(line);
    if (y === null) return null;
    const month = monthNumber(y[1] as string);
    if (month === 0) return null;
    const ms = utcMillis(
      Number(y[3]),
      month,
      Number(y[2]),
      Number(y[4]),
      Number(y[5]),
      Number(y[6]),
    );
    return { timestamp: ms, end: BSD_TIME_WITH_YEAR.lastIndex };
  }
  if (c >= 48 && c <= 57 && line.charCodeAt(at + 4) === 45 && line.charCodeAt(at + 10) === 84) {
    let end = line.indexOf(' ', at);
    if (end === -1) end = line.length;
    if (end - at < 19 || end - at > 40) return null;
    return { timestamp: parseTimestamp(line.slice(at, end)), end };
  }
  return null;
}

/** `<34>Oct 11 22:14:15 mymachine su[123]: msg`, taken apart. */
export interface BsdSyslog {
  /** -1 without a PRI. */
  pri: number;
  timestamp: number | null;
  host?: string;
  program?: string;
  pid?: number;
  message: string;
  /** True when the timestamp was RFC 3339. */
  isoTime: boolean;
}

// Upper-case level words that cannot be a host name: keeps `2026-... INFO main: x` app logs out.
const LEVEL_WORDS = new Set([
  'TRACE',
  'DEBUG',
  'INFO',
  'NOTICE',
  'WARN',
  'WARNING',
  'ERROR',
  'ERR',
  'FATAL',
  'CRITICAL',
  'CRIT',
  'ALERT',
  'EMERG',
  'PANIC',
  'SEVERE',
]);

/**
 * Takes a BSD syslog line apart (RFC 3164 as written on the wire with `<PRI>`, or as in
 * /var/log/messages without it; rsyslog's RFC 3339 timestamps too). The TAG is optional: a line
 * without one keeps everything after the host as its message. Null when the header is not there.
 */
export function parseBsdSyslog(line: string, ctx: ParseContext): BsdSyslog | null {
  let pri = -1;
  let i = 0;
  const p = readPri(line);
  if (p !== null) {
    pri = p.pri;
    i = p.end;
  }
  const time = readSyslogTime(line, i, ctx);
  if (time === null || line.charCodeAt(time.end) !== 32) return null;
  const isoTime = line.charCodeAt(i) <= 57;
  i = time.end + 1;
  // Some senders pad with two spaces.
  if (line.charCodeAt(i) === 32) i++;

  let hostEnd = line.indexOf(' ', i);
  if (hostEnd === -1) hostEnd = line.length;
  if (hostEnd === i) return null;
  let host: string | undefined = line.slice(i, hostEnd);
  let tagStart = hostEnd + 1;
  // A token ending in ':' is a TAG (`su[123]:`), so the sender wrote no host. rsyslog's
  // RFC 3339 templates always write one: without it the line is some other `time app: x` log.
  if (host.charCodeAt(host.length - 1) === 58) {
    if (isoTime) return null;
    host = undefined;
    tagStart = i;
  } else if (isoTime && LEVEL_WORDS.has(host)) {
    return null;
  }

  const out: BsdSyslog = { pri, timestamp: time.timestamp, message: '', isoTime };
  if (host !== undefined) out.host = host;
  if (tagStart > line.length) return out;
  const tag = readTag(line, tagStart);
  if (tag === null) {
    if (isoTime) return null;
    out.message = line.slice(tagStart);
    return out;
  }
  out.program = tag.program;
  if (tag.pid !== undefined) out.pid = tag.pid;
  out.message = line.slice(tag.end);
  return out;
}

/**
 * A TAG at `at`: `prog:`, `prog[123]:`, `postfix/smtpd[42]:`, `sshd(pam_unix)[19939]:`, followed
 * by a space or the end of the line. Returns where the message starts.
 */
export function readTag(
  line: string,
  at: number,
): { program: string; pid?: number; end: number } | null {
  let i = at;
  const limit = Math.min(line.length, at + 64);
  for (; i < limit; i++) {
    const c = line.charCodeAt(i);
    const ok =
      (c >= 97 && c <= 122) ||
      (c >= 65 && c <= 90) ||
      (c >= 48 && c <= 57) ||
      c === 45 || // -
      c === 95 || // _
      c === 46 || // .
      c === 47 || // /
      c === 40 || // (
      c === 41 || // )
      c === 64; // @
    if (!ok) break;
  }
  if (i === at) return null;
  const program = line.slice(at, i);
  let pid: number | undefined;
  if (line.charCodeAt(i) === 91) {
    const close = line.indexOf(']', i);
    if (close === -1 || close - i > 12) return null;
    const digits = line.slice(i + 1, close);
    if (/^\d+$/.test(digits)) pid = Number(digits);
    i = close + 1;
  }
  if (line.charCodeAt(i) !== 58) return null;
  i++;
  if (i < line.length && line.charCodeAt(i) !== 32) return null;
  if (i < line.length) i++;
  return pid === undefined ? { program, end: i } : { program, pid, end: i };
}

/**
 * What a syslog header in front of a vendor payload (CEF, LEEF, ASA, PAN-OS CSV) tells:
 * `<134>Nov 26 10:11:12 fw01 `, `<134>1 2026-11-26T10:11:12Z fw01 app - - - `,
 * `Nov 26 2026 10:11:12 fw01 : `. Whatever does not parse is left out.
 */
export function parseSyslogPrefix(
  prefix: string,
  ctx: ParseContext,
): { timestamp?: number; host?: string; attributes: ParsedAttributes; level?: string } {
  const attributes: ParsedAttributes = {};
  const out: { timestamp?: number; host?: string; attributes: ParsedAttributes; level?: string } = {
    attributes,
  };
  let i = 0;
  const p = readPri(prefix);
  if (p !== null) {
    out.level = priAttributes(p.pri, attributes);
    i = p.end;
    // RFC 5424 VERSION
    if (prefix.charCodeAt(i) === 49 && prefix.charCodeAt(i + 1) === 32) i += 2;
  }
  const time = readSyslogTime(prefix, i, ctx);
  if (time === null) return out;
  if (time.timestamp !== null) out.timestamp = time.timestamp;
  i = time.end;
  while (prefix.charCodeAt(i) === 32 || prefix.charCodeAt(i) === 58) i++;
  let end = prefix.indexOf(' ', i);
  if (end === -1) end = prefix.length;
  let host = prefix.slice(i, end);
  if (host.endsWith(':')) host = host.slice(0, -1);
  // A bare TAG (`CEF:` style markers never reach here) is not a host.
  if (host.length > 0 && host !== '-' && !host.includes('[')) out.host = host;
  return out;
}
