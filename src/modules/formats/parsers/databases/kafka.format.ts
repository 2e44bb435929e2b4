import type { LineFormat, ParsedAttributes, ParsedFields } from '../../log-format';
import { parseDateTime } from '../support/time';
import { firstLine, javaError, putError, withContinuation } from '../runtimes/record-text';

// Kafka's log4j layout `[%d] %p %m (%c)%n`: the logger closes the first line, a stack trace follows.
const LINE =
  /^\[(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3})\] (TRACE|DEBUG|INFO|WARN|ERROR|FATAL) (.*) \(([\w$.]{1,256})\)$/;
const CONTEXT = /^\[([^\]]{1,256})\] /;

export const kafkaFormat: LineFormat = {
  name: 'kafka',
  family: 'databases',
  kind: 'line',
  description:
    'Apache Kafka broker / Connect server log `[yyyy-MM-dd HH:mm:ss,SSS] LEVEL message (logger)`, stack traces as continuation',
  samples: [
    {
      line: '[2026-11-26 10:11:12,123] INFO [KafkaServer id=1] started (kafka.server.KafkaServer)',
      expect: {
        timestamp: Date.parse('2026-11-26T10:11:12.123Z'),
        level: 'INFO',
        message: '[KafkaServer id=1] started',
        attributes: {
          'log.logger': 'kafka.server.KafkaServer',
          'kafka.context': 'KafkaServer id=1',
        },
      },
    },
    {
      line: '[2026-11-26 10:11:13,456] WARN [ReplicaFetcher replicaId=2, leaderId=1, fetcherId=0] Error in response for fetch request (type=FetchRequest, replicaId=2, maxWait=500, minBytes=1) (kafka.server.ReplicaFetcherThread)\njava.io.IOException: Connection to 1 was disconnected before the response was read\n\tat org.apache.kafka.clients.NetworkClientUtils.sendAndReceive(NetworkClientUtils.java:100)',
      expect: {
        level: 'WARN',
        message:
          '[ReplicaFetcher replicaId=2, leaderId=1, fetcherId=0] Error in response for fetch request (type=FetchRequest, replicaId=2, maxWait=500, minBytes=1)\njava.io.IOException: Connection to 1 was disconnected before the response was read\n\tat org.apache.kafka.clients.NetworkClientUtils.sendAndReceive(NetworkClientUtils.java:100)',
        attributes: {
          'log.logger': 'kafka.server.ReplicaFetcherThread',
          'error.type': 'java.io.IOException',
        },
      },
    },
    {
      line: '[2026-11-26 10:11:14,789] ERROR Error while loading log dir /var/lib/kafka/data (kafka.log.LogManager)',
      expect: {
        level: 'ERROR',
        message: 'Error while loading log dir /var/lib/kafka/data',
        attributes: { 'log.logger': 'kafka.log.LogManager' },
      },
    },
  ],

  detect(line: string): boolean {
    if (line.charCodeAt(0) !== 91 || line.charCodeAt(5) !== 45) return false;
    const head = firstLine(line).head;
    return head.charCodeAt(head.length - 1) === 41 && LINE.test(head);
  },

  parse(line: string): ParsedFields | null {
    const { head, rest } = firstLine(line);
    const m = LINE.exec(head);
    if (m === null) return null;
    const message = m[3] as string;
    const attributes: ParsedAttributes = { 'log.logger': m[4] as string };
    const context = CONTEXT.exec(message);
    if (context !== null) attributes['kafka.context'] = context[1] as string;
    putError(attributes, javaError(line, rest + 1));
    const fields: ParsedFields = {
      level: m[2],
      message: withContinuation(message, line, rest),
      attributes,
    };
    const ts = parseDateTime(m[1] as string);
    if (ts !== null) fields.timestamp = ts;
    return fields;
  },
};
