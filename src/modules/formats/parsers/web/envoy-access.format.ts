import type { LineFormat, ParsedAttributes } from '../../log-format';
import { parseTimestamp } from '../../normalize/timestamp';
import {
  isAbsent,
  millisToNanos,
  putAddress,
  putNumber,
  putRequestLine,
  putText,
  scanFields,
  toNumber,
} from './access-fields';
import { putForwardedFor } from './clf-line';

const DETECT = /^\[\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?Z\] "[^"]*" (?:\d{1,3}|-) /;

/**
 * Envoy's default access log and Istio's (which inserts response code details, termination
 * details and the upstream failure reason, and appends cluster, addresses, SNI and route):
 * `[start] "METHOD path protocol" code flags ... "xff" "user-agent" "request-id" "authority"
 * "upstream host" ...`.
 */
export const ENVOY_ACCESS_FORMAT: LineFormat = {
  name: 'envoy-access',
  family: 'web',
  kind: 'line',
  description:
    'Envoy / Istio default access log: [start] "request" code flags bytes duration ... "authority" "upstream"',
  priority: 10,
  detect: (line) => DETECT.test(line),
  parse(line) {
    const fields = scanFields(line);
    if (fields === null || fields.length < 13) return null;
    const attrs: ParsedAttributes = {};
    const timestamp = parseTimestamp(fields[0]);
    if (fields[1] !== '- - -') putRequestLine(attrs, fields[1]);
    putNumber(attrs, 'http.response.status_code', fields[2]);
    putText(attrs, 'envoy.response_flags', fields[3]);
    // Istio's layout has text where Envoy's has BYTES_RECEIVED.
    const istio = toNumber(fields[4]) === undefined && fields.length >= 21;
    let i = 4;
    if (istio) {
      putText(attrs, 'envoy.response_code_details', fields[4]);
      putText(attrs, 'envoy.connection_termination_details', fields[5]);
      putText(attrs, 'envoy.upstream_transport_failure_reason', fields[6]);
      i = 7;
    } else if (fields.length !== 13) {
      return null;
    }
    putNumber(attrs, 'http.request.body.bytes', fields[i]);
    putNumber(attrs, 'http.response.body.bytes', fields[i + 1]);
    const duration = toNumber(fields[i + 2]);
    if (duration !== undefined) attrs['event.duration'] = millisToNanos(duration);
    putNumber(attrs, 'envoy.upstream_service_time_ms', fields[i + 3]);
    putForwardedFor(attrs, fields[i + 4]);
    putText(attrs, 'user_agent.original', fields[i + 5]);
    putText(attrs, 'http.request.id', fields[i + 6]);
    putText(attrs, 'url.domain', fields[i + 7]);
    putAddress(attrs, 'envoy.upstream_host', fields[i + 8], true);
    if (istio) {
      putText(attrs, 'envoy.upstream_cluster', fields[16]);
      putText(attrs, 'envoy.upstream_local_address', fields[17]);
      putAddress(attrs, 'destination', fields[18], true);
      putAddress(attrs, 'source', fields[19], true);
      putText(attrs, 'tls.client.server_name', fields[20]);
      if (!isAbsent(fields[21])) attrs['envoy.route_name'] = fields[21];
    }
    return { ...(timestamp === null ? {} : { timestamp }), attributes: attrs };
  },
  samples: [
    {
      line: '[2026-11-26T10:11:12.123Z] "GET /x HTTP/1.1" 200 - via_upstream - "-" 0 11 5 4 "-" "curl/8" "req-id" "host" "10.0.0.1:80" outbound|80||svc - 10.0.0.2:80 10.0.0.3:5555 - default',
      expect: {
        timestamp: Date.parse('2026-11-26T10:11:12.123Z'),
        attributes: {
          'http.request.method': 'GET',
          'url.original': '/x',
          'http.version': '1.1',
          'http.response.status_code': 200,
          'envoy.response_code_details': 'via_upstream',
          'http.request.body.bytes': 0,
          'http.response.body.bytes': 11,
          'event.duration': 5_000_000,
          'envoy.upstream_service_time_ms': 4,
          'user_agent.original': 'curl/8',
          'http.request.id': 'req-id',
          'url.domain': 'host',
          'envoy.upstream_host.ip': '10.0.0.1',
          'envoy.upstream_host.port': 80,
          'envoy.upstream_cluster': 'outbound|80||svc',
          'destination.ip': '10.0.0.2',
          'source.ip': '10.0.0.3',
          'source.port': 5555,
          'envoy.route_name': 'default',
        },
      },
    },
    {
      line: '[2026-11-26T10:11:13.456Z] "POST /api.v1.Orders/Create HTTP/2" 503 UF,URX upstream_reset_before_response_started{connection_failure} - "delayed_connect_error:_111" 72 91 2 - "203.0.113.5" "grpc-go/1.68.0" "5b4c1a2e-9c3f-4a57-8f0e-2f3d2a9b7c11" "orders.prod.svc.cluster.local:8080" "10.44.2.19:8080" outbound|8080||orders.prod.svc.cluster.local - 10.96.14.3:8080 10.44.1.7:39122 - -',
      expect: {
        timestamp: Date.parse('2026-11-26T10:11:13.456Z'),
        attributes: {
          'http.request.method': 'POST',
          'http.version': '2',
          'http.response.status_code': 503,
          'envoy.response_flags': 'UF,URX',
          'envoy.upstream_transport_failure_reason': 'delayed_connect_error:_111',
          'client.ip': '203.0.113.5',
          'url.domain': 'orders.prod.svc.cluster.local:8080',
          'source.ip': '10.44.1.7',
        },
      },
    },
    {
      line: '[2026-11-26T10:11:14.000Z] "GET /healthz HTTP/1.1" 200 - 0 2 1 0 "-" "kube-probe/1.31" "0f3a2b6c-0d1e-4b42-9a53-7f6e5d4c3b2a" "10.44.0.12:15021" "127.0.0.1:15020"',
      expect: {
        timestamp: Date.parse('2026-11-26T10:11:14Z'),
        attributes: {
          'url.path': '/healthz',
          'http.response.status_code': 200,
          'http.response.body.bytes': 2,
          'event.duration': 1_000_000,
          'user_agent.original': 'kube-probe/1.31',
          'envoy.upstream_host.ip': '127.0.0.1',
        },
      },
    },
    {
      line: '[2026-11-26T10:11:15.730Z] "- - -" 0 - - - "-" 493 3206 61287 - "-" "-" "-" "-" "10.44.3.9:5432" outbound|5432||postgres.db.svc.cluster.local 10.44.1.7:51840 10.96.7.21:5432 10.44.1.7:51838 - -',
      expect: {
        timestamp: Date.parse('2026-11-26T10:11:15.730Z'),
        attributes: {
          'http.request.body.bytes': 493,
          'http.response.body.bytes': 3206,
          'event.duration': 61_287_000_000,
          'envoy.upstream_cluster': 'outbound|5432||postgres.db.svc.cluster.local',
          'destination.port': 5432,
        },
      },
    },
  ],
};
