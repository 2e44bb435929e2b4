import type { LineFormat, ParsedAttributes } from '../../log-format';
import { parseTimestamp } from '../../normalize/timestamp';
import { putText, scanFields } from '../web/access-fields';
import { putArnLocation, putElbCore, xrayTraceId } from './elb-fields';

const DETECT =
  /^(?:https?|h2|grpcs?|wss?) \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d+Z app\/[^ ]+ [0-9A-Fa-f.:[\]]+:\d+ /;

/**
 * AWS Application Load Balancer access log: `type time elb client:port target:port times
 * statuses bytes "request" "user-agent" ssl target_group "trace_id" "domain" ...`, one
 * space-separated line per request with the free-text fields quoted.
 */
export const AWS_ALB_FORMAT: LineFormat = {
  name: 'aws-alb',
  family: 'cloud',
  kind: 'line',
  description:
    'AWS Application Load Balancer access log (type http/https/h2/grpcs/ws/wss, app/... load balancer)',
  priority: 20,
  detect: (line) => DETECT.test(line),
  parse(line) {
    const f = scanFields(line);
    if (f === null || f.length < 17) return null;
    const attrs: ParsedAttributes = { 'cloud.provider': 'aws' };
    putText(attrs, 'aws.elb.type', f[0]);
    putText(attrs, 'aws.elb.name', f[2]);
    putElbCore(attrs, f, 3);
    putText(attrs, 'aws.elb.target_group.arn', f[16]);
    putArnLocation(attrs, f[16]);
    putText(attrs, 'aws.elb.trace_id', f[17]);
    putText(attrs, 'url.domain', f[18]);
    putText(attrs, 'aws.elb.chosen_cert.arn', f[19]);
    putText(attrs, 'aws.elb.matched_rule_priority', f[20]);
    putText(attrs, 'aws.elb.request_creation_time', f[21]);
    putText(attrs, 'aws.elb.action_executed', f[22]);
    putText(attrs, 'aws.elb.redirect_url', f[23]);
    putText(attrs, 'aws.elb.error.reason', f[24]);
    putText(attrs, 'aws.elb.target_port', f[25]);
    putText(attrs, 'aws.elb.target_status_code', f[26]);
    putText(attrs, 'aws.elb.classification', f[27]);
    putText(attrs, 'aws.elb.classification_reason', f[28]);
    putText(attrs, 'aws.elb.connection_trace_id', f[29]);
    const timestamp = parseTimestamp(f[1]);
    const traceId = xrayTraceId(f[17]);
    return {
      ...(timestamp === null ? {} : { timestamp }),
      ...(traceId === undefined ? {} : { traceId }),
      attributes: attrs,
    };
  },
  samples: [
    {
      line: 'http 2026-11-26T10:11:12.186641Z app/my-loadbalancer/50dc6c495c0c9188 192.168.131.39:2817 10.0.0.1:80 0.000 0.001 0.000 200 200 34 366 "GET http://www.example.com:80/ HTTP/1.1" "curl/7.46.0" - - arn:aws:elasticloadbalancing:us-east-2:123456789012:targetgroup/my-targets/73e2d6bc24d8a067 "Root=1-58337262-36d228ad5d99923122bbe354" "-" "-" 0 2026-11-26T10:11:12.184000Z "forward" "-" "-" "10.0.0.1:80" "200" "-" "-" TID_1234abcd5678ef90',
      expect: {
        timestamp: Date.parse('2026-11-26T10:11:12.186Z'),
        traceId: '5833726236d228ad5d99923122bbe354',
        attributes: {
          'cloud.provider': 'aws',
          'cloud.region': 'us-east-2',
          'cloud.account.id': '123456789012',
          'aws.elb.type': 'http',
          'aws.elb.name': 'app/my-loadbalancer/50dc6c495c0c9188',
          'source.ip': '192.168.131.39',
          'source.port': 2817,
          'aws.elb.backend.ip': '10.0.0.1',
          'aws.elb.backend.port': 80,
          'aws.elb.backend_processing_time.sec': 0.001,
          'event.duration': 1_000_000,
          'http.response.status_code': 200,
          'aws.elb.backend.http.response.status_code': 200,
          'http.request.body.bytes': 34,
          'http.response.body.bytes': 366,
          'http.request.method': 'GET',
          'url.original': 'http://www.example.com:80/',
          'url.domain': 'www.example.com',
          'user_agent.original': 'curl/7.46.0',
          'aws.elb.action_executed': 'forward',
          'aws.elb.connection_trace_id': 'TID_1234abcd5678ef90',
        },
      },
    },
    {
      line: 'https 2026-11-26T10:11:13.086013Z app/prod-alb/50dc6c495c0c9188 [2001:db8:aa::31]:51788 - -1 -1 -1 502 - 412 277 "POST https://api.example.com:443/v1/orders?retry=1 HTTP/2.0" "okhttp/4.12.0" ECDHE-RSA-AES128-GCM-SHA256 TLSv1.2 arn:aws:elasticloadbalancing:eu-west-1:210987654321:targetgroup/orders/5a1c2b3d4e5f6a7b "Root=1-674597a1-0f1e2d3c4b5a69788796a5b4" "api.example.com" "arn:aws:acm:eu-west-1:210987654321:certificate/12345678-1234-1234-1234-123456789012" 10 2026-11-26T10:11:13.060000Z "forward" "-" "TargetConnectionErrorCode" "10.0.2.15:8080" "-" "-" "-" -',
      expect: {
        timestamp: Date.parse('2026-11-26T10:11:13.086Z'),
        traceId: '674597a10f1e2d3c4b5a69788796a5b4',
        attributes: {
          'aws.elb.type': 'https',
          'source.ip': '2001:db8:aa::31',
          'source.port': 51788,
          'http.response.status_code': 502,
          'http.request.method': 'POST',
          'url.path': '/v1/orders',
          'url.query': 'retry=1',
          'tls.cipher': 'ECDHE-RSA-AES128-GCM-SHA256',
          'aws.elb.ssl_protocol': 'TLSv1.2',
          'aws.elb.error.reason': 'TargetConnectionErrorCode',
          'aws.elb.matched_rule_priority': '10',
          'cloud.region': 'eu-west-1',
        },
      },
    },
    {
      line: 'h2 2026-11-26T10:11:14.200000Z app/web-alb/0a1b2c3d4e5f6a7b 203.0.113.12:60112 10.0.1.44:8080 0.000 0.048 0.000 200 200 520 1822 "GET https://www.example.com:443/search?q=%22red+shoes%22 HTTP/2.0" "Mozilla/5.0 (Linux; Android 15) Mobile Safari/537.36" TLS_AES_128_GCM_SHA256 TLSv1.3 arn:aws:elasticloadbalancing:us-east-1:111122223333:targetgroup/web/0f0e0d0c0b0a0908 "Self=1-674597a2-12456789abcdef012345678;Root=1-674597a2-abcdef0123456789abcdef01" "www.example.com" "arn:aws:acm:us-east-1:111122223333:certificate/abcd" 5 2026-11-26T10:11:14.151000Z "waf,forward" "-" "-" "10.0.1.44:8080" "200" "-" "-" TID_a1b2c3',
      expect: {
        traceId: '674597a2abcdef0123456789abcdef01',
        attributes: {
          'aws.elb.type': 'h2',
          'url.query': 'q=%22red+shoes%22',
          'event.duration': 48_000_000,
          'aws.elb.action_executed': 'waf,forward',
          'user_agent.original': 'Mozilla/5.0 (Linux; Android 15) Mobile Safari/537.36',
        },
      },
    },
  ],
};
