import type { LineFormat, ParsedAttributes, ParsedFields } from '../../log-format';
import { parseBsdSyslog, priAttributes } from './syslog-header';

// Optional PRI, then a BSD time (`Oct 11 22:14:15`, `Oct  1 ...`) or an RFC 3339 one with a zone.
const HEAD =
  /^(?:<\d{1,3}>)?(?:(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) {1,2}\d{1,2} \d\d:\d\d:\d\d(?:\.\d{1,9})?|\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d{1,9})?(?:Z|[+-]\d\d:\d\d)) {1,2}[^ ]/;

// Detection needs no year: only RFC 3339 headers are taken apart there.
const DETECT_CONTEXT = { receivedAt: 0 };

/**
 * BSD syslog (RFC 3164): `<34>Oct 11 22:14:15 mymachine su[123]: msg` on the wire, the same
 * without PRI in /var/log/messages and auth.log, and rsyslog's RFC 3339 variant
 * (`2026-11-26T10:11:12.123456+01:00 host prog[1]: msg`).
 */
export const syslogRfc3164Format: LineFormat = {
  name: 'syslog-rfc3164',
  family: 'syslog',
  kind: 'line',
  description: 'BSD syslog (RFC 3164), with or without PRI, BSD or RFC 3339 timestamps',
  priority: 10,
  detect(line) {
    if (!HEAD.test(line)) return false;
    // Many application logs open with an RFC 3339 time too: take the header apart to be sure.
    const first = line.charCodeAt(line.charCodeAt(0) === 60 ? line.indexOf('>') + 1 : 0);
    return first > 57 || parseBsdSyslog(line, DETECT_CONTEXT) !== null;
  },
  parse(line, ctx): ParsedFields | null {
    const h = parseBsdSyslog(line, ctx);
    if (h === null) return null;
    const attributes: ParsedAttributes = {};
    const out: ParsedFields = { message: h.message, attributes };
    if (h.pri >= 0) out.level = priAttributes(h.pri, attributes);
    if (h.timestamp !== null) out.timestamp = h.timestamp;
    if (h.host !== undefined) out.host = h.host;
    if (h.program !== undefined) {
      out.service = h.program;
      attributes['process.name'] = h.program;
    }
    if (h.pid !== undefined) attributes['process.pid'] = h.pid;
    return out;
  },
  samples: [
    {
      line: "<34>Oct 11 22:14:15 mymachine su[123]: 'su root' failed for lonvick on /dev/pts/8",
      expect: {
        timestamp: Date.parse('2026-10-11T22:14:15Z'),
        level: 'crit',
        host: 'mymachine',
        service: 'su',
        message: "'su root' failed for lonvick on /dev/pts/8",
        attributes: {
          'log.syslog.facility.code': 4,
          'log.syslog.severity.code': 2,
          'process.name': 'su',
          'process.pid': 123,
        },
      },
    },
    {
      line: 'Nov 26 09:58:02 web-01 sshd[20931]: Failed password for invalid user admin from 203.0.113.77 port 51822 ssh2',
      expect: {
        timestamp: Date.parse('2026-11-26T09:58:02Z'),
        host: 'web-01',
        service: 'sshd',
        message: 'Failed password for invalid user admin from 203.0.113.77 port 51822 ssh2',
        attributes: { 'process.pid': 20931 },
      },
    },
    {
      line: 'Nov  3 04:02:01 db2 CRON[1822]: (root) CMD (test -x /usr/sbin/anacron || ( cd / && run-parts --report /etc/cron.daily ))',
      expect: {
        timestamp: Date.parse('2026-11-03T04:02:01Z'),
        host: 'db2',
        service: 'CRON',
        message:
          '(root) CMD (test -x /usr/sbin/anacron || ( cd / && run-parts --report /etc/cron.daily ))',
      },
    },
    {
      line: '2026-11-26T10:11:12.483920+01:00 mail1 postfix/smtpd[4411]: connect from unknown[198.51.100.23]',
      expect: {
        timestamp: Date.parse('2026-11-26T09:11:12.483Z'),
        host: 'mail1',
        service: 'postfix/smtpd',
        message: 'connect from unknown[198.51.100.23]',
        attributes: { 'process.name': 'postfix/smtpd', 'process.pid': 4411 },
      },
    },
    {
      line: '<4>Nov 26 10:00:01 fw-edge kernel: [86342.118203] [UFW BLOCK] IN=eth0 OUT= MAC=52:54:00:12:34:56:00:25:90:ab:cd:ef:08:00 SRC=192.0.2.44 DST=198.51.100.10 LEN=60 TOS=0x00 PREC=0x00 TTL=49 ID=54321 DF PROTO=TCP SPT=42822 DPT=23 WINDOW=29200 RES=0x00 SYN URGP=0',
      expect: {
        level: 'warning',
        host: 'fw-edge',
        service: 'kernel',
        attributes: { 'log.syslog.facility.code': 0, 'process.name': 'kernel' },
      },
    },
    {
      line: 'Jun 14 15:16:01 combo sshd(pam_unix)[19939]: authentication failure; logname= uid=0 euid=0 tty=NODEVssh ruser= rhost=218.188.2.4 ',
      expect: {
        host: 'combo',
        service: 'sshd(pam_unix)',
        attributes: { 'process.pid': 19939 },
      },
    },
  ],
};
