import type { LineFormat, ParsedAttributes, ParsedFields } from '../../log-format';
import { digitsAt, parseDateTime, utcMillis } from '../support/time';
import { fullYear } from './clock';
import { firstLine, javaError, putError, withContinuation } from './record-text';

const LEVELS = 'TRACE|DEBUG|INFO|WARN|ERROR|FATAL';
// HDFS's compact `%d{yyMMdd HHmmss} %t %p %c: %m` (the thread as its numeric id).
const COMPACT = new RegExp(`^(\\d{6}) (\\d{6}) (\\d{1,10}) (${LEVELS}) ([\\w$.]{1,256}): (.*)$`);
// Hadoop's stock log4j.properties: `%d{ISO8601} %p %c: %m`, YARN containers add ` [%t]`; Spark
// writes the same with `%d{yy/MM/dd HH:mm:ss}`.
const ISO = new RegExp(
  `^(\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d,\\d{3}|\\d\\d/\\d\\d/\\d\\d \\d\\d:\\d\\d:\\d\\d) (${LEVELS}) (?:\\[([^\\]]{0,256})\\] )?([\\w$.]{1,256}): (.*)$`,
);
const BLOCK = /\bblk_-?\d{1,20}\b/;

export const hadoopFormat: LineFormat = {
  name: 'hadoop',
  family: 'runtimes',
  kind: 'line',
  description:
    "Hadoop / HDFS / YARN / Spark log4j layouts: compact `yyMMdd HHmmss tid LEVEL class: msg`, `%d{ISO8601} %p [%t] %c: %m` and Spark's `yy/MM/dd HH:mm:ss`",
  // Above log4j: both start with an ISO date and a level, and only this one names the logger with `: `.
  priority: 5,
  samples: [
    {
      line: '081109 203615 148 INFO dfs.DataNode$PacketResponder: PacketResponder 1 for block blk_38865049064139660 terminating',
      expect: {
        timestamp: Date.parse('2008-11-09T20:36:15Z'),
        level: 'INFO',
        message: 'PacketResponder 1 for block blk_38865049064139660 terminating',
        attributes: {
          'process.thread.id': 148,
          'log.logger': 'dfs.DataNode$PacketResponder',
          'hadoop.block_id': 'blk_38865049064139660',
        },
      },
    },
    {
      line: '081109 214043 2561 WARN dfs.DataNode$DataXceiver: 10.251.30.85:50010:Got exception while serving blk_-2918118818249673980 to /10.251.90.64:',
      expect: {
        timestamp: Date.parse('2008-11-09T21:40:43Z'),
        level: 'WARN',
        attributes: {
          'log.logger': 'dfs.DataNode$DataXceiver',
          'hadoop.block_id': 'blk_-2918118818249673980',
        },
      },
    },
    {
      line: '2015-10-18 18:01:47,978 INFO [main] org.apache.hadoop.mapreduce.v2.app.MRAppMaster: Created MRAppMaster for application appattempt_1445144423722_0020_000001',
      expect: {
        timestamp: Date.parse('2015-10-18T18:01:47.978Z'),
        level: 'INFO',
        message: 'Created MRAppMaster for application appattempt_1445144423722_0020_000001',
        attributes: {
          'process.thread.name': 'main',
          'log.logger': 'org.apache.hadoop.mapreduce.v2.app.MRAppMaster',
        },
      },
    },
    {
      line: '26/11/26 10:11:12 WARN TaskSetManager: Lost task 3.0 in stage 7.0 (TID 41) (10.0.6.12 executor 2): java.lang.OutOfMemoryError: Java heap space',
      expect: {
        timestamp: Date.parse('2026-11-26T10:11:12Z'),
        level: 'WARN',
        message:
          'Lost task 3.0 in stage 7.0 (TID 41) (10.0.6.12 executor 2): java.lang.OutOfMemoryError: Java heap space',
        attributes: { 'log.logger': 'TaskSetManager' },
      },
    },
    {
      line: '2026-11-26 10:11:12,123 ERROR org.apache.hadoop.hdfs.server.datanode.DataNode: Exception in secureMain\njava.net.BindException: Address already in use\n\tat sun.nio.ch.Net.bind0(Native Method)',
      expect: {
        timestamp: Date.parse('2026-11-26T10:11:12.123Z'),
        level: 'ERROR',
        message:
          'Exception in secureMain\njava.net.BindException: Address already in use\n\tat sun.nio.ch.Net.bind0(Native Method)',
        attributes: {
          'log.logger': 'org.apache.hadoop.hdfs.server.datanode.DataNode',
          'error.type': 'java.net.BindException',
          'error.message': 'Address already in use',
        },
      },
    },
  ],

  detect(line: string): boolean {
    const head = firstLine(line).head;
    if (head.charCodeAt(6) === 32) return COMPACT.test(head);
    return (head.charCodeAt(4) === 45 || head.charCodeAt(2) === 47) && ISO.test(head);
  },

  parse(line: string): ParsedFields | null {
    const { head, rest } = firstLine(line);
    const attributes: ParsedAttributes = {};
    let fields: ParsedFields;
    let m = COMPACT.exec(head);
    if (m !== null) {
      const d = m[1] as string;
      const t = m[2] as string;
      attributes['process.thread.id'] = Number(m[3]);
      attributes['log.logger'] = m[5] as string;
      fields = { level: m[4], message: m[6], attributes };
      const ts = utcMillis(
        fullYear(digitsAt(d, 0, 2)),
        digitsAt(d, 2, 2),
        digitsAt(d, 4, 2),
        digitsAt(t, 0, 2),
        digitsAt(t, 2, 2),
        digitsAt(t, 4, 2),
      );
      if (ts !== null) fields.timestamp = ts;
    } else {
      m = ISO.exec(head);
      if (m === null) return null;
      if (m[3] !== undefined) attributes['process.thread.name'] = m[3];
      attributes['log.logger'] = m[4] as string;
      fields = { level: m[2], message: m[5], attributes };
      const ts = hadoopTime(m[1] as string);
      if (ts !== null) fields.timestamp = ts;
    }
    const block = BLOCK.exec(fields.message as string);
    if (block !== null) attributes['hadoop.block_id'] = block[0];
    putError(attributes, javaError(line, rest + 1));
    fields.message = withContinuation(fields.message as string, line, rest);
    return fields;
  },
};

function hadoopTime(stamp: string): number | null {
  if (stamp.charCodeAt(2) !== 47) return parseDateTime(stamp);
  return utcMillis(
    fullYear(digitsAt(stamp, 0, 2)),
    digitsAt(stamp, 3, 2),
    digitsAt(stamp, 6, 2),
    digitsAt(stamp, 9, 2),
    digitsAt(stamp, 12, 2),
    digitsAt(stamp, 15, 2),
  );
}
