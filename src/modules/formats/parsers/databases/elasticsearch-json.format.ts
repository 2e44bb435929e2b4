import type { JsonFormat, ParsedAttributes, ParsedFields } from '../../log-format';
import { parseTimestamp } from '../../normalize/timestamp';
import { type JsonDoc, putFlattened, str } from '../runtimes/json-fields';
import { javaError, putError } from '../runtimes/record-text';

// Elasticsearch 7's JSON layout: own keys renamed to ECS-style names.
const ES7_KEYS: Readonly<Record<string, string>> = {
  component: 'log.logger',
  'cluster.name': 'elasticsearch.cluster.name',
  'cluster.uuid': 'elasticsearch.cluster.uuid',
  'node.name': 'elasticsearch.node.name',
  'node.id': 'elasticsearch.node.id',
};
const SKIP = new Set(['timestamp', '@timestamp', 'level', 'log.level', 'message', 'stacktrace']);
const TYPES = new Set([
  'server',
  'deprecation',
  'audit',
  'index_search_slowlog',
  'index_indexing_slowlog',
]);

export const elasticsearchJsonFormat: JsonFormat = {
  name: 'elasticsearch-json',
  family: 'databases',
  kind: 'json',
  description:
    'Elasticsearch JSON server log: 7.x (`type`, `component`, `cluster.name`, `node.name`) and 8.x ECS (`event.dataset: elasticsearch.*`)',
  // Above the generic ECS JSON format (20): 8.x documents are ECS too, with Elasticsearch's fields.
  priority: 25,
  samples: [
    {
      line: '{"type": "server", "timestamp": "2026-11-26T10:11:12,123Z", "level": "INFO", "component": "o.e.n.Node", "cluster.name": "docker-cluster", "node.name": "es01", "message": "started", "cluster.uuid": "hJ2kP9sVQ0uV3pQzG7kWcA", "node.id": "r3Tz8mXkR1eqv1Dd2Yb0xA"}',
      expect: {
        timestamp: Date.parse('2026-11-26T10:11:12.123Z'),
        level: 'INFO',
        message: 'started',
        attributes: {
          'log.logger': 'o.e.n.Node',
          'elasticsearch.cluster.name': 'docker-cluster',
          'elasticsearch.node.name': 'es01',
          'elasticsearch.node.id': 'r3Tz8mXkR1eqv1Dd2Yb0xA',
          'event.dataset': 'elasticsearch.server',
        },
      },
    },
    {
      line: '{"type": "server", "timestamp": "2026-11-26T10:11:13,456+01:00", "level": "WARN", "component": "o.e.t.TcpTransport", "cluster.name": "prod", "node.name": "es-data-3", "message": "exception caught on transport layer [Netty4TcpChannel{localAddress=/10.0.2.7:9300, remoteAddress=/10.0.2.9:41822}], closing connection", "stacktrace": ["io.netty.handler.codec.DecoderException: java.io.StreamCorruptedException: invalid internal transport message format", "at io.netty.handler.codec.ByteToMessageDecoder.callDecode(ByteToMessageDecoder.java:477) ~[?:?]"]}',
      expect: {
        timestamp: Date.parse('2026-11-26T09:11:13.456Z'),
        level: 'WARN',
        attributes: {
          'error.type': 'io.netty.handler.codec.DecoderException',
          'error.stack_trace':
            'io.netty.handler.codec.DecoderException: java.io.StreamCorruptedException: invalid internal transport message format\nat io.netty.handler.codec.ByteToMessageDecoder.callDecode(ByteToMessageDecoder.java:477) ~[?:?]',
        },
      },
    },
    {
      line: '{"@timestamp":"2026-11-26T10:11:14.789Z", "log.level": "INFO", "message":"publish_address {10.0.3.4:9200}, bound_addresses {[::]:9200}", "ecs.version": "1.2.0","service.name":"ES_ECS","event.dataset":"elasticsearch.server","process.thread.name":"main","log.logger":"org.elasticsearch.http.AbstractHttpServerTransport","elasticsearch.node.name":"es01","elasticsearch.cluster.name":"docker-cluster"}',
      expect: {
        timestamp: Date.parse('2026-11-26T10:11:14.789Z'),
        level: 'INFO',
        message: 'publish_address {10.0.3.4:9200}, bound_addresses {[::]:9200}',
        attributes: {
          'log.logger': 'org.elasticsearch.http.AbstractHttpServerTransport',
          'process.thread.name': 'main',
          'elasticsearch.node.name': 'es01',
          'event.dataset': 'elasticsearch.server',
        },
      },
    },
  ],

  detect(doc: JsonDoc): boolean {
    const dataset = doc['event.dataset'];
    if (typeof dataset === 'string') return dataset.startsWith('elasticsearch.');
    const type = doc.type;
    return (
      typeof type === 'string' &&
      TYPES.has(type) &&
      typeof doc['cluster.name'] === 'string' &&
      typeof doc['node.name'] === 'string'
    );
  },

  parse(doc: JsonDoc): ParsedFields | null {
    const ecs = typeof doc['event.dataset'] === 'string';
    const attributes: ParsedAttributes = {};
    const fields: ParsedFields = { attributes };
    const level = str(doc, ecs ? 'log.level' : 'level');
    if (level !== undefined) fields.level = level;
    const message = str(doc, 'message');
    if (message !== undefined) fields.message = message;
    const ts = parseTimestamp(doc[ecs ? '@timestamp' : 'timestamp']);
    if (ts !== null) fields.timestamp = ts;
    for (const key in doc) {
      if (SKIP.has(key)) continue;
      // 8.x sets service.name to the constant ES_ECS, which names no service.
      if (key === 'service.name') continue;
      const value = doc[key];
      // 7.x `type: server` is 8.x's `event.dataset: elasticsearch.server`.
      if (!ecs && key === 'type' && typeof value === 'string') {
        attributes['event.dataset'] = `elasticsearch.${value}`;
        continue;
      }
      putFlattened(attributes, (!ecs && ES7_KEYS[key]) || key, value);
    }
    const stack = doc.stacktrace;
    if (Array.isArray(stack)) {
      const trace = stack.filter((s): s is string => typeof s === 'string').join('\n');
      attributes['error.stack_trace'] = trace;
      putError(attributes, javaError(trace, 0));
    }
    return fields;
  },
};
