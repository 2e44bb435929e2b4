import type { LineFormat, ParsedAttributes, ParsedFields, ParseContext } from '../../log-format';
import { utcMillis } from '../support/time';
import { yearlessMillis } from '../support/time';
import { firstLine, javaError, putError, withContinuation } from '../runtimes/record-text';

// `logcat -v threadtime`: `MM-dd HH:mm:ss.mmm  pid  tid L tag     : message` (the tag padded to 8),
// with `-v year` the date has a year, with `-v uid` a uid column comes first.
const LINE =
  /^(?:(\d{4})-)?(\d\d)-(\d\d) (\d\d):(\d\d):(\d\d)\.(\d{3}) {1,16}(?:([a-z][a-z0-9_]{0,31}|\d{1,10}) {1,16}(?=\d{1,10} {1,16}\d{1,10} [VDIWEFA] ))?(\d{1,10}) {1,16}(\d{1,10}) ([VDIWEFA]) (.{0,256}?) {0,64}: (.*)$/;

export const androidLogcatFormat: LineFormat = {
  name: 'android-logcat',
  family: 'mobile',
  kind: 'line',
  description:
    'Android `logcat -v threadtime` (also with `-v year` / `-v uid`): `MM-dd HH:mm:ss.mmm pid tid L tag: message`',
  samples: [
    {
      line: '11-26 10:11:12.123  1234  5678 E ActivityManager: ANR in com.example.shop (com.example.shop/.MainActivity)',
      expect: {
        timestamp: Date.parse('2026-11-26T10:11:12.123Z'),
        level: 'E',
        message: 'ANR in com.example.shop (com.example.shop/.MainActivity)',
        attributes: {
          'process.pid': 1234,
          'process.thread.id': 5678,
          'log.logger': 'ActivityManager',
        },
      },
    },
    {
      line: '11-26 10:11:13.501  4321  4321 D ShopApp : onCreate savedInstanceState=null',
      expect: {
        level: 'D',
        message: 'onCreate savedInstanceState=null',
        attributes: { 'process.pid': 4321, 'log.logger': 'ShopApp' },
      },
    },
    {
      line: "11-26 10:11:14.002  4321  4321 E AndroidRuntime: java.lang.NullPointerException: Attempt to invoke virtual method 'int java.lang.String.length()' on a null object reference",
      expect: {
        level: 'E',
        attributes: {
          'log.logger': 'AndroidRuntime',
          'error.type': 'java.lang.NullPointerException',
        },
      },
    },
    {
      line: '2026-11-26 10:11:15.300 u0_a187  9021  9044 W OkHttp  : A connection to https://api.example.com/ was leaked. Did you forget to close a response body?',
      expect: {
        timestamp: Date.parse('2026-11-26T10:11:15.300Z'),
        level: 'W',
        attributes: { 'android.uid': 'u0_a187', 'process.pid': 9021, 'process.thread.id': 9044 },
      },
    },
    {
      line: '11-25 23:59:58.004   612   640 F libc    : Fatal signal 11 (SIGSEGV), code 1 (SEGV_MAPERR), fault addr 0x0 in tid 640 (RenderThread)',
      expect: {
        timestamp: Date.parse('2026-11-25T23:59:58.004Z'),
        level: 'F',
        attributes: { 'log.logger': 'libc' },
      },
    },
  ],

  detect(line: string): boolean {
    const c = line.charCodeAt(2);
    return (c === 45 || line.charCodeAt(4) === 45) && LINE.test(firstLine(line).head);
  },

  parse(line: string, ctx: ParseContext): ParsedFields | null {
    const { head, rest } = firstLine(line);
    const m = LINE.exec(head);
    if (m === null) return null;
    const attributes: ParsedAttributes = {
      'process.pid': Number(m[9]),
      'process.thread.id': Number(m[10]),
      'log.logger': m[12] as string,
    };
    if (m[8] !== undefined) attributes['android.uid'] = /^\d+$/.test(m[8]) ? Number(m[8]) : m[8];
    const message = m[13] as string;
    // AndroidRuntime writes each line of a crash as its own record: the exception line names it.
    putError(attributes, javaError(message, 0, true) ?? javaError(line, rest + 1));
    const level = m[11] as string;
    const fields: ParsedFields = {
      // `A` is Log.wtf's assert level, above error.
      level: level === 'A' ? 'fatal' : level,
      message: withContinuation(message, line, rest),
      attributes,
    };
    const [month, day, hour, minute, second, millis] = m.slice(2, 8).map(Number) as [
      number,
      number,
      number,
      number,
      number,
      number,
    ];
    const ts =
      m[1] === undefined
        ? yearlessMillis(month, day, hour, minute, second, millis, ctx.receivedAt)
        : utcMillis(Number(m[1]), month, day, hour, minute, second, millis);
    if (ts !== null) fields.timestamp = ts;
    return fields;
  },
};
