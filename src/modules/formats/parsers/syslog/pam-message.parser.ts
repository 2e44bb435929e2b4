import type { MessageParser, ParsedAttributes } from '../../log-format';

const PREFIX = /^(pam_[\w-]{1,40})\(([^:()\s]{1,40}):(\w{1,16})\): /;
const SESSION =
  /^session (opened|closed) for user ([^\s(]{1,100})(?:\(uid=(\d{1,10})\))?(?: by ([^\s(]{0,100})(?:\(uid=(\d{1,10})\))?)?\s*$/;
const MORE_FAILURES = /^PAM (\d{1,6}) more authentication failures?; /;
const IP = /^(?:\d{1,3}(?:\.\d{1,3}){3}|[0-9A-Fa-f]{0,4}(?::[0-9A-Fa-f]{0,4}){2,7})$/;

/**
 * Linux-PAM module messages, as `pam_unix(sshd:auth): authentication failure; ... rhost=1.2.3.4
 * user=root` and in the older style where syslog names the program `sshd(pam_unix)`.
 */
export const pamMessageParser: MessageParser = {
  name: 'pam',
  description: 'Linux-PAM authentication and session messages (pam_unix and friends)',
  programs: [
    'sshd',
    'sudo',
    'su',
    'login',
    'cron',
    'CRON',
    'crond',
    'systemd-logind',
    'gdm-password',
    'polkit-agent-helper-1',
    'sshd(pam_unix)',
    'su(pam_unix)',
    'login(pam_unix)',
    'cron(pam_unix)',
    'crond(pam_unix)',
    'sudo(pam_unix)',
    'ftpd(pam_unix)',
    'gdm(pam_unix)',
  ],
  parse(message) {
    const a: ParsedAttributes = {};
    let rest = message;
    const p = PREFIX.exec(message);
    if (p !== null) {
      a['pam.module'] = p[1] as string;
      a['pam.service'] = p[2] as string;
      a['pam.type'] = p[3] as string;
      rest = message.slice(p[0].length);
    }
    if (rest.startsWith('authentication failure; ')) {
      a['event.action'] = 'authentication_failure';
      a['event.outcome'] = 'failure';
      readPairs(rest.slice(24), a);
      return a;
    }
    const more = MORE_FAILURES.exec(rest);
    if (more !== null) {
      a['event.action'] = 'authentication_failure';
      a['event.outcome'] = 'failure';
      a['pam.more_failures'] = Number(more[1]);
      readPairs(rest.slice(more[0].length), a);
      return a;
    }
    const s = SESSION.exec(rest);
    if (s !== null) {
      a['event.action'] = s[1] === 'opened' ? 'session_opened' : 'session_closed';
      a['user.name'] = s[2] as string;
      if (s[3] !== undefined) a['user.id'] = s[3];
      if (s[4] !== undefined && s[4] !== '') a['pam.by_user'] = s[4];
      if (s[5] !== undefined) a['pam.by_uid'] = s[5];
      return a;
    }
    if (rest.startsWith('check pass; user unknown')) {
      a['event.action'] = 'check_pass';
      a['event.outcome'] = 'failure';
      a['pam.error'] = 'user unknown';
      return a;
    }
    if (p === null) return null;
    a['pam.message'] = rest;
    return a;
  },
  samples: [
    {
      program: 'sshd',
      message:
        'pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost=1.2.3.4  user=root',
      expect: {
        'pam.module': 'pam_unix',
        'pam.service': 'sshd',
        'pam.type': 'auth',
        'event.action': 'authentication_failure',
        'event.outcome': 'failure',
        'source.ip': '1.2.3.4',
        'user.name': 'root',
        'pam.tty': 'ssh',
      },
    },
    {
      program: 'sshd(pam_unix)',
      message:
        'authentication failure; logname= uid=0 euid=0 tty=NODEVssh ruser= rhost=ip-70-80.example-isp.net ',
      expect: {
        'event.action': 'authentication_failure',
        'source.domain': 'ip-70-80.example-isp.net',
        'pam.tty': 'NODEVssh',
      },
    },
    {
      program: 'sudo',
      message: 'pam_unix(sudo:session): session opened for user root(uid=0) by alice(uid=1000)',
      expect: {
        'event.action': 'session_opened',
        'user.name': 'root',
        'user.id': '0',
        'pam.by_user': 'alice',
        'pam.by_uid': '1000',
      },
    },
    {
      program: 'CRON',
      message: 'pam_unix(cron:session): session closed for user root',
      expect: { 'event.action': 'session_closed', 'user.name': 'root', 'pam.service': 'cron' },
    },
    {
      program: 'sshd',
      message:
        'PAM 2 more authentication failures; logname= uid=0 euid=0 tty=ssh ruser= rhost=2001:db8::7  user=root',
      expect: { 'pam.more_failures': 2, 'source.ip': '2001:db8::7', 'user.name': 'root' },
    },
  ],
};

/** `logname= uid=0 euid=0 tty=ssh ruser= rhost=1.2.3.4  user=root`: empty values are absent. */
function readPairs(text: string, a: ParsedAttributes): void {
  for (const token of text.split(' ')) {
    const eq = token.indexOf('=');
    if (eq <= 0 || eq === token.length - 1) continue;
    const key = token.slice(0, eq);
    const value = token.slice(eq + 1);
    switch (key) {
      case 'user':
        a['user.name'] = value;
        break;
      case 'rhost':
        a[IP.test(value) ? 'source.ip' : 'source.domain'] = value;
        break;
      case 'ruser':
        a['source.user.name'] = value;
        break;
      default:
        a[`pam.${key}`] = value;
    }
  }
}
