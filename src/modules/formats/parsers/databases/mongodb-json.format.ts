import type { JsonFormat, ParsedAttributes, ParsedFields } from '../../log-format';
import { parseTimestamp } from '../../normalize/timestamp';
import { toJsonText } from '../../normalize/flatten';
import { type JsonDoc, num, obj, putFlattened, str } from '../runtimes/json-fields';

const LEVELS: Readonly<Record<string, string>> = {
  F: 'fatal',
  E: 'error',
  W: 'warn',
  I: 'info',
  D1: 'debug',
  D2: 'debug',
  D3: 'debug',
  D4: 'debug',
  D5: 'debug',
};
// Whole commands would explode into hundreds of attributes: they are kept as JSON text.
const OPAQUE = new Set(['command', 'originatingCommand', 'cursor', 'doc', 'filter']);
const KNOWN = new Set([
  't',
  's',
  'c',
  'id',
  'ctx',
  'svc',
  'msg',
  'attr',
  'tags',
  'truncated',
  'size',
]);

export const mongodbJsonFormat: JsonFormat = {
  name: 'mongodb-json',
  family: 'databases',
  kind: 'json',
  description:
    'MongoDB 4.4+ structured log: `t.$date`, severity `s`, component `c`, `id`, `ctx`, `msg`, `attr`',
  priority: 6,
  samples: [
    {
      line: '{"t":{"$date":"2026-11-26T10:11:12.123+00:00"},"s":"I","c":"NETWORK","id":22943,"ctx":"listener","msg":"Connection accepted","attr":{"remote":"10.0.5.21:51234","uuid":{"uuid":{"$uuid":"0a8b3c8e-2f55-4a4e-9a5e-8e5b1e2a9c11"}},"connectionId":57,"connectionCount":12}}',
      expect: {
        timestamp: Date.parse('2026-11-26T10:11:12.123Z'),
        level: 'info',
        message: 'Connection accepted',
        attributes: {
          'mongodb.component': 'NETWORK',
          'mongodb.id': 22943,
          'mongodb.context': 'listener',
          'source.ip': '10.0.5.21',
          'source.port': 51234,
          'mongodb.attr.connectionId': 57,
        },
      },
    },
    {
      line: '{"t":{"$date":"2026-11-26T11:11:13.500+01:00"},"s":"I","c":"COMMAND","id":51803,"ctx":"conn57","msg":"Slow query","attr":{"type":"command","ns":"shop.orders","command":{"find":"orders","filter":{"status":"open"},"$db":"shop"},"planSummary":"COLLSCAN","keysExamined":0,"docsExamined":481233,"nreturned":17,"durationMillis":812}}',
      expect: {
        timestamp: Date.parse('2026-11-26T10:11:13.500Z'),
        level: 'info',
        message: 'Slow query',
        attributes: {
          'mongodb.component': 'COMMAND',
          'mongodb.context': 'conn57',
          'mongodb.attr.ns': 'shop.orders',
          'mongodb.attr.planSummary': 'COLLSCAN',
          'mongodb.attr.docsExamined': 481233,
          'mongodb.attr.command': '{"find":"orders","filter":{"status":"open"},"$db":"shop"}',
          'event.duration': 812_000_000,
        },
      },
    },
    {
      line: '{"t":{"$date":"2026-11-26T10:11:14.002Z"},"s":"E","c":"REPL","id":21426,"ctx":"BackgroundSync","msg":"Error while fetching oplog","attr":{"error":{"code":6,"codeName":"HostUnreachable","errmsg":"Connection refused"}}}',
      expect: {
        level: 'error',
        attributes: {
          'mongodb.component': 'REPL',
          'error.code': 'HostUnreachable',
          'error.message': 'Connection refused',
        },
      },
    },
    {
      line: '{"t":{"$date":"2026-11-26T10:11:15.700+00:00"},"s":"D2","c":"QUERY","id":20967,"ctx":"conn9","msg":"Beginning planning","attr":{"options":"INDEX_INTERSECTION "}}',
      expect: { level: 'debug', attributes: { 'mongodb.component': 'QUERY' } },
    },
  ],

  detect(doc: JsonDoc): boolean {
    const t = doc.t;
    return (
      typeof t === 'object' &&
      t !== null &&
      '$date' in t &&
      typeof doc.s === 'string' &&
      typeof doc.c === 'string' &&
      typeof doc.msg === 'string'
    );
  },

  parse(doc: JsonDoc): ParsedFields | null {
    const severity = str(doc, 's');
    if (severity === undefined) return null;
    const attributes: ParsedAttributes = {};
    const fields: ParsedFields = { level: LEVELS[severity] ?? severity, attributes };
    const ts = parseTimestamp(obj(doc, 't')?.$date);
    if (ts !== null) fields.timestamp = ts;
    const msg = str(doc, 'msg');
    if (msg !== undefined) fields.message = msg;
    const component = str(doc, 'c');
    if (component !== undefined) attributes['mongodb.component'] = component;
    const id = num(doc, 'id');
    if (id !== undefined) attributes['mongodb.id'] = id;
    const context = str(doc, 'ctx');
    if (context !== undefined) attributes['mongodb.context'] = context;
    const service = str(doc, 'svc');
    if (service !== undefined) attributes['mongodb.service'] = service;
    const tags = doc.tags;
    if (Array.isArray(tags)) attributes['tags'] = tags.join(',');
    for (const key in doc) if (!KNOWN.has(key)) putFlattened(attributes, key, doc[key]);
    const attr = obj(doc, 'attr');
    if (attr !== undefined) readAttr(attr, attributes);
    return fields;
  },
};

function readAttr(attr: JsonDoc, attributes: ParsedAttributes): void {
  for (const key in attr) {
    const value = attr[key];
    if (OPAQUE.has(key) && typeof value === 'object' && value !== null) {
      attributes[`mongodb.attr.${key}`] = toJsonText(value);
    } else {
      putFlattened(attributes, `mongodb.attr.${key}`, value);
    }
  }
  const duration = num(attr, 'durationMillis');
  if (duration !== undefined) attributes['event.duration'] = Math.round(duration * 1e6);
  const remote = str(attr, 'remote');
  if (remote !== undefined) {
    const colon = remote.lastIndexOf(':');
    const port = Number(remote.slice(colon + 1));
    if (colon > 0 && Number.isInteger(port)) {
      const host = remote.slice(0, colon);
      attributes['source.ip'] = host.startsWith('[') ? host.slice(1, -1) : host;
      attributes['source.port'] = port;
    }
  }
  const error = obj(attr, 'error');
  if (error !== undefined) {
    const code = str(error, 'codeName');
    if (code !== undefined) attributes['error.code'] = code;
    const message = str(error, 'errmsg');
    if (message !== undefined) attributes['error.message'] = message;
  }
}
