import type { LineFormat, ParsedAttributes, ParsedFields } from '../../log-format';
import { parseTimestamp } from '../../normalize/timestamp';
import {
  isAbsent,
  putAddress,
  putNumber,
  putText,
  secondsToNanos,
  toNumber,
} from '../web/access-fields';
import { putForwardedFor } from '../web/clf-line';

const DATA = /^\d{4}-\d\d-\d\d\t\d\d:\d\d:\d\d\t[A-Z0-9-]{3,20}\t\d+\t/;
const DIRECTIVE = /^#(?:Version: |Fields: date time x-edge-location )/;

/**
 * Amazon CloudFront standard (legacy) access log: tab-separated W3C fields, 33 of them today
 * (older logs stop earlier), URL-encoded values, and `#Version:` / `#Fields:` header lines.
 */
export const AWS_CLOUDFRONT_FORMAT: LineFormat = {
  name: 'aws-cloudfront',
  family: 'cloud',
  kind: 'line',
  description: 'Amazon CloudFront standard access log (tab-separated, #Version/#Fields headers)',
  // Above w3c-extended, which also claims `#Version:` and `#Fields:` lines.
  priority: 20,
  detect: (line) => (line.charCodeAt(0) === 35 ? DIRECTIVE.test(line) : DATA.test(line)),
  parse(line) {
    if (line.charCodeAt(0) === 35) return parseDirective(line);
    const f = line.split('\t');
    if (f.length < 24) return null;
    const timestamp = parseTimestamp(`${f[0]}T${f[1]}Z`);
    if (timestamp === null) return null;
    const attrs: ParsedAttributes = { 'cloud.provider': 'aws' };
    putText(attrs, 'aws.cloudfront.edge_location', f[2]);
    putNumber(attrs, 'http.response.bytes', f[3]);
    putAddress(attrs, 'source', f[4]);
    putText(attrs, 'http.request.method', f[5]);
    putText(attrs, 'aws.cloudfront.domain', f[6]);
    const path = f[7];
    const query = f[11];
    if (!isAbsent(path)) {
      attrs['url.path'] = path;
      attrs['url.original'] = isAbsent(query) ? path : `${path}?${query}`;
    }
    putText(attrs, 'url.query', query);
    putNumber(attrs, 'http.response.status_code', f[8]);
    putText(attrs, 'http.request.referrer', f[9]);
    putText(attrs, 'user_agent.original', decode(f[10]));
    putText(attrs, 'aws.cloudfront.edge_result_type', f[13]);
    putText(attrs, 'http.request.id', f[14]);
    putText(attrs, 'url.domain', f[15]);
    putText(attrs, 'url.scheme', f[16]);
    putNumber(attrs, 'http.request.bytes', f[17]);
    const taken = toNumber(f[18]);
    if (taken !== undefined) attrs['event.duration'] = secondsToNanos(taken);
    putForwardedFor(attrs, f[19]);
    putText(attrs, 'tls.version_protocol', f[20]);
    putText(attrs, 'tls.cipher', f[21]);
    putText(attrs, 'aws.cloudfront.edge_response_result_type', f[22]);
    const version = f[23];
    if (version?.startsWith('HTTP/') === true) attrs['http.version'] = version.slice(5);
    putText(attrs, 'aws.cloudfront.fle_status', f[24]);
    putNumber(attrs, 'source.port', f[26]);
    putNumber(attrs, 'aws.cloudfront.time_to_first_byte', f[27]);
    putText(attrs, 'aws.cloudfront.edge_detailed_result_type', f[28]);
    putText(attrs, 'http.response.mime_type', f[29]);
    putNumber(attrs, 'http.response.body.bytes', f[30]);
    putNumber(attrs, 'aws.cloudfront.range_start', f[31]);
    putNumber(attrs, 'aws.cloudfront.range_end', f[32]);
    return { timestamp, attributes: attrs };
  },
  samples: [
    {
      line: '2026-11-26\t10:11:12\tSEA19-C1\t2390\t192.0.2.200\tGET\td111111abcdef8.cloudfront.net\t/index.html\t200\t-\tMozilla/5.0%20(Windows%20NT%2010.0;%20Win64;%20x64)%20AppleWebKit/537.36\t-\t-\tHit\tSOX4xwn4XV6Q4rgb7XiVGOHms_BGlTAC4KyHmureZmBNrjGdRLiNIQ==\td111111abcdef8.cloudfront.net\thttps\t23\t0.001\t-\tTLSv1.3\tTLS_AES_128_GCM_SHA256\tHit\tHTTP/2.0\t-\t-\t11040\t0.001\tHit\ttext/html\t78\t-\t-',
      expect: {
        timestamp: Date.parse('2026-11-26T10:11:12Z'),
        attributes: {
          'cloud.provider': 'aws',
          'aws.cloudfront.edge_location': 'SEA19-C1',
          'http.response.bytes': 2390,
          'source.ip': '192.0.2.200',
          'source.port': 11040,
          'http.request.method': 'GET',
          'url.path': '/index.html',
          'http.response.status_code': 200,
          'user_agent.original': 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36',
          'aws.cloudfront.edge_result_type': 'Hit',
          'url.scheme': 'https',
          'event.duration': 1_000_000,
          'tls.cipher': 'TLS_AES_128_GCM_SHA256',
          'http.version': '2.0',
          'http.response.mime_type': 'text/html',
          'http.response.body.bytes': 78,
        },
      },
    },
    {
      line: '2026-11-26\t10:11:13\tFRA56-P4\t1045\t2001:db8:3333::4\tPOST\td222222abcdef8.cloudfront.net\t/api/checkout\t502\thttps://shop.example.com/cart\tokhttp/4.12.0\tstep=pay&retry=1\t-\tError\tk6WGMNkEzR5BEM_SaF47gjtX9zBDO2m349OY2an0QPEaUum1ZOLrow==\tshop.example.com\thttps\t812\t30.004\t198.51.100.7\tTLSv1.2\tECDHE-RSA-AES128-GCM-SHA256\tError\tHTTP/1.1\t-\t-\t443\t30.004\tOriginCommError\ttext/html\t507\t-\t-',
      expect: {
        timestamp: Date.parse('2026-11-26T10:11:13Z'),
        attributes: {
          'source.ip': '2001:db8:3333::4',
          'http.request.method': 'POST',
          'url.original': '/api/checkout?step=pay&retry=1',
          'http.response.status_code': 502,
          'http.request.referrer': 'https://shop.example.com/cart',
          'url.domain': 'shop.example.com',
          'client.ip': '198.51.100.7',
          'aws.cloudfront.edge_detailed_result_type': 'OriginCommError',
          'event.duration': 30_004_000_000,
        },
      },
    },
    {
      line: '#Fields: date time x-edge-location sc-bytes c-ip cs-method cs(Host) cs-uri-stem sc-status cs(Referer) cs(User-Agent) cs-uri-query cs(Cookie) x-edge-result-type x-edge-request-id x-host-header cs-protocol cs-bytes time-taken x-forwarded-for ssl-protocol ssl-cipher x-edge-response-result-type cs-protocol-version fle-status fle-encrypted-fields c-port time-to-first-byte x-edge-detailed-result-type sc-content-type sc-content-len sc-range-start sc-range-end',
      expect: { attributes: { 'w3c.directive': 'Fields' } },
    },
    {
      line: '#Version: 1.0',
      expect: { attributes: { 'w3c.directive': 'Version', 'w3c.directive_value': '1.0' } },
    },
  ],
};

function parseDirective(line: string): ParsedFields | null {
  const colon = line.indexOf(': ');
  if (colon === -1) return null;
  return {
    attributes: {
      'w3c.directive': line.slice(1, colon),
      'w3c.directive_value': line.slice(colon + 2).trim(),
    },
  };
}

/** CloudFront URL-encodes the user agent; a malformed escape keeps the raw text. */
function decode(v: string | undefined): string | undefined {
  if (v === undefined || v.indexOf('%') === -1) return v;
  try {
    return decodeURIComponent(v);
  } catch {
    return v;
  }
}
