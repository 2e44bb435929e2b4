import type { LineFormat, ParsedAttributes, ParsedFields } from '../../log-format';
import { parseDateTime } from '../support/time';
import { zoneMinutes } from '../runtimes/clock';

// `%m` / `%t` and the zone PostgreSQL prints (log_timezone's abbreviation or a numeric offset).
const STAMP =
  /^(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(?:\.\d{3})?) ([A-Z]{1,5}|[+-]\d\d(?::?\d\d)?)(?=[ :])/;
const SEVERITY =
  /(?:^|[\s:\]])(DEBUG[1-5]|INFO|NOTICE|WARNING|ERROR|LOG|FATAL|PANIC|DETAIL|HINT|QUERY|CONTEXT|LOCATION|STATEMENT)$/;
// Lines that belong to the message before them: the registry joins them onto it.
const CONTINUATION = new Set(['DETAIL', 'HINT', 'QUERY', 'CONTEXT', 'LOCATION', 'STATEMENT']);
const PID = /\[(\d{1,10})\]/;
const KEY_VALUE = /(?:^|[\s,:\]])(user|db|app|client|host)=([^,\s]{0,256})/g;
const USER_AT_DB = /(?:^|[\s:\]])([\w.$-]{1,64})@([\w.$-]{1,64})(?=[\s:]|$)/;
const HOST_PORT = /(?:^|[\s:])([0-9A-Fa-f.:]{2,45}|[\w.-]{1,253})\((\d{1,5})\)/;
const DURATION =
  /^duration: (\d{1,12}(?:\.\d{1,6})?) ms(?: {1,2}(?:statement|execute [^:]{0,128}|parse [^:]{0,128}|bind [^:]{0,128}): ([\s\S]*))?$/;
const STATEMENT = /^statement: ([\s\S]*)$/;

interface Header {
  timestamp: number | null;
  severity: string;
  prefix: string;
  text: string;
}

export const postgresqlFormat: LineFormat = {
  name: 'postgresql',
  family: 'databases',
  kind: 'line',
  startLine: true,
  description:
    'PostgreSQL stderr log with the default and common log_line_prefix (`%m [%p] `, `%m [%p] %q%u@%d `, pgBadger, RDS); DETAIL/HINT/STATEMENT lines join their message',
  samples: [
    {
      line: '2026-11-26 10:11:12.123 UTC [1234] ERROR:  relation "order_items" does not exist at character 15\n2026-11-26 10:11:12.123 UTC [1234] STATEMENT:  SELECT * FROM order_items WHERE order_id = 42',
      expect: {
        timestamp: Date.parse('2026-11-26T10:11:12.123Z'),
        level: 'ERROR',
        message:
          'relation "order_items" does not exist at character 15\nSTATEMENT:  SELECT * FROM order_items WHERE order_id = 42',
        attributes: {
          'process.pid': 1234,
          'postgresql.statement': 'SELECT * FROM order_items WHERE order_id = 42',
        },
      },
    },
    {
      line: '2026-11-26 11:11:13.500 CET [2211] shop@shopdb ERROR:  duplicate key value violates unique constraint "users_email_key"\n2026-11-26 11:11:13.500 CET [2211] shop@shopdb DETAIL:  Key (email)=(ann@example.com) already exists.\n2026-11-26 11:11:13.500 CET [2211] shop@shopdb STATEMENT:  INSERT INTO users (email, name)\n\tVALUES ($1, $2)',
      expect: {
        timestamp: Date.parse('2026-11-26T10:11:13.500Z'),
        level: 'ERROR',
        message:
          'duplicate key value violates unique constraint "users_email_key"\nDETAIL:  Key (email)=(ann@example.com) already exists.\nSTATEMENT:  INSERT INTO users (email, name)\n\tVALUES ($1, $2)',
        attributes: {
          'process.pid': 2211,
          'user.name': 'shop',
          'postgresql.database': 'shopdb',
          'postgresql.detail': 'Key (email)=(ann@example.com) already exists.',
          'postgresql.statement': 'INSERT INTO users (email, name)\n\tVALUES ($1, $2)',
        },
      },
    },
    {
      line: "2026-11-26 10:11:14 UTC [3307]: [5-1] user=report,db=analytics,app=metabase,client=10.0.8.21 LOG:  duration: 2412.337 ms  statement: SELECT count(*) FROM events WHERE created_at > now() - interval '7 days'",
      expect: {
        timestamp: Date.parse('2026-11-26T10:11:14Z'),
        level: 'info',
        attributes: {
          'process.pid': 3307,
          'user.name': 'report',
          'postgresql.database': 'analytics',
          'postgresql.application_name': 'metabase',
          'client.ip': '10.0.8.21',
          'event.duration': 2_412_337_000,
          'postgresql.statement':
            "SELECT count(*) FROM events WHERE created_at > now() - interval '7 days'",
        },
      },
    },
    {
      line: '2026-11-26 10:11:15 UTC:2001:db8::44(52341):app@shop:[4410]:FATAL:  password authentication failed for user "app"\n2026-11-26 10:11:15 UTC:2001:db8::44(52341):app@shop:[4410]:DETAIL:  Connection matched pg_hba.conf line 99: "host all all ::/0 md5"',
      expect: {
        level: 'FATAL',
        message:
          'password authentication failed for user "app"\nDETAIL:  Connection matched pg_hba.conf line 99: "host all all ::/0 md5"',
        attributes: {
          'process.pid': 4410,
          'client.ip': '2001:db8::44',
          'client.port': 52341,
          'user.name': 'app',
          'postgresql.database': 'shop',
        },
      },
    },
    {
      line: '2026-11-26 10:11:16.001 UTC [27] LOG:  checkpoint complete: wrote 3 buffers (0.0%); 0 WAL file(s) added, 0 removed, 0 recycled; write=0.302 s, sync=0.004 s, total=0.317 s',
      expect: {
        level: 'info',
        message:
          'checkpoint complete: wrote 3 buffers (0.0%); 0 WAL file(s) added, 0 removed, 0 recycled; write=0.302 s, sync=0.004 s, total=0.317 s',
        attributes: { 'process.pid': 27 },
      },
    },
  ],

  detect(line: string): boolean {
    if (line.charCodeAt(4) !== 45 || line.charCodeAt(10) !== 32 || line.charCodeAt(13) !== 58) {
      return false;
    }
    const head = firstLineOf(line);
    if (!head.includes(':  ')) return false;
    const severity = readSeverity(head);
    return severity !== null && !CONTINUATION.has(severity.name);
  },

  parse(line: string): ParsedFields | null {
    const lines = line.split('\n');
    const head = readHeader(lines[0] as string);
    if (head === null || CONTINUATION.has(head.severity)) return null;
    const attributes: ParsedAttributes = {};
    readPrefix(head.prefix, attributes);
    const fields: ParsedFields = { level: levelOf(head.severity), attributes };
    if (head.timestamp !== null) fields.timestamp = head.timestamp;

    // Each following line either starts a DETAIL/HINT/... part or continues the part before it.
    let text = head.text;
    let message = head.text;
    let part = '';
    const parts: Record<string, string> = {};
    for (let i = 1; i < lines.length; i++) {
      const raw = lines[i] as string;
      const next = raw.charCodeAt(4) === 45 ? readHeader(raw) : null;
      if (next !== null && CONTINUATION.has(next.severity)) {
        part = next.severity.toLowerCase();
        parts[part] = parts[part] === undefined ? next.text : `${parts[part]}\n${next.text}`;
        message += `\n${next.severity}:  ${next.text}`;
      } else {
        if (part === '') text += `\n${raw}`;
        else parts[part] += `\n${raw}`;
        message += `\n${raw}`;
      }
    }
    fields.message = message;
    for (const key in parts) attributes[`postgresql.${key}`] = parts[key] as string;

    const duration = DURATION.exec(text);
    if (duration !== null) {
      attributes['event.duration'] = Math.round(Number(duration[1]) * 1e6);
      if (duration[2] !== undefined) attributes['postgresql.statement'] = duration[2];
    } else {
      const statement = STATEMENT.exec(text);
      if (statement !== null) attributes['postgresql.statement'] = statement[1] as string;
    }
    return fields;
  },
};

function firstLineOf(record: string): string {
  const nl = record.indexOf('\n');
  return nl === -1 ? record : record.slice(0, nl);
}

/** The stamp, the severity and where the severity's `:  ` is; null if not a log line. */
function readSeverity(
  line: string,
): { stamp: RegExpExecArray; name: string; before: string; colon: number } | null {
  const stamp = STAMP.exec(line);
  if (stamp === null) return null;
  // PostgreSQL puts two spaces after `SEVERITY:`; the first such colon ends the prefix.
  const colon = line.indexOf(':  ', stamp[0].length);
  if (colon === -1 || colon - stamp[0].length > 512) return null;
  const before = line.slice(stamp[0].length, colon);
  const severity = SEVERITY.exec(before);
  return severity === null ? null : { stamp, name: severity[1] as string, before, colon };
}

/** Time, zone, the rest of the prefix, severity and text of one line; null if not a log line. */
function readHeader(line: string): Header | null {
  const found = readSeverity(line);
  if (found === null) return null;
  const { stamp, name, before, colon } = found;
  const zone = zoneMinutes(stamp[2] as string);
  let timestamp = zone === null ? null : parseDateTime(stamp[1] as string);
  if (timestamp !== null && zone !== null) timestamp -= zone * 60_000;
  return {
    timestamp,
    severity: name,
    prefix: before.slice(0, before.length - name.length),
    text: line.endsWith('\r') ? line.slice(colon + 3, -1) : line.slice(colon + 3),
  };
}

/** Session fields from the log_line_prefix text between the time and the severity. */
function readPrefix(raw: string, attributes: ParsedAttributes): void {
  // RDS's `%t:%r:%u@%d:[%p]:` puts a colon right after the zone; IPv6 clients start with colons too.
  const prefix = raw.charCodeAt(0) === 58 ? raw.slice(1) : raw;
  const pid = PID.exec(prefix);
  if (pid !== null) attributes['process.pid'] = Number(pid[1]);
  let keyValue = false;
  for (const m of prefix.matchAll(KEY_VALUE)) {
    const value = m[2] as string;
    if (value === '' || value === '[unknown]') continue;
    keyValue = true;
    switch (m[1]) {
      case 'user':
        attributes['user.name'] = value;
        break;
      case 'db':
        attributes['postgresql.database'] = value;
        break;
      case 'app':
        attributes['postgresql.application_name'] = value;
        break;
      default:
        putClient(value, attributes);
    }
  }
  if (keyValue) return;
  const hostPort = HOST_PORT.exec(prefix);
  if (hostPort !== null) {
    putClient(hostPort[1] as string, attributes);
    attributes['client.port'] = Number(hostPort[2]);
  }
  const userAtDb = USER_AT_DB.exec(
    hostPort === null ? prefix : prefix.slice(hostPort.index + hostPort[0].length),
  );
  if (userAtDb !== null) {
    attributes['user.name'] = userAtDb[1] as string;
    attributes['postgresql.database'] = userAtDb[2] as string;
  }
}

function putClient(host: string, attributes: ParsedAttributes): void {
  if (host === '[local]') return;
  attributes[/^[\d.]+$|:/.test(host) ? 'client.ip' : 'client.address'] = host;
}

function levelOf(severity: string): string {
  if (severity === 'LOG') return 'info';
  return severity.startsWith('DEBUG') ? 'debug' : severity;
}
