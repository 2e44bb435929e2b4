import type { LineFormat, ParsedAttributes, ParsedFields } from '../../log-format';
import { parseTimestamp } from '../../normalize/timestamp';
import { priAttributes, readPri } from './syslog-header';
import { prefixedKey } from '../structured/prefixed-key';

/** `<PRI>1 ` opens every RFC 5424 message. */
const HEAD = /^<\d{1,3}>1 /;

/**
 * RFC 5424 syslog: `<165>1 2003-10-11T22:14:15.003Z host app procid msgid [sd-id k="v"] msg`.
 * Structured data becomes `syslog.sd.<sd-id>.<param>` attributes; `-` is NILVALUE.
 */
export const syslogRfc5424Format: LineFormat = {
  name: 'syslog-rfc5424',
  family: 'syslog',
  kind: 'line',
  description: 'IETF syslog (RFC 5424) with structured data',
  priority: 20,
  detect: (line) => HEAD.test(line),
  parse: (line) => parseRfc5424(line),
  samples: [
    {
      line: '<165>1 2003-10-11T22:14:15.003Z mymachine.example.com evntslog - ID47 [exampleSDID@32473 iut="3" eventSource="Application" eventID="1011"] An application event log entry...',
      expect: {
        timestamp: Date.parse('2003-10-11T22:14:15.003Z'),
        level: 'notice',
        host: 'mymachine.example.com',
        service: 'evntslog',
        message: 'An application event log entry...',
        attributes: {
          'log.syslog.facility.code': 20,
          'log.syslog.severity.code': 5,
          'log.syslog.msgid': 'ID47',
          'syslog.sd.exampleSDID@32473.iut': '3',
          'syslog.sd.exampleSDID@32473.eventSource': 'Application',
          'syslog.sd.exampleSDID@32473.eventID': '1011',
        },
      },
    },
    {
      line: '<86>1 2026-11-26T10:11:12.512384+01:00 bastion sshd 30122 - - Accepted publickey for deploy from 2001:db8:1::17 port 50522 ssh2: ED25519 SHA256:Nq3b6lq0K3yq0sJ7X9h2Xl5t0Yv1dA4n0Xc5kq8Zp1o',
      expect: {
        timestamp: Date.parse('2026-11-26T09:11:12.512Z'),
        level: 'info',
        host: 'bastion',
        service: 'sshd',
        message:
          'Accepted publickey for deploy from 2001:db8:1::17 port 50522 ssh2: ED25519 SHA256:Nq3b6lq0K3yq0sJ7X9h2Xl5t0Yv1dA4n0Xc5kq8Zp1o',
        attributes: {
          'log.syslog.facility.code': 10,
          'process.pid': 30122,
          'process.name': 'sshd',
        },
      },
    },
    {
      line: '<131>1 2026-11-26T10:20:00Z api-7d9c-xk2p orders-api - PAYMENT [meta@41058 tenant="acme \\"west\\"" path="C:\\\\tmp\\\\x" note="a\\]b"][origin ip="10.2.0.14"] \uFEFFpayment declined: card expired',
      expect: {
        timestamp: Date.parse('2026-11-26T10:20:00Z'),
        level: 'err',
        host: 'api-7d9c-xk2p',
        service: 'orders-api',
        message: 'payment declined: card expired',
        attributes: {
          'log.syslog.msgid': 'PAYMENT',
          'syslog.sd.meta@41058.tenant': 'acme "west"',
          'syslog.sd.meta@41058.path': 'C:\\tmp\\x',
          'syslog.sd.meta@41058.note': 'a]b',
          'syslog.sd.origin.ip': '10.2.0.14',
        },
      },
    },
    {
      line: '<14>1 2026-11-26T08:00:00.000Z - - - - -',
      expect: { timestamp: Date.parse('2026-11-26T08:00:00Z'), level: 'info', message: '' },
    },
  ],
};

/** Null when the line is not RFC 5424; never throws. */
export function parseRfc5424(line: string): ParsedFields | null {
  const p = readPri(line);
  if (p === null || line.charCodeAt(p.end) !== 49 || line.charCodeAt(p.end + 1) !== 32) {
    return null;
  }
  const attributes: ParsedAttributes = {};
  const out: ParsedFields = { attributes };
  out.level = priAttributes(p.pri, attributes);
  attributes['log.syslog.version'] = 1;

  let i = p.end + 2;
  const fields: string[] = [];
  for (let f = 0; f < 5; f++) {
    const end = line.indexOf(' ', i);
    if (end === -1) {
      // A message may stop after MSGID only when nothing follows at all (no SD is invalid).
      return null;
    }
    if (end === i) return null;
    fields.push(line.slice(i, end));
    i = end + 1;
  }
  const [time, host, app, procid, msgid] = fields as [string, string, string, string, string];
  if (time !== '-') {
    const ts = parseTimestamp(time);
    if (ts !== null) out.timestamp = ts;
  }
  if (host !== '-') out.host = host;
  if (app !== '-') {
    out.service = app;
    attributes['process.name'] = app;
  }
  if (procid !== '-') {
    if (/^\d{1,10}$/.test(procid)) attributes['process.pid'] = Number(procid);
    else attributes['log.syslog.procid'] = procid;
  }
  if (msgid !== '-') attributes['log.syslog.msgid'] = msgid;

  if (line.charCodeAt(i) === 45) {
    i++;
  } else if (line.charCodeAt(i) === 91) {
    const end = readStructuredData(line, i, attributes);
    if (end === -1) return null;
    i = end;
  } else {
    return null;
  }
  if (i < line.length) {
    if (line.charCodeAt(i) !== 32) return null;
    i++;
  }
  // A UTF-8 BOM marks the message as Unicode; it is not part of the text.
  if (line.charCodeAt(i) === 0xfeff) i++;
  out.message = line.slice(i);
  return out;
}

/**
 * Reads `[id k="v" ...][id2 ...]` at `at` into `syslog.sd.<id>.<k>`; returns the index after the
 * last `]`, or -1 when the structured data is malformed.
 */
function readStructuredData(line: string, at: number, attributes: ParsedAttributes): number {
  let i = at;
  while (line.charCodeAt(i) === 91) {
    i++;
    const idEnd = nameEnd(line, i);
    if (idEnd === i) return -1;
    const id = line.slice(i, idEnd);
    i = idEnd;
    for (;;) {
      const c = line.charCodeAt(i);
      if (c === 93) {
        i++;
        break;
      }
      if (c !== 32) return -1;
      i++;
      const keyEnd = nameEnd(line, i);
      if (keyEnd === i || line.charCodeAt(keyEnd) !== 61 || line.charCodeAt(keyEnd + 1) !== 34) {
        return -1;
      }
      const key = line.slice(i, keyEnd);
      i = keyEnd + 2;
      let value = '';
      let from = i;
      for (;;) {
        if (i >= line.length) return -1;
        const v = line.charCodeAt(i);
        if (v === 34) break;
        if (v === 92) {
          const next = line.charCodeAt(i + 1);
          // Only \" \\ \] are escapes; any other backslash is kept as written (RFC 5424 6.3.3).
          if (next === 34 || next === 92 || next === 93) {
            value += line.slice(from, i);
            from = i + 1;
            i += 2;
            continue;
          }
        }
        i++;
      }
      value += line.slice(from, i);
      i++;
      attributes[prefixedKey(prefixedKey('syslog.sd.', id), `.${key}`)] = value;
    }
  }
  return i;
}

/** SD-NAME: printable US-ASCII except `=`, space, `]` and `"`. */
function nameEnd(line: string, at: number): number {
  let i = at;
  const limit = Math.min(line.length, at + 64);
  for (; i < limit; i++) {
    const c = line.charCodeAt(i);
    if (c <= 32 || c >= 127 || c === 61 || c === 93 || c === 34) break;
  }
  return i;
}
