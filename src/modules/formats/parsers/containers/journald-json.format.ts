import type { JsonFormat, ParsedAttributes } from '../../log-format';
import { parseTimestamp } from '../../normalize/timestamp';
import { num, putFlat, putNum, putStr, str } from '../web/json-fields';

/** Journal fields with an ECS name; the rest go under `journald.` as written. */
const MAPPED: Readonly<Record<string, string>> = {
  _PID: 'process.pid',
  _COMM: 'process.name',
  _EXE: 'process.executable',
  _CMDLINE: 'process.command_line',
  _UID: 'user.id',
  _GID: 'group.id',
  _SYSTEMD_UNIT: 'systemd.unit',
  _SYSTEMD_USER_UNIT: 'systemd.user_unit',
  _SYSTEMD_SLICE: 'systemd.slice',
  _SYSTEMD_CGROUP: 'systemd.cgroup',
  _TRANSPORT: 'systemd.transport',
  _BOOT_ID: 'host.boot.id',
  _MACHINE_ID: 'host.id',
  SYSLOG_FACILITY: 'log.syslog.facility.code',
  SYSLOG_PID: 'process.pid',
  CONTAINER_ID: 'container.id',
  CONTAINER_ID_FULL: 'container.id',
  CONTAINER_NAME: 'container.name',
  CONTAINER_TAG: 'container.tag',
  IMAGE_NAME: 'container.image.name',
  CODE_FILE: 'log.origin.file.name',
  CODE_LINE: 'log.origin.file.line',
  CODE_FUNC: 'log.origin.function',
  ERRNO: 'error.code',
};
const NUMERIC = new Set(['process.pid', 'log.syslog.facility.code', 'log.origin.file.line']);
const HANDLED = new Set([
  '__REALTIME_TIMESTAMP',
  'MESSAGE',
  'PRIORITY',
  '_HOSTNAME',
  'SYSLOG_IDENTIFIER',
  '__CURSOR',
  '__MONOTONIC_TIMESTAMP',
  '__SEQNUM',
  '__SEQNUM_ID',
  '_SOURCE_REALTIME_TIMESTAMP',
  '_SOURCE_MONOTONIC_TIMESTAMP',
  '_CAP_EFFECTIVE',
]);

/**
 * `journalctl -o json` export: __REALTIME_TIMESTAMP in µs, PRIORITY as a syslog digit,
 * MESSAGE as a string or (for non-UTF-8 payloads) a byte array, and the trusted `_` fields.
 */
export const JOURNALD_JSON_FORMAT: JsonFormat = {
  name: 'journald-json',
  family: 'containers',
  kind: 'json',
  description:
    'systemd journal JSON export (journalctl -o json): __REALTIME_TIMESTAMP, PRIORITY, MESSAGE, _HOSTNAME...',
  priority: 20,
  wraps: true,
  detect: (doc) => typeof doc.__REALTIME_TIMESTAMP === 'string' && doc.MESSAGE !== undefined,
  parse(doc) {
    const attrs: ParsedAttributes = {};
    for (const key in doc) {
      if (HANDLED.has(key)) continue;
      const mapped = MAPPED[key];
      const value = doc[key];
      if (mapped === undefined) {
        putFlat(attrs, `journald.${key}`, value);
      } else if (NUMERIC.has(mapped)) {
        putNum(attrs, mapped, num(doc, key));
      } else {
        putStr(attrs, mapped, str(doc, key));
      }
    }
    putStr(attrs, 'journald.cursor', str(doc, '__CURSOR'));
    const source = parseTimestamp(doc._SOURCE_REALTIME_TIMESTAMP);
    const timestamp = source ?? parseTimestamp(doc.__REALTIME_TIMESTAMP);
    const level = str(doc, 'PRIORITY');
    const host = str(doc, '_HOSTNAME');
    const service = str(doc, 'SYSLOG_IDENTIFIER') ?? str(doc, '_COMM');
    const message = journalText(doc.MESSAGE);
    return {
      ...(timestamp === null ? {} : { timestamp }),
      ...(level === undefined ? {} : { level }),
      ...(message === undefined ? {} : { message }),
      ...(host === undefined ? {} : { host }),
      ...(service === undefined ? {} : { service }),
      attributes: attrs,
    };
  },
  samples: [
    {
      line: '{"__CURSOR":"s=0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e;i=1a2b;b=9f8e7d6c5b4a39281706f5e4d3c2b1a0;m=2a3b4c5d;t=645b1c2d3e4f5;x=1122334455667788","__REALTIME_TIMESTAMP":"1795687872123456","__MONOTONIC_TIMESTAMP":"708662365","_BOOT_ID":"9f8e7d6c5b4a39281706f5e4d3c2b1a0","PRIORITY":"6","SYSLOG_FACILITY":"3","SYSLOG_IDENTIFIER":"nginx","_PID":"1412","_UID":"0","_GID":"0","_COMM":"nginx","_EXE":"/usr/sbin/nginx","_CMDLINE":"nginx: master process /usr/sbin/nginx -g daemon on; master_process on;","_SYSTEMD_UNIT":"nginx.service","_TRANSPORT":"stdout","_HOSTNAME":"web-1","MESSAGE":"2026/11/26 10:11:12 [notice] 1412#1412: signal process started"}',
      expect: {
        timestamp: Date.parse('2026-11-26T10:11:12.123Z'),
        level: '6',
        message: '2026/11/26 10:11:12 [notice] 1412#1412: signal process started',
        host: 'web-1',
        service: 'nginx',
        attributes: {
          'process.pid': 1412,
          'process.name': 'nginx',
          'process.executable': '/usr/sbin/nginx',
          'systemd.unit': 'nginx.service',
          'log.syslog.facility.code': 3,
          'user.id': '0',
          'host.boot.id': '9f8e7d6c5b4a39281706f5e4d3c2b1a0',
        },
      },
    },
    {
      line: '{"__REALTIME_TIMESTAMP":"1795687873500000","PRIORITY":"3","SYSLOG_IDENTIFIER":"backup.sh","_PID":"9921","_HOSTNAME":"db-2","_SYSTEMD_UNIT":"backup.service","MESSAGE":[101,114,114,111,114,58,32,99,97,102,195,169,32,255,32,100,117,109,112,32,102,97,105,108,101,100]}',
      expect: {
        timestamp: Date.parse('2026-11-26T10:11:13.500Z'),
        level: '3',
        message: 'error: café \ufffd dump failed',
        service: 'backup.sh',
        host: 'db-2',
      },
    },
    {
      line: '{"__REALTIME_TIMESTAMP":"1795687874000001","_SOURCE_REALTIME_TIMESTAMP":"1795687873999000","PRIORITY":"4","_TRANSPORT":"kernel","SYSLOG_IDENTIFIER":"kernel","_HOSTNAME":"node-7","MESSAGE":"Out of memory: Killed process 3121 (java) total-vm:8123456kB, anon-rss:4012345kB","_KERNEL_SUBSYSTEM":"memory"}',
      expect: {
        timestamp: Date.parse('2026-11-26T10:11:13.999Z'),
        level: '4',
        service: 'kernel',
        attributes: { 'systemd.transport': 'kernel', 'journald._KERNEL_SUBSYSTEM': 'memory' },
      },
    },
    {
      line: '{"__REALTIME_TIMESTAMP":"1795687875000000","PRIORITY":"6","_COMM":"dockerd","CONTAINER_ID":"3f2a1b0c9d8e","CONTAINER_NAME":"api","IMAGE_NAME":"registry.example.com/api:1.4.2","_HOSTNAME":"node-3","MESSAGE":"{\\"level\\":\\"info\\",\\"msg\\":\\"listening on :8080\\"}","CONTAINER_TAG":"api"}',
      expect: {
        service: 'dockerd',
        message: '{"level":"info","msg":"listening on :8080"}',
        attributes: {
          'container.id': '3f2a1b0c9d8e',
          'container.name': 'api',
          'container.image.name': 'registry.example.com/api:1.4.2',
        },
      },
    },
  ],
};

/** MESSAGE is a string, a byte array (not valid UTF-8 text), or an array when the field repeats. */
function journalText(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (!Array.isArray(value) || value.length === 0) return undefined;
  if (value.every((b) => typeof b === 'number' && Number.isInteger(b) && b >= 0 && b <= 255)) {
    return Buffer.from(value as number[]).toString('utf8');
  }
  const last: unknown = value[value.length - 1];
  return typeof last === 'string' ? last : undefined;
}
