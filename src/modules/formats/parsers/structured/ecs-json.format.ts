import type { JsonFormat, ParsedFields } from '../../log-format';
import { flattenEntry } from '../../normalize/flatten';
import { parseTimestamp } from '../../normalize/timestamp';
import { scalar, text } from './json-attributes';

const HEX_ID = /^[0-9a-fA-F]{8,32}$/;

/** `ecs.version` flat (as the ecs-logging libraries write it) or nested. */
function ecsVersion(doc: Readonly<Record<string, unknown>>): unknown {
  const flat = doc['ecs.version'];
  if (flat !== undefined) return flat;
  const ecs = doc.ecs;
  return typeof ecs === 'object' && ecs !== null
    ? (ecs as Record<string, unknown>).version
    : undefined;
}

/**
 * Elastic Common Schema JSON, as the ecs-logging libraries (Java, .NET, Go, Node, Python) and
 * Filebeat write it: `@timestamp`, `log.level`, `message`, `ecs.version`, dotted or nested.
 */
export const ecsJsonFormat: JsonFormat = {
  name: 'ecs-json',
  family: 'structured',
  kind: 'json',
  description: 'Elastic Common Schema JSON (ecs-logging)',
  priority: 20,
  detect: (doc) => doc['@timestamp'] !== undefined && typeof ecsVersion(doc) === 'string',
  parse(doc): ParsedFields | null {
    const flat: Record<string, unknown> = {};
    for (const key in doc) flattenEntry(flat, key, doc[key]);
    const out: ParsedFields = {};
    const ts = parseTimestamp(flat['@timestamp']);
    if (ts !== null) {
      out.timestamp = ts;
      delete flat['@timestamp'];
    }
    const level = text(flat['log.level']);
    if (level !== undefined) {
      out.level = level;
      delete flat['log.level'];
    }
    const message = text(flat.message);
    if (message !== undefined) {
      out.message = message;
      delete flat.message;
    }
    const service = text(flat['service.name']);
    if (service !== undefined) {
      out.service = service;
      delete flat['service.name'];
    }
    for (const key of ['host.name', 'host.hostname']) {
      const host = text(flat[key]);
      if (host !== undefined) {
        out.host = host;
        delete flat[key];
        break;
      }
    }
    const trace = text(flat['trace.id']);
    if (trace !== undefined && HEX_ID.test(trace)) {
      out.traceId = trace.toLowerCase();
      delete flat['trace.id'];
    }
    const span = text(flat['span.id']);
    if (span !== undefined && HEX_ID.test(span)) {
      out.spanId = span.toLowerCase();
      delete flat['span.id'];
    }
    const attributes: Record<string, string | number | boolean> = {};
    for (const key in flat) {
      const value = scalar(flat[key]);
      if (value !== undefined) attributes[key] = value;
    }
    out.attributes = attributes;
    return out;
  },
  samples: [
    {
      line: '{"@timestamp":"2026-11-26T10:11:12.345Z","log.level":"INFO","message":"Tomcat started on port 8080","ecs.version":"1.2.0","service.name":"orders","event.dataset":"orders","process.thread.name":"main","log.logger":"org.springframework.boot.web.embedded.tomcat.TomcatWebServer"}',
      expect: {
        timestamp: Date.parse('2026-11-26T10:11:12.345Z'),
        level: 'INFO',
        message: 'Tomcat started on port 8080',
        service: 'orders',
        attributes: {
          'ecs.version': '1.2.0',
          'process.thread.name': 'main',
          'log.logger': 'org.springframework.boot.web.embedded.tomcat.TomcatWebServer',
        },
      },
    },
    {
      line: '{"@timestamp":"2026-11-26T10:11:13.002Z","log":{"level":"error","logger":"app.db"},"message":"query failed","ecs":{"version":"8.11.0"},"error":{"type":"OperationalError","message":"server closed the connection unexpectedly","stack_trace":"Traceback (most recent call last):\\n  File \\"db.py\\", line 12"},"host":{"hostname":"worker-2"},"trace":{"id":"4bf92f3577b34da6a3ce929d0e0e4736"},"span":{"id":"00f067aa0ba902b7"}}',
      expect: {
        level: 'error',
        message: 'query failed',
        host: 'worker-2',
        traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
        spanId: '00f067aa0ba902b7',
        attributes: {
          'log.logger': 'app.db',
          'error.type': 'OperationalError',
          'error.message': 'server closed the connection unexpectedly',
        },
      },
    },
    {
      line: '{"@timestamp":"2026-11-26T10:11:14.500Z","log.level":"warn","message":"slow request","ecs.version":"8.10.0","http.request.method":"POST","url.path":"/api/cart","http.response.status_code":200,"event.duration":1534000000,"client.ip":"2001:db8::5","tags":["slow","cart"]}',
      expect: {
        level: 'warn',
        attributes: {
          'http.request.method': 'POST',
          'http.response.status_code': 200,
          'event.duration': 1534000000,
          'client.ip': '2001:db8::5',
          tags: '["slow","cart"]',
        },
      },
    },
  ],
};
