import type { JsonFormat, ParsedAttributes, ParsedFields } from '../../log-format';
import { parseTimestamp } from '../../normalize/timestamp';
import { type JsonDoc, num, obj, putRest, str } from './json-fields';
import { nodeLevelName, putNodeCommon } from './node-json';

const KNOWN = new Set([
  'v',
  'level',
  'name',
  'hostname',
  'pid',
  'time',
  'msg',
  'src',
  'err',
  'req',
  'res',
  'responseTime',
]);

export const bunyanFormat: JsonFormat = {
  name: 'bunyan',
  family: 'runtimes',
  kind: 'json',
  description:
    'Node.js bunyan: `v: 0`, numeric `level`, `name`, `hostname`, `pid`, ISO `time`, `msg`, `src`, `err`, `req`/`res`',
  priority: 6,
  samples: [
    {
      line: '{"name":"checkout","hostname":"web-03","pid":2231,"level":50,"err":{"message":"connect ECONNREFUSED 10.0.2.15:6379","name":"Error","stack":"Error: connect ECONNREFUSED 10.0.2.15:6379\\n    at TCPConnectWrap.afterConnect [as oncomplete] (node:net:1555:16)","code":"ECONNREFUSED"},"msg":"session store unavailable","time":"2026-11-26T10:11:12.123Z","v":0}',
      expect: {
        timestamp: Date.parse('2026-11-26T10:11:12.123Z'),
        level: 'error',
        service: 'checkout',
        host: 'web-03',
        message: 'session store unavailable',
        attributes: {
          'process.pid': 2231,
          'error.type': 'Error',
          'error.message': 'connect ECONNREFUSED 10.0.2.15:6379',
          'err.code': 'ECONNREFUSED',
        },
      },
    },
    {
      line: '{"name":"checkout","hostname":"web-03","pid":2231,"level":30,"req":{"method":"POST","url":"/cart/items","headers":{"host":"shop.acme.test","user-agent":"Mozilla/5.0 (X11; Linux x86_64)"},"remoteAddress":"2001:db8::42","remotePort":60211},"res":{"statusCode":201},"msg":"handled","time":"2026-11-26T10:11:13.045Z","v":0}',
      expect: {
        level: 'info',
        message: 'handled',
        attributes: {
          'http.request.method': 'POST',
          'url.original': '/cart/items',
          'client.ip': '2001:db8::42',
          'user_agent.original': 'Mozilla/5.0 (X11; Linux x86_64)',
          'http.response.status_code': 201,
        },
      },
    },
    {
      line: '{"name":"mailer","hostname":"jobs-1","pid":88,"level":40,"src":{"file":"/app/lib/smtp.js","line":64,"func":"send"},"attempt":3,"msg":"retrying delivery","time":"2026-11-26T10:11:14.900Z","v":0}',
      expect: {
        level: 'warn',
        service: 'mailer',
        attributes: {
          'log.origin.file.name': '/app/lib/smtp.js',
          'log.origin.file.line': 64,
          'log.origin.function': 'send',
          attempt: 3,
        },
      },
    },
  ],

  detect(doc: JsonDoc): boolean {
    return (
      doc.v === 0 &&
      typeof doc.level === 'number' &&
      typeof doc.name === 'string' &&
      typeof doc.time === 'string'
    );
  },

  parse(doc: JsonDoc): ParsedFields | null {
    const level = num(doc, 'level');
    if (level === undefined) return null;
    const attributes: ParsedAttributes = {};
    const fields: ParsedFields = { level: nodeLevelName(level) ?? String(level), attributes };
    putNodeCommon(fields, attributes, doc);
    const ts = parseTimestamp(str(doc, 'time'));
    if (ts !== null) fields.timestamp = ts;
    const src = obj(doc, 'src');
    if (src !== undefined) {
      const file = str(src, 'file');
      if (file !== undefined) attributes['log.origin.file.name'] = file;
      const line = num(src, 'line');
      if (line !== undefined) attributes['log.origin.file.line'] = line;
      const func = str(src, 'func');
      if (func !== undefined) attributes['log.origin.function'] = func;
    }
    putRest(attributes, doc, KNOWN);
    return fields;
  },
};
