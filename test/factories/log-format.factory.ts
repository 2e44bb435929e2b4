import type {
  JsonFormat,
  LineFormat,
  LogFormat,
  MessageParser,
  ParsedFields,
} from 'src/modules/formats/log-format';

/**
 * Small formats for the format core's own tests: they exercise the registry, streams, multiline,
 * wrappers and message parsers without depending on the built-in parsers.
 */

const APP_LINE = /^(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d),(\d{3}) \[([A-Z]+)\] ([\w.$]+) - /;

/** log4j-like: `2026-11-26 10:00:00,123 [ERROR] com.shop.Cart - message`. */
export const appTestFormat: LineFormat = {
  kind: 'line',
  name: 'app-test',
  family: 'runtimes',
  description: 'test: log4j-like application lines',
  samples: [
    {
      line: '2026-11-26 10:00:00,123 [INFO] com.shop.Cart - cart 17 saved',
      expect: { level: 'INFO', message: 'cart 17 saved' },
    },
    {
      line: '2026-11-26 10:00:01,001 [WARN] com.shop.Pay - retrying provider',
      expect: { level: 'WARN' },
    },
    {
      line: '2026-11-26 10:00:02,500 [ERROR] com.shop.Pay - payment failed',
      expect: { level: 'ERROR' },
    },
  ],
  detect: (line) => APP_LINE.test(line),
  parse(line): ParsedFields | null {
    const m = APP_LINE.exec(line);
    if (m === null) return null;
    return {
      timestamp: Date.parse(`${m[1]!.replace(' ', 'T')}.${m[2]!}Z`),
      level: m[3],
      message: line.slice(m[0].length),
      attributes: { 'log.logger': m[4]! },
    };
  },
};

const ACCESS_LINE = /^(\d{1,3}(?:\.\d{1,3}){3}) ([A-Z]+) (\S+) (\d{3})$/;

/** `10.0.0.1 GET /cart 200`: no message, the whole line is the body. */
export const accessTestFormat: LineFormat = {
  kind: 'line',
  name: 'access-test',
  family: 'web',
  description: 'test: tiny access log',
  samples: [
    {
      line: '10.0.0.1 GET /cart 200',
      expect: { attributes: { 'http.response.status_code': 200 } },
    },
    { line: '10.0.0.2 POST /pay 502', expect: {} },
    { line: '192.168.1.9 GET /healthz 204', expect: {} },
  ],
  detect: (line) => ACCESS_LINE.test(line),
  parse(line) {
    const m = ACCESS_LINE.exec(line);
    if (m === null) return null;
    return {
      attributes: {
        'source.ip': m[1]!,
        'http.request.method': m[2]!,
        'url.original': m[3]!,
        'http.response.status_code': Number(m[4]),
      },
    };
  },
};

const SYSLOG_LINE = /^<(\d{1,3})>(\S+) ([\w/.-]+)(?:\[(\d+)\])?: /;

/** `<38>web-1 sshd[811]: message`. */
export const syslogTestFormat: LineFormat = {
  kind: 'line',
  name: 'syslog-test',
  family: 'syslog',
  description: 'test: syslog-like lines',
  priority: 5,
  samples: [
    {
      line: '<38>web-1 sshd[811]: Accepted password for ann from 10.1.2.3 port 51022 ssh2',
      expect: { host: 'web-1', service: 'sshd' },
    },
    { line: '<13>db-2 cron[7]: job started', expect: { host: 'db-2' } },
    { line: '<11>db-2 app: disk full', expect: { service: 'app' } },
  ],
  detect: (line) => line.charCodeAt(0) === 60 && SYSLOG_LINE.test(line),
  parse(line) {
    const m = SYSLOG_LINE.exec(line);
    if (m === null) return null;
    const attributes: Record<string, string | number> = { 'process.name': m[3]! };
    if (m[4] !== undefined) attributes['process.pid'] = Number(m[4]);
    return {
      level: String(Number(m[1]) % 8),
      host: m[2],
      service: m[3],
      message: line.slice(m[0].length),
      attributes,
    };
  },
};

/** `sshd` messages: who logged in from where. */
export const sshdTestParser: MessageParser = {
  name: 'sshd-test',
  description: 'test: sshd logins',
  programs: ['sshd'],
  samples: [
    {
      program: 'sshd',
      message: 'Accepted password for ann from 10.1.2.3 port 51022 ssh2',
      expect: { 'user.name': 'ann' },
    },
    {
      program: 'sshd',
      message: 'Accepted publickey for bob from 10.1.2.4 port 2 ssh2',
      expect: { 'user.name': 'bob' },
    },
    {
      program: 'sshd',
      message: 'Failed password for eve from 10.1.2.5 port 3 ssh2',
      expect: { 'event.outcome': 'failure' },
    },
  ],
  parse(message) {
    const m = /^(Accepted|Failed) (\w+) for (\S+) from (\S+) port (\d+)/.exec(message);
    if (m === null) return null;
    return {
      'event.outcome': m[1] === 'Accepted' ? 'success' : 'failure',
      'user.name': m[3]!,
      'source.ip': m[4]!,
      'source.port': Number(m[5]),
    };
  },
};

/** Docker json-file: `{"log":"...\n","stream":"stdout","time":"..."}`; no trailing newline = partial. */
export const dockerTestFormat: JsonFormat = {
  kind: 'json',
  name: 'docker-test',
  family: 'containers',
  description: 'test: Docker json-file lines',
  wraps: true,
  samples: [
    {
      line: '{"log":"hello\\n","stream":"stdout","time":"2026-11-26T10:00:00.000000001Z"}',
      expect: { message: 'hello\n' },
    },
    { line: '{"log":"a","stream":"stderr","time":"2026-11-26T10:00:00Z"}', expect: {} },
    { line: '{"log":"b\\n","stream":"stdout","time":"2026-11-26T10:00:01Z"}', expect: {} },
  ],
  detect: (doc) => typeof doc.log === 'string' && typeof doc.stream === 'string' && 'time' in doc,
  parse(doc) {
    if (typeof doc.log !== 'string') return null;
    const fields: ParsedFields = {
      message: doc.log,
      attributes: { 'log.iostream': String(doc.stream) },
    };
    const ts = typeof doc.time === 'string' ? Date.parse(doc.time) : NaN;
    if (Number.isFinite(ts)) fields.timestamp = ts;
    if (!doc.log.endsWith('\n')) fields.partial = true;
    return fields;
  },
};

const CRI_LINE = /^(\d{4}-\d\d-\d\dT[\d:.]+Z) (stdout|stderr) ([PF]) /;

/** CRI: `2026-11-26T10:00:00.000Z stdout F message`. */
export const criTestFormat: LineFormat = {
  kind: 'line',
  name: 'cri-test',
  family: 'containers',
  description: 'test: CRI container lines',
  wraps: true,
  samples: [
    { line: '2026-11-26T10:00:00.000Z stdout F hello', expect: { message: 'hello' } },
    { line: '2026-11-26T10:00:00.000Z stdout P hel', expect: { partial: true } },
    { line: '2026-11-26T10:00:01.000Z stderr F lo', expect: {} },
  ],
  detect: (line) => CRI_LINE.test(line),
  parse(line) {
    const m = CRI_LINE.exec(line);
    if (m === null) return null;
    const fields: ParsedFields = {
      timestamp: Date.parse(m[1]!),
      message: line.slice(m[0].length),
      attributes: { 'log.iostream': m[2]! },
    };
    if (m[3] === 'P') fields.partial = true;
    return fields;
  },
};

/** Kubernetes audit-like events (a specific JSON format). */
export const auditTestFormat: JsonFormat = {
  kind: 'json',
  name: 'audit-test',
  family: 'containers',
  description: 'test: Kubernetes audit events',
  samples: [
    {
      line: '{"kind":"Event","apiVersion":"audit.k8s.io/v1","verb":"get","requestURI":"/api/v1/pods"}',
      expect: { message: 'get /api/v1/pods' },
    },
    {
      line: '{"kind":"Event","apiVersion":"audit.k8s.io/v1","verb":"delete","requestURI":"/api/v1/x"}',
      expect: {},
    },
    {
      line: '{"kind":"Event","apiVersion":"audit.k8s.io/v1","verb":"list","requestURI":"/apis"}',
      expect: {},
    },
  ],
  detect: (doc) =>
    doc.kind === 'Event' &&
    typeof doc.apiVersion === 'string' &&
    doc.apiVersion.startsWith('audit.k8s.io/'),
  parse(doc) {
    return {
      message: `${String(doc.verb)} ${String(doc.requestURI)}`,
      attributes: { 'event.action': String(doc.verb), 'url.original': String(doc.requestURI) },
    };
  },
};

/** A MySQL-slow-log-like format: `# Time:` starts an entry, every other line belongs to it. */
export const slowTestFormat: LineFormat = {
  kind: 'line',
  name: 'slow-test',
  family: 'databases',
  description: 'test: multi-line entries that start at `# Time:`',
  startLine: true,
  samples: [
    { line: '# Time: 2026-11-26T10:00:00Z\nSELECT 1;', expect: {} },
    { line: '# Time: 2026-11-26T10:00:01Z\n# Query_time: 2.5\nSELECT 2;', expect: {} },
    { line: '# Time: 2026-11-26T10:00:02Z', expect: {} },
  ],
  detect: (line) => line.startsWith('# Time: '),
  parse(line) {
    if (!line.startsWith('# Time: ')) return null;
    const newline = line.indexOf('\n');
    const ts = Date.parse(line.slice(8, newline === -1 ? undefined : newline));
    const q = /# Query_time: ([\d.]+)/.exec(line);
    const fields: ParsedFields = { message: line };
    if (Number.isFinite(ts)) fields.timestamp = ts;
    if (q !== null) fields.attributes = { 'mysql.query_time': Number(q[1]) };
    return fields;
  },
};

export const TEST_FORMATS: readonly LogFormat[] = [
  appTestFormat,
  accessTestFormat,
  syslogTestFormat,
  dockerTestFormat,
  criTestFormat,
  auditTestFormat,
  slowTestFormat,
];
