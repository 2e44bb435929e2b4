import { matchPattern } from './captured-fields';
import {
  compileGrok,
  compileNamedRegex,
  MAX_PROGRAM_SIZE,
  normalizeFieldName,
  PatternCompileError,
} from './grok-compiler';
import { GROK_PATTERNS } from './grok-patterns';

const receivedAt = Date.parse('2026-11-26T12:00:00Z');

function run(pattern: string, line: string) {
  return matchPattern(compileGrok(pattern), line, receivedAt);
}

/** A line each library name must match in full (anchored), as people use them. */
const TYPICAL: Readonly<Record<string, string>> = {
  USERNAME: 'jane.doe-42',
  USER: 'root',
  EMAILLOCALPART: 'first.last+tag',
  EMAILADDRESS: 'first.last+tag@mail.example.com',
  INT: '-42',
  BASE10NUM: '3.1415',
  NUMBER: '+12.5',
  BASE16NUM: '0x1F',
  BASE16FLOAT: '0x1F.8',
  POSINT: '8080',
  NONNEGINT: '0',
  WORD: 'checkout_v2',
  NOTSPACE: '/api/items?id=1',
  SPACE: '   ',
  DATA: 'anything at all',
  GREEDYDATA: 'the rest: of the line',
  QUOTEDSTRING: '"say \\"hi\\""',
  QS: "'single quoted'",
  UUID: '123e4567-e89b-12d3-a456-426614174000',
  URN: 'urn:isbn:0451450523',
  CISCOMAC: '0011.2233.4455',
  WINDOWSMAC: '00-11-22-33-44-55',
  COMMONMAC: '00:11:22:aa:bb:cc',
  MAC: '00:11:22:aa:bb:cc',
  IPV4OCTET: '255',
  IPV4: '192.168.1.254',
  IPV6GROUP: 'fe80',
  IPV6: '2001:db8::8a2e:370:7334',
  IP: '::ffff:10.0.0.1',
  HOSTNAME: 'api-1.eu-west.example.com',
  HOST: 'db01',
  IPORHOST: 'cache.internal',
  HOSTPORT: '10.1.2.3:6379',
  UNIXPATH: '/var/log/nginx/access.log',
  TTY: '/dev/pts/0',
  WINPATH: 'C:\\Windows\\System32\\drivers',
  PATH: '/usr/local/bin',
  URIPROTO: 'https',
  URIHOST: 'example.com:8443',
  URIPATH: '/a/b/c.html',
  URIQUERY: 'q=shoes&page=2',
  URIPARAM: '?q=shoes&page=2',
  URIPATHPARAM: '/search?q=shoes&page=2',
  URI: 'https://user@example.com:8443/search?q=shoes',
  MONTH: 'Nov',
  MONTHNUM: '11',
  MONTHNUM2: '09',
  MONTHDAY: '26',
  DAY: 'Thursday',
  YEAR: '2026',
  HOUR: '23',
  MINUTE: '59',
  SECOND: '59.123',
  TIME: '13:55:36',
  DATE_US: '11/26/2026',
  DATE_EU: '26.11.2026',
  DATE: '11-26-2026',
  ISO8601_TIMEZONE: '+05:30',
  ISO8601_SECOND: '07',
  TIMESTAMP_ISO8601: '2026-11-26T12:00:00.123Z',
  DATESTAMP: '11/26/2026 13:55:36',
  TZ: 'UTC',
  DATESTAMP_RFC822: 'Thu Nov 26 2026 13:55:36 UTC',
  DATESTAMP_RFC2822: 'Thu, 26 Nov 2026 13:55:36 +0000',
  DATESTAMP_OTHER: 'Thu Nov 26 13:55:36 UTC 2026',
  DATESTAMP_EVENTLOG: '20261126135536',
  HTTPDATE: '10/Oct/2000:13:55:36 -0700',
  HTTPDERROR_DATE: 'Wed Oct 11 14:32:52 2000',
  SYSLOGTIMESTAMP: 'Nov  6 08:15:02',
  PROG: 'sshd',
  SYSLOGPROG: 'sshd[4721]',
  SYSLOGHOST: 'web-01',
  SYSLOGFACILITY: '<4.6>',
  SYSLOGBASE: 'Nov  6 08:15:02 web-01 sshd[4721]:',
  SYSLOGLINE: 'Nov  6 08:15:02 web-01 sshd[4721]: Accepted publickey for deploy',
  SYSLOG5424PRINTASCII: 'checkout-api',
  SYSLOG5424PRI: '<165>',
  SYSLOG5424SD: '[exampleSDID@32473 iut="3" eventSource="App\\]"][meta x="1"]',
  SYSLOG5424BASE:
    '<165>1 2026-11-26T22:14:15.003Z mymachine.example.com evntslog 4721 ID47 [exampleSDID@32473 iut="3"]',
  SYSLOG5424LINE:
    '<34>1 2026-11-26T22:14:15.003Z web-01 su - ID47 - failed for lonvick on /dev/pts/8',
  NUMTZ: '-0700',
  LOGLEVEL: 'WARNING',
  HTTPDUSER: 'frank',
  COMMONAPACHELOG:
    '127.0.0.1 - frank [10/Oct/2000:13:55:36 -0700] "GET /apache_pb.gif HTTP/1.0" 200 2326',
  COMBINEDAPACHELOG:
    '127.0.0.1 - frank [10/Oct/2000:13:55:36 -0700] "GET /apache_pb.gif HTTP/1.0" 200 2326 "http://www.example.com/start.html" "Mozilla/4.08 [en] (Win98; I ;Nav)"',
  HTTPD20_ERRORLOG: '[Wed Oct 11 14:32:52 2000] [error] [client 127.0.0.1] client denied by server',
  HTTPD24_ERRORLOG:
    '[Wed Oct 11 14:32:52.123456 2000] [core:error] [pid 35708:tid 4328636416] [client 72.15.99.187:51262] AH00037: Symbolic link not allowed',
  HTTPD_ERRORLOG: '[Wed Oct 11 14:32:52 2000] [error] [client 127.0.0.1] client denied',
  JAVACLASS: 'com.example.checkout.CartService',
  JAVAFILE: 'CartService.java',
  JAVAMETHOD: '<init>',
  JAVASTACKTRACEPART: '\tat com.example.checkout.CartService.add(CartService.java:42)',
  JAVATHREAD: 'TP-Processor12',
  JAVALOGMESSAGE: 'Exception in thread main',
};

describe('grok pattern library', () => {
  it('has a typical line for every name', () => {
    expect(Object.keys(TYPICAL).sort()).toEqual(Object.keys(GROK_PATTERNS).sort());
  });

  it.each(Object.entries(TYPICAL))(
    '%s compiles and matches a typical value in full',
    (name, text) => {
      const compiled = compileGrok(`^%{${name}:value}$`);
      expect(compiled.regex.programSize()).toBeLessThan(MAX_PROGRAM_SIZE);
      expect(matchPattern(compiled, text, receivedAt)?.captured.value).toBe(text);
    },
  );

  it('parses a real combined log line into ECS fields and the record timestamp', () => {
    const line =
      '203.0.113.9 - alice [26/Nov/2026:10:15:32 +0100] "POST /api/cart/items?sku=42 HTTP/1.1" 201 512 "https://shop.example.com/cart" "Mozilla/5.0 (X11; Linux x86_64; rv:120.0) Gecko/20100101 Firefox/120.0"';
    expect(run('%{COMBINEDAPACHELOG}', line)?.fields).toEqual({
      timestamp: Date.parse('2026-11-26T09:15:32Z'),
      attributes: {
        'source.address': '203.0.113.9',
        'user.name': 'alice',
        'http.request.method': 'POST',
        'url.original': '/api/cart/items?sku=42',
        'http.version': '1.1',
        'http.response.status_code': 201,
        'http.response.body.bytes': 512,
        'http.request.referrer': 'https://shop.example.com/cart',
        'user_agent.original':
          'Mozilla/5.0 (X11; Linux x86_64; rv:120.0) Gecko/20100101 Firefox/120.0',
      },
    });
  });

  it('parses a syslog line with SYSLOGBASE: year inferred, host and program split', () => {
    const line = 'Nov 26 08:15:02 web-01 sshd[4721]: Accepted publickey for deploy from 10.0.0.8';
    expect(run('%{SYSLOGBASE} %{GREEDYDATA:message}', line)?.fields).toEqual({
      timestamp: Date.parse('2026-11-26T08:15:02Z'),
      host: 'web-01',
      message: 'Accepted publickey for deploy from 10.0.0.8',
      attributes: { 'process.name': 'sshd', 'process.pid': 4721 },
    });
  });

  it('parses an RFC 5424 line with SYSLOG5424LINE', () => {
    const line =
      '<165>1 2026-11-26T22:14:15.003Z mymachine.example.com evntslog 4721 ID47 [exampleSDID@32473 iut="3" eventSource="Application"] An application event log entry';
    expect(run('^%{SYSLOG5424LINE}$', line)?.fields).toEqual({
      timestamp: Date.parse('2026-11-26T22:14:15.003Z'),
      host: 'mymachine.example.com',
      message: 'An application event log entry',
      attributes: {
        'log.syslog.priority': 165,
        'log.syslog.version': '1',
        'process.name': 'evntslog',
        'process.pid': '4721',
        'event.code': 'ID47',
        'log.syslog.structured_data': '[exampleSDID@32473 iut="3" eventSource="Application"]',
      },
    });
  });

  it('reads an Apache 2.4 error line: level, pid, client and message', () => {
    const line =
      '[Wed Oct 11 14:32:52.123456 2000] [core:error] [pid 35708:tid 4328636416] [client 72.15.99.187:51262] AH00037: Symbolic link not allowed';
    expect(run('%{HTTPD_ERRORLOG}', line)?.fields).toMatchObject({
      timestamp: Date.parse('2000-10-11T14:32:52.123Z'),
      level: 'error',
      message: 'Symbolic link not allowed',
      attributes: {
        'apache.error.module': 'core',
        'process.pid': 35708,
        'source.address': '72.15.99.187',
        'source.port': 51262,
        'error.code': 'AH00037',
      },
    });
  });
});

describe(compileGrok.name, () => {
  it('captures, converts and maps record fields; others go to attributes', () => {
    const line =
      '2026-11-26T12:00:00.250Z WARN [checkout] 10.1.2.3 GET 512 0.25 trace=4bf92f3577b34da6a3ce929d0e0e4736 slow cart';
    const match = run(
      '%{TIMESTAMP_ISO8601:@timestamp} %{LOGLEVEL:level} \\[%{WORD:service}\\] %{IP:source.ip} %{WORD:[http][request][method]} %{NUMBER:bytes:int} %{NUMBER:duration:float} trace=%{NOTSPACE:trace_id} %{GREEDYDATA:msg}',
      line,
    );
    expect(match?.fields).toEqual({
      timestamp: Date.parse('2026-11-26T12:00:00.250Z'),
      level: 'WARN',
      service: 'checkout',
      traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
      message: 'slow cart',
      attributes: {
        'source.ip': '10.1.2.3',
        'http.request.method': 'GET',
        bytes: 512,
        duration: 0.25,
      },
    });
    expect(match?.captured).toMatchObject({ bytes: 512, '@timestamp': '2026-11-26T12:00:00.250Z' });
  });

  it('keeps a value that cannot fill its record field as an attribute', () => {
    const match = run('%{WORD:time} %{WORD:trace_id}', 'yesterday nothex');
    expect(match?.fields).toEqual({ attributes: { time: 'yesterday', trace_id: 'nothex' } });
  });

  it('matches unanchored like grok, and honours ^ and $', () => {
    expect(run('%{INT:n}', 'abc 42 def')?.captured).toEqual({ n: '42' });
    expect(run('^%{INT:n}$', 'abc 42 def')).toBeNull();
  });

  it('lets GREEDYDATA take a multi-line record whole', () => {
    const record = 'ERROR boom\n\tat a.B.c(B.java:1)\n\tat a.B.d(B.java:2)';
    expect(run('^%{LOGLEVEL:level} %{GREEDYDATA:message}$', record)?.fields).toEqual({
      level: 'ERROR',
      message: 'boom\n\tat a.B.c(B.java:1)\n\tat a.B.d(B.java:2)',
    });
  });

  it('leaves unmatched optional groups out', () => {
    const match = run('%{WORD:a}(?: %{INT:b:int})?', 'hello');
    expect(match?.captured).toEqual({ a: 'hello' });
  });

  it('accepts inline named groups, dotted and bracketed', () => {
    const match = run('(?<user.id>\\d+) (?<[event][action]>\\w+)', '42 login');
    expect(match?.fields.attributes).toEqual({ 'user.id': '42', 'event.action': 'login' });
  });

  it('accepts extra definitions that refer to the library', () => {
    const compiled = compileGrok('%{ORDER:order}', { ORDER: 'ord-%{INT}' });
    expect(matchPattern(compiled, 'got ord-77', receivedAt)?.captured).toEqual({ order: 'ord-77' });
  });

  it.each([
    ['%{NOPE:x}', /unknown grok pattern %\{NOPE\}/],
    ['%{INT:x:bool}', /unknown conversion "bool"/],
    ['%{INT::int}', /malformed grok reference "%\{INT::int\}"/],
    ['%{INT', /malformed grok reference/],
    ['%{WORD:bad name}', /"bad name" is not a field name/],
    ['(\\w+) \\1', /backreferences \(\\1\) are not supported/],
    ['(?=abc)abc', /lookahead assertions/],
    ['(?<!x)abc', /lookbehind assertions/],
    ['(?>abc)', /atomic groups/],
    ['[a-', /invalid regular expression: missing closing \]/],
    ['a{2000}', /invalid regular expression: invalid repeat count/],
  ])('rejects %s with a clear message', (pattern, message) => {
    expect(() => compileGrok(pattern)).toThrow(PatternCompileError);
    expect(() => compileGrok(pattern)).toThrow(message);
  });

  it('rejects a definition that refers to itself', () => {
    expect(() => compileGrok('%{A}', { A: 'x%{B}', B: '%{A}' })).toThrow(/refers to itself/);
  });
});

describe(compileNamedRegex.name, () => {
  it('captures named groups of both spellings and ignores escaped and bracketed look-alikes', () => {
    const compiled = compileNamedRegex('^(?P<level>[A-Z]+) \\(?<x>\\) [(?<y>]+ (?<message>.*)$');
    expect(compiled.captures.map((c) => c.field)).toEqual(['level', 'message']);
    expect(matchPattern(compiled, 'ERROR (<x>) (<?y Disk full', receivedAt)?.fields).toEqual({
      level: 'ERROR',
      message: 'Disk full',
    });
  });

  it('reads grok references as literal text', () => {
    const compiled = compileNamedRegex('(?<ref>%\\{INT:x\\})');
    expect(matchPattern(compiled, 'a %{INT:x} b', receivedAt)?.captured).toEqual({
      ref: '%{INT:x}',
    });
  });
});

describe('catastrophic patterns', () => {
  // Backtracking engines take exponential time on these; RE2 answers in one linear pass.
  it.each([
    ['(a+)+$', `${'a'.repeat(50_000)}!`],
    ['(x+x+)+y', 'x'.repeat(50_000)],
    ['^(\\w+\\s?)*$', `${'word '.repeat(10_000)}!`],
    ['(?<v>(a|a)*)b', 'a'.repeat(50_000)],
  ])('%s on a long input completes with the right answer', (pattern, input) => {
    const compiled = compileNamedRegex(pattern);
    expect(compiled.regex.test(input)).toBe(false);
    expect(matchPattern(compiled, input, receivedAt)).toBeNull();
  });

  it('still matches where a match exists', () => {
    const compiled = compileNamedRegex('(?<run>(a+)+)$');
    expect(matchPattern(compiled, `${'a'.repeat(50_000)}`, receivedAt)?.captured.run).toHaveLength(
      50_000,
    );
  });
});

describe(normalizeFieldName.name, () => {
  it.each([
    ['source.ip', 'source.ip'],
    ['[source][ip]', 'source.ip'],
    ['@timestamp', '@timestamp'],
    ['[a]', 'a'],
    ['a..b', null],
    ['a b', null],
    ['[a][b c]', null],
  ])('%s → %s', (input, expected) => {
    expect(normalizeFieldName(input)).toBe(expected);
  });
});
