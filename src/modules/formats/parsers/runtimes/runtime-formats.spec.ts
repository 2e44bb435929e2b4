import type { JsonFormat, LineFormat, LogFormat, ParsedFields } from '../../log-format';
import { DATABASE_FORMATS } from '../databases';
import { MOBILE_FORMATS } from '../mobile';
import { bunyanFormat } from './bunyan.format';
import { dotnetConsoleFormat } from './dotnet-console.format';
import { flaskFormat } from './flask.format';
import { goLogFormat } from './go-log.format';
import { hadoopFormat } from './hadoop.format';
import { RUNTIME_FORMATS } from './index';
import { log4jFormat } from './log4j.format';
import { logbackFormat } from './logback.format';
import { logrusJsonFormat } from './logrus-json.format';
import { pinoFormat } from './pino.format';
import { pythonLoggingFormat } from './python-logging.format';
import { rubyLoggerFormat } from './ruby-logger.format';
import { serilogClefFormat } from './serilog-clef.format';
import { winstonJsonFormat } from './winston-json.format';
import { zapConsoleFormat } from './zap-console.format';
import { zapJsonFormat } from './zap-json.format';

const ctx = { receivedAt: Date.parse('2026-11-26T12:00:00Z') };
const OURS: readonly LogFormat[] = [...RUNTIME_FORMATS, ...DATABASE_FORMATS, ...MOBILE_FORMATS];

function parseLine(format: LineFormat, line: string, at = ctx): ParsedFields {
  expect(format.detect(line)).toBe(true);
  const parsed = format.parse(line, at);
  if (parsed === null) throw new Error(`${format.name} refused ${line}`);
  return parsed;
}

function parseJson(format: JsonFormat, text: string): ParsedFields {
  const doc = JSON.parse(text) as Record<string, unknown>;
  expect(format.detect(doc)).toBe(true);
  const parsed = format.parse(doc, ctx);
  if (parsed === null) throw new Error(`${format.name} refused ${text}`);
  return parsed;
}

/** The format the registry would pick among these families: the highest priority that detects. */
function winner(line: string): string | undefined {
  let doc: Record<string, unknown> | null = null;
  if (line.startsWith('{')) doc = JSON.parse(line) as Record<string, unknown>;
  const hits = OURS.filter((f) =>
    f.kind === 'line' ? f.detect(line) : doc !== null && f.detect(doc),
  );
  hits.sort((a, b) => (b.priority ?? 0) - (a.priority ?? 0));
  if (hits.length > 1 && (hits[0]?.priority ?? 0) === (hits[1]?.priority ?? 0)) return 'ambiguous';
  return hits[0]?.name;
}

describe('runtime formats', () => {
  describe('detection across the runtime, database and mobile families', () => {
    it.each(OURS.flatMap((f) => f.samples.map((s) => [f.name, s.line] as const)))(
      '%s wins its own sample %#',
      (name, line) => {
        expect(winner(line)).toBe(name);
      },
    );

    it.each([
      ['flask over kafka', '[2026-11-26 10:11:12,123] ERROR in app: boom (see logs)', 'flask'],
      [
        'hadoop over log4j',
        '2026-11-26 10:11:12,123 INFO [main] org.apache.hadoop.yarn.Client: Submitted application',
        'hadoop',
      ],
      [
        'log4j when the logger ends with ` - `',
        '2026-11-26 10:11:12,123 INFO [main] org.apache.hadoop.yarn.Client - Submitted application',
        'log4j',
      ],
      [
        'python when the name sits between dashes',
        '2026-11-26 10:11:12,123 - worker - INFO - started',
        'python-logging',
      ],
      ['go-log for a slash date', '2026/11/26 10:11:12 ok', 'go-log'],
    ])('%s', (_label, line, name) => {
      expect(winner(line)).toBe(name);
    });
  });

  describe('multi-line records', () => {
    it('asks the registry to join every rejected line for zap-console and ruby-logger', () => {
      // Go stacks and Ruby backtraces are not indented like Java frames.
      const joinAll = RUNTIME_FORMATS.filter((f) => (f as { startLine?: boolean }).startLine);
      expect(joinAll.map((f) => f.name).sort()).toEqual(['ruby-logger', 'zap-console']);
    });

    it('keeps a Java stack trace in the log4j message and names the outermost exception', () => {
      const record = [
        '2026-11-26 10:11:12,123 ERROR [worker-3] com.acme.Sync - sync failed',
        'for tenant 42',
        'org.springframework.dao.DataIntegrityViolationException: could not execute statement',
        '\tat org.hibernate.Foo.bar(Foo.java:10)',
        'Caused by: org.postgresql.util.PSQLException: ERROR: duplicate key',
        '\t... 12 more',
      ].join('\n');
      const parsed = parseLine(log4jFormat, record);
      expect(parsed.message).toBe(record.slice(record.indexOf('sync failed')));
      expect(parsed.attributes).toMatchObject({
        'error.type': 'org.springframework.dao.DataIntegrityViolationException',
        'error.message': 'could not execute statement',
      });
    });

    it('reads `Exception in thread` headers and exceptions without a message', () => {
      const parsed = parseLine(
        logbackFormat,
        '2026-11-26 10:11:12.123 ERROR 9 --- [main] o.s.boot.SpringApplication : Application run failed\nException in thread "main" java.lang.OutOfMemoryError\n\tat x.Y.z(Y.java:1)',
      );
      expect(parsed.attributes?.['error.type']).toBe('java.lang.OutOfMemoryError');
      expect(parsed.attributes?.['error.message']).toBeUndefined();
    });

    it('names no error when the continuation is prose', () => {
      const parsed = parseLine(
        log4jFormat,
        '2026-11-26 10:11:12,123 INFO [main] com.acme.Report - totals:\n  eu: 12\n  us: 30',
      );
      expect(parsed.message).toBe('totals:\n  eu: 12\n  us: 30');
      expect(parsed.attributes?.['error.type']).toBeUndefined();
    });

    it('takes the exception a chained Python traceback finally raised', () => {
      const record = [
        '2026-11-26 10:11:12,123 - api - ERROR - request failed',
        'Traceback (most recent call last):',
        '  File "/srv/api/db.py", line 12, in get',
        '    return rows[0]',
        'IndexError: list index out of range',
        '',
        'During handling of the above exception, another exception occurred:',
        '',
        'Traceback (most recent call last):',
        '  File "/srv/api/views.py", line 40, in show',
        '    raise NotFound(item_id)',
        'api.errors.NotFound: 17',
      ].join('\n');
      const parsed = parseLine(pythonLoggingFormat, record);
      expect(parsed.attributes).toMatchObject({
        'error.type': 'api.errors.NotFound',
        'error.message': '17',
      });
      expect(parsed.message?.endsWith('api.errors.NotFound: 17')).toBe(true);
    });

    it('reads a bare exception name at the end of a traceback', () => {
      const parsed = parseLine(
        pythonLoggingFormat,
        'CRITICAL:root:shutting down\nTraceback (most recent call last):\n  File "main.py", line 3, in <module>\n    loop()\nKeyboardInterrupt',
      );
      expect(parsed.attributes?.['error.type']).toBe('KeyboardInterrupt');
    });

    it('joins the indented lines of a .NET console record into one message', () => {
      const parsed = parseLine(
        dotnetConsoleFormat,
        'warn: Microsoft.AspNetCore.DataProtection.KeyManagement.XmlKeyManager[35]\r\n      No XML encryptor configured. Key {8a7c} may be persisted\r\n      to storage in unencrypted form.',
      );
      expect(parsed).toMatchObject({
        level: 'warn',
        message:
          'No XML encryptor configured. Key {8a7c} may be persisted\nto storage in unencrypted form.',
        attributes: {
          'log.logger': 'Microsoft.AspNetCore.DataProtection.KeyManagement.XmlKeyManager',
          'dotnet.event_id': 35,
        },
      });
    });

    it('maps every .NET level abbreviation', () => {
      const levels = ['trce', 'dbug', 'info', 'warn', 'fail', 'crit'].map(
        (l) => parseLine(dotnetConsoleFormat, `${l}: App.Worker[1] x`).level,
      );
      expect(levels).toEqual(['trace', 'debug', 'info', 'warn', 'error', 'critical']);
    });

    it('keeps a zap development stack trace after the message and its fields', () => {
      const parsed = parseLine(
        zapConsoleFormat,
        '2026-11-26T10:11:12.123Z\tWARN\tapi/h.go:9\tslow\t{"ms": 900}\nmain.handler\n\t/src/api/h.go:9',
      );
      expect(parsed.message).toBe('slow\nmain.handler\n\t/src/api/h.go:9');
      expect(parsed.attributes).toMatchObject({ ms: 900 });
    });

    it('reads a Rails error with its backtrace from a Ruby logger record', () => {
      const parsed = parseLine(
        rubyLoggerFormat,
        "F, [2026-11-26T10:11:12.000001 #12] FATAL -- : [abc12345-0000-4000-8000-000000000001]   \nNoMethodError (undefined method `name' for nil):\n  app/controllers/users_controller.rb:8:in `show'",
      );
      expect(parsed.attributes).toMatchObject({
        'error.type': 'NoMethodError',
        'error.message': "undefined method `name' for nil",
      });
    });
  });

  describe('times without a date or year', () => {
    it('puts a log4j2 time of day on the day closest to its arrival', () => {
      const justAfterMidnight = { receivedAt: Date.parse('2026-11-27T00:00:30Z') };
      const parsed = parseLine(
        log4jFormat,
        '23:59:58.100 [main] INFO  com.acme.App - tick',
        justAfterMidnight,
      );
      expect(parsed.timestamp).toBe(Date.parse('2026-11-26T23:59:58.100Z'));
    });

    it('reads the .NET `[HH:mm:ss]` timestamp the same way', () => {
      const parsed = parseLine(dotnetConsoleFormat, '[00:00:02] info: App.Worker[0] started', {
        receivedAt: Date.parse('2026-11-26T23:59:59Z'),
      });
      expect(parsed.timestamp).toBe(Date.parse('2026-11-27T00:00:02Z'));
    });

    it('reads the HDFS two-digit year', () => {
      const parsed = parseLine(hadoopFormat, '991231 235959 3 INFO dfs.DataNode: bye');
      expect(parsed.timestamp).toBe(Date.parse('1999-12-31T23:59:59Z'));
    });

    it('leaves out a date that does not exist instead of refusing the line', () => {
      const parsed = parseLine(log4jFormat, '2026-02-30 10:11:12,123 ERROR [main] a.B - x');
      expect(parsed.timestamp).toBeUndefined();
      expect(parsed.level).toBe('ERROR');
    });
  });

  describe('rejections', () => {
    const lineFormats = RUNTIME_FORMATS.filter((f): f is LineFormat => f.kind === 'line');
    const garbage = [
      '',
      ' ',
      'hello world',
      '\u0000\u0000',
      '{"level":"info"}',
      '2026-11-26',
      '2026-11-26 10:11:12,123',
      '[2026-11-26 10:11:12,123]',
      '<134>Nov 26 10:11:12 host app: msg',
      '127.0.0.1 - - [26/Nov/2026:10:11:12 +0000] "GET / HTTP/1.1" 200 12',
    ];

    it.each(lineFormats.map((f) => [f.name, f] as const))(
      '%s detects and parses none of the garbage',
      (_name, format) => {
        for (const line of garbage) {
          expect(format.detect(line)).toBe(false);
          expect(format.parse(line, ctx)).toBeNull();
        }
      },
    );

    it.each([
      [log4jFormat, '2026-11-26 10:11:12,123 NOTICE [main] com.acme.Foo - unknown level'],
      [log4jFormat, '2026-11-26 10:11:12,123 INFO [main] com.acme.Foo no separator'],
      [pythonLoggingFormat, 'INFO:     Started server process [1234]'],
      [pythonLoggingFormat, 'Traceback (most recent call last):'],
      [goLogFormat, '2026/11/26 10:11:12 [error] 1234#1234: *5 open() failed'],
      [flaskFormat, '[2026-11-26 10:11:12,123] INFO [KafkaServer id=1] started (kafka.Kafka)'],
      [logbackFormat, '2026-11-26 10:11:12.123 ERROR 1234 [main] c.a.Foo : no dashes'],
      [zapConsoleFormat, '2026-11-26T10:11:12.123Z\tNOTE\tmain.go:1\tx'],
      [dotnetConsoleFormat, 'note: App.Worker[1]'],
      [dotnetConsoleFormat, 'info: no event id'],
      [rubyLoggerFormat, 'Started the engine at dawn'],
      [rubyLoggerFormat, 'X, [2026-11-26T10:11:12.123456 #1] ERROR -- : x'],
      [hadoopFormat, '081109 203615 148 NOTE dfs.DataNode: x'],
    ] as const)('%#: %p refuses a near miss', (format, line) => {
      expect(format.detect(line)).toBe(false);
      expect(format.parse(line, ctx)).toBeNull();
    });

    it.each([
      [pinoFormat, { level: 30, time: 1795687872123, pid: 1, hostname: 'h', msg: 'x', v: 0 }],
      [bunyanFormat, { level: 30, time: 1795687872123, name: 'a', msg: 'x', v: 0 }],
      [logrusJsonFormat, { level: 'INFO', time: '2026-11-26T10:11:12Z', msg: 'slog' }],
      [zapJsonFormat, { level: 'information', ts: 1, msg: 'x' }],
      [winstonJsonFormat, { level: 'info', message: 'x', msg: 'y' }],
      [winstonJsonFormat, { level: 'info', message: 'x', time: '2026-11-26T10:11:12Z' }],
      [serilogClefFormat, { '@t': '2026-11-26T10:11:12Z', message: 'no template' }],
    ] as const)('%#: %p does not claim a look-alike document', (format, doc) => {
      expect(format.detect(doc)).toBe(false);
    });

    it('stays linear on long hostile lines (no catastrophic backtracking)', () => {
      expect(worstHostileMillis(lineFormats)).toBeLessThan(2000);
    });

    it('never throws on truncated records or odd JSON values', () => {
      for (const format of RUNTIME_FORMATS) {
        for (const sample of format.samples) {
          for (let end = 0; end <= sample.line.length; end += 7) {
            const cut = sample.line.slice(0, end);
            if (format.kind === 'line') {
              expect(() => format.parse(cut, ctx)).not.toThrow();
              expect(() => format.detect(cut)).not.toThrow();
            }
          }
          if (format.kind === 'json') {
            const doc = JSON.parse(sample.line) as Record<string, unknown>;
            for (const key of Object.keys(doc)) {
              for (const odd of [null, 7, 'x', [], {}, true]) {
                const bent = { ...doc, [key]: odd };
                expect(() => format.detect(bent)).not.toThrow();
                expect(() => format.parse(bent, ctx)).not.toThrow();
              }
            }
          }
        }
      }
    });
  });

  describe('JSON details', () => {
    it('renders a Serilog template with `$`, literal and missing holes', () => {
      const parsed = parseJson(
        serilogClefFormat,
        '{"@t":"2026-11-26T10:11:12Z","@mt":"{$User} said {Text:l} to {Nobody} {{ok}}","User":{"Id":1},"Text":"hi"}',
      );
      expect(parsed.message).toBe('"{"Id":1}" said hi to {Nobody} {ok}');
    });

    it('maps pino levels to names and keeps unknown custom levels in their bucket', () => {
      const level = (n: number) =>
        pinoFormat.parse({ level: n, time: 1795687872123, msg: 'x' }, ctx)?.level;
      expect([10, 20, 30, 40, 50, 60, 35].map(level)).toEqual([
        'trace',
        'debug',
        'info',
        'warn',
        'error',
        'fatal',
        'info',
      ]);
    });

    it('stores arrays as JSON text and drops nulls', () => {
      const parsed = parseJson(
        logrusJsonFormat,
        '{"level":"info","msg":"x","time":"2026-11-26T10:11:12Z","ids":[1,2],"gone":null}',
      );
      expect(parsed.attributes).toMatchObject({ ids: '[1,2]' });
      expect(parsed.attributes).not.toHaveProperty('gone');
    });
  });
});

/**
 * The slowest detect + parse, in ms, over 20 kB lines made of a sample's first characters and one
 * repeated filler: the shapes that make nested or adjacent quantifiers backtrack.
 */
function worstHostileMillis(formats: readonly LineFormat[]): number {
  const fillers = [
    ' ',
    'a',
    ':',
    '[',
    ']',
    '-',
    ' - ',
    ': ',
    ':  ',
    '\t',
    '.',
    '"',
    '(',
    '0',
    '\n',
    '\n\t',
  ];
  const ctx = { receivedAt: Date.parse('2026-11-26T12:00:00Z') };
  let worst = 0;
  for (const format of formats) {
    for (const sample of format.samples) {
      for (const cut of [10, 20, 30, 40, 60, 200]) {
        for (const filler of fillers) {
          const line = sample.line.slice(0, cut) + filler.repeat(20_000 / filler.length);
          const started = performance.now();
          format.detect(line);
          format.parse(line, ctx);
          worst = Math.max(worst, performance.now() - started);
        }
      }
    }
  }
  return worst;
}
