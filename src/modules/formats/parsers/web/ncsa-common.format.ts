import type { LineFormat } from '../../log-format';
import { scanFields } from './access-fields';
import { CLF_HEAD, clfCore } from './clf-line';

const DETECT = new RegExp(CLF_HEAD + '$');

/** NCSA Common Log Format, Apache's and nginx's `common`: the seven classic fields, nothing after. */
export const NCSA_COMMON_FORMAT: LineFormat = {
  name: 'ncsa-common',
  family: 'web',
  kind: 'line',
  description:
    'NCSA Common Log Format (Apache/nginx "common"): host ident user [date] "request" status bytes',
  priority: 10,
  detect: (line) => DETECT.test(line),
  parse(line) {
    const fields = scanFields(line);
    if (fields?.length !== 7) return null;
    return clfCore(fields);
  },
  samples: [
    {
      line: '127.0.0.1 - frank [10/Oct/2000:13:55:36 -0700] "GET /apache_pb.gif HTTP/1.0" 200 2326',
      expect: {
        timestamp: Date.parse('2000-10-10T20:55:36Z'),
        attributes: {
          'source.ip': '127.0.0.1',
          'user.name': 'frank',
          'http.request.method': 'GET',
          'url.original': '/apache_pb.gif',
          'url.path': '/apache_pb.gif',
          'http.version': '1.0',
          'http.response.status_code': 200,
          'http.response.body.bytes': 2326,
        },
      },
    },
    {
      line: '2001:db8:85a3::8a2e:370:7334 - - [26/Nov/2026:10:11:12 +0100] "POST /api/v1/orders?dry_run=true HTTP/1.1" 503 -',
      expect: {
        timestamp: Date.parse('2026-11-26T09:11:12Z'),
        attributes: {
          'source.ip': '2001:db8:85a3::8a2e:370:7334',
          'http.request.method': 'POST',
          'url.path': '/api/v1/orders',
          'url.query': 'dry_run=true',
          'http.response.status_code': 503,
        },
      },
    },
    {
      line: '198.51.100.23 - - [26/Nov/2026:10:11:14 +0000] "\\x16\\x03\\x01\\x00\\xa5\\x01" 400 157',
      expect: {
        timestamp: Date.parse('2026-11-26T10:11:14Z'),
        attributes: {
          'source.ip': '198.51.100.23',
          'http.request.line': '\\x16\\x03\\x01\\x00\\xa5\\x01',
          'http.response.status_code': 400,
          'http.response.body.bytes': 157,
        },
      },
    },
    {
      line: 'crawler-7.example.net - - [26/Nov/2026:10:12:00 -0500] "HEAD /robots.txt HTTP/1.1" 404 0',
      expect: {
        timestamp: Date.parse('2026-11-26T15:12:00Z'),
        attributes: { 'source.address': 'crawler-7.example.net', 'http.request.method': 'HEAD' },
      },
    },
  ],
};
