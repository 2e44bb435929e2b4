import type { LineFormat, ParsedAttributes, ParsedFields } from '../../log-format';
import { parseTimestamp } from '../../normalize/timestamp';
import { digitsAt, utcMillis } from '../support/time';
import { fullYear } from '../runtimes/clock';

// `user[priv_user] @ host [ip]  Id: 8` (MySQL) or `...  Id: 8` missing (MariaDB puts Thread_id below).
const USER_HOST =
  /^# User@Host: ([^[\s]{0,128})\[([^\]]{0,128})\] @ {1,2}(\S{0,255}) ?\[([^\]]{0,64})\](?:\s{1,16}Id:\s{1,16}(\d{1,20}))?/;
const PAIR = /([A-Za-z_]{1,64}): +(\S{1,256})/g;
const OLD_TIME = /^(\d{6}) {1,2}(\d{1,2}):(\d\d):(\d\d)$/;
const SET_TIMESTAMP = /^SET timestamp=(\d{1,12});$/;
const USE = /^use ([^;]{1,64});$/;
const BANNER = /^\S{1,256}, Version: .{1,256} started with:$/;
const NUMBER = /^-?\d{1,20}(?:\.\d{1,9})?$/;

export const mysqlSlowFormat: LineFormat = {
  name: 'mysql-slow',
  family: 'databases',
  kind: 'line',
  startLine: true,
  description:
    'MySQL / MariaDB / Percona slow query log entries (`# User@Host:`, `# Query_time:`, `SET timestamp`, the statement) as one record',
  samples: [
    {
      line: "# User@Host: root[root] @ localhost []  Id:     8\n# Query_time: 2.000123  Lock_time: 0.000100 Rows_sent: 1  Rows_examined: 100000\nuse shop;\nSET timestamp=1795687872;\nSELECT COUNT(*) FROM orders WHERE status = 'open';\n# Time: 2026-11-26T10:11:15.004120Z",
      expect: {
        timestamp: Date.parse('2026-11-26T10:11:12Z'),
        message: "SELECT COUNT(*) FROM orders WHERE status = 'open';",
        attributes: {
          'user.name': 'root',
          'source.domain': 'localhost',
          'mysql.thread_id': 8,
          'mysql.slowlog.query_time': 2.000123,
          'mysql.slowlog.lock_time': 0.0001,
          'mysql.slowlog.rows_sent': 1,
          'mysql.slowlog.rows_examined': 100000,
          'mysql.slowlog.schema': 'shop',
          'event.duration': 2_000_123_000,
        },
      },
    },
    {
      line: '# User@Host: app[app] @ web-2.internal [10.0.4.12]  Id: 31337\n# Query_time: 11.503917  Lock_time: 0.000214 Rows_sent: 0  Rows_examined: 4812993\nSET timestamp=1795687873;\nUPDATE sessions\n   SET expired = 1\n WHERE last_seen < NOW() - INTERVAL 30 DAY;',
      expect: {
        timestamp: Date.parse('2026-11-26T10:11:13Z'),
        message: 'UPDATE sessions\n   SET expired = 1\n WHERE last_seen < NOW() - INTERVAL 30 DAY;',
        attributes: {
          'user.name': 'app',
          'source.domain': 'web-2.internal',
          'source.ip': '10.0.4.12',
          'mysql.thread_id': 31337,
          'mysql.slowlog.query_time': 11.503917,
          'mysql.slowlog.rows_examined': 4812993,
        },
      },
    },
    {
      line: '# User@Host: report[report] @  [2001:db8::9]\n# Thread_id: 42  Schema: analytics  QC_hit: No\n# Query_time: 3.120000  Lock_time: 0.000000  Rows_sent: 12  Rows_examined: 880211\n# Rows_affected: 0  Bytes_sent: 1843\nSET timestamp=1795687874;\nSELECT day, SUM(total) FROM sales GROUP BY day;',
      expect: {
        timestamp: Date.parse('2026-11-26T10:11:14Z'),
        message: 'SELECT day, SUM(total) FROM sales GROUP BY day;',
        attributes: {
          'user.name': 'report',
          'source.ip': '2001:db8::9',
          'mysql.thread_id': 42,
          'mysql.slowlog.schema': 'analytics',
          'mysql.slowlog.qc_hit': 'No',
          'mysql.slowlog.query_time': 3.12,
          'mysql.slowlog.bytes_sent': 1843,
        },
      },
    },
  ],

  detect(line: string): boolean {
    // Every flavour writes `# User@Host:` per entry, while MariaDB and MySQL <= 5.6 write
    // `# Time:` only when the second changes: so an entry starts at `# User@Host:`, and a
    // `# Time:` line ends up after the statement of the entry before it.
    return line.charCodeAt(0) === 35 && line.startsWith('# User@Host: ');
  },

  parse(line: string): ParsedFields | null {
    if (!line.startsWith('# Time: ') && !line.startsWith('# User@Host: ')) return null;
    const attributes: ParsedAttributes = {};
    const fields: ParsedFields = { attributes };
    const query: string[] = [];
    let timestamp: number | null = null;
    let setTimestamp: number | null = null;
    for (const raw of line.split('\n')) {
      const text = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
      // The next entry's `# Time:` (or the banner of a restarted server) closes this one.
      if (query.length > 0 && (text.startsWith('# Time: ') || BANNER.test(text))) break;
      if (query.length === 0 && text.startsWith('# ')) {
        if (text.startsWith('# Time: ')) timestamp = slowTime(text.slice(8).trim());
        else if (text.startsWith('# User@Host: ')) readUserHost(text, attributes);
        else readPairs(text, attributes);
        continue;
      }
      if (query.length === 0) {
        const set = SET_TIMESTAMP.exec(text);
        if (set !== null) {
          setTimestamp = parseTimestamp(Number(set[1]));
          continue;
        }
        const use = USE.exec(text);
        if (use !== null) {
          attributes['mysql.slowlog.schema'] = use[1] as string;
          continue;
        }
      }
      query.push(text);
    }
    while (query.length > 0 && (query[query.length - 1] as string).trim() === '') query.pop();
    if (query.length > 0) fields.message = query.join('\n');
    const ts = timestamp ?? setTimestamp;
    if (ts !== null) fields.timestamp = ts;
    const seconds = attributes['mysql.slowlog.query_time'];
    if (typeof seconds === 'number') attributes['event.duration'] = Math.round(seconds * 1e9);
    return fields;
  },
};

function slowTime(text: string): number | null {
  const old = OLD_TIME.exec(text);
  if (old === null) return parseTimestamp(text);
  const d = old[1] as string;
  return utcMillis(
    fullYear(digitsAt(d, 0, 2)),
    digitsAt(d, 2, 2),
    digitsAt(d, 4, 2),
    Number(old[2]),
    Number(old[3]),
    Number(old[4]),
  );
}

function readUserHost(text: string, attributes: ParsedAttributes): void {
  const m = USER_HOST.exec(text);
  if (m === null) return;
  const user = m[1] !== '' ? m[1] : m[2];
  if (user !== undefined && user !== '') attributes['user.name'] = user;
  if (m[3] !== undefined && m[3] !== '') attributes['source.domain'] = m[3];
  if (m[4] !== undefined && m[4] !== '') attributes['source.ip'] = m[4];
  if (m[5] !== undefined) attributes['mysql.thread_id'] = Number(m[5]);
}

/** `# Key: value  Key: value` lines: Query_time, Lock_time, Rows_*, MariaDB and Percona extras. */
function readPairs(text: string, attributes: ParsedAttributes): void {
  for (const m of text.matchAll(PAIR)) {
    const key = (m[1] as string).toLowerCase();
    const raw = m[2] as string;
    const value = NUMBER.test(raw) ? Number(raw) : raw;
    if (key === 'thread_id' && typeof value === 'number') attributes['mysql.thread_id'] = value;
    else attributes[`mysql.slowlog.${key}`] = value;
  }
}
