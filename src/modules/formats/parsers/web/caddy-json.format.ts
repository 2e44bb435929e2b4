import type { JsonFormat, ParsedAttributes } from '../../log-format';
import { parseTimestamp } from '../../normalize/timestamp';
import { putAddress, putUrl, secondsToNanos } from './access-fields';
import { headerValue, num, obj, putFlat, putNum, putStr, str } from './json-fields';

/**
 * Caddy's JSON access log (logger `http.log.access[.name]`): level, ts (epoch seconds or an
 * ISO string with a custom time_format), msg, request{remote_ip, method, host, uri, headers},
 * status, size, duration in seconds.
 */
export const CADDY_JSON_FORMAT: JsonFormat = {
  name: 'caddy-json',
  family: 'web',
  kind: 'json',
  description: 'Caddy JSON access log (logger http.log.access)',
  priority: 20,
  detect(doc) {
    const logger = doc.logger;
    return (
      typeof logger === 'string' &&
      logger.startsWith('http.log.access') &&
      typeof doc.request === 'object' &&
      doc.request !== null
    );
  },
  parse(doc) {
    const request = obj(doc, 'request');
    if (request === undefined) return null;
    const attrs: ParsedAttributes = {};
    putStr(attrs, 'log.logger', str(doc, 'logger'));
    const remote = str(request, 'remote_ip');
    if (remote !== undefined) putAddress(attrs, 'source', remote);
    putNum(attrs, 'source.port', num(request, 'remote_port'));
    putStr(attrs, 'client.ip', str(request, 'client_ip'));
    putStr(attrs, 'http.request.method', str(request, 'method'));
    putStr(attrs, 'url.domain', str(request, 'host'));
    putUrl(attrs, str(request, 'uri'));
    const proto = str(request, 'proto');
    if (proto?.startsWith('HTTP/')) attrs['http.version'] = proto.slice(5);
    const headers = obj(request, 'headers');
    putStr(attrs, 'user_agent.original', headerValue(headers, 'User-Agent'));
    putStr(attrs, 'http.request.referrer', headerValue(headers, 'Referer'));
    putStr(attrs, 'http.request.forwarded_for', headerValue(headers, 'X-Forwarded-For'));
    const tls = obj(request, 'tls');
    if (tls !== undefined) {
      putStr(attrs, 'tls.client.server_name', str(tls, 'server_name'));
      putNum(attrs, 'caddy.tls.version', num(tls, 'version'));
      putNum(attrs, 'caddy.tls.cipher_suite', num(tls, 'cipher_suite'));
      putStr(attrs, 'tls.next_protocol', str(tls, 'proto'));
    }
    putNum(attrs, 'http.response.status_code', num(doc, 'status'));
    putNum(attrs, 'http.response.body.bytes', num(doc, 'size'));
    putNum(attrs, 'http.request.body.bytes', num(doc, 'bytes_read'));
    const duration = num(doc, 'duration');
    if (duration !== undefined) attrs['event.duration'] = secondsToNanos(duration);
    putStr(attrs, 'user.name', str(doc, 'user_id'));
    putStr(attrs, 'http.response.mime_type', headerValue(obj(doc, 'resp_headers'), 'Content-Type'));
    putFlat(attrs, 'caddy.err_id', doc.err_id);
    putFlat(attrs, 'error.message', doc.err_trace);
    const timestamp = parseTimestamp(doc.ts);
    const level = str(doc, 'level');
    const message = str(doc, 'msg');
    return {
      ...(timestamp === null ? {} : { timestamp }),
      ...(level === undefined ? {} : { level }),
      ...(message === undefined ? {} : { message }),
      attributes: attrs,
    };
  },
  samples: [
    {
      line: '{"level":"info","ts":1795687872.1234567,"logger":"http.log.access.log0","msg":"handled request","request":{"remote_ip":"1.2.3.4","remote_port":"51514","client_ip":"1.2.3.4","proto":"HTTP/2.0","method":"GET","host":"example.com","uri":"/blog/?page=2","headers":{"User-Agent":["Mozilla/5.0 (Macintosh; Intel Mac OS X 14_6)"],"Accept":["text/html"]},"tls":{"resumed":false,"version":772,"cipher_suite":4865,"proto":"h2","server_name":"example.com"}},"bytes_read":0,"user_id":"","duration":0.001864301,"size":6210,"status":200,"resp_headers":{"Server":["Caddy"],"Content-Type":["text/html; charset=utf-8"]}}',
      expect: {
        timestamp: 1795687872123,
        level: 'info',
        message: 'handled request',
        attributes: {
          'log.logger': 'http.log.access.log0',
          'source.ip': '1.2.3.4',
          'source.port': 51514,
          'http.request.method': 'GET',
          'url.domain': 'example.com',
          'url.path': '/blog/',
          'url.query': 'page=2',
          'http.version': '2.0',
          'user_agent.original': 'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_6)',
          'tls.client.server_name': 'example.com',
          'http.response.status_code': 200,
          'http.response.body.bytes': 6210,
          'event.duration': 1_864_301,
          'http.response.mime_type': 'text/html; charset=utf-8',
        },
      },
    },
    {
      line: '{"level":"error","ts":1795687873.5,"logger":"http.log.access","msg":"handled request","request":{"remote_ip":"2001:db8::9","remote_port":"40022","client_ip":"2001:db8::9","proto":"HTTP/1.1","method":"POST","host":"api.example.com","uri":"/v1/upload","headers":{"Content-Type":["multipart/form-data"],"User-Agent":["python-requests/2.32.3"]}},"bytes_read":1048576,"user_id":"","duration":30.000412,"size":0,"status":502,"resp_headers":{"Server":["Caddy"]},"err_id":"w2mxk3b1f","err_trace":"reverseproxy.statusError (reverseproxy.go:1269)"}',
      expect: {
        timestamp: 1795687873500,
        level: 'error',
        attributes: {
          'source.ip': '2001:db8::9',
          'http.request.method': 'POST',
          'http.request.body.bytes': 1048576,
          'http.response.status_code': 502,
          'event.duration': 30_000_412_000,
          'caddy.err_id': 'w2mxk3b1f',
          'error.message': 'reverseproxy.statusError (reverseproxy.go:1269)',
        },
      },
    },
    {
      line: '{"level":"info","ts":"2026-11-26T10:11:14.250Z","logger":"http.log.access.shop","msg":"handled request","request":{"remote_ip":"10.0.0.5","remote_port":"33000","client_ip":"198.51.100.70","proto":"HTTP/1.1","method":"GET","host":"shop.example.com","uri":"/cart","headers":{"Referer":["https://shop.example.com/"],"User-Agent":["curl/8.5.0"],"X-Forwarded-For":["198.51.100.70"]}},"bytes_read":0,"user_id":"alice","duration":0.0031,"size":512,"status":304,"resp_headers":{}}',
      expect: {
        timestamp: Date.parse('2026-11-26T10:11:14.250Z'),
        attributes: {
          'client.ip': '198.51.100.70',
          'http.request.referrer': 'https://shop.example.com/',
          'user.name': 'alice',
          'http.response.status_code': 304,
        },
      },
    },
  ],
};
