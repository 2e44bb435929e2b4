import type { LineFormat, ParsedAttributes } from '../../log-format';
import { parseTimestamp } from '../../normalize/timestamp';
import { millisToNanos, putNumber, putText, putUrl, toNumber } from '../web/access-fields';
import { putForwardedFor } from '../web/clf-line';

// Bare, after `heroku logs`' `<time> heroku[router]: `, or after a syslog drain's RFC 5424 header.
const PREFIX =
  /^(?:<\d{1,3}>1 (\S+) \S+ heroku router - |(\d{4}-\d\d-\d\dT\S+) heroku\[router\]: )?at=/;
const DETECT =
  /^(?:<\d{1,3}>1 \S+ \S+ heroku router - |\d{4}-\d\d-\d\dT\S+ heroku\[router\]: )?at=(?:info|warning|error) (?:code=H\d\d desc="[^"]*" )?method=[A-Z]+ path=/;
const PAIR = /([a-z_]+)=("(?:[^"\\]|\\.)*"|[^ ]*)/g;

/**
 * Heroku's router log: `at=info method=GET path="/" host=... request_id=... fwd="..."
 * dyno=web.1 connect=0ms service=12ms status=200 bytes=123 protocol=https`, and its
 * `at=error code=H12 desc="Request timeout"` errors.
 */
export const HEROKU_ROUTER_FORMAT: LineFormat = {
  name: 'heroku-router',
  family: 'cloud',
  kind: 'line',
  description:
    'Heroku router log (at=info|error, code=Hnn, method, path, fwd, dyno, connect, service, status)',
  // Above logfmt and syslog, which also read these lines.
  priority: 30,
  detect: (line) => DETECT.test(line),
  parse(line) {
    const prefix = PREFIX.exec(line);
    if (prefix === null) return null;
    const attrs: ParsedAttributes = { 'cloud.provider': 'heroku' };
    let level: string | undefined;
    const body = line.slice(prefix[0].length - 3);
    for (const m of body.matchAll(PAIR)) {
      const key = m[1] as string;
      let value = m[2] as string;
      if (value.charCodeAt(0) === 34) value = value.slice(1, -1).replace(/\\(.)/g, '$1');
      if (key === 'at') level = value;
      else putPair(attrs, key, value);
    }
    if (attrs['http.request.method'] === undefined) return null;
    const timestamp = parseTimestamp(prefix[1] ?? prefix[2]);
    return {
      ...(timestamp === null ? {} : { timestamp }),
      ...(level === undefined ? {} : { level }),
      attributes: attrs,
    };
  },
  samples: [
    {
      line: 'at=info method=GET path="/" host=myapp.herokuapp.com request_id=c0b4f3e2-7b9a-4d1c-9e8f-2a3b4c5d6e7f fwd="1.2.3.4" dyno=web.1 connect=0ms service=12ms status=200 bytes=123 protocol=https',
      expect: {
        level: 'info',
        attributes: {
          'cloud.provider': 'heroku',
          'http.request.method': 'GET',
          'url.original': '/',
          'url.domain': 'myapp.herokuapp.com',
          'http.request.id': 'c0b4f3e2-7b9a-4d1c-9e8f-2a3b4c5d6e7f',
          'client.ip': '1.2.3.4',
          'heroku.dyno': 'web.1',
          'heroku.connect_ms': 0,
          'event.duration': 12_000_000,
          'http.response.status_code': 200,
          'http.response.body.bytes': 123,
          'url.scheme': 'https',
        },
      },
    },
    {
      line: '2026-11-26T10:11:12.345678+00:00 heroku[router]: at=error code=H12 desc="Request timeout" method=POST path="/api/reports?year=2026" host=reports.example.com request_id=8601b555-6a83-4c12-8269-97c8e32cdb22 fwd="2001:db8::5,10.1.2.3" dyno=web.2 connect=1ms service=30000ms status=503 bytes=0 protocol=https',
      expect: {
        timestamp: Date.parse('2026-11-26T10:11:12.345Z'),
        level: 'error',
        attributes: {
          'error.code': 'H12',
          'error.message': 'Request timeout',
          'http.request.method': 'POST',
          'url.path': '/api/reports',
          'url.query': 'year=2026',
          'client.ip': '2001:db8::5',
          'heroku.dyno': 'web.2',
          'event.duration': 30_000_000_000,
          'http.response.status_code': 503,
        },
      },
    },
    {
      line: '<158>1 2026-11-26T10:11:13.000001+00:00 host heroku router - at=error code=H10 desc="App crashed" method=GET path="/favicon.ico" host=myapp.herokuapp.com request_id=2f8e1c4a-5b6d-4e7f-8a9b-0c1d2e3f4a5b fwd="203.0.113.77" dyno= connect= service= status=503 bytes= protocol=https',
      expect: {
        timestamp: Date.parse('2026-11-26T10:11:13Z'),
        level: 'error',
        attributes: {
          'error.code': 'H10',
          'error.message': 'App crashed',
          'url.path': '/favicon.ico',
          'http.response.status_code': 503,
        },
      },
    },
    {
      line: 'at=info method=GET path="/assets/app.css" host=www.example.org request_id=9d2b7c1e-3f4a-4b5c-8d6e-7f8a9b0c1d2e fwd="198.51.100.2" dyno=web.3 connect=1ms service=3ms status=304 bytes=187 protocol=http tls_version=unknown',
      expect: {
        level: 'info',
        attributes: { 'http.response.status_code': 304, 'heroku.tls_version': 'unknown' },
      },
    },
  ],
};

function putPair(attrs: ParsedAttributes, key: string, value: string): void {
  switch (key) {
    case 'code':
      putText(attrs, 'error.code', value);
      return;
    case 'desc':
      putText(attrs, 'error.message', value);
      return;
    case 'method':
      putText(attrs, 'http.request.method', value);
      return;
    case 'path':
      putUrl(attrs, value);
      return;
    case 'host':
      putText(attrs, 'url.domain', value);
      return;
    case 'request_id':
      putText(attrs, 'http.request.id', value);
      return;
    case 'fwd':
      putForwardedFor(attrs, value);
      return;
    case 'dyno':
      putText(attrs, 'heroku.dyno', value);
      return;
    case 'connect':
      putNumber(attrs, 'heroku.connect_ms', stripMs(value));
      return;
    case 'service': {
      const ms = toNumber(stripMs(value));
      if (ms !== undefined) attrs['event.duration'] = millisToNanos(ms);
      return;
    }
    case 'status':
      putNumber(attrs, 'http.response.status_code', value);
      return;
    case 'bytes':
      putNumber(attrs, 'http.response.body.bytes', value);
      return;
    case 'protocol':
      putText(attrs, 'url.scheme', value);
      return;
    default:
      putText(attrs, `heroku.${key}`, value);
  }
}

function stripMs(v: string): string {
  return v.endsWith('ms') ? v.slice(0, -2) : v;
}
