import type { JsonFormat, ParsedAttributes, ParsedFields } from '../../log-format';
import { flattenEntry, toJsonText } from '../../normalize/flatten';
import {
  BODY_KEYS,
  HOST_KEYS,
  SERVICE_KEYS,
  SEVERITY_KEYS,
  SPAN_KEYS,
  TIMESTAMP_KEYS,
  TRACE_KEYS,
} from '../../normalize/record-normalizer';
import { parseTimestamp } from '../../normalize/timestamp';
import { scalar, text } from './json-attributes';

const KNOWN_TOP_KEYS = new Set([...BODY_KEYS, ...TIMESTAMP_KEYS, ...SEVERITY_KEYS]);
const HEX_ID = /^[0-9a-fA-F]{8,32}$/;

/**
 * Any JSON object that names its time, level or message in a common spelling (the key lists of
 * the record normalizer): the fallback for JSON no specific format claims.
 */
export const jsonFormat: JsonFormat = {
  name: 'json',
  family: 'structured',
  kind: 'json',
  description: 'Generic JSON lines (any common key for time, level and message)',
  priority: -100,
  detect(doc) {
    for (const key in doc) if (KNOWN_TOP_KEYS.has(key)) return true;
    return false;
  },
  parse(doc): ParsedFields | null {
    const out: ParsedFields = {};
    let bodyKey: string | undefined;
    for (const key of BODY_KEYS) {
      const value = doc[key];
      if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') {
        out.message = String(value);
      } else if (
        typeof value === 'object' &&
        value !== null &&
        (key === 'message' || key === 'msg' || key === 'body')
      ) {
        out.message = toJsonText(value);
      } else {
        continue;
      }
      bodyKey = key;
      break;
    }

    const flat: Record<string, unknown> = {};
    for (const key in doc) if (key !== bodyKey) flattenEntry(flat, key, doc[key]);

    for (const key of TIMESTAMP_KEYS) {
      const ts = flat[key] === undefined ? null : parseTimestamp(flat[key]);
      if (ts !== null && ts !== 0) {
        out.timestamp = ts;
        delete flat[key];
        break;
      }
    }
    out.level = take(flat, SEVERITY_KEYS);
    out.service = take(flat, SERVICE_KEYS);
    out.host = take(flat, HOST_KEYS);
    const trace = take(flat, TRACE_KEYS, HEX_ID);
    if (trace !== undefined) out.traceId = trace.toLowerCase();
    const span = take(flat, SPAN_KEYS, HEX_ID);
    if (span !== undefined) out.spanId = span.toLowerCase();

    const attributes: ParsedAttributes = {};
    for (const key in flat) {
      const value = scalar(flat[key]);
      if (value !== undefined) attributes[key] = value;
    }
    out.attributes = attributes;
    for (const key of ['level', 'service', 'host', 'traceId', 'spanId'] as const) {
      if (out[key] === undefined) delete out[key];
    }
    return out;
  },
  samples: [
    {
      line: '{"timestamp":"2026-11-26T10:11:12.123Z","loglevel":"error","msg":"payment failed","service":"billing","order_id":9912,"err":{"code":"card_declined"}}',
      expect: {
        timestamp: Date.parse('2026-11-26T10:11:12.123Z'),
        level: 'error',
        message: 'payment failed',
        service: 'billing',
        attributes: { order_id: 9912, 'err.code': 'card_declined' },
      },
    },
    {
      line: '{"date":1796378472123,"lvl":"info","host":"api-5f7c9","message":"request completed","req":{"method":"GET","url":"/health"},"responseTime":3}',
      expect: {
        timestamp: 1796378472123,
        level: 'info',
        host: 'api-5f7c9',
        message: 'request completed',
        attributes: { 'req.method': 'GET', 'req.url': '/health', responseTime: 3 },
      },
    },
    {
      line: '{"ts":"2026-11-26 10:11:12,447","severity":"WARNING","message":"disk almost full","tags":["disk","capacity"],"trace_id":"4BF92F3577B34DA6A3CE929D0E0E4736","extra":null}',
      expect: {
        timestamp: Date.parse('2026-11-26T10:11:12.447Z'),
        level: 'WARNING',
        message: 'disk almost full',
        traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
        attributes: { tags: '["disk","capacity"]' },
      },
    },
  ],
};

/** Removes and returns the first key of `keys` whose value is a usable string or number. */
function take(
  flat: Record<string, unknown>,
  keys: readonly string[],
  shape?: RegExp,
): string | undefined {
  for (const key of keys) {
    const value = text(flat[key]);
    if (value === undefined || (shape !== undefined && !shape.test(value))) continue;
    delete flat[key];
    return value;
  }
  return undefined;
}
