import type { LineFormat } from '../../log-format';
import { millisToNanos, putNumber, putRequestLine, putText, scanFields } from './access-fields';
import {
  CONNECTION_KEYS,
  QUEUE_KEYS,
  haproxyCommon,
  haproxyHeader,
  putSlashed,
} from './haproxy-line';

const BODY =
  /[0-9A-Fa-f.:]+:\d+ \[\d\d\/[A-Z][a-z]{2}\/\d{4}:\d\d:\d\d:\d\d\.\d{3}\] [^ ]+ [^ /]+\/[^ ]+ -?\d+\/-?\d+\/-?\d+\/-?\d+\/\+?-?\d+ -?\d+ \+?\d+ /y;

const TIMER_KEYS = [
  'haproxy.http.request.time_wait_ms',
  'haproxy.total_waiting_time_ms',
  'haproxy.connection_wait_time_ms',
  'haproxy.http.request.time_wait_without_data_ms',
  'haproxy.http.request.time_active_ms',
];

/**
 * HAProxy's default HTTP log (`option httplog`), bare or behind the syslog header it writes:
 * client:port [accept date] frontend backend/server TR/Tw/Tc/Tr/Ta status bytes cookies
 * termination-state conns queues {captured headers} "request".
 */
export const HAPROXY_HTTP_FORMAT: LineFormat = {
  name: 'haproxy-http',
  family: 'web',
  kind: 'line',
  description: 'HAProxy HTTP log (option httplog), bare or after its syslog header',
  // Above syslog: the header is syslog's, the body is HAProxy's.
  priority: 30,
  detect(line) {
    const head = haproxyHeader(line);
    if (head.start < 0) return false;
    BODY.lastIndex = head.start;
    return BODY.test(line);
  },
  parse(line) {
    const head = haproxyHeader(line);
    if (head.start < 0) return null;
    const fields = scanFields(line, head.start, { braces: true });
    if (fields === null || fields.length < 13) return null;
    const parsed = haproxyCommon(fields, head);
    if (parsed === null) return null;
    const attrs = head.attrs;
    const timers = putSlashed(attrs, fields[4], TIMER_KEYS);
    if (timers === null) return null;
    const total = timers[4] as number;
    if (total >= 0) attrs['event.duration'] = millisToNanos(total);
    putNumber(attrs, 'http.response.status_code', fields[5]);
    putNumber(attrs, 'http.response.body.bytes', fields[6]);
    putText(attrs, 'haproxy.http.request.captured_cookie', fields[7]);
    putText(attrs, 'haproxy.http.response.captured_cookie', fields[8]);
    putText(attrs, 'haproxy.termination_state', fields[9]);
    putSlashed(attrs, fields[10], CONNECTION_KEYS);
    putSlashed(attrs, fields[11], QUEUE_KEYS);
    const last = fields.length - 1;
    if (last > 12) putText(attrs, 'haproxy.http.request.captured_headers', fields[12]);
    if (last > 13) putText(attrs, 'haproxy.http.response.captured_headers', fields[13]);
    putRequestLine(attrs, fields[last]);
    return parsed;
  },
  samples: [
    {
      line: '1.2.3.4:5678 [26/Nov/2026:10:11:12.123] fe be/srv 10/0/30/69/109 200 2750 - - ---- 1/1/1/1/0 0/0 {example.com|Mozilla/5.0 (X11; Linux x86_64)} "GET /x HTTP/1.1"',
      expect: {
        timestamp: Date.parse('2026-11-26T10:11:12.123Z'),
        attributes: {
          'source.ip': '1.2.3.4',
          'source.port': 5678,
          'haproxy.frontend_name': 'fe',
          'haproxy.backend_name': 'be',
          'haproxy.server_name': 'srv',
          'haproxy.http.request.time_wait_ms': 10,
          'haproxy.connection_wait_time_ms': 30,
          'event.duration': 109_000_000,
          'http.response.status_code': 200,
          'http.response.body.bytes': 2750,
          'haproxy.termination_state': '----',
          'haproxy.connections.active': 1,
          'haproxy.connections.retries': 0,
          'haproxy.backend_queue': 0,
          'haproxy.http.request.captured_headers': 'example.com|Mozilla/5.0 (X11; Linux x86_64)',
          'http.request.method': 'GET',
          'url.original': '/x',
        },
      },
    },
    {
      line: 'Nov 26 10:11:13 lb1 haproxy[2741]: 2001:db8::5:43112 [26/Nov/2026:10:11:13.502] https-in~ api_servers/api2 0/0/1/-1/30001 504 194 - - sH-- 12/12/3/1/0 0/0 "POST /v1/reports HTTP/1.1"',
      expect: {
        timestamp: Date.parse('2026-11-26T10:11:13.502Z'),
        host: 'lb1',
        attributes: {
          'process.name': 'haproxy',
          'process.pid': 2741,
          'source.ip': '2001:db8::5',
          'source.port': 43112,
          'haproxy.frontend_name': 'https-in~',
          'haproxy.server_name': 'api2',
          'http.response.status_code': 504,
          'haproxy.termination_state': 'sH--',
          'event.duration': 30_001_000_000,
          'url.path': '/v1/reports',
        },
      },
    },
    {
      line: '<134>Nov 26 10:11:14 haproxy[8]: 10.0.0.7:50514 [26/Nov/2026:10:11:14.001] http-in http-in/<NOSRV> 0/-1/-1/-1/0 403 212 - - PR-- 4/4/0/0/0 0/0 "GET /admin HTTP/1.1"',
      expect: {
        timestamp: Date.parse('2026-11-26T10:11:14.001Z'),
        attributes: {
          'process.pid': 8,
          'haproxy.server_name': '<NOSRV>',
          'http.response.status_code': 403,
          'haproxy.termination_state': 'PR--',
          'event.duration': 0,
        },
      },
    },
    {
      line: '2026-11-26T10:11:16.204311+00:00 lb-3 haproxy[977]: 198.51.100.9:40522 [26/Nov/2026:10:11:16.200] www~ www/www1 0/0/1/3/4 200 911 - - --VN 9/9/1/1/0 0/0 {www.example.com|} "GET /cart HTTP/2.0"',
      expect: {
        timestamp: Date.parse('2026-11-26T10:11:16.200Z'),
        host: 'lb-3',
        attributes: {
          'process.pid': 977,
          'haproxy.termination_state': '--VN',
          'haproxy.http.request.captured_headers': 'www.example.com|',
          'url.path': '/cart',
        },
      },
    },
    {
      line: '<134>1 2026-11-26T10:11:15.000123+00:00 edge-lb-2 haproxy 311 - - 192.0.2.44:61000 [26/Nov/2026:10:11:15.000] fe_main be_web/web3 3/0/0/12/15 302 381 - - --NI 2/2/0/0/0 0/0 "GET /login?next=%2Fhome HTTP/1.1"',
      expect: {
        host: 'edge-lb-2',
        attributes: {
          'process.pid': 311,
          'http.response.status_code': 302,
          'url.query': 'next=%2Fhome',
        },
      },
    },
  ],
};
