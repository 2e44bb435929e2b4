import type { MessageParser, ParsedAttributes } from '../../log-format';

/**
 * sudo's log line: `  alice : TTY=pts/0 ; PWD=/home/alice ; USER=root ; COMMAND=/bin/ls`, with
 * an error first when the command was refused (`3 incorrect password attempts ; TTY=...`).
 */
export const sudoMessageParser: MessageParser = {
  name: 'sudo',
  description: 'sudo command log lines (who ran what as whom)',
  programs: ['sudo'],
  parse(message) {
    const colon = message.indexOf(' : ');
    if (colon === -1) return null;
    const user = message.slice(0, colon).trim();
    if (user.length === 0 || user.length > 64 || user.includes(' ')) return null;
    const parts = message.slice(colon + 3).split(' ; ');
    const a: ParsedAttributes = { 'user.name': user, 'event.action': 'sudo' };
    let sawField = false;
    for (let k = 0; k < parts.length; k++) {
      const part = (parts[k] as string).trim();
      const eq = part.indexOf('=');
      const key = eq > 0 ? part.slice(0, eq) : '';
      if (!/^[A-Z_]{2,16}$/.test(key)) {
        // Only the first part may be free text: the reason sudo refused.
        if (k !== 0) return null;
        a['sudo.error'] = part;
        a['event.outcome'] = 'failure';
        continue;
      }
      sawField = true;
      const value = part.slice(eq + 1);
      switch (key) {
        case 'TTY':
          a['sudo.tty'] = value;
          break;
        case 'PWD':
          a['sudo.pwd'] = value;
          break;
        case 'USER':
          a['user.effective.name'] = value;
          break;
        case 'GROUP':
          a['group.effective.name'] = value;
          break;
        case 'COMMAND':
          // The command is last and may itself hold ' ; '.
          a['process.command_line'] = parts
            .slice(k)
            .join(' ; ')
            .trim()
            .slice(eq + 1);
          k = parts.length;
          break;
        default:
          a[`sudo.${key.toLowerCase()}`] = value;
      }
    }
    if (!sawField) return null;
    if (a['event.outcome'] === undefined) a['event.outcome'] = 'success';
    return a;
  },
  samples: [
    {
      program: 'sudo',
      message: '   alice : TTY=pts/0 ; PWD=/home/alice ; USER=root ; COMMAND=/bin/ls -la /root',
      expect: {
        'user.name': 'alice',
        'user.effective.name': 'root',
        'sudo.tty': 'pts/0',
        'sudo.pwd': '/home/alice',
        'process.command_line': '/bin/ls -la /root',
        'event.outcome': 'success',
      },
    },
    {
      program: 'sudo',
      message:
        'mallory : 3 incorrect password attempts ; TTY=pts/3 ; PWD=/tmp ; USER=root ; COMMAND=/usr/bin/su -',
      expect: {
        'user.name': 'mallory',
        'sudo.error': '3 incorrect password attempts',
        'event.outcome': 'failure',
        'process.command_line': '/usr/bin/su -',
      },
    },
    {
      program: 'sudo',
      message:
        '  deploy : TTY=unknown ; PWD=/srv/app ; USER=www-data ; ENV=RAILS_ENV=production ; COMMAND=/usr/bin/bash -c echo a ; echo b',
      expect: {
        'user.name': 'deploy',
        'user.effective.name': 'www-data',
        'sudo.env': 'RAILS_ENV=production',
        'process.command_line': '/usr/bin/bash -c echo a ; echo b',
      },
    },
    {
      program: 'sudo',
      message:
        '    bob : user NOT in sudoers ; TTY=pts/1 ; PWD=/home/bob ; USER=root ; COMMAND=/bin/bash',
      expect: {
        'user.name': 'bob',
        'sudo.error': 'user NOT in sudoers',
        'event.outcome': 'failure',
      },
    },
  ],
};
