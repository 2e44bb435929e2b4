import type { MessageParser, ParsedAttributes } from '../../log-format';

// `for [invalid user ]USER from IP port N[ ssh2[: KEYINFO]]`, the tail of Accepted/Failed lines.
const LOGIN =
  /^(Accepted|Failed|Postponed) ([\w/-]{1,40}) for (invalid user )?(.{0,100}?) from ([0-9A-Fa-f:.]{2,45}) port (\d{1,5})(?: (ssh2?))?(?:: (.{1,300}))?$/;
const INVALID_USER = /^Invalid user (.{0,100}?) from ([0-9A-Fa-f:.]{2,45})(?: port (\d{1,5}))?$/;
// Disconnected from [invalid |authenticating ]user X IP port N [preauth]; Connection closed by ...
const CLOSED =
  /^(Disconnected from|Connection closed by|Connection reset by|Received disconnect from)(?: (invalid|authenticating) user (.{0,100}?)| user (.{0,100}?))? ([0-9A-Fa-f:.]{2,45}) port (\d{1,5})(?::(\d{1,3}): (.{0,200}?))?( \[preauth\])?$/;
const REVERSE =
  /^reverse mapping checking getaddrinfo for (\S{1,255}) \[([0-9A-Fa-f:.]{2,45})\] failed(?: - POSSIBLE BREAK-IN ATTEMPT!)?$/;
const MAPS_BACK =
  /^Address ([0-9A-Fa-f:.]{2,45}) maps to (\S{1,255}), but this does not map back to the address(?: - POSSIBLE BREAK-IN ATTEMPT!)?$/;
const MAX_ATTEMPTS =
  /^(?:error: )?maximum authentication attempts exceeded for (invalid user )?(.{0,100}?) from ([0-9A-Fa-f:.]{2,45}) port (\d{1,5})/;
const CONNECTION_FROM =
  /^Connection from ([0-9A-Fa-f:.]{2,45}) port (\d{1,5}) on ([0-9A-Fa-f:.]{2,45}) port (\d{1,5})/;
const NO_IDENT =
  /^Did not receive identification string from ([0-9A-Fa-f:.]{2,45})(?: port (\d{1,5}))?$/;

/** OpenSSH server messages: logins, invalid users, disconnects, reverse-DNS warnings. */
export const sshdMessageParser: MessageParser = {
  name: 'sshd',
  description: 'OpenSSH server authentication and connection messages',
  programs: ['sshd', 'sshd-session'],
  parse(message) {
    const text = message.endsWith(' ') ? message.trimEnd() : message;
    const a: ParsedAttributes = {};
    let m = LOGIN.exec(text);
    if (m !== null) {
      a['event.action'] = 'ssh_login';
      a['event.outcome'] = m[1] === 'Accepted' ? 'success' : 'failure';
      a['sshd.event'] = m[1] as string;
      a['sshd.auth.method'] = m[2] as string;
      if (m[3] !== undefined) a['sshd.invalid_user'] = true;
      a['user.name'] = m[4] as string;
      a['source.ip'] = m[5] as string;
      a['source.port'] = Number(m[6]);
      if (m[8] !== undefined) a['sshd.auth.key'] = m[8];
      return a;
    }
    if ((m = INVALID_USER.exec(text)) !== null) {
      a['event.action'] = 'invalid_user';
      a['event.outcome'] = 'failure';
      a['user.name'] = m[1] as string;
      a['source.ip'] = m[2] as string;
      if (m[3] !== undefined) a['source.port'] = Number(m[3]);
      return a;
    }
    if ((m = CLOSED.exec(text)) !== null) {
      a['event.action'] =
        m[1] === 'Connection closed by' || m[1] === 'Connection reset by'
          ? 'connection_closed'
          : 'disconnect';
      const user = m[3] ?? m[4];
      if (user !== undefined) a['user.name'] = user;
      if (m[2] === 'invalid') a['sshd.invalid_user'] = true;
      a['source.ip'] = m[5] as string;
      a['source.port'] = Number(m[6]);
      if (m[7] !== undefined) a['sshd.disconnect.code'] = Number(m[7]);
      if (m[8] !== undefined) a['sshd.disconnect.reason'] = m[8];
      if (m[9] !== undefined) a['sshd.preauth'] = true;
      return a;
    }
    if ((m = REVERSE.exec(text)) !== null) {
      a['event.action'] = 'reverse_mapping_failed';
      a['source.domain'] = m[1] as string;
      a['source.ip'] = m[2] as string;
      return a;
    }
    if ((m = MAPS_BACK.exec(text)) !== null) {
      a['event.action'] = 'reverse_mapping_failed';
      a['source.ip'] = m[1] as string;
      a['source.domain'] = m[2] as string;
      return a;
    }
    if ((m = MAX_ATTEMPTS.exec(text)) !== null) {
      a['event.action'] = 'max_auth_attempts';
      a['event.outcome'] = 'failure';
      a['user.name'] = m[2] as string;
      a['source.ip'] = m[3] as string;
      a['source.port'] = Number(m[4]);
      return a;
    }
    if ((m = CONNECTION_FROM.exec(text)) !== null) {
      a['event.action'] = 'connection_opened';
      a['source.ip'] = m[1] as string;
      a['source.port'] = Number(m[2]);
      a['destination.ip'] = m[3] as string;
      a['destination.port'] = Number(m[4]);
      return a;
    }
    if ((m = NO_IDENT.exec(text)) !== null) {
      a['event.action'] = 'no_identification';
      a['source.ip'] = m[1] as string;
      if (m[2] !== undefined) a['source.port'] = Number(m[2]);
      return a;
    }
    return null;
  },
  samples: [
    {
      program: 'sshd',
      message: 'Accepted password for alice from 192.168.1.10 port 52311 ssh2',
      expect: {
        'event.action': 'ssh_login',
        'event.outcome': 'success',
        'sshd.auth.method': 'password',
        'user.name': 'alice',
        'source.ip': '192.168.1.10',
        'source.port': 52311,
      },
    },
    {
      program: 'sshd',
      message: 'Failed password for invalid user oracle from 2001:db8::dead:beef port 40022 ssh2',
      expect: {
        'event.outcome': 'failure',
        'user.name': 'oracle',
        'sshd.invalid_user': true,
        'source.ip': '2001:db8::dead:beef',
        'source.port': 40022,
      },
    },
    {
      program: 'sshd',
      message:
        'Accepted publickey for git from 10.4.0.9 port 33410 ssh2: RSA SHA256:3q2+7wQnZl2o8VjG0mJmXo0Vb5r1cHnR2FJpQ3xYk9A',
      expect: {
        'sshd.auth.method': 'publickey',
        'user.name': 'git',
        'sshd.auth.key': 'RSA SHA256:3q2+7wQnZl2o8VjG0mJmXo0Vb5r1cHnR2FJpQ3xYk9A',
      },
    },
    {
      program: 'sshd',
      message: 'Invalid user admin from 203.0.113.77 port 51822',
      expect: {
        'event.action': 'invalid_user',
        'user.name': 'admin',
        'source.ip': '203.0.113.77',
        'source.port': 51822,
      },
    },
    {
      program: 'sshd',
      message: 'Disconnected from authenticating user root 198.51.100.4 port 60112 [preauth]',
      expect: {
        'event.action': 'disconnect',
        'user.name': 'root',
        'source.ip': '198.51.100.4',
        'sshd.preauth': true,
      },
    },
    {
      program: 'sshd',
      message: 'Received disconnect from 198.51.100.4 port 60112:11: Bye Bye [preauth]',
      expect: {
        'event.action': 'disconnect',
        'sshd.disconnect.code': 11,
        'sshd.disconnect.reason': 'Bye Bye',
      },
    },
    {
      program: 'sshd',
      message: 'Connection from 198.51.100.4 port 60112 on 10.0.0.20 port 22 rdomain ""',
      expect: {
        'event.action': 'connection_opened',
        'source.ip': '198.51.100.4',
        'destination.ip': '10.0.0.20',
        'destination.port': 22,
      },
    },
    {
      program: 'sshd',
      message: 'Connection closed by 203.0.113.9 port 22970 [preauth]',
      expect: { 'event.action': 'connection_closed', 'source.ip': '203.0.113.9' },
    },
    {
      program: 'sshd',
      message:
        'reverse mapping checking getaddrinfo for 27.32.70.115.static.example.net [115.70.32.27] failed - POSSIBLE BREAK-IN ATTEMPT!',
      expect: {
        'event.action': 'reverse_mapping_failed',
        'source.ip': '115.70.32.27',
        'source.domain': '27.32.70.115.static.example.net',
      },
    },
  ],
};
