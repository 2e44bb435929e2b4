import type { LineFormat, ParsedAttributes, ParsedFields } from '../../log-format';
import { parseDateTime } from '../support/time';
import { firstLine, javaError, putError, withContinuation } from '../runtimes/record-text';

// `%d{ISO8601} [myid:%X{myid}] - %-5p [%t:%C{1}@%L] - %m`; thread names hold `:` and brackets
// (`QuorumPeer[myid=1](plain=[0:0:0:0:0:0:0:0]:2181)`), so the class@line anchors the split.
const LINE =
  /^(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3}) \[myid:(\d{0,10})\] - (TRACE|DEBUG|INFO|WARN|ERROR|FATAL) {1,16}\[(.{0,512}?):([\w$.]{1,256})@(\d{1,7})\] - (.*)$/;

export const zookeeperFormat: LineFormat = {
  name: 'zookeeper',
  family: 'databases',
  kind: 'line',
  description: 'Apache ZooKeeper server log `date [myid:N] - LEVEL [thread:Class@line] - message`',
  samples: [
    {
      line: '2026-11-26 10:11:12,123 [myid:1] - INFO  [main:QuorumPeerMain@123] - Starting quorum peer',
      expect: {
        timestamp: Date.parse('2026-11-26T10:11:12.123Z'),
        level: 'INFO',
        message: 'Starting quorum peer',
        attributes: {
          'zookeeper.myid': 1,
          'process.thread.name': 'main',
          'log.logger': 'QuorumPeerMain',
          'log.origin.file.line': 123,
        },
      },
    },
    {
      line: '2026-11-26 10:11:13,004 [myid:3] - WARN  [QuorumPeer[myid=3](plain=[0:0:0:0:0:0:0:0]:2181)(secure=disabled):Follower@129] - Exception when following the leader\njava.net.SocketTimeoutException: Read timed out\n\tat java.base/sun.nio.ch.NioSocketImpl.timedRead(NioSocketImpl.java:288)',
      expect: {
        level: 'WARN',
        message:
          'Exception when following the leader\njava.net.SocketTimeoutException: Read timed out\n\tat java.base/sun.nio.ch.NioSocketImpl.timedRead(NioSocketImpl.java:288)',
        attributes: {
          'process.thread.name':
            'QuorumPeer[myid=3](plain=[0:0:0:0:0:0:0:0]:2181)(secure=disabled)',
          'log.logger': 'Follower',
          'error.type': 'java.net.SocketTimeoutException',
        },
      },
    },
    {
      line: '2026-11-26 10:11:14,500 [myid:] - ERROR [NIOWorkerThread-2:NIOServerCnxn@364] - Unexpected exception causing shutdown while sock still open',
      expect: {
        level: 'ERROR',
        attributes: { 'process.thread.name': 'NIOWorkerThread-2', 'log.logger': 'NIOServerCnxn' },
      },
    },
  ],

  detect(line: string): boolean {
    return line.startsWith(' [myid:', 23) && LINE.test(firstLine(line).head);
  },

  parse(line: string): ParsedFields | null {
    const { head, rest } = firstLine(line);
    const m = LINE.exec(head);
    if (m === null) return null;
    const attributes: ParsedAttributes = {
      'process.thread.name': m[4] as string,
      'log.logger': m[5] as string,
      'log.origin.file.line': Number(m[6]),
    };
    if (m[2] !== '') attributes['zookeeper.myid'] = Number(m[2]);
    putError(attributes, javaError(line, rest + 1));
    const fields: ParsedFields = {
      level: m[3],
      message: withContinuation(m[7] as string, line, rest),
      attributes,
    };
    const ts = parseDateTime(m[1] as string);
    if (ts !== null) fields.timestamp = ts;
    return fields;
  },
};
