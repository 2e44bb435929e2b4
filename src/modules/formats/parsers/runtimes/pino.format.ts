import type { JsonFormat, ParsedAttributes, ParsedFields } from '../../log-format';
import { parseTimestamp } from '../../normalize/timestamp';
import { type JsonDoc, num, putRest } from './json-fields';
import { nodeLevelName, putNodeCommon } from './node-json';

const KNOWN = new Set([
  'level',
  'time',
  'msg',
  'pid',
  'hostname',
  'name',
  'v',
  'err',
  'req',
  'res',
  'responseTime',
]);

export const pinoFormat: JsonFormat = {
  name: 'pino',
  family: 'runtimes',
  kind: 'json',
  description:
    'Node.js pino: numeric `level` (10..60), `time` in epoch ms, `pid`, `hostname`, `msg`, `err`, pino-http `req`/`res`',
  priority: 5,
  samples: [
    {
      line: '{"level":30,"time":1795687872123,"pid":41,"hostname":"api-7d9f8c6b5-x2k4q","req":{"id":184,"method":"GET","url":"/v1/orders?limit=20","remoteAddress":"::ffff:10.1.4.22","remotePort":51514},"res":{"statusCode":200},"responseTime":37,"msg":"request completed"}',
      expect: {
        timestamp: 1795687872123,
        level: 'info',
        message: 'request completed',
        host: 'api-7d9f8c6b5-x2k4q',
        attributes: {
          'process.pid': 41,
          'http.request.method': 'GET',
          'url.original': '/v1/orders?limit=20',
          'client.ip': '10.1.4.22',
          'http.response.status_code': 200,
          'event.duration': 37_000_000,
          'req.id': 184,
        },
      },
    },
    {
      line: '{"level":50,"time":1795687873001,"pid":41,"hostname":"api-7d9f8c6b5-x2k4q","name":"orders","err":{"type":"TypeError","message":"Cannot read properties of undefined (reading \'sku\')","stack":"TypeError: Cannot read properties of undefined (reading \'sku\')\\n    at priceLine (/app/src/pricing.js:18:25)"},"orderId":"o-5521","msg":"pricing failed"}',
      expect: {
        level: 'error',
        service: 'orders',
        message: 'pricing failed',
        attributes: {
          'error.type': 'TypeError',
          'error.message': "Cannot read properties of undefined (reading 'sku')",
          orderId: 'o-5521',
        },
      },
    },
    {
      line: '{"level":20,"time":1795687874250,"pid":7,"hostname":"worker-1","msg":"cache warm","keys":1200,"v":1}',
      expect: {
        timestamp: 1795687874250,
        level: 'debug',
        message: 'cache warm',
        host: 'worker-1',
        attributes: { keys: 1200 },
      },
    },
  ],

  detect(doc: JsonDoc): boolean {
    const level = doc.level;
    return (
      typeof level === 'number' &&
      level >= 10 &&
      doc.v !== 0 &&
      // Epoch ms by default; `stdTimeFunctions.isoTime` writes a string, then demand pino's base.
      (typeof doc.time === 'number'
        ? typeof doc.msg === 'string' || typeof doc.pid === 'number'
        : typeof doc.time === 'string' && typeof doc.pid === 'number' && 'hostname' in doc)
    );
  },

  parse(doc: JsonDoc): ParsedFields | null {
    const level = num(doc, 'level');
    if (level === undefined) return null;
    const attributes: ParsedAttributes = {};
    const fields: ParsedFields = { level: nodeLevelName(level) ?? String(level), attributes };
    putNodeCommon(fields, attributes, doc);
    const ts = parseTimestamp(doc.time);
    if (ts !== null) fields.timestamp = ts;
    putRest(attributes, doc, KNOWN);
    return fields;
  },
};
