import type { JsonFormat, ParsedAttributes, ParsedFields } from '../../log-format';
import { parseTimestamp } from '../../normalize/timestamp';
import { type JsonDoc, putCaller, putRest, str } from './json-fields';

const KNOWN = new Set(['level', 'msg', 'time', 'error', 'func', 'file']);
// logrus writes its levels in lower case; slog's JSON handler writes INFO, which keeps them apart.
const LEVELS = new Set(['panic', 'fatal', 'error', 'warning', 'info', 'debug', 'trace']);

export const logrusJsonFormat: JsonFormat = {
  name: 'logrus-json',
  family: 'runtimes',
  kind: 'json',
  description:
    'Go logrus JSONFormatter: `level`, `msg`, `time` (RFC 3339), fields, `func`/`file` with ReportCaller',
  priority: 4,
  samples: [
    {
      line: '{"level":"error","msg":"registry push failed","time":"2026-11-26T10:11:12+01:00","error":"unexpected status 503 Service Unavailable","image":"acme/api:1.42.0","attempt":2}',
      expect: {
        timestamp: Date.parse('2026-11-26T09:11:12Z'),
        level: 'error',
        message: 'registry push failed',
        attributes: {
          'error.message': 'unexpected status 503 Service Unavailable',
          image: 'acme/api:1.42.0',
          attempt: 2,
        },
      },
    },
    {
      line: '{"file":"/go/src/github.com/acme/agent/main.go:77","func":"main.main","level":"info","msg":"agent started","time":"2026-11-26T10:11:13.412Z","version":"3.1.0"}',
      expect: {
        timestamp: Date.parse('2026-11-26T10:11:13.412Z'),
        level: 'info',
        message: 'agent started',
        attributes: {
          'log.origin.file.name': '/go/src/github.com/acme/agent/main.go',
          'log.origin.file.line': 77,
          'log.origin.function': 'main.main',
          version: '3.1.0',
        },
      },
    },
    {
      line: '{"level":"warning","msg":"certificate expires in 6 days","time":"2026-11-26T10:11:14Z","cn":"api.acme.test","not_after":"2026-12-02T00:00:00Z"}',
      expect: {
        level: 'warning',
        message: 'certificate expires in 6 days',
        attributes: { cn: 'api.acme.test' },
      },
    },
  ],

  detect(doc: JsonDoc): boolean {
    const level = doc.level;
    return (
      typeof level === 'string' &&
      LEVELS.has(level) &&
      typeof doc.msg === 'string' &&
      typeof doc.time === 'string' &&
      !('ts' in doc)
    );
  },

  parse(doc: JsonDoc): ParsedFields | null {
    const level = str(doc, 'level');
    if (level === undefined) return null;
    const attributes: ParsedAttributes = {};
    const fields: ParsedFields = { level, attributes };
    const msg = str(doc, 'msg');
    if (msg !== undefined) fields.message = msg;
    const ts = parseTimestamp(doc.time);
    if (ts !== null) fields.timestamp = ts;
    const error = str(doc, 'error');
    if (error !== undefined) attributes['error.message'] = error;
    const func = str(doc, 'func');
    if (func !== undefined) attributes['log.origin.function'] = func;
    const file = str(doc, 'file');
    if (file !== undefined) putCaller(attributes, file);
    putRest(attributes, doc, KNOWN);
    return fields;
  },
};
