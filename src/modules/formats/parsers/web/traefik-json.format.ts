import type { JsonFormat, ParsedAttributes } from '../../log-format';
import { parseTimestamp } from '../../normalize/timestamp';
import { putAddress, putUrl } from './access-fields';
import { num, putNum, putRest, putStr, str } from './json-fields';

const KNOWN = new Set([
  'ClientAddr',
  'ClientHost',
  'ClientPort',
  'ClientUsername',
  'DownstreamContentSize',
  'DownstreamStatus',
  'Duration',
  'RequestAddr',
  'RequestContentSize',
  'RequestCount',
  'RequestHost',
  'RequestMethod',
  'RequestPath',
  'RequestPort',
  'RequestProtocol',
  'RequestScheme',
  'RouterName',
  'ServiceName',
  'ServiceURL',
  'ServiceAddr',
  'StartUTC',
  'StartLocal',
  'entryPointName',
  'level',
  'msg',
  'time',
  'request_User-Agent',
  'request_Referer',
  'request_X-Forwarded-For',
]);

/** Traefik's JSON access log (`accessLog.format: json`): PascalCase fields, Duration in ns. */
export const TRAEFIK_JSON_FORMAT: JsonFormat = {
  name: 'traefik-json',
  family: 'web',
  kind: 'json',
  description:
    'Traefik JSON access log (ClientHost, RequestMethod, DownstreamStatus, RouterName, Duration ns)',
  priority: 20,
  detect: (doc) =>
    typeof doc.RequestMethod === 'string' &&
    typeof doc.DownstreamStatus === 'number' &&
    (typeof doc.StartUTC === 'string' || typeof doc.RouterName === 'string'),
  parse(doc) {
    const attrs: ParsedAttributes = {};
    const host = str(doc, 'ClientHost');
    if (host !== undefined) putAddress(attrs, 'source', host);
    putNum(attrs, 'source.port', num(doc, 'ClientPort'));
    putStr(attrs, 'user.name', str(doc, 'ClientUsername'));
    putStr(attrs, 'http.request.method', str(doc, 'RequestMethod'));
    putStr(attrs, 'url.domain', str(doc, 'RequestHost'));
    putUrl(attrs, str(doc, 'RequestPath'));
    putNum(attrs, 'url.port', num(doc, 'RequestPort'));
    putStr(attrs, 'url.scheme', str(doc, 'RequestScheme'));
    const proto = str(doc, 'RequestProtocol');
    if (proto?.startsWith('HTTP/')) attrs['http.version'] = proto.slice(5);
    putNum(attrs, 'http.request.body.bytes', num(doc, 'RequestContentSize'));
    putNum(attrs, 'http.response.status_code', num(doc, 'DownstreamStatus'));
    putNum(attrs, 'http.response.body.bytes', num(doc, 'DownstreamContentSize'));
    putNum(attrs, 'event.duration', num(doc, 'Duration'));
    putNum(attrs, 'traefik.request_count', num(doc, 'RequestCount'));
    putStr(attrs, 'traefik.router_name', str(doc, 'RouterName'));
    putStr(attrs, 'traefik.service_name', str(doc, 'ServiceName'));
    putStr(attrs, 'traefik.service_url', str(doc, 'ServiceURL'));
    putStr(attrs, 'traefik.service_address', str(doc, 'ServiceAddr'));
    putStr(attrs, 'traefik.entry_point', str(doc, 'entryPointName'));
    putStr(attrs, 'user_agent.original', str(doc, 'request_User-Agent'));
    putStr(attrs, 'http.request.referrer', str(doc, 'request_Referer'));
    putStr(attrs, 'http.request.forwarded_for', str(doc, 'request_X-Forwarded-For'));
    putRest(attrs, 'traefik.', doc, KNOWN);
    const timestamp = parseTimestamp(doc.StartUTC ?? doc.time);
    const level = str(doc, 'level');
    return {
      ...(timestamp === null ? {} : { timestamp }),
      ...(level === undefined ? {} : { level }),
      attributes: attrs,
    };
  },
  samples: [
    {
      line: '{"ClientAddr":"10.42.0.1:52344","ClientHost":"10.42.0.1","ClientPort":"52344","ClientUsername":"-","DownstreamContentSize":1543,"DownstreamStatus":200,"Duration":12345678,"OriginContentSize":1543,"OriginDuration":11000000,"OriginStatus":200,"Overhead":1345678,"RequestAddr":"api.example.com","RequestContentSize":0,"RequestCount":18334,"RequestHost":"api.example.com","RequestMethod":"GET","RequestPath":"/api/users/42?expand=roles","RequestPort":"-","RequestProtocol":"HTTP/1.1","RequestScheme":"https","RetryAttempts":0,"RouterName":"api@kubernetescrd","ServiceAddr":"10.42.1.17:8080","ServiceName":"api@kubernetescrd","ServiceURL":"http://10.42.1.17:8080","StartLocal":"2026-11-26T10:11:12.000000000Z","StartUTC":"2026-11-26T10:11:12.000000000Z","entryPointName":"websecure","level":"info","msg":"","time":"2026-11-26T10:11:12Z"}',
      expect: {
        timestamp: Date.parse('2026-11-26T10:11:12Z'),
        level: 'info',
        attributes: {
          'source.ip': '10.42.0.1',
          'source.port': 52344,
          'http.request.method': 'GET',
          'url.path': '/api/users/42',
          'url.query': 'expand=roles',
          'url.domain': 'api.example.com',
          'http.version': '1.1',
          'http.response.status_code': 200,
          'http.response.body.bytes': 1543,
          'event.duration': 12345678,
          'traefik.router_name': 'api@kubernetescrd',
          'traefik.entry_point': 'websecure',
          'traefik.OriginStatus': 200,
          'traefik.RetryAttempts': 0,
        },
      },
    },
    {
      line: '{"ClientAddr":"[2001:db8::44]:40112","ClientHost":"2001:db8::44","ClientPort":"40112","DownstreamContentSize":21,"DownstreamStatus":502,"Duration":30004000000,"RequestHost":"files.example.com","RequestMethod":"POST","RequestPath":"/upload","RequestProtocol":"HTTP/2.0","RouterName":"files-router@docker","ServiceURL":"http://172.18.0.5:9000","StartUTC":"2026-11-26T10:11:13.120Z","request_User-Agent":"Mozilla/5.0 (Windows NT 10.0; Win64; x64)","level":"info","msg":"","time":"2026-11-26T10:11:43Z"}',
      expect: {
        timestamp: Date.parse('2026-11-26T10:11:13.120Z'),
        attributes: {
          'source.ip': '2001:db8::44',
          'http.response.status_code': 502,
          'event.duration': 30_004_000_000,
          'user_agent.original': 'Mozilla/5.0 (Windows NT 10.0; Win64; x64)',
        },
      },
    },
    {
      line: '{"ClientHost":"192.168.1.20","DownstreamContentSize":19,"DownstreamStatus":404,"Duration":98000,"RequestMethod":"GET","RequestPath":"/favicon.ico","RouterName":"","StartUTC":"2026-11-26T10:11:14.500Z","level":"info","msg":"","time":"2026-11-26T10:11:14Z"}',
      expect: {
        timestamp: Date.parse('2026-11-26T10:11:14.500Z'),
        attributes: { 'http.response.status_code': 404, 'url.path': '/favicon.ico' },
      },
    },
  ],
};
