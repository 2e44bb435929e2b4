import type { LineFormat, ParsedAttributes, ParsedFields, ParseContext } from '../../log-format';
import { monthNumber, utcMillis } from '../support/time';
import { yearlessMillis } from '../support/time';
import { firstLine, withContinuation } from '../runtimes/record-text';

// `pid:role dd Mon yyyy HH:mm:ss.mmm level msg` (Redis 3+; 3.x leaves the year out) and Redis 2's
// `[pid] dd Mon HH:mm:ss.mmm level msg`.
const LINE =
  /^(?:(\d{1,10}):([XCSM])|\[(\d{1,10})\]) (\d{1,2}) ([A-Z][a-z]{2})(?: (\d{4}))? (\d\d):(\d\d):(\d\d)(?:\.(\d{1,3}))? ([.\-*#]) (.*)$/;
const ROLES: Readonly<Record<string, string>> = {
  X: 'sentinel',
  C: 'child',
  S: 'replica',
  M: 'master',
};
const LEVELS: Readonly<Record<string, string>> = {
  '.': 'debug',
  '-': 'verbose',
  '*': 'notice',
  '#': 'warning',
};

export const redisFormat: LineFormat = {
  name: 'redis',
  family: 'databases',
  kind: 'line',
  description:
    'Redis server log `pid:role dd Mon yyyy HH:mm:ss.mmm <level> message` (role X/C/S/M, level . - * #), also the year-less 2.x/3.x forms',
  samples: [
    {
      line: '1234:M 26 Nov 2026 10:11:12.123 * Ready to accept connections tcp',
      expect: {
        timestamp: Date.parse('2026-11-26T10:11:12.123Z'),
        level: 'notice',
        message: 'Ready to accept connections tcp',
        attributes: { 'process.pid': 1234, 'redis.role': 'master' },
      },
    },
    {
      line: '1:S 26 Nov 2026 10:11:13.501 # Error condition on socket for SYNC: Connection refused',
      expect: {
        level: 'warning',
        message: 'Error condition on socket for SYNC: Connection refused',
        attributes: { 'process.pid': 1, 'redis.role': 'replica' },
      },
    },
    {
      line: '88:C 26 Nov 2026 10:11:14.002 * DB saved on disk',
      expect: {
        timestamp: Date.parse('2026-11-26T10:11:14.002Z'),
        attributes: { 'process.pid': 88, 'redis.role': 'child' },
      },
    },
    {
      line: '7:X 26 Nov 2026 10:11:15.330 # +sdown master mymaster 10.0.0.12 6379',
      expect: { level: 'warning', attributes: { 'redis.role': 'sentinel' } },
    },
    {
      line: '[4018] 26 Nov 10:11:16.250 - Accepted 127.0.0.1:53462',
      expect: {
        timestamp: Date.parse('2026-11-26T10:11:16.250Z'),
        level: 'verbose',
        message: 'Accepted 127.0.0.1:53462',
        attributes: { 'process.pid': 4018 },
      },
    },
  ],

  detect(line: string): boolean {
    const c = line.charCodeAt(0);
    return (c === 91 || (c >= 48 && c <= 57)) && LINE.test(firstLine(line).head);
  },

  parse(line: string, ctx: ParseContext): ParsedFields | null {
    const { head, rest } = firstLine(line);
    const m = LINE.exec(head);
    if (m === null) return null;
    const attributes: ParsedAttributes = { 'process.pid': Number(m[1] ?? m[3]) };
    if (m[2] !== undefined) attributes['redis.role'] = ROLES[m[2]] as string;
    const fields: ParsedFields = {
      level: LEVELS[m[11] as string],
      message: withContinuation(m[12] as string, line, rest),
      attributes,
    };
    const month = monthNumber(m[5] as string);
    const millis = m[10] === undefined ? 0 : Number(m[10].padEnd(3, '0'));
    const [day, hour, minute, second] = [m[4], m[7], m[8], m[9]].map(Number) as [
      number,
      number,
      number,
      number,
    ];
    const ts =
      m[6] === undefined
        ? yearlessMillis(month, day, hour, minute, second, millis, ctx.receivedAt)
        : utcMillis(Number(m[6]), month, day, hour, minute, second, millis);
    if (ts !== null) fields.timestamp = ts;
    return fields;
  },
};
