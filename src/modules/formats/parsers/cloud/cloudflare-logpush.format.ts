import type { JsonFormat, ParsedAttributes } from '../../log-format';
import { parseTimestamp } from '../../normalize/timestamp';
import { isIp, putUrl } from '../web/access-fields';
import { num, putNum, putRest, putStr, str } from '../web/json-fields';

const KNOWN = new Set([
  'EdgeStartTimestamp',
  'EdgeEndTimestamp',
  'ClientIP',
  'ClientSrcPort',
  'ClientRequestMethod',
  'ClientRequestHost',
  'ClientRequestURI',
  'ClientRequestPath',
  'ClientRequestProtocol',
  'ClientRequestScheme',
  'ClientRequestUserAgent',
  'ClientRequestReferer',
  'ClientRequestBytes',
  'ClientCountry',
  'EdgeResponseStatus',
  'EdgeResponseBytes',
  'EdgeResponseContentType',
  'OriginIP',
  'OriginResponseStatus',
  'RayID',
]);

/**
 * Cloudflare Logpush, HTTP requests dataset: PascalCase fields, EdgeStartTimestamp as
 * RFC 3339 or a Unix epoch in seconds, milliseconds or nanoseconds (the `timestamp_format`).
 */
export const CLOUDFLARE_LOGPUSH_FORMAT: JsonFormat = {
  name: 'cloudflare-logpush',
  family: 'cloud',
  kind: 'json',
  description:
    'Cloudflare Logpush HTTP requests (RayID, EdgeStartTimestamp, ClientIP, EdgeResponseStatus...)',
  priority: 20,
  detect: (doc) =>
    typeof doc.RayID === 'string' &&
    (doc.EdgeStartTimestamp !== undefined ||
      doc.ClientRequestHost !== undefined ||
      doc.EdgeResponseStatus !== undefined),
  parse(doc) {
    const attrs: ParsedAttributes = { 'cloud.provider': 'cloudflare' };
    putStr(attrs, 'cloudflare.ray_id', str(doc, 'RayID'));
    const ip = str(doc, 'ClientIP');
    if (ip !== undefined) attrs[isIp(ip) ? 'source.ip' : 'source.address'] = ip;
    putNum(attrs, 'source.port', num(doc, 'ClientSrcPort'));
    const country = str(doc, 'ClientCountry');
    if (country !== undefined) attrs['source.geo.country_iso_code'] = country.toUpperCase();
    putStr(attrs, 'http.request.method', str(doc, 'ClientRequestMethod'));
    putUrl(attrs, str(doc, 'ClientRequestURI') ?? str(doc, 'ClientRequestPath'));
    putStr(attrs, 'url.domain', str(doc, 'ClientRequestHost'));
    putStr(attrs, 'url.scheme', str(doc, 'ClientRequestScheme'));
    const protocol = str(doc, 'ClientRequestProtocol');
    if (protocol?.startsWith('HTTP/') === true) attrs['http.version'] = protocol.slice(5);
    putStr(attrs, 'user_agent.original', str(doc, 'ClientRequestUserAgent'));
    putStr(attrs, 'http.request.referrer', str(doc, 'ClientRequestReferer'));
    putNum(attrs, 'http.request.bytes', num(doc, 'ClientRequestBytes'));
    putNum(attrs, 'http.response.status_code', num(doc, 'EdgeResponseStatus'));
    putNum(attrs, 'http.response.bytes', num(doc, 'EdgeResponseBytes'));
    putStr(attrs, 'http.response.mime_type', str(doc, 'EdgeResponseContentType'));
    putStr(attrs, 'destination.ip', str(doc, 'OriginIP'));
    putNum(attrs, 'cloudflare.origin_response_status', num(doc, 'OriginResponseStatus'));
    putRest(attrs, 'cloudflare.', doc, KNOWN);
    const start = edgeTime(doc.EdgeStartTimestamp);
    const end = edgeTime(doc.EdgeEndTimestamp);
    if (start !== null && end !== null && end >= start) {
      attrs['event.duration'] = (end - start) * 1e6;
    }
    return { ...(start === null ? {} : { timestamp: start }), attributes: attrs };
  },
  samples: [
    {
      line: '{"ClientIP":"198.51.100.27","ClientRequestHost":"shop.example.com","ClientRequestMethod":"GET","ClientRequestURI":"/products/42?ref=home","ClientRequestProtocol":"HTTP/2","ClientRequestUserAgent":"Mozilla/5.0 (X11; Linux x86_64)","ClientCountry":"de","EdgeEndTimestamp":1795687872187000000,"EdgeResponseBytes":18231,"EdgeResponseStatus":200,"EdgeStartTimestamp":1795687872123000000,"CacheCacheStatus":"hit","RayID":"8e6f2a9c1b3d4e5f"}',
      expect: {
        timestamp: Date.parse('2026-11-26T10:11:12.123Z'),
        attributes: {
          'cloud.provider': 'cloudflare',
          'cloudflare.ray_id': '8e6f2a9c1b3d4e5f',
          'source.ip': '198.51.100.27',
          'source.geo.country_iso_code': 'DE',
          'http.request.method': 'GET',
          'url.domain': 'shop.example.com',
          'url.path': '/products/42',
          'url.query': 'ref=home',
          'http.version': '2',
          'http.response.status_code': 200,
          'http.response.bytes': 18231,
          'event.duration': 64_000_000,
          'cloudflare.CacheCacheStatus': 'hit',
        },
      },
    },
    {
      line: '{"ClientIP":"2001:db8:1f::3","ClientSrcPort":51234,"ClientRequestHost":"api.example.com","ClientRequestMethod":"POST","ClientRequestURI":"/v1/login","ClientRequestReferer":"https://app.example.com/","ClientRequestUserAgent":"python-requests/2.32.3","EdgeStartTimestamp":"2026-11-26T10:11:13Z","EdgeEndTimestamp":"2026-11-26T10:11:13Z","EdgeResponseStatus":403,"OriginResponseStatus":0,"SecurityAction":"block","SecurityRuleID":"efb7b8c949ac4650a09736fc376e9aee","WAFAttackScore":12,"RayID":"8e6f2a9c1b3d4e60"}',
      expect: {
        timestamp: Date.parse('2026-11-26T10:11:13Z'),
        attributes: {
          'source.ip': '2001:db8:1f::3',
          'source.port': 51234,
          'http.response.status_code': 403,
          'http.request.referrer': 'https://app.example.com/',
          'cloudflare.SecurityAction': 'block',
          'cloudflare.WAFAttackScore': 12,
        },
      },
    },
    {
      line: '{"ClientIP":"203.0.113.9","ClientRequestHost":"cdn.example.com","ClientRequestMethod":"GET","ClientRequestURI":"/img/logo.svg","EdgeStartTimestamp":1795687874,"EdgeEndTimestamp":1795687874,"EdgeResponseStatus":304,"EdgeResponseBytes":0,"CacheCacheStatus":"revalidated","RayID":"8e6f2a9c1b3d4e61"}',
      expect: {
        timestamp: Date.parse('2026-11-26T10:11:14Z'),
        attributes: { 'http.response.status_code': 304, 'event.duration': 0 },
      },
    },
  ],
};

function edgeTime(value: unknown): number | null {
  return value === undefined ? null : parseTimestamp(value);
}
