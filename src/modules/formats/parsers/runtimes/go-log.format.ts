import type { LineFormat, ParsedAttributes, ParsedFields } from '../../log-format';
import { parseDateTime } from '../support/time';
import { firstLine, withContinuation } from './record-text';

// Go's standard `log` package with LstdFlags (+Lmicroseconds), optionally Lshortfile/Llongfile.
const LINE =
  /^(\d{4}\/\d\d\/\d\d \d\d:\d\d:\d\d(?:\.\d{6})?) (?:([^\s:]{1,512}\.go):(\d{1,7}): )?(.*)$/;
const SLOG_LEVEL = /^(DEBUG|INFO|WARN|ERROR)(?:[+-]\d{1,2})? /;
// nginx's error log shares the date layout; its `[level]` after the time is not Go's.
const NGINX_LEVEL = /^\[(?:debug|info|notice|warn|error|crit|alert|emerg)\] /;

export const goLogFormat: LineFormat = {
  name: 'go-log',
  family: 'runtimes',
  kind: 'line',
  description:
    'Go standard library `log`: `2006/01/02 15:04:05[.000000] [file.go:12: ]message`, panics as continuation',
  // The message after the date is free text, so any more specific format wins.
  priority: -5,
  samples: [
    {
      line: '2026/11/26 10:11:12 listening on :8080',
      expect: { timestamp: Date.parse('2026-11-26T10:11:12Z'), message: 'listening on :8080' },
    },
    {
      line: '2026/11/26 10:11:12.123456 main.go:48: dial tcp [2001:db8::10]:5432: connect: connection refused',
      expect: {
        timestamp: Date.parse('2026-11-26T10:11:12.123Z'),
        message: 'dial tcp [2001:db8::10]:5432: connect: connection refused',
        attributes: { 'log.origin.file.name': 'main.go', 'log.origin.file.line': 48 },
      },
    },
    {
      line: '2026/11/26 10:11:14 WARN cache refresh slow key=catalog took=2.41s',
      expect: {
        timestamp: Date.parse('2026-11-26T10:11:14Z'),
        level: 'WARN',
        message: 'cache refresh slow key=catalog took=2.41s',
      },
    },
    {
      line: '2026/11/26 10:11:13 /home/build/src/github.com/acme/relay/server.go:201: http: TLS handshake error from 10.0.4.17:51234: EOF',
      expect: {
        timestamp: Date.parse('2026-11-26T10:11:13Z'),
        message: 'http: TLS handshake error from 10.0.4.17:51234: EOF',
        attributes: {
          'log.origin.file.name': '/home/build/src/github.com/acme/relay/server.go',
          'log.origin.file.line': 201,
        },
      },
    },
  ],

  detect(line: string): boolean {
    if (line.charCodeAt(4) !== 47 || line.charCodeAt(7) !== 47 || line.charCodeAt(13) !== 58) {
      return false;
    }
    const head = firstLine(line).head;
    const m = LINE.exec(head);
    return m !== null && !NGINX_LEVEL.test(m[4] as string);
  },

  parse(line: string): ParsedFields | null {
    const { head, rest } = firstLine(line);
    const m = LINE.exec(head);
    if (m === null || NGINX_LEVEL.test(m[4] as string)) return null;
    let text = m[4] as string;
    // log/slog's default handler writes through `log`: `2026/11/26 10:11:12 INFO msg k=v`.
    const level = SLOG_LEVEL.exec(text);
    if (level !== null) text = text.slice(level[0].length);
    const fields: ParsedFields = { message: withContinuation(text, line, rest) };
    if (level !== null) fields.level = level[1];
    if (m[2] !== undefined) {
      const attributes: ParsedAttributes = {
        'log.origin.file.name': m[2],
        'log.origin.file.line': Number(m[3]),
      };
      fields.attributes = attributes;
    }
    const ts = parseDateTime(m[1] as string);
    if (ts !== null) fields.timestamp = ts;
    return fields;
  },
};
