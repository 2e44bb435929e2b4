import type { LineFormat, ParsedAttributes } from '../../log-format';
import { parseTimestamp } from '../../normalize/timestamp';
import { putText, scanFields } from '../web/access-fields';
import { putElbCore } from './elb-fields';

// No leading type and a bare load balancer name (no `app/`): that is what sets it apart from ALB.
const DETECT =
  /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d+Z [A-Za-z0-9-]{1,32} [0-9A-Fa-f.:[\]]+:\d+ (?:[0-9A-Fa-f.:[\]]+:\d+|-) -?\d/;

/**
 * AWS Classic Load Balancer access log: `time elb client:port backend:port times elb_status
 * backend_status received sent "request" "user-agent" ssl_cipher ssl_protocol`.
 */
export const AWS_ELB_CLASSIC_FORMAT: LineFormat = {
  name: 'aws-elb-classic',
  family: 'cloud',
  kind: 'line',
  description: 'AWS Classic Load Balancer access log',
  priority: 20,
  detect: (line) => DETECT.test(line),
  parse(line) {
    const f = scanFields(line);
    if (f?.length !== 15) return null;
    const timestamp = parseTimestamp(f[0]);
    if (timestamp === null) return null;
    const attrs: ParsedAttributes = { 'cloud.provider': 'aws' };
    putText(attrs, 'aws.elb.name', f[1]);
    putElbCore(attrs, f, 2);
    return { timestamp, attributes: attrs };
  },
  samples: [
    {
      line: '2026-11-26T10:11:12.945958Z my-loadbalancer 192.168.131.39:2817 10.0.0.1:80 0.000073 0.001048 0.000057 200 200 0 29 "GET http://www.example.com:80/ HTTP/1.1" "curl/7.38.0" - -',
      expect: {
        timestamp: Date.parse('2026-11-26T10:11:12.945Z'),
        attributes: {
          'cloud.provider': 'aws',
          'aws.elb.name': 'my-loadbalancer',
          'source.ip': '192.168.131.39',
          'source.port': 2817,
          'aws.elb.backend.ip': '10.0.0.1',
          'aws.elb.request_processing_time.sec': 0.000073,
          'event.duration': 1_178_000,
          'http.response.status_code': 200,
          'http.response.body.bytes': 29,
          'http.request.method': 'GET',
          'url.domain': 'www.example.com',
          'user_agent.original': 'curl/7.38.0',
        },
      },
    },
    {
      line: '2026-11-26T10:11:13.001069Z legacy-tcp-elb 10.4.0.77:40122 10.4.1.9:5432 0.001069 0.000028 0.000041 - - 82 305 "- - - " "-" - -',
      expect: {
        timestamp: Date.parse('2026-11-26T10:11:13.001Z'),
        attributes: {
          'aws.elb.name': 'legacy-tcp-elb',
          'http.request.body.bytes': 82,
          'http.response.body.bytes': 305,
          'aws.elb.backend.port': 5432,
        },
      },
    },
    {
      line: '2026-11-26T10:11:14.394511Z www-elb 2001:db8::77:50211 - -1 -1 -1 504 0 0 0 "GET https://www.example.com:443/report?year=2026 HTTP/1.1" "Mozilla/5.0 (Windows NT 10.0; Win64; x64)" ECDHE-RSA-AES128-GCM-SHA256 TLSv1.2',
      expect: {
        attributes: {
          'source.ip': '2001:db8::77',
          'source.port': 50211,
          'http.response.status_code': 504,
          'aws.elb.backend.http.response.status_code': 0,
          'url.query': 'year=2026',
          'tls.cipher': 'ECDHE-RSA-AES128-GCM-SHA256',
          'aws.elb.ssl_protocol': 'TLSv1.2',
        },
      },
    },
  ],
};
