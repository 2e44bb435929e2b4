import type { LineFormat, ParsedAttributes } from '../../log-format';
import { parseDateTime } from '../support/time';
import { putAddress, putRequestLine, putText } from './access-fields';

const DETECT =
  /^\d{4}\/\d\d\/\d\d \d\d:\d\d:\d\d \[(?:debug|info|notice|warn|error|crit|alert|emerg)\] \d+#\d+: /;
const HEADER = /^(\d{4}\/\d\d\/\d\d \d\d:\d\d:\d\d) \[([a-z]+)\] (\d+)#(\d+): (?:\*(\d+) )?/;

/**
 * nginx's error log: `2026/11/26 10:11:12 [error] 1234#1234: *5 message, client: ..., server:
 * ..., request: "...", host: "..."`. The message is everything after the header (context
 * included, as nginx wrote it); the context pairs also become attributes.
 */
export const NGINX_ERROR_FORMAT: LineFormat = {
  name: 'nginx-error',
  family: 'web',
  kind: 'line',
  description:
    'nginx error log: date [level] pid#tid: *connection message, client: ..., request: "..."',
  priority: 10,
  detect: (line) => DETECT.test(line),
  parse(line) {
    const m = HEADER.exec(line);
    if (m === null) return null;
    const attrs: ParsedAttributes = {
      'process.pid': Number(m[3]),
      'process.thread.id': Number(m[4]),
    };
    if (m[5] !== undefined) attrs['nginx.error.connection_id'] = Number(m[5]);
    const message = line.slice(m[0].length);
    const newline = message.indexOf('\n');
    putContext(attrs, newline === -1 ? message : message.slice(0, newline));
    const timestamp = parseDateTime(m[1] as string);
    return {
      ...(timestamp === null ? {} : { timestamp }),
      level: m[2],
      message,
      attributes: attrs,
    };
  },
  samples: [
    {
      line: '2026/11/26 10:11:12 [error] 1234#1234: *5 open() "/usr/share/nginx/html/x" failed (2: No such file or directory), client: 1.2.3.4, server: localhost, request: "GET /x HTTP/1.1", host: "example.com"',
      expect: {
        timestamp: Date.parse('2026-11-26T10:11:12Z'),
        level: 'error',
        message:
          'open() "/usr/share/nginx/html/x" failed (2: No such file or directory), client: 1.2.3.4, server: localhost, request: "GET /x HTTP/1.1", host: "example.com"',
        attributes: {
          'process.pid': 1234,
          'process.thread.id': 1234,
          'nginx.error.connection_id': 5,
          'source.ip': '1.2.3.4',
          'nginx.error.server': 'localhost',
          'http.request.method': 'GET',
          'url.original': '/x',
          'url.domain': 'example.com',
        },
      },
    },
    {
      line: '2026/11/26 10:11:13 [error] 29#29: *1811 upstream timed out (110: Connection timed out) while reading response header from upstream, client: 2001:db8::7, server: api.example.com, request: "POST /v2/checkout HTTP/2.0", upstream: "http://10.0.4.12:8080/v2/checkout", host: "api.example.com", referrer: "https://shop.example.com/"',
      expect: {
        timestamp: Date.parse('2026-11-26T10:11:13Z'),
        level: 'error',
        attributes: {
          'source.ip': '2001:db8::7',
          'http.request.method': 'POST',
          'nginx.error.upstream': 'http://10.0.4.12:8080/v2/checkout',
          'http.request.referrer': 'https://shop.example.com/',
        },
      },
    },
    {
      line: '2026/11/26 10:11:14 [notice] 1#1: signal process started',
      expect: {
        timestamp: Date.parse('2026-11-26T10:11:14Z'),
        level: 'notice',
        message: 'signal process started',
        attributes: { 'process.pid': 1 },
      },
    },
    {
      line: '2026/11/26 10:11:15 [warn] 7#7: *31 an upstream response is buffered to a temporary file /var/cache/nginx/proxy_temp/1/00/0000000001 while reading upstream, client: 10.1.2.3, server: _, request: "GET /export.csv HTTP/1.1", upstream: "http://127.0.0.1:3000/export.csv", host: "reports.internal"',
      expect: {
        level: 'warn',
        attributes: { 'nginx.error.connection_id': 31, 'url.path': '/export.csv' },
      },
    },
  ],
};

const CONTEXT_MARK = ', client: ';

/** The `, client: x, server: y, request: "..."` tail nginx appends to request-bound errors. */
function putContext(attrs: ParsedAttributes, text: string): void {
  const start = text.indexOf(CONTEXT_MARK);
  if (start === -1) return;
  let i = start + 2;
  while (i < text.length) {
    const colon = text.indexOf(': ', i);
    if (colon === -1) return;
    const key = text.slice(i, colon);
    let j = colon + 2;
    let value: string;
    if (text.charCodeAt(j) === 34) {
      let end = j + 1;
      while (
        end < text.length &&
        !(
          text.charCodeAt(end) === 34 &&
          (end + 1 === text.length || text.startsWith(', ', end + 1))
        )
      )
        end++;
      value = text.slice(j + 1, end);
      j = end + 1;
    } else {
      const end = text.indexOf(', ', j);
      value = end === -1 ? text.slice(j) : text.slice(j, end);
      j = end === -1 ? text.length : end;
    }
    putContextPair(attrs, key, value);
    i = j + 2;
  }
}

function putContextPair(attrs: ParsedAttributes, key: string, value: string): void {
  switch (key) {
    case 'client':
      putAddress(attrs, 'source', value);
      break;
    case 'server':
      putText(attrs, 'nginx.error.server', value);
      break;
    case 'request':
      putRequestLine(attrs, value);
      break;
    case 'upstream':
      putText(attrs, 'nginx.error.upstream', value);
      break;
    case 'host':
      putText(attrs, 'url.domain', value);
      break;
    case 'referrer':
      putText(attrs, 'http.request.referrer', value);
      break;
    default:
      if (/^[a-z_]{1,32}$/.test(key)) putText(attrs, `nginx.error.${key}`, value);
  }
}
