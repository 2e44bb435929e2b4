import type { LineFormat, ParsedAttributes, ParsedFields } from '../../log-format';
import { parseTimestamp } from '../../normalize/timestamp';
import { type LogfmtPair, numericValue, scanLogfmt } from './logfmt-scanner';

const TIME_KEYS = new Set(['ts', 'time', 'timestamp', 't', '@timestamp', 'datetime']);
// Heroku's router and platform write `at=info`.
const LEVEL_KEYS = new Set(['level', 'lvl', 'severity', 'loglevel', 'at']);
const MESSAGE_KEYS = new Set(['msg', 'message']);
const TRACE_KEYS = new Set(['trace_id', 'traceID', 'traceId', 'trace.id']);
const SPAN_KEYS = new Set(['span_id', 'spanID', 'spanId', 'span.id']);
const HEX_ID = /^[0-9a-fA-F]{16,32}$/;
// Go kit's `caller=server.go:87`, logrus' `file="/src/app/main.go:42"`.
const CALLER = /^(.{1,255}):(\d{1,7})$/;

/**
 * Maps logfmt pairs to fields: the first time, level and message keys (in the spellings Go kit,
 * logrus, zap's logfmt encoder, slog's TextHandler and Heroku write) and the rest as attributes,
 * unquoted decimals as numbers.
 */
export function logfmtFields(pairs: readonly LogfmtPair[]): ParsedFields {
  const attributes: ParsedAttributes = {};
  const out: ParsedFields = { attributes };
  for (const { key, value, quoted } of pairs) {
    if (out.timestamp === undefined && TIME_KEYS.has(key)) {
      const ts = parseTimestamp(value);
      if (ts !== null) {
        out.timestamp = ts;
        continue;
      }
    } else if (out.level === undefined && LEVEL_KEYS.has(key) && value !== '') {
      out.level = value;
      continue;
    } else if (out.message === undefined && MESSAGE_KEYS.has(key)) {
      out.message = value;
      continue;
    } else if (out.traceId === undefined && TRACE_KEYS.has(key) && HEX_ID.test(value)) {
      out.traceId = value.toLowerCase();
      continue;
    } else if (out.spanId === undefined && SPAN_KEYS.has(key) && HEX_ID.test(value)) {
      out.spanId = value.toLowerCase();
      continue;
    }
    switch (key) {
      case 'caller':
      case 'source':
      case 'file': {
        const m = CALLER.exec(value);
        if (m !== null) {
          attributes['log.origin.file.name'] = m[1] as string;
          attributes['log.origin.file.line'] = Number(m[2]);
          continue;
        }
        break;
      }
      case 'func':
        attributes['log.origin.function'] = value;
        continue;
      case 'err':
      case 'error':
        if (value !== '' && value !== '<nil>') attributes['error.message'] = value;
        continue;
      case 'logger':
        attributes['log.logger'] = value;
        continue;
    }
    const n = quoted ? null : numericValue(value);
    attributes[key] = n ?? value;
  }
  return out;
}

/** `key=value` at the start, `=` before the first space. */
function startsWithPair(line: string): boolean {
  const c = line.charCodeAt(0);
  const keyChar = (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95 || c === 64;
  if (!keyChar) return false;
  const eq = line.indexOf('=');
  if (eq === -1 || eq > 64) return false;
  const space = line.indexOf(' ');
  return space === -1 || eq < space;
}

/** Go kit / Heroku / slog logfmt: `ts=... level=info msg="request done" status=200`. */
export const logfmtFormat: LineFormat = {
  name: 'logfmt',
  family: 'structured',
  kind: 'line',
  description: 'logfmt key=value lines (Go kit, slog, Heroku)',
  priority: -50,
  detect(line) {
    if (!startsWithPair(line)) return false;
    const space = line.indexOf(' ');
    return space !== -1 && line.indexOf('=', space) !== -1;
  },
  parse(line) {
    const pairs = scanLogfmt(line);
    if (pairs === null || pairs.length < 2) return null;
    return logfmtFields(pairs);
  },
  samples: [
    {
      line: 'ts=2026-11-26T10:11:12.345678Z caller=server.go:87 level=info msg="request served" method=GET path=/api/v1/orders status=200 took=12.4ms',
      expect: {
        timestamp: Date.parse('2026-11-26T10:11:12.345Z'),
        level: 'info',
        message: 'request served',
        attributes: {
          'log.origin.file.name': 'server.go',
          'log.origin.file.line': 87,
          method: 'GET',
          path: '/api/v1/orders',
          status: 200,
          took: '12.4ms',
        },
      },
    },
    {
      line: 'at=error msg="upstream refused" upstream=payments-eu host=shop-eu.internal request_id=8601b555-6a83-4c12-8269-97c8e32cdb22 fwd="203.0.113.4,10.0.0.1" attempt=3 status=503 retry_in=2s',
      expect: {
        level: 'error',
        message: 'upstream refused',
        attributes: {
          upstream: 'payments-eu',
          fwd: '203.0.113.4,10.0.0.1',
          status: 503,
          attempt: 3,
        },
      },
    },
    {
      line: 'time=2026-11-26T11:02:03.001+01:00 level=WARN msg="cache miss storm" err="dial tcp 10.0.3.7:6379: connect: connection refused" keys=1532 ratio=0.87 region=""',
      expect: {
        timestamp: Date.parse('2026-11-26T10:02:03.001Z'),
        level: 'WARN',
        message: 'cache miss storm',
        attributes: {
          'error.message': 'dial tcp 10.0.3.7:6379: connect: connection refused',
          keys: 1532,
          ratio: 0.87,
          region: '',
        },
      },
    },
    {
      line: 'level=debug ts=1796378472.123 component=compactor msg="compaction done" trace_id=4bf92f3577b34da6a3ce929d0e0e4736 blocks=4 user="tenant \\"a\\""',
      expect: {
        timestamp: 1796378472123,
        level: 'debug',
        traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
        attributes: { component: 'compactor', blocks: 4, user: 'tenant "a"' },
      },
    },
  ],
};
