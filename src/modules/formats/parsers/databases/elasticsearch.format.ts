import type { LineFormat, ParsedAttributes, ParsedFields } from '../../log-format';
import { parseTimestamp } from '../../normalize/timestamp';
import { firstLine, javaError, putError, withContinuation } from '../runtimes/record-text';

// `[%d{ISO8601}][%-5p][%-25c{1.}] [%node_name]%marker %m`.
const LINE =
  /^\[(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d,\d{3}(?:Z|[+-]\d\d:?\d\d)?)\]\[(TRACE|DEBUG|INFO|WARN|ERROR|FATAL|CRITICAL|DEPRECATION) ?\]\[([^\]\s]{1,256}) {0,64}\] \[([^\]]{1,256})\] ?(.*)$/;

export const elasticsearchFormat: LineFormat = {
  name: 'elasticsearch',
  family: 'databases',
  kind: 'line',
  description: 'Elasticsearch / OpenSearch plain server log `[time][LEVEL][logger] [node] message`',
  samples: [
    {
      line: '[2026-11-26T10:11:12,123][INFO ][o.e.n.Node               ] [node-1] started',
      expect: {
        timestamp: Date.parse('2026-11-26T10:11:12.123Z'),
        level: 'INFO',
        message: 'started',
        attributes: { 'log.logger': 'o.e.n.Node', 'elasticsearch.node.name': 'node-1' },
      },
    },
    {
      line: '[2026-11-26T10:11:13,456][WARN ][o.e.c.r.a.DiskThresholdMonitor] [es-data-2] high disk watermark [90%] exceeded on [x1Yk2ZcXQk2m3n4o5p6q7r][es-data-2][/var/lib/elasticsearch/nodes/0] free: 18.2gb[9.1%], shards will be relocated away from this node',
      expect: {
        level: 'WARN',
        attributes: {
          'log.logger': 'o.e.c.r.a.DiskThresholdMonitor',
          'elasticsearch.node.name': 'es-data-2',
        },
      },
    },
    {
      line: '[2026-11-26T10:11:14,789][ERROR][o.e.b.ElasticsearchUncaughtExceptionHandler] [node-1] uncaught exception in thread [main]\norg.elasticsearch.bootstrap.StartupException: java.lang.IllegalStateException: failed to obtain node locks\n\tat org.elasticsearch.bootstrap.Elasticsearch.init(Elasticsearch.java:173)',
      expect: {
        level: 'ERROR',
        message:
          'uncaught exception in thread [main]\norg.elasticsearch.bootstrap.StartupException: java.lang.IllegalStateException: failed to obtain node locks\n\tat org.elasticsearch.bootstrap.Elasticsearch.init(Elasticsearch.java:173)',
        attributes: { 'error.type': 'org.elasticsearch.bootstrap.StartupException' },
      },
    },
  ],

  detect(line: string): boolean {
    return (
      line.charCodeAt(0) === 91 && line.charCodeAt(11) === 84 && LINE.test(firstLine(line).head)
    );
  },

  parse(line: string): ParsedFields | null {
    const { head, rest } = firstLine(line);
    const m = LINE.exec(head);
    if (m === null) return null;
    const attributes: ParsedAttributes = {
      'log.logger': m[3] as string,
      'elasticsearch.node.name': m[4] as string,
    };
    putError(attributes, javaError(line, rest + 1));
    const fields: ParsedFields = {
      // DEPRECATION (7.x deprecation log) ranks with WARN.
      level: m[2] === 'DEPRECATION' ? 'WARN' : m[2],
      message: withContinuation(m[5] as string, line, rest),
      attributes,
    };
    const ts = parseTimestamp(m[1]);
    if (ts !== null) fields.timestamp = ts;
    return fields;
  },
};
