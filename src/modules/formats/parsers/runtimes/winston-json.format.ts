import type { JsonFormat, ParsedAttributes, ParsedFields } from '../../log-format';
import { parseTimestamp } from '../../normalize/timestamp';
import { type JsonDoc, putRest, str } from './json-fields';

const KNOWN = new Set(['level', 'message', 'timestamp', 'service', 'stack', 'label']);
// winston's npm levels and its syslog levels.
const LEVELS = new Set([
  'error',
  'warn',
  'info',
  'http',
  'verbose',
  'debug',
  'silly',
  'emerg',
  'alert',
  'crit',
  'warning',
  'notice',
]);

export const winstonJsonFormat: JsonFormat = {
  name: 'winston-json',
  family: 'runtimes',
  kind: 'json',
  description:
    'Node.js winston `format.json()`: lower-case npm/syslog `level`, `message`, optional `timestamp`, meta fields',
  // `level` + `message` is a common pair: specific JSON formats (pino, bunyan, ECS) go first.
  priority: 1,
  samples: [
    {
      line: '{"level":"error","message":"Unhandled rejection: connect ETIMEDOUT 10.0.7.3:5432","service":"billing-api","stack":"Error: connect ETIMEDOUT 10.0.7.3:5432\\n    at TCPConnectWrap.afterConnect [as oncomplete] (node:net:1555:16)","timestamp":"2026-11-26T10:11:12.123Z"}',
      expect: {
        timestamp: Date.parse('2026-11-26T10:11:12.123Z'),
        level: 'error',
        service: 'billing-api',
        message: 'Unhandled rejection: connect ETIMEDOUT 10.0.7.3:5432',
        attributes: {
          'error.stack_trace':
            'Error: connect ETIMEDOUT 10.0.7.3:5432\n    at TCPConnectWrap.afterConnect [as oncomplete] (node:net:1555:16)',
          'error.type': 'Error',
        },
      },
    },
    {
      line: '{"level":"http","message":"GET /healthz 200 2ms","method":"GET","url":"/healthz","status":200,"timestamp":"2026-11-26T10:11:13.020Z"}',
      expect: {
        level: 'info',
        message: 'GET /healthz 200 2ms',
        attributes: { method: 'GET', url: '/healthz', status: 200 },
      },
    },
    {
      line: '{"message":"feature flag \\"new-checkout\\" enabled for 5% of tenants","level":"info","label":"flags","tenants":{"total":412,"enabled":21}}',
      expect: {
        level: 'info',
        message: 'feature flag "new-checkout" enabled for 5% of tenants',
        attributes: { 'log.logger': 'flags', 'tenants.total': 412, 'tenants.enabled': 21 },
      },
    },
  ],

  detect(doc: JsonDoc): boolean {
    const level = doc.level;
    return (
      typeof level === 'string' &&
      LEVELS.has(level) &&
      typeof doc.message === 'string' &&
      !('msg' in doc) &&
      // Another logger's time key: the generic JSON format reads those.
      !('@timestamp' in doc) &&
      !('time' in doc) &&
      !('ts' in doc)
    );
  },

  parse(doc: JsonDoc): ParsedFields | null {
    const level = str(doc, 'level');
    if (level === undefined) return null;
    const attributes: ParsedAttributes = {};
    // `http` sits between info and verbose in winston's npm levels.
    const fields: ParsedFields = { level: level === 'http' ? 'info' : level, attributes };
    const message = str(doc, 'message');
    if (message !== undefined) fields.message = message;
    const ts = parseTimestamp(doc.timestamp);
    if (ts !== null) fields.timestamp = ts;
    const service = str(doc, 'service');
    if (service !== undefined) fields.service = service;
    const label = str(doc, 'label');
    if (label !== undefined) attributes['log.logger'] = label;
    const stack = str(doc, 'stack');
    if (stack !== undefined) {
      attributes['error.stack_trace'] = stack;
      const m = /^([A-Za-z_$][\w$.]{0,100}):/.exec(stack);
      if (m !== null) attributes['error.type'] = m[1] as string;
    }
    putRest(attributes, doc, KNOWN);
    return fields;
  },
};
