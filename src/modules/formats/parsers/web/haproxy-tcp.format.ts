import type { LineFormat } from '../../log-format';
import { millisToNanos, putNumber, putText, scanFields } from './access-fields';
import {
  CONNECTION_KEYS,
  QUEUE_KEYS,
  haproxyCommon,
  haproxyHeader,
  putSlashed,
} from './haproxy-line';

const BODY =
  /[0-9A-Fa-f.:]+:\d+ \[\d\d\/[A-Z][a-z]{2}\/\d{4}:\d\d:\d\d:\d\d\.\d{3}\] [^ ]+ [^ /]+\/[^ ]+ -?\d+\/-?\d+\/\+?-?\d+ \+?\d+ [^ ]{2} \d+\/\d+\/\d+\/\d+\/\+?\d+ \d+\/\d+$/y;

const TIMER_KEYS = [
  'haproxy.total_waiting_time_ms',
  'haproxy.connection_wait_time_ms',
  'haproxy.time_total_ms',
];

/**
 * HAProxy's TCP log (`option tcplog`): client:port [accept date] frontend backend/server
 * Tw/Tc/Tt bytes termination-state conns queues.
 */
export const HAPROXY_TCP_FORMAT: LineFormat = {
  name: 'haproxy-tcp',
  family: 'web',
  kind: 'line',
  description: 'HAProxy TCP log (option tcplog), bare or after its syslog header',
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
    const fields = scanFields(line, head.start);
    if (fields?.length !== 9) return null;
    const parsed = haproxyCommon(fields, head);
    if (parsed === null) return null;
    const attrs = head.attrs;
    const timers = putSlashed(attrs, fields[4], TIMER_KEYS);
    if (timers === null) return null;
    const total = timers[2] as number;
    if (total >= 0) attrs['event.duration'] = millisToNanos(total);
    putNumber(attrs, 'source.bytes', fields[5]);
    putText(attrs, 'haproxy.termination_state', fields[6]);
    putSlashed(attrs, fields[7], CONNECTION_KEYS);
    putSlashed(attrs, fields[8], QUEUE_KEYS);
    return parsed;
  },
  samples: [
    {
      line: '10.0.1.2:33317 [26/Nov/2026:10:11:12.002] pg-in pg/pg-primary 0/0/5007 212 -- 1/1/1/1/0 0/0',
      expect: {
        timestamp: Date.parse('2026-11-26T10:11:12.002Z'),
        attributes: {
          'source.ip': '10.0.1.2',
          'source.port': 33317,
          'haproxy.frontend_name': 'pg-in',
          'haproxy.backend_name': 'pg',
          'haproxy.server_name': 'pg-primary',
          'haproxy.total_waiting_time_ms': 0,
          'event.duration': 5_007_000_000,
          'source.bytes': 212,
          'haproxy.termination_state': '--',
        },
      },
    },
    {
      line: 'Nov 26 10:11:13 lb1 haproxy[2741]: 2001:db8:1::9:51234 [26/Nov/2026:10:11:13.440] redis-in redis/redis-2 0/-1/3001 0 SC 3/3/2/0/3 0/0',
      expect: {
        host: 'lb1',
        attributes: {
          'process.pid': 2741,
          'source.ip': '2001:db8:1::9',
          'haproxy.termination_state': 'SC',
          'haproxy.connections.retries': 3,
          'event.duration': 3_001_000_000,
        },
      },
    },
    {
      line: '<150>Nov 26 10:11:14 haproxy[12]: 192.168.7.31:40000 [26/Nov/2026:10:11:14.999] mqtt-in mqtt/<NOSRV> -1/-1/0 0 PQ 120/120/100/0/0 0/57',
      expect: {
        timestamp: Date.parse('2026-11-26T10:11:14.999Z'),
        attributes: {
          'haproxy.server_name': '<NOSRV>',
          'haproxy.termination_state': 'PQ',
          'haproxy.backend_queue': 57,
        },
      },
    },
  ],
};
