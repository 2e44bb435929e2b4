import type { LineFormat, ParsedAttributes, ParsedFields } from '../../log-format';
import { parseTimestamp } from '../../normalize/timestamp';
import { putCaller, putFlattened } from './json-fields';
import { firstLine, withContinuation } from './record-text';

const LEVELS = new Set(['debug', 'info', 'warn', 'error', 'dpanic', 'panic', 'fatal']);
// ISO8601 (development config) or float epoch seconds (production config with console encoding).
const HEAD =
  /^(?:\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d{1,9})?(?:Z|[+-]\d\d:?\d\d)?|\d{9,10}(?:\.\d{1,9})?(?:e\+09)?)\t[A-Za-z]{4,6}\t/;
const CALLER = /^[^\s]{1,512}\.go:\d{1,7}$/;

export const zapConsoleFormat: LineFormat = {
  name: 'zap-console',
  family: 'runtimes',
  kind: 'line',
  startLine: true,
  description:
    'Go zap console encoder: tab-separated time, LEVEL, [logger], caller, message and a JSON object of fields',
  samples: [
    {
      line: '2026-11-26T10:11:12.123+0100\tERROR\tworker/queue.go:87\tjob failed\t{"job": "resize-42", "attempt": 3, "error": "context deadline exceeded"}\ngithub.com/acme/imgsvc/worker.(*Queue).run\n\t/src/worker/queue.go:87\nmain.main\n\t/src/cmd/imgsvc/main.go:31',
      expect: {
        timestamp: Date.parse('2026-11-26T09:11:12.123Z'),
        level: 'ERROR',
        message:
          'job failed\ngithub.com/acme/imgsvc/worker.(*Queue).run\n\t/src/worker/queue.go:87\nmain.main\n\t/src/cmd/imgsvc/main.go:31',
        attributes: {
          'log.origin.file.name': 'worker/queue.go',
          'log.origin.file.line': 87,
          job: 'resize-42',
          attempt: 3,
          'error.message': 'context deadline exceeded',
        },
      },
    },
    {
      line: '2026-11-26T10:11:13.002+0100\tINFO\thttp\tserver/http.go:54\tlistening\t{"addr": "[::]:8443", "tls": true}',
      expect: {
        timestamp: Date.parse('2026-11-26T09:11:13.002Z'),
        level: 'INFO',
        message: 'listening',
        attributes: {
          'log.logger': 'http',
          'log.origin.file.name': 'server/http.go',
          addr: '[::]:8443',
          tls: true,
        },
      },
    },
    {
      line: '1795687873.5021648\twarn\tcache/lru.go:120\tevicting hot key',
      expect: {
        timestamp: 1795687873502,
        level: 'warn',
        message: 'evicting hot key',
        attributes: { 'log.origin.file.line': 120 },
      },
    },
  ],

  detect(line: string): boolean {
    const tab = line.indexOf('\t');
    if (tab < 10 || tab > 40) return false;
    const head = firstLine(line).head;
    if (!HEAD.test(head)) return false;
    const end = head.indexOf('\t', tab + 1);
    return LEVELS.has(head.slice(tab + 1, end).toLowerCase());
  },

  parse(line: string): ParsedFields | null {
    const { head, rest } = firstLine(line);
    if (!HEAD.test(head)) return null;
    const parts = head.split('\t');
    const level = parts[1] as string;
    if (!LEVELS.has(level.toLowerCase()) || parts.length < 3) return null;
    const attributes: ParsedAttributes = {};
    let i = 2;
    if (parts.length > 3 && !CALLER.test(parts[2] as string) && CALLER.test(parts[3] as string)) {
      attributes['log.logger'] = parts[2] as string;
      i = 3;
    }
    // Without fields, the caller still needs a message after it.
    if (parts.length > i + 1 && CALLER.test(parts[i] as string)) {
      putCaller(attributes, parts[i] as string);
      i++;
    }
    let end = parts.length;
    const last = parts[end - 1] as string;
    if (end - i >= 2 && last.startsWith('{') && last.endsWith('}')) {
      const context = parseObject(last);
      if (context !== null) {
        for (const key in context) {
          putFlattened(attributes, key === 'error' ? 'error.message' : key, context[key]);
        }
        end--;
      }
    }
    const fields: ParsedFields = {
      level,
      message: withContinuation(parts.slice(i, end).join('\t'), line, rest),
      attributes,
    };
    const stamp = parts[0] as string;
    const ts = parseTimestamp(stamp.endsWith('e+09') ? Number(stamp) : stamp);
    if (ts !== null) fields.timestamp = ts;
    return fields;
  },
};

function parseObject(text: string): Record<string, unknown> | null {
  try {
    const v: unknown = JSON.parse(text);
    return typeof v === 'object' && v !== null && !Array.isArray(v)
      ? (v as Record<string, unknown>)
      : null;
  } catch {
    return null;
  }
}
