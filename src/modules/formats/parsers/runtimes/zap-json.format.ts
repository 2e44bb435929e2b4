import type { JsonFormat, ParsedAttributes, ParsedFields } from '../../log-format';
import { parseTimestamp } from '../../normalize/timestamp';
import { type JsonDoc, putCaller, putRest, str } from './json-fields';

const KNOWN = new Set(['level', 'ts', 'msg', 'caller', 'logger', 'stacktrace', 'error']);
const LEVELS = new Set(['debug', 'info', 'warn', 'error', 'dpanic', 'panic', 'fatal']);

export const zapJsonFormat: JsonFormat = {
  name: 'zap-json',
  family: 'runtimes',
  kind: 'json',
  description:
    'Go zap production JSON: `level`, `ts` (epoch seconds), `caller`, `logger`, `msg`, `stacktrace` and fields',
  priority: 5,
  samples: [
    {
      line: '{"level":"error","ts":1795687872.1234567,"caller":"ingest/batch.go:212","msg":"flush failed","batch":1893,"rows":500,"error":"pq: deadlock detected","stacktrace":"github.com/acme/ingest.(*Batcher).flush\\n\\t/src/ingest/batch.go:212\\ngithub.com/acme/ingest.(*Batcher).Run\\n\\t/src/ingest/batch.go:97"}',
      expect: {
        timestamp: 1795687872123,
        level: 'error',
        message: 'flush failed',
        attributes: {
          'log.origin.file.name': 'ingest/batch.go',
          'log.origin.file.line': 212,
          'error.message': 'pq: deadlock detected',
          'error.stack_trace':
            'github.com/acme/ingest.(*Batcher).flush\n\t/src/ingest/batch.go:212\ngithub.com/acme/ingest.(*Batcher).Run\n\t/src/ingest/batch.go:97',
          batch: 1893,
          rows: 500,
        },
      },
    },
    {
      line: '{"level":"info","ts":1795687873.5,"logger":"grpc","caller":"server/grpc.go:66","msg":"serving","addr":"[::]:9090","reflection":false}',
      expect: {
        timestamp: 1795687873500,
        level: 'info',
        message: 'serving',
        attributes: { 'log.logger': 'grpc', addr: '[::]:9090', reflection: false },
      },
    },
    {
      line: '{"level":"warn","ts":"2026-11-26T10:11:14.250Z","msg":"slow upstream","upstream":{"host":"10.0.3.9","port":8081},"latency":"1.532s"}',
      expect: {
        timestamp: Date.parse('2026-11-26T10:11:14.250Z'),
        level: 'warn',
        message: 'slow upstream',
        attributes: { 'upstream.host': '10.0.3.9', 'upstream.port': 8081, latency: '1.532s' },
      },
    },
  ],

  detect(doc: JsonDoc): boolean {
    const level = doc.level;
    const ts = doc.ts;
    return (
      typeof level === 'string' &&
      LEVELS.has(level.toLowerCase()) &&
      (typeof ts === 'number' || typeof ts === 'string') &&
      typeof doc.msg === 'string'
    );
  },

  parse(doc: JsonDoc): ParsedFields | null {
    const level = str(doc, 'level');
    if (level === undefined) return null;
    const attributes: ParsedAttributes = {};
    const fields: ParsedFields = { level, attributes };
    const msg = str(doc, 'msg');
    if (msg !== undefined) fields.message = msg;
    const ts = parseTimestamp(doc.ts);
    if (ts !== null) fields.timestamp = ts;
    const caller = str(doc, 'caller');
    if (caller !== undefined) putCaller(attributes, caller);
    const logger = str(doc, 'logger');
    if (logger !== undefined) attributes['log.logger'] = logger;
    const stack = str(doc, 'stacktrace');
    if (stack !== undefined) attributes['error.stack_trace'] = stack;
    const error = str(doc, 'error');
    if (error !== undefined) attributes['error.message'] = error;
    putRest(attributes, doc, KNOWN);
    return fields;
  },
};
