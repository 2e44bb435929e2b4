import type { LineFormat, ParsedFields } from '../../log-format';
import { parseAuditRecord } from './audit-record';

/**
 * /var/log/audit/audit.log: `type=SYSCALL msg=audit(1364481363.243:24287): arch=c000003e ...`,
 * optionally with `node=<host> ` in front (name_format=hostname).
 */
export const auditdFormat: LineFormat = {
  name: 'auditd',
  family: 'syslog',
  kind: 'line',
  description: 'Linux audit daemon log (audit.log), hex-encoded values decoded',
  priority: 30,
  detect: (line) =>
    (line.startsWith('type=') || line.startsWith('node=')) && line.includes('audit('),
  parse(line): ParsedFields | null {
    const record = parseAuditRecord(line);
    if (record === null) return null;
    const out: ParsedFields = { attributes: record.attributes };
    if (record.timestamp !== undefined) out.timestamp = record.timestamp;
    if (record.node !== undefined) out.host = record.node;
    return out;
  },
  samples: [
    {
      line: 'type=SYSCALL msg=audit(1364481363.243:24287): arch=c000003e syscall=2 success=no exit=-13 a0=7fffd19c5592 a1=0 a2=7fffd19c4b50 a3=a items=1 ppid=2686 pid=3538 auid=1000 uid=1000 gid=1000 euid=1000 suid=1000 fsuid=1000 egid=1000 sgid=1000 fsgid=1000 tty=pts0 ses=1 comm="cat" exe="/usr/bin/cat" subj=unconfined_u:unconfined_r:unconfined_t:s0-s0:c0.c1023 key="sshd_config"',
      expect: {
        timestamp: 1364481363243,
        attributes: {
          'auditd.type': 'SYSCALL',
          'auditd.sequence': 24287,
          'auditd.syscall': 2,
          'auditd.exit': -13,
          'auditd.a0': '7fffd19c5592',
          'event.outcome': 'failure',
          'process.pid': 3538,
          'process.parent.pid': 2686,
          'process.name': 'cat',
          'process.executable': '/usr/bin/cat',
          'user.id': '1000',
          'user.audit.id': '1000',
          'auditd.key': 'sshd_config',
        },
      },
    },
    {
      line: 'type=PROCTITLE msg=audit(1796378472.518:1190): proctitle=636174002F6574632F7373682F737368645F636F6E666967',
      expect: {
        timestamp: 1796378472518,
        attributes: {
          'auditd.type': 'PROCTITLE',
          'process.title': 'cat /etc/ssh/sshd_config',
        },
      },
    },
    {
      line: 'node=bastion-1 type=USER_AUTH msg=audit(1796378480.002:1207): pid=30512 uid=0 auid=4294967295 ses=4294967295 subj=system_u:system_r:sshd_t:s0-s0:c0.c1023 msg=\'op=PAM:authentication grantors=? acct="root" exe="/usr/sbin/sshd" hostname=203.0.113.77 addr=203.0.113.77 terminal=ssh res=failed\'\u001dUID="root" AUID="unset"',
      expect: {
        timestamp: 1796378480002,
        host: 'bastion-1',
        attributes: {
          'auditd.type': 'USER_AUTH',
          'auditd.op': 'PAM:authentication',
          'user.name': 'root',
          'source.ip': '203.0.113.77',
          'event.outcome': 'failure',
          'process.executable': '/usr/sbin/sshd',
          'auditd.UID': 'root',
        },
      },
    },
    {
      line: 'type=EXECVE msg=audit(1796378481.77:1211): argc=3 a0="ls" a1="-la" a2=2F746D702F6D7920646972',
      expect: {
        timestamp: 1796378481770,
        attributes: { 'auditd.argc': 3, 'auditd.a0': 'ls', 'auditd.a2': '/tmp/my dir' },
      },
    },
  ],
};
