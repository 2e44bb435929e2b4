import { parseSyslogPrefix, readPri } from './syslog-header';
import { syslogRfc3164Format as bsd } from './syslog-rfc3164.format';
import { syslogRfc5424Format as ietf } from './syslog-rfc5424.format';

const ctx = { receivedAt: Date.parse('2026-11-26T12:00:00Z') };

describe('syslog PRI', () => {
  it.each([
    // [line, facility, severity, level]
    ['<0>1 2026-11-26T10:00:00Z h a - - - x', 0, 0, 'emerg'],
    ['<13>1 2026-11-26T10:00:00Z h a - - - x', 1, 5, 'notice'],
    ['<34>1 2026-11-26T10:00:00Z h a - - - x', 4, 2, 'crit'],
    ['<165>1 2026-11-26T10:00:00Z h a - - - x', 20, 5, 'notice'],
    ['<191>1 2026-11-26T10:00:00Z h a - - - x', 23, 7, 'debug'],
  ])('decodes %s into facility %i and severity %i', (line, facility, severity, level) => {
    const parsed = ietf.parse(line, ctx);
    expect(parsed?.level).toBe(level);
    expect(parsed?.attributes).toMatchObject({
      'log.syslog.facility.code': facility,
      'log.syslog.severity.code': severity,
    });
  });

  it('names the facility', () => {
    expect(bsd.parse('<86>Nov 26 10:00:00 h sshd[1]: x', ctx)?.attributes).toMatchObject({
      'log.syslog.facility.name': 'authpriv',
      'log.syslog.severity.name': 'info',
      'log.syslog.priority': 86,
    });
  });

  it.each(['<192>', '<1000>', '<>', '<01>', '<-1>', '<a>', '13>'])('refuses %s', (pri) => {
    expect(readPri(`${pri}Nov 26 10:00:00 h x: y`)).toBeNull();
  });

  it('reads the largest legal value and <0>', () => {
    expect(readPri('<191>x')).toEqual({ pri: 191, end: 5 });
    expect(readPri('<0>x')).toEqual({ pri: 0, end: 3 });
  });
});

describe(bsd.name, () => {
  it('infers the year closest to when the line arrived', () => {
    const january = { receivedAt: Date.parse('2027-01-02T00:10:00Z') };
    expect(bsd.parse('Dec 31 23:59:58 h cron[1]: x', january)?.timestamp).toBe(
      Date.parse('2026-12-31T23:59:58Z'),
    );
    const december = { receivedAt: Date.parse('2026-12-31T23:59:59Z') };
    expect(bsd.parse('Jan  1 00:00:01 h cron[1]: x', december)?.timestamp).toBe(
      Date.parse('2027-01-01T00:00:01Z'),
    );
    expect(bsd.parse('Mar  3 08:00:00 h cron[1]: x', ctx)?.timestamp).toBe(
      Date.parse('2026-03-03T08:00:00Z'),
    );
  });

  it('dates a Feb 29 in the last leap year, and leaves out a date no year has', () => {
    const receivedAt = Date.parse('2026-06-01');
    const leap = bsd.parse('Feb 29 10:00:00 h app: x', { receivedAt });
    expect(leap?.timestamp).toBe(Date.parse('2024-02-29T10:00:00Z'));
    const never = bsd.parse('Apr 31 10:00:00 h app: x', { receivedAt });
    expect(never).not.toBeNull();
    expect(never?.timestamp).toBeUndefined();
    expect(never?.message).toBe('x');
  });

  it('reads the /var/log/messages form without PRI, and has no level then', () => {
    const line = 'Nov 26 09:14:03 db-2 systemd[1]: Started Session 42 of User postgres.';
    expect(bsd.detect(line)).toBe(true);
    const parsed = bsd.parse(line, ctx);
    expect(parsed).toEqual({
      timestamp: Date.parse('2026-11-26T09:14:03Z'),
      host: 'db-2',
      service: 'systemd',
      message: 'Started Session 42 of User postgres.',
      attributes: { 'process.name': 'systemd', 'process.pid': 1 },
    });
  });

  it('keeps a message without a TAG whole', () => {
    const parsed = bsd.parse('Nov 26 09:14:03 db-2 last message repeated 3 times', ctx);
    expect(parsed?.message).toBe('last message repeated 3 times');
    expect(parsed?.service).toBeUndefined();
    expect(parsed?.host).toBe('db-2');
  });

  it('reads a header without a host name', () => {
    const parsed = bsd.parse('<13>Nov 26 09:14:03 myprog[77]: started', ctx);
    expect(parsed?.host).toBeUndefined();
    expect(parsed?.service).toBe('myprog');
    expect(parsed?.message).toBe('started');
  });

  it('reads rsyslog RFC 3339 timestamps with their offset', () => {
    const parsed = bsd.parse('2026-11-26T10:11:12.000001-05:00 edge-1 haproxy[811]: up', ctx);
    expect(parsed?.timestamp).toBe(Date.parse('2026-11-26T15:11:12Z'));
    expect(parsed?.service).toBe('haproxy');
  });

  it('keeps the continuation lines of a multi-line record in the message', () => {
    const parsed = bsd.parse('Nov 26 10:00:00 h app[3]: boom\n  at a()\n  at b()', ctx);
    expect(parsed?.message).toBe('boom\n  at a()\n  at b()');
  });

  it.each([
    [
      'an application log with an RFC 3339 time and a level',
      '2026-11-26T10:11:12.345Z ERROR worker: job failed',
    ],
    ['a CRI container line', '2026-11-26T10:11:12.345678Z stdout F hello world'],
    ['a zone-less RFC 3339 time', '2026-11-26T10:11:12 web-1 app: x'],
    ['a Heroku logplex line (no host)', '2026-11-26T10:11:12.1+00:00 app[web.1]: Started GET'],
    ['a log4j line', '2026-11-26 10:11:12,345 INFO  [main] com.example.App - Started'],
    ['a month that does not exist', 'Foo 26 10:11:12 h app: x'],
    ['a line with nothing after the time', 'Nov 26 10:11:12'],
    ['free text', 'Nov is a month'],
    ['an out-of-range PRI', '<200>Nov 26 10:11:12 h app: x'],
  ])('rejects %s', (_what, line) => {
    expect(bsd.detect(line) && bsd.parse(line, ctx) !== null).toBe(false);
  });

  it('never throws on truncated headers', () => {
    const line = '<34>Oct 11 22:14:15 mymachine su[123]: msg';
    for (let n = 0; n <= line.length; n++) {
      expect(() => bsd.parse(line.slice(0, n), ctx)).not.toThrow();
    }
  });
});

describe(ietf.name, () => {
  it('unescapes \\" \\\\ and \\] in parameter values and keeps other backslashes', () => {
    const line =
      '<13>1 2026-11-26T10:00:00Z h app - - [x@1 q="say \\"hi\\"" b="a\\\\b" r="[1\\]" o="c:\\d"] m';
    expect(ietf.parse(line, ctx)?.attributes).toMatchObject({
      'syslog.sd.x@1.q': 'say "hi"',
      'syslog.sd.x@1.b': 'a\\b',
      'syslog.sd.x@1.r': '[1]',
      'syslog.sd.x@1.o': 'c:\\d',
    });
  });

  it('reads several SD elements, a value with spaces and a ] inside quotes', () => {
    const line = '<14>1 2026-11-26T10:00:00Z h app - - [a k="one two"][b k="x]y" z=""] the message';
    const parsed = ietf.parse(line, ctx);
    expect(parsed?.message).toBe('the message');
    expect(parsed?.attributes).toMatchObject({
      'syslog.sd.a.k': 'one two',
      'syslog.sd.b.k': 'x]y',
      'syslog.sd.b.z': '',
    });
  });

  it('treats - as NILVALUE for every header field', () => {
    const parsed = ietf.parse('<14>1 - - - - - - hello', ctx);
    expect(parsed).toEqual({
      level: 'info',
      message: 'hello',
      attributes: {
        'log.syslog.priority': 14,
        'log.syslog.facility.code': 1,
        'log.syslog.facility.name': 'user',
        'log.syslog.severity.code': 6,
        'log.syslog.severity.name': 'info',
        'log.syslog.version': 1,
      },
    });
  });

  it('drops the BOM that marks a UTF-8 message', () => {
    const parsed = ietf.parse('<14>1 2026-11-26T10:00:00Z h app - - - \uFEFFgrüße', ctx);
    expect(parsed?.message).toBe('grüße');
  });

  it('keeps a non-numeric PROCID apart from process.pid', () => {
    const parsed = ietf.parse('<14>1 2026-11-26T10:00:00Z h app worker-3 - - x', ctx);
    expect(parsed?.attributes?.['log.syslog.procid']).toBe('worker-3');
    expect(parsed?.attributes?.['process.pid']).toBeUndefined();
  });

  it('leaves out a timestamp that is not a date', () => {
    const parsed = ietf.parse('<14>1 2026-13-45T10:00:00Z h app - - - x', ctx);
    expect(parsed?.timestamp).toBeUndefined();
    expect(parsed?.message).toBe('x');
  });

  it.each([
    ['version 2', '<14>2 2026-11-26T10:00:00Z h app - - - x'],
    ['a BSD line', '<14>Nov 26 10:00:00 h app: x'],
    ['a missing STRUCTURED-DATA', '<14>1 2026-11-26T10:00:00Z h app - -'],
    ['an unterminated SD value', '<14>1 2026-11-26T10:00:00Z h app - - [a k="x] y'],
    ['an SD param without quotes', '<14>1 2026-11-26T10:00:00Z h app - - [a k=x] y'],
    ['an SD element without a name', '<14>1 2026-11-26T10:00:00Z h app - - [ k="x"] y'],
    ['text glued to the SD', '<14>1 2026-11-26T10:00:00Z h app - - [a k="x"]y'],
    ['a double space in the header', '<14>1 2026-11-26T10:00:00Z  h app - - - x'],
  ])('rejects %s', (_what, line) => {
    expect(ietf.parse(line, ctx)).toBeNull();
  });

  it('never throws on truncated lines', () => {
    const line = '<165>1 2003-10-11T22:14:15.003Z host app 1 ID [a b="c\\"d"][e f="g"] msg';
    for (let n = 0; n <= line.length; n++) {
      expect(() => ietf.parse(line.slice(0, n), ctx)).not.toThrow();
    }
  });
});

describe(parseSyslogPrefix.name, () => {
  it('reads the header vendors put in front of CEF, ASA and PAN-OS payloads', () => {
    expect(parseSyslogPrefix('<134>Nov 26 10:11:12 fw01 ', ctx)).toMatchObject({
      timestamp: Date.parse('2026-11-26T10:11:12Z'),
      host: 'fw01',
      level: 'info',
    });
    expect(parseSyslogPrefix('<134>1 2026-11-26T10:11:12Z fw02 app - - - ', ctx)).toMatchObject({
      timestamp: Date.parse('2026-11-26T10:11:12Z'),
      host: 'fw02',
    });
    expect(parseSyslogPrefix('Nov 26 2026 10:11:12: ', ctx)).toEqual({
      timestamp: Date.parse('2026-11-26T10:11:12Z'),
      attributes: {},
    });
    expect(parseSyslogPrefix('', ctx)).toEqual({ attributes: {} });
  });
});
