import { auditdMessageParser } from './auditd-message.parser';
import { cronMessageParser } from './cron-message.parser';
import { kernelIptablesMessageParser } from './kernel-iptables-message.parser';
import { pamMessageParser } from './pam-message.parser';
import { postfixMessageParser } from './postfix-message.parser';
import { sshdMessageParser } from './sshd-message.parser';
import { sudoMessageParser } from './sudo-message.parser';
import { SYSLOG_MESSAGE_PARSERS } from './index';

describe('syslog message parsers', () => {
  it.each(SYSLOG_MESSAGE_PARSERS.map((p) => [p.name, p] as const))(
    '%s claims the programs of its own samples',
    (_name, parser) => {
      for (const { program } of parser.samples) {
        const claimed = parser.programs.some((p) =>
          p.endsWith('/') ? program.startsWith(p) : program === p,
        );
        expect(claimed).toBe(true);
      }
    },
  );

  it.each(
    (
      [
        [sshdMessageParser, 'pam_unix(sshd:session): session opened for user alice by (uid=0)'],
        [sshdMessageParser, 'Server listening on 0.0.0.0 port 22.'],
        [sudoMessageParser, 'pam_unix(sudo:session): session opened for user root by alice(uid=0)'],
        [sudoMessageParser, 'alice : a b c'],
        [cronMessageParser, 'pam_unix(cron:session): session closed for user root'],
        [
          postfixMessageParser,
          'warning: hostname mail.example does not resolve to address 192.0.2.1',
        ],
        [kernelIptablesMessageParser, '[ 1.234567] usb 1-1: new high-speed USB device number 2'],
        [kernelIptablesMessageParser, 'IN=eth0 OUT= but no addresses'],
        [pamMessageParser, 'Accepted password for alice from 10.0.0.1 port 22 ssh2'],
        [auditdMessageParser, 'audit: backlog limit exceeded'],
      ] as const
    ).map(([parser, message]) => [parser.name, parser, message] as const),
  )('%s leaves messages it does not know alone: %#', (_name, parser, message) => {
    expect(parser.parse(message)).toBeNull();
  });

  it('hands a pam_unix line under sshd to the PAM parser, not the sshd one', () => {
    const message = 'pam_unix(sshd:auth): check pass; user unknown';
    expect(sshdMessageParser.parse(message)).toBeNull();
    expect(pamMessageParser.parse(message)).toMatchObject({
      'pam.service': 'sshd',
      'event.action': 'check_pass',
      'event.outcome': 'failure',
    });
  });

  it('keeps an unknown pam module message with its module, service and type', () => {
    expect(
      pamMessageParser.parse(
        'pam_succeed_if(sshd:auth): requirement "uid >= 1000" not met by user "root"',
      ),
    ).toEqual({
      'pam.module': 'pam_succeed_if',
      'pam.service': 'sshd',
      'pam.type': 'auth',
      'pam.message': 'requirement "uid >= 1000" not met by user "root"',
    });
  });
});

describe(auditdMessageParser.name, () => {
  it('decodes upper-case hex strings only in the fields auditd encodes', () => {
    const a = auditdMessageParser.parse(
      'type=SYSCALL msg=audit(1796378490.120:1): arch=c000003e a0=41 a1=7f comm=6D7920617070 exe="/x" key=ABC',
    );
    expect(a).toMatchObject({
      'auditd.a0': '41',
      'auditd.a1': '7f',
      'process.name': 'my app',
      'auditd.key': 'ABC',
    });
  });

  it('leaves odd-length or lower-case hex as written', () => {
    const a = auditdMessageParser.parse(
      'type=PATH msg=audit(1796378490.120:2): item=0 name=ABC cwd=2f746d70 nametype=NORMAL',
    );
    expect(a).toMatchObject({ 'auditd.name': 'ABC', 'auditd.cwd': '2f746d70' });
  });

  it('drops unset ids and ? values', () => {
    const a = auditdMessageParser.parse(
      'type=USER_END msg=audit(1796378490.120:3): pid=1 uid=0 auid=4294967295 ses=4294967295 msg=\'op=PAM:session_close acct="root" exe="/usr/sbin/cron" hostname=? addr=? terminal=cron res=success\'',
    );
    expect(a).not.toHaveProperty('user.audit.id');
    expect(a).not.toHaveProperty('auditd.hostname');
    expect(a).not.toHaveProperty('source.ip');
    expect(a).toMatchObject({ 'user.name': 'root', 'event.outcome': 'success' });
  });

  it('reads the milliseconds of the audit stamp', () => {
    expect(auditdMessageParser.parse('type=X audit(1796378490.5:9): a=1')).toMatchObject({
      'auditd.sequence': 9,
    });
  });
});
