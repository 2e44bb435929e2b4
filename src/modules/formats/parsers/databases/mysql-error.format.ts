import type { LineFormat, ParsedAttributes, ParsedFields } from '../../log-format';
import { parseTimestamp } from '../../normalize/timestamp';
import { digitsAt, utcMillis } from '../support/time';
import { fullYear } from '../runtimes/clock';
import { firstLine, withContinuation } from '../runtimes/record-text';

// MySQL 8 `time thread [Level] [MY-code] [Subsystem] msg`, 5.7 `time thread [Level] msg`,
// 5.6 / MariaDB `yyyy-MM-dd HH:mm:ss thread [Level] msg`, 5.5 / old MariaDB `yyMMdd H:mm:ss [Level] msg`.
const LINE =
  /^(?:(\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d(?:\.\d{1,6})?(?:Z|[+-]\d\d:\d\d)?)|(\d{6}) {1,2}(\d{1,2}):(\d\d):(\d\d)) (?:(\d{1,20}) )?\[(System|ERROR|Error|Warning|Note|Info|Debug)\] (?:\[(MY-\d{6})\] \[([\w-]{1,32})\] )?(.*)$/;

export const mysqlErrorFormat: LineFormat = {
  name: 'mysql-error',
  family: 'databases',
  kind: 'line',
  description:
    'MySQL / MariaDB error log: 8.0 `time thread [Level] [MY-code] [Subsystem] msg` and the 5.5-5.7 layouts',
  samples: [
    {
      line: '2026-11-26T10:11:12.123456Z 0 [Warning] [MY-010068] [Server] CA certificate ca.pem is self signed.',
      expect: {
        timestamp: Date.parse('2026-11-26T10:11:12.123Z'),
        level: 'Warning',
        message: 'CA certificate ca.pem is self signed.',
        attributes: {
          'mysql.thread_id': 0,
          'event.code': 'MY-010068',
          'mysql.subsystem': 'Server',
        },
      },
    },
    {
      line: "2026-11-26T10:11:13.000201Z 14 [ERROR] [MY-010584] [Repl] Slave I/O for channel '': error connecting to master 'repl@10.0.1.5:3306' - retry-time: 60 retries: 3 message: Can't connect to MySQL server on '10.0.1.5:3306' (110), Error_code: MY-002003",
      expect: {
        level: 'ERROR',
        attributes: { 'mysql.thread_id': 14, 'event.code': 'MY-010584', 'mysql.subsystem': 'Repl' },
      },
    },
    {
      line: '2026-11-26T10:11:14.501234Z 0 [Note] InnoDB: Buffer pool(s) load completed at 261126 10:11:14',
      expect: {
        timestamp: Date.parse('2026-11-26T10:11:14.501Z'),
        level: 'notice',
        message: 'InnoDB: Buffer pool(s) load completed at 261126 10:11:14',
      },
    },
    {
      line: "261126  9:05:02 [ERROR] mysqld: Table './shop/orders' is marked as crashed and should be repaired",
      expect: {
        timestamp: Date.parse('2026-11-26T09:05:02Z'),
        level: 'ERROR',
        message: "mysqld: Table './shop/orders' is marked as crashed and should be repaired",
      },
    },
    {
      line: '2026-11-26 10:11:15 0 [Note] mariadbd: ready for connections.',
      expect: {
        timestamp: Date.parse('2026-11-26T10:11:15Z'),
        level: 'notice',
        message: 'mariadbd: ready for connections.',
        attributes: { 'mysql.thread_id': 0 },
      },
    },
  ],

  detect(line: string): boolean {
    const c = line.charCodeAt(0);
    if (!(c >= 48 && c <= 57) || (line.charCodeAt(4) !== 45 && line.charCodeAt(6) !== 32)) {
      return false;
    }
    return line.includes(' [') && LINE.test(firstLine(line).head);
  },

  parse(line: string): ParsedFields | null {
    const { head, rest } = firstLine(line);
    const m = LINE.exec(head);
    if (m === null) return null;
    const attributes: ParsedAttributes = {};
    if (m[6] !== undefined) attributes['mysql.thread_id'] = Number(m[6]);
    if (m[8] !== undefined) attributes['event.code'] = m[8];
    if (m[9] !== undefined) attributes['mysql.subsystem'] = m[9];
    const level = m[7] as string;
    const fields: ParsedFields = {
      level: level === 'Note' ? 'notice' : level === 'System' ? 'info' : level,
      message: withContinuation(m[10] as string, line, rest),
      attributes,
    };
    let ts: number | null;
    if (m[1] !== undefined) {
      ts = parseTimestamp(m[1]);
    } else {
      const d = m[2] as string;
      ts = utcMillis(
        fullYear(digitsAt(d, 0, 2)),
        digitsAt(d, 2, 2),
        digitsAt(d, 4, 2),
        Number(m[3]),
        Number(m[4]),
        Number(m[5]),
      );
    }
    if (ts !== null) fields.timestamp = ts;
    return fields;
  },
};
