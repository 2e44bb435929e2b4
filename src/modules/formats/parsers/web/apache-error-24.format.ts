import type { LineFormat, ParsedAttributes } from '../../log-format';
import { putAddress, putNumber } from './access-fields';
import { parseCtime } from './web-time';

const DETECT =
  /^\[[A-Z][a-z]{2} [A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d\.\d{6} \d{4}\] \[[A-Za-z0-9_-]*:[a-z0-9]+\] /;
const PID = /^pid (\d+)(?::tid (\d+))?$/;
const SOURCE_FILE = /^([\w.-]+\.c)\((\d+)\): /;
const ERROR_CODE = /^(AH\d{5}): /;

/**
 * Apache httpd 2.4 error log (default ErrorLogFormat): `[ctime.usec] [module:level] [pid N:tid
 * M] [client ip:port] AH00126: message`, with optional `file.c(123): ` and `[remote ...]`.
 */
export const APACHE_ERROR_24_FORMAT: LineFormat = {
  name: 'apache-error-24',
  family: 'web',
  kind: 'line',
  description:
    'Apache httpd 2.4 error log: [ctime.usec] [module:level] [pid:tid] [client ip:port] AHnnnnn: message',
  priority: 10,
  detect: (line) => DETECT.test(line),
  parse(line) {
    if (line.charCodeAt(0) !== 91) return null;
    const timeEnd = line.indexOf('] [', 1);
    if (timeEnd === -1) return null;
    const levelEnd = line.indexOf(']', timeEnd + 3);
    const colon = line.indexOf(':', timeEnd + 3);
    if (levelEnd === -1 || colon === -1 || colon > levelEnd) return null;
    const attrs: ParsedAttributes = {};
    if (colon > timeEnd + 3) attrs['apache.error.module'] = line.slice(timeEnd + 3, colon);
    const level = line.slice(colon + 1, levelEnd);
    let i = levelEnd + 2;
    for (;;) {
      const source = SOURCE_FILE.exec(line.slice(i, i + 64));
      if (source !== null) {
        attrs['log.origin.file.name'] = source[1] as string;
        attrs['log.origin.file.line'] = Number(source[2]);
        i += source[0].length;
        continue;
      }
      if (line.charCodeAt(i) !== 91) break;
      const end = closingBracket(line, i);
      if (end === -1) break;
      const group = line.slice(i + 1, end);
      const pid = PID.exec(group);
      if (pid !== null) {
        putNumber(attrs, 'process.pid', pid[1]);
        putNumber(attrs, 'process.thread.id', pid[2]);
      } else if (group.startsWith('client ')) {
        putAddress(attrs, 'source', group.slice(7), true);
      } else if (group.startsWith('remote ')) {
        putAddress(attrs, 'apache.error.remote', group.slice(7), true);
      } else {
        break;
      }
      i = end + (line.charCodeAt(end + 1) === 32 ? 2 : 1);
    }
    const message = line.slice(i);
    const code = ERROR_CODE.exec(message);
    if (code !== null) attrs['error.code'] = code[1] as string;
    putApacheReferer(attrs, message);
    const timestamp = parseCtime(line.slice(1, timeEnd));
    return { ...(timestamp === null ? {} : { timestamp }), level, message, attributes: attrs };
  },
  samples: [
    {
      line: '[Thu Nov 26 10:11:12.123456 2026] [core:error] [pid 1234:tid 5678] [client 1.2.3.4:5678] AH00126: Invalid URI in request GET /../../etc/passwd HTTP/1.1',
      expect: {
        timestamp: Date.parse('2026-11-26T10:11:12.123Z'),
        level: 'error',
        message: 'AH00126: Invalid URI in request GET /../../etc/passwd HTTP/1.1',
        attributes: {
          'apache.error.module': 'core',
          'process.pid': 1234,
          'process.thread.id': 5678,
          'source.ip': '1.2.3.4',
          'source.port': 5678,
          'error.code': 'AH00126',
        },
      },
    },
    {
      line: '[Thu Nov 26 10:11:13.000211 2026] [authz_core:error] [pid 2211:tid 139871] [client ::1:41882] AH01630: client denied by server configuration: /srv/www/private, referer: https://intranet.example.com/',
      expect: {
        timestamp: Date.parse('2026-11-26T10:11:13Z'),
        level: 'error',
        attributes: {
          'apache.error.module': 'authz_core',
          'source.ip': '::1',
          'source.port': 41882,
          'error.code': 'AH01630',
          'http.request.referrer': 'https://intranet.example.com/',
        },
      },
    },
    {
      line: '[Thu Nov 26 10:11:14.874410 2026] [mpm_event:notice] [pid 1:tid 140320] AH00489: Apache/2.4.62 (Unix) configured -- resuming normal operations',
      expect: {
        timestamp: Date.parse('2026-11-26T10:11:14.874Z'),
        level: 'notice',
        message: 'AH00489: Apache/2.4.62 (Unix) configured -- resuming normal operations',
        attributes: { 'apache.error.module': 'mpm_event', 'process.pid': 1 },
      },
    },
    {
      line: '[Thu Nov 26 10:11:15.512000 2026] [proxy_fcgi:error] [pid 88:tid 91] (70007)The timeout specified has expired: [client 10.0.0.9:60112] AH01075: Error dispatching request to : (polling)',
      expect: {
        level: 'error',
        message:
          '(70007)The timeout specified has expired: [client 10.0.0.9:60112] AH01075: Error dispatching request to : (polling)',
        attributes: { 'apache.error.module': 'proxy_fcgi', 'process.thread.id': 91 },
      },
    },
  ],
};

const REFERER_MARK = ', referer: ';

/** Apache ends client-bound errors with `, referer: <url>` when the request had one. */
export function putApacheReferer(attrs: ParsedAttributes, message: string): void {
  const newline = message.indexOf('\n');
  const firstLine = newline === -1 ? message : message.slice(0, newline);
  const at = firstLine.lastIndexOf(REFERER_MARK);
  if (at !== -1 && at + REFERER_MARK.length < firstLine.length) {
    attrs['http.request.referrer'] = firstLine.slice(at + REFERER_MARK.length);
  }
}

/** The `]` closing the group opened at `open`, past one nested `[...]` (`[client [::1]:80]`). */
function closingBracket(line: string, open: number): number {
  let depth = 0;
  const limit = Math.min(line.length, open + 256);
  for (let i = open + 1; i < limit; i++) {
    const c = line.charCodeAt(i);
    if (c === 91) depth++;
    else if (c === 93 && depth-- === 0) return i;
  }
  return -1;
}
