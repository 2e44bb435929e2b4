import type { MessageParser } from '../../log-format';
import { parseAuditRecord } from './audit-record';

/**
 * Audit records forwarded to syslog by audispd's syslog plugin (`audisp-syslog`) or logged by
 * the kernel under the `audit` identifier (`type=1400 audit(...): apparmor="DENIED" ...`).
 */
export const auditdMessageParser: MessageParser = {
  name: 'auditd-message',
  description: 'Linux audit records inside syslog messages',
  programs: ['audispd', 'audisp-syslog', 'audit', 'auditd'],
  parse(message) {
    const record = parseAuditRecord(message);
    if (record === null) return null;
    if (record.node !== undefined) record.attributes['auditd.node'] = record.node;
    return record.attributes;
  },
  samples: [
    {
      program: 'audispd',
      message:
        'node=web-3 type=SYSCALL msg=audit(1796378490.120:3310): arch=c000003e syscall=59 success=yes exit=0 a0=55d0c1 a1=55d0c2 a2=55d0c3 a3=0 items=2 ppid=1201 pid=1288 auid=1000 uid=0 gid=0 euid=0 tty=pts1 ses=3 comm="id" exe="/usr/bin/id" key="priv_esc"',
      expect: {
        'auditd.type': 'SYSCALL',
        'auditd.node': 'web-3',
        'process.name': 'id',
        'event.outcome': 'success',
        'auditd.key': 'priv_esc',
      },
    },
    {
      program: 'audit',
      message:
        'type=1400 audit(1796378491.455:88): apparmor="DENIED" operation="open" profile="/usr/sbin/ntpd" name="/etc/ssl/openssl.cnf" pid=911 comm="ntpd" requested_mask="r" denied_mask="r" fsuid=0 ouid=0',
      expect: {
        'auditd.type': '1400',
        'auditd.apparmor': 'DENIED',
        'auditd.operation': 'open',
        'auditd.name': '/etc/ssl/openssl.cnf',
        'process.pid': 911,
      },
    },
    {
      program: 'audispd',
      message:
        'type=USER_LOGIN msg=audit(1796378492.001:3320): pid=1402 uid=0 auid=1000 ses=5 msg=\'op=login id=1000 exe="/usr/sbin/sshd" hostname=? addr=2001:db8::42 terminal=/dev/pts/2 res=success\'',
      expect: {
        'auditd.type': 'USER_LOGIN',
        'source.ip': '2001:db8::42',
        'event.outcome': 'success',
        'user.audit.id': '1000',
      },
    },
  ],
};
