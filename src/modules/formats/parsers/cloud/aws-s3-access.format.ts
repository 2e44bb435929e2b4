import type { LineFormat, ParsedAttributes } from '../../log-format';
import {
  millisToNanos,
  putAddress,
  putNumber,
  putRequestLine,
  putText,
  scanFields,
  toNumber,
} from '../web/access-fields';
import { parseClfTimeFast } from '../web/web-time';

const DETECT =
  /^(?:[0-9a-f]{64}|-) [a-z0-9][a-z0-9.-]{1,62} \[\d\d\/[A-Z][a-z]{2}\/\d{4}:\d\d:\d\d:\d\d [+-]\d{4}\] /;

/** Column names past the request, in S3's order, for the plain text ones. */
const TAIL: readonly (readonly [number, string])[] = [
  [17, 'aws.s3access.version_id'],
  [18, 'aws.s3access.host_id'],
  [19, 'aws.s3access.signature_version'],
  [20, 'tls.cipher'],
  [21, 'aws.s3access.authentication_type'],
  [22, 'url.domain'],
  [23, 'tls.version_protocol'],
  [24, 'aws.s3access.access_point_arn'],
  [25, 'aws.s3access.acl_required'],
];

/**
 * Amazon S3 server access log: `owner bucket [time] ip requester request_id operation key
 * "request" status error bytes object_size total_ms turnaround_ms "referer" "user-agent"
 * version host_id sigv cipher auth host tls access_point acl_required`.
 */
export const AWS_S3_ACCESS_FORMAT: LineFormat = {
  name: 'aws-s3-access',
  family: 'cloud',
  kind: 'line',
  description: 'Amazon S3 server access log',
  priority: 20,
  detect: (line) => DETECT.test(line),
  parse(line) {
    const f = scanFields(line);
    if (f === null || f.length < 18) return null;
    const timestamp = parseClfTimeFast(f[2] as string);
    if (timestamp === null) return null;
    const attrs: ParsedAttributes = { 'cloud.provider': 'aws' };
    putText(attrs, 'aws.s3access.bucket_owner', f[0]);
    putText(attrs, 'aws.s3access.bucket', f[1]);
    putAddress(attrs, 'source', f[3]);
    putText(attrs, 'aws.s3access.requester', f[4]);
    putText(attrs, 'aws.s3access.request_id', f[5]);
    putText(attrs, 'event.action', f[6]);
    putText(attrs, 'aws.s3access.key', f[7]);
    putRequestLine(attrs, f[8]);
    putNumber(attrs, 'http.response.status_code', f[9]);
    putText(attrs, 'error.code', f[10]);
    putNumber(attrs, 'http.response.body.bytes', f[11]);
    putNumber(attrs, 'aws.s3access.object_size', f[12]);
    const total = toNumber(f[13]);
    if (total !== undefined) attrs['event.duration'] = millisToNanos(total);
    putNumber(attrs, 'aws.s3access.turn_around_time', f[14]);
    putText(attrs, 'http.request.referrer', f[15]);
    putText(attrs, 'user_agent.original', f[16]);
    for (const [at, key] of TAIL) putText(attrs, key, f[at]);
    return { timestamp, attributes: attrs };
  },
  samples: [
    {
      line: '79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be amzn-s3-demo-bucket1 [26/Nov/2026:10:11:12 +0000] 192.0.2.3 79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be 3E57427F3EXAMPLE REST.GET.VERSIONING - "GET /amzn-s3-demo-bucket1?versioning HTTP/1.1" 200 - 113 - 7 - "-" "S3Console/0.4" - s9lzHYrFp76ZVxRcpX9+5cjAnEH2ROuNkd2BHfIa6UkFVdtjf5mKR3/eTPFvsiP/XV/VLi31234= SigV4 ECDHE-RSA-AES128-GCM-SHA256 AuthHeader amzn-s3-demo-bucket1.s3.us-west-1.amazonaws.com TLSv1.2 - -',
      expect: {
        timestamp: Date.parse('2026-11-26T10:11:12Z'),
        attributes: {
          'cloud.provider': 'aws',
          'aws.s3access.bucket': 'amzn-s3-demo-bucket1',
          'source.ip': '192.0.2.3',
          'aws.s3access.request_id': '3E57427F3EXAMPLE',
          'event.action': 'REST.GET.VERSIONING',
          'http.request.method': 'GET',
          'url.path': '/amzn-s3-demo-bucket1',
          'url.query': 'versioning',
          'http.response.status_code': 200,
          'http.response.body.bytes': 113,
          'event.duration': 7_000_000,
          'user_agent.original': 'S3Console/0.4',
          'aws.s3access.signature_version': 'SigV4',
          'url.domain': 'amzn-s3-demo-bucket1.s3.us-west-1.amazonaws.com',
          'tls.version_protocol': 'TLSv1.2',
        },
      },
    },
    {
      line: '79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be reports.example.com [26/Nov/2026:10:11:13 +0000] 2001:db8:4::21 arn:aws:iam::123456789012:user/ci-deployer 5A1B2C3D4E5F6789 REST.GET.OBJECT 2026/q4/summary%20final.pdf "GET /2026/q4/summary%20final.pdf HTTP/1.1" 403 AccessDenied 243 - 12 - "https://intranet.example.com/reports" "aws-cli/2.22.4 md/Botocore#1.35.70 ua/2.0 os/linux#6.8.0" - Xy7HdZl9K0pQ= SigV4 TLS_AES_128_GCM_SHA256 AuthHeader reports.example.com.s3.eu-central-1.amazonaws.com TLSv1.3 - -',
      expect: {
        timestamp: Date.parse('2026-11-26T10:11:13Z'),
        attributes: {
          'source.ip': '2001:db8:4::21',
          'aws.s3access.requester': 'arn:aws:iam::123456789012:user/ci-deployer',
          'event.action': 'REST.GET.OBJECT',
          'aws.s3access.key': '2026/q4/summary%20final.pdf',
          'http.response.status_code': 403,
          'error.code': 'AccessDenied',
          'http.request.referrer': 'https://intranet.example.com/reports',
          'user_agent.original': 'aws-cli/2.22.4 md/Botocore#1.35.70 ua/2.0 os/linux#6.8.0',
        },
      },
    },
    {
      line: '- logs-archive-bucket [26/Nov/2026:10:11:14 +0000] 10.1.2.3 svc:logging.s3.amazonaws.com 9C8B7A6F5E4D3C2B BATCH.DELETE.OBJECT access/2026-11-26-10-00-00-ABC - 204 - - 1048576 - - "-" "-" - Zm9vYmFyYmF6= - - - - - - -',
      expect: {
        attributes: {
          'aws.s3access.bucket': 'logs-archive-bucket',
          'event.action': 'BATCH.DELETE.OBJECT',
          'aws.s3access.object_size': 1048576,
          'http.response.status_code': 204,
        },
      },
    },
  ],
};
