import type { LineFormat, ParsedFields } from '../../log-format';
import { elasticsearchJsonFormat } from './elasticsearch-json.format';
import { DATABASE_FORMATS } from './index';
import { kafkaFormat } from './kafka.format';
import { mongodbJsonFormat } from './mongodb-json.format';
import { mysqlErrorFormat } from './mysql-error.format';
import { mysqlSlowFormat } from './mysql-slow.format';
import { postgresqlFormat } from './postgresql.format';
import { redisFormat } from './redis.format';
import { tomcatFormat } from './tomcat.format';
import { zookeeperFormat } from './zookeeper.format';

const ctx = { receivedAt: Date.parse('2026-11-26T12:00:00Z') };

function parseLine(format: LineFormat, line: string, at = ctx): ParsedFields {
  expect(format.detect(line)).toBe(true);
  const parsed = format.parse(line, at);
  if (parsed === null) throw new Error(`${format.name} refused ${line}`);
  return parsed;
}

describe('database and middleware formats', () => {
  it('asks the registry to join every rejected line for PostgreSQL, slow-log and Tomcat records', () => {
    const joinAll = DATABASE_FORMATS.filter((f) => (f as { startLine?: boolean }).startLine);
    expect(joinAll.map((f) => f.name).sort()).toEqual(['mysql-slow', 'postgresql', 'tomcat']);
  });

  describe('postgresql', () => {
    it('leaves DETAIL, HINT, CONTEXT, QUERY and STATEMENT lines to the record before them', () => {
      for (const part of ['DETAIL', 'HINT', 'CONTEXT', 'QUERY', 'STATEMENT', 'LOCATION']) {
        expect(
          postgresqlFormat.detect(`2026-11-26 10:11:12.123 UTC [1234] ${part}:  something`),
        ).toBe(false);
      }
    });

    it('collects every part of an error record and keeps them in the message', () => {
      const record = [
        '2026-11-26 10:11:12.123 UTC [77] app@shop ERROR:  deadlock detected',
        '2026-11-26 10:11:12.123 UTC [77] app@shop DETAIL:  Process 77 waits for ShareLock on transaction 901; blocked by process 78.',
        '\tProcess 78 waits for ShareLock on transaction 900; blocked by process 77.',
        '2026-11-26 10:11:12.123 UTC [77] app@shop HINT:  See server log for query details.',
        '2026-11-26 10:11:12.123 UTC [77] app@shop CONTEXT:  while updating tuple (0,5) in relation "stock"',
        '2026-11-26 10:11:12.123 UTC [77] app@shop STATEMENT:  UPDATE stock SET qty = qty - 1',
        '\t  WHERE sku = $1',
      ].join('\n');
      const parsed = parseLine(postgresqlFormat, record);
      expect(parsed.level).toBe('ERROR');
      expect(parsed.message).toBe(
        [
          'deadlock detected',
          'DETAIL:  Process 77 waits for ShareLock on transaction 901; blocked by process 78.',
          '\tProcess 78 waits for ShareLock on transaction 900; blocked by process 77.',
          'HINT:  See server log for query details.',
          'CONTEXT:  while updating tuple (0,5) in relation "stock"',
          'STATEMENT:  UPDATE stock SET qty = qty - 1',
          '\t  WHERE sku = $1',
        ].join('\n'),
      );
      expect(parsed.attributes).toMatchObject({
        'postgresql.detail':
          'Process 77 waits for ShareLock on transaction 901; blocked by process 78.\n\tProcess 78 waits for ShareLock on transaction 900; blocked by process 77.',
        'postgresql.hint': 'See server log for query details.',
        'postgresql.context': 'while updating tuple (0,5) in relation "stock"',
        'postgresql.statement': 'UPDATE stock SET qty = qty - 1\n\t  WHERE sku = $1',
        'user.name': 'app',
        'postgresql.database': 'shop',
      });
    });

    it('keeps a multi-line logged statement in the statement attribute', () => {
      const parsed = parseLine(
        postgresqlFormat,
        '2026-11-26 10:11:12.123 UTC [9] LOG:  statement: SELECT id\n\tFROM users\n\tWHERE active',
      );
      expect(parsed.attributes?.['postgresql.statement']).toBe(
        'SELECT id\n\tFROM users\n\tWHERE active',
      );
    });

    it('reads numeric zones and leaves the time out for an unknown abbreviation', () => {
      const numeric = parseLine(postgresqlFormat, '2026-11-26 13:11:12.000 +03 [5] LOG:  ok');
      expect(numeric.timestamp).toBe(Date.parse('2026-11-26T10:11:12Z'));
      const unknown = parseLine(postgresqlFormat, '2026-11-26 10:11:12.000 XYZT [5] LOG:  ok');
      expect(unknown.timestamp).toBeUndefined();
      expect(unknown.message).toBe('ok');
    });

    it('ignores local-socket clients and unknown users in a pgBadger prefix', () => {
      const parsed = parseLine(
        postgresqlFormat,
        '2026-11-26 10:11:12 UTC [8]: [1-1] user=[unknown],db=[unknown],app=[unknown],client=[local] LOG:  connection received: host=[local]',
      );
      expect(parsed.attributes).toEqual({ 'process.pid': 8 });
    });

    it('refuses lines without the severity marker', () => {
      for (const line of [
        '2026-11-26 10:11:12.123 UTC [1234] ERROR: one space only',
        '2026-11-26 10:11:12.123 UTC [1234] OOPS:  not a severity',
        '2026-11-26 10:11:12,123 ERROR [main] com.acme.Foo - log4j:  not postgres',
      ]) {
        expect(postgresqlFormat.detect(line)).toBe(false);
        expect(postgresqlFormat.parse(line, ctx)).toBeNull();
      }
    });
  });

  describe('mysql-slow', () => {
    it('starts an entry at `# User@Host:` only, so the registry joins everything else', () => {
      expect(mysqlSlowFormat.detect('# User@Host: root[root] @ localhost []  Id: 8')).toBe(true);
      for (const line of [
        '# Time: 2026-11-26T10:11:12.123456Z',
        '# Query_time: 2.000123  Lock_time: 0.000100 Rows_sent: 1  Rows_examined: 100000',
        'SET timestamp=1795687872;',
        'SELECT 1;',
        '/usr/sbin/mysqld, Version: 8.0.36 (MySQL Community Server - GPL). started with:',
        'Tcp port: 3306  Unix socket: /var/run/mysqld/mysqld.sock',
        'Time                 Id Command    Argument',
      ]) {
        expect(mysqlSlowFormat.detect(line)).toBe(false);
      }
    });

    it('reads an entry that still begins with its `# Time:` line, to the microsecond', () => {
      const parsed = mysqlSlowFormat.parse(
        '# Time: 2026-11-26T10:11:12.123456Z\n# User@Host: root[root] @ localhost []  Id: 8\n# Query_time: 1.5  Lock_time: 0.0 Rows_sent: 1  Rows_examined: 1\nSET timestamp=1795687872;\nSELECT 1;',
        ctx,
      );
      expect(parsed).toMatchObject({
        timestamp: Date.parse('2026-11-26T10:11:12.123Z'),
        message: 'SELECT 1;',
        attributes: { 'user.name': 'root', 'mysql.slowlog.query_time': 1.5 },
      });
    });

    it('ends the statement at the next entry`s `# Time:` line or a restart banner', () => {
      const parsed = parseLine(
        mysqlSlowFormat,
        [
          '# User@Host: app[app] @ localhost []  Id: 3',
          '# Query_time: 1.0  Lock_time: 0.0 Rows_sent: 0  Rows_examined: 0',
          'SET timestamp=1795687872;',
          'DELETE FROM carts WHERE id = 9;',
          '/usr/sbin/mysqld, Version: 8.0.36 (MySQL Community Server - GPL). started with:',
          'Tcp port: 3306  Unix socket: /var/run/mysqld/mysqld.sock',
          'Time                 Id Command    Argument',
          '# Time: 2026-11-26T10:11:20.000000Z',
        ].join('\n'),
      );
      expect(parsed.message).toBe('DELETE FROM carts WHERE id = 9;');
    });

    it('keeps a statement that contains comment-like lines and trims trailing blank lines', () => {
      const parsed = parseLine(
        mysqlSlowFormat,
        '# User@Host: etl[etl] @ etl-1 [10.0.0.2]  Id: 5\n# Query_time: 0.5  Lock_time: 0.0 Rows_sent: 0  Rows_examined: 10\nSET timestamp=1795687872;\nINSERT INTO t\n# not a header\nVALUES (1);\n\n',
      );
      expect(parsed.message).toBe('INSERT INTO t\n# not a header\nVALUES (1);');
      expect(parsed.timestamp).toBe(1795687872000);
      expect(parsed.attributes).toMatchObject({ 'event.duration': 500_000_000 });
    });

    it('still yields the header fields of an entry cut before its statement', () => {
      const parsed = parseLine(mysqlSlowFormat, '# User@Host: root[root] @ localhost []  Id: 8');
      expect(parsed.attributes).toMatchObject({ 'user.name': 'root', 'mysql.thread_id': 8 });
      expect(parsed.message).toBeUndefined();
    });
  });

  describe('year-less timestamps', () => {
    it('dates a Redis 2.x line written on December 31 and read on January 1 in the old year', () => {
      const parsed = parseLine(redisFormat, '[4018] 31 Dec 23:59:58.100 * DB saved on disk', {
        receivedAt: Date.parse('2027-01-01T00:00:05Z'),
      });
      expect(parsed.timestamp).toBe(Date.parse('2026-12-31T23:59:58.100Z'));
    });

    it('allows a little clock skew into the next year', () => {
      const parsed = parseLine(redisFormat, '12:M 01 Jan 00:00:01.000 * tick', {
        receivedAt: Date.parse('2026-12-31T23:59:59Z'),
      });
      expect(parsed.timestamp).toBe(Date.parse('2027-01-01T00:00:01Z'));
    });

    it('reads MySQL 5.5 and slow-log `yyMMdd` stamps with a space-padded hour', () => {
      expect(parseLine(mysqlErrorFormat, '261126  9:05:02 [Note] ok').timestamp).toBe(
        Date.parse('2026-11-26T09:05:02Z'),
      );
      const entry = '# Time: 261126  9:05:02\n# User@Host: a[a] @ h []\nSELECT 1;';
      expect(mysqlSlowFormat.parse(entry, ctx)?.timestamp).toBe(Date.parse('2026-11-26T09:05:02Z'));
    });
  });

  describe('multi-line records of Java servers', () => {
    it('reads the JUL two-line Tomcat record and its SEVERE exception', () => {
      const parsed = parseLine(
        tomcatFormat,
        'Nov 26, 2026 12:30:00 PM org.apache.catalina.core.StandardContext startInternal\nSEVERE: Error listenerStart\njava.lang.ClassNotFoundException: com.acme.Listener\n\tat org.apache.catalina.loader.WebappClassLoader.loadClass(WebappClassLoader.java:1720)',
      );
      expect(parsed).toMatchObject({
        timestamp: Date.parse('2026-11-26T12:30:00Z'),
        level: 'SEVERE',
        message:
          'Error listenerStart\njava.lang.ClassNotFoundException: com.acme.Listener\n\tat org.apache.catalina.loader.WebappClassLoader.loadClass(WebappClassLoader.java:1720)',
        attributes: { 'error.type': 'java.lang.ClassNotFoundException' },
      });
    });

    it('reads 12 AM as midnight in the JUL layout', () => {
      const parsed = parseLine(tomcatFormat, 'Nov 26, 2026 12:05:00 AM a.B run\nINFO: x');
      expect(parsed.timestamp).toBe(Date.parse('2026-11-26T00:05:00Z'));
    });

    it('does not take the JUL second line for a record of its own', () => {
      for (const format of DATABASE_FORMATS) {
        if (format.kind === 'line')
          expect(format.detect('INFO: Server startup in 4521 ms')).toBe(false);
      }
    });

    it('needs the logger in parentheses at the end of a Kafka line', () => {
      expect(kafkaFormat.detect('[2026-11-26 10:11:12,123] INFO started')).toBe(false);
    });

    it('leaves an empty ZooKeeper myid out', () => {
      const parsed = parseLine(
        zookeeperFormat,
        '2026-11-26 10:11:12,123 [myid:] - INFO  [main:ZooKeeperServerMain@95] - Starting server',
      );
      expect(parsed.attributes).not.toHaveProperty('zookeeper.myid');
    });
  });

  describe('JSON documents', () => {
    it('does not take a generic ECS document for Elasticsearch', () => {
      expect(
        elasticsearchJsonFormat.detect({
          '@timestamp': '2026-11-26T10:11:12Z',
          'log.level': 'info',
          message: 'x',
          'event.dataset': 'nginx.access',
        }),
      ).toBe(false);
    });

    it('refuses MongoDB look-alikes without `t.$date`', () => {
      expect(mongodbJsonFormat.detect({ t: '2026-11-26', s: 'I', c: 'X', msg: 'x' })).toBe(false);
      expect(mongodbJsonFormat.detect({ t: null, s: 'I', c: 'X', msg: 'x' })).toBe(false);
    });
  });

  describe('rejections', () => {
    const garbage = [
      '',
      'hello',
      '# comment',
      '[]',
      '2026-11-26 10:11:12',
      '[2026-11-26T10:11:12,123]',
      '1234:Q 26 Nov 2026 10:11:12.123 * bad role',
      '1234:M 26 Nov 2026 10:11:12.123 ! bad level',
      '26-Nov-2026 10:11:12.123 NOTICE [main] a.B.c unknown level',
      '2026-11-26T10:11:12.123456Z 0 [Notice] unknown level',
    ];

    it.each(
      DATABASE_FORMATS.filter((f): f is LineFormat => f.kind === 'line').map((f) => [f.name, f]),
    )('%s detects and parses none of the garbage', (_name, format) => {
      for (const line of garbage) {
        expect(format.detect(line)).toBe(false);
        expect(format.parse(line, ctx)).toBeNull();
      }
    });

    it('stays linear on long hostile lines (no catastrophic backtracking)', () => {
      expect(
        worstHostileMillis(DATABASE_FORMATS.filter((f): f is LineFormat => f.kind === 'line')),
      ).toBeLessThan(2000);
    });

    it('never throws on truncated records or odd JSON values', () => {
      for (const format of DATABASE_FORMATS) {
        for (const sample of format.samples) {
          if (format.kind === 'line') {
            for (let end = 0; end <= sample.line.length; end += 5) {
              const cut = sample.line.slice(0, end);
              expect(() => format.detect(cut)).not.toThrow();
              expect(() => format.parse(cut, ctx)).not.toThrow();
            }
            continue;
          }
          const doc = JSON.parse(sample.line) as Record<string, unknown>;
          for (const key of Object.keys(doc)) {
            for (const odd of [null, 7, 'x', [], {}, { $date: 5 }]) {
              const bent = { ...doc, [key]: odd };
              expect(() => format.detect(bent)).not.toThrow();
              expect(() => format.parse(bent, ctx)).not.toThrow();
            }
          }
        }
      }
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
