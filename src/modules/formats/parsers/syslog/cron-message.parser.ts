import type { MessageParser, ParsedAttributes } from '../../log-format';

// `(root) CMD (command)`, `(CRON) INFO (pidfile fd = 3)`, `(*system*) RELOAD (/etc/crontab)`.
const LINE = /^\(([^()\s]{1,64})\) ([A-Z][A-Za-z ]{0,40}?) \((.*)\)\s*$/s;

/** Vixie cron / cronie: which user ran which command, and the daemon's own notes. */
export const cronMessageParser: MessageParser = {
  name: 'cron',
  description: 'cron daemon messages ((user) CMD (command))',
  programs: ['CRON', 'cron', 'crond'],
  parse(message) {
    const m = LINE.exec(message);
    if (m === null) return null;
    const verb = m[2] as string;
    const detail = m[3] as string;
    const owner = m[1] as string;
    const a: ParsedAttributes = {};
    // `(CRON)` is the daemon speaking and `(*system*)` the system crontab, not users.
    if (owner === 'CRON' || owner === '*system*') a['cron.source'] = owner;
    else a['user.name'] = owner;
    if (verb === 'CMD') {
      a['event.action'] = 'cron_command';
      a['process.command_line'] = detail.trim();
    } else {
      a['event.action'] = verb.toLowerCase().replace(/ /g, '_');
      a['cron.detail'] = detail;
    }
    return a;
  },
  samples: [
    {
      program: 'CRON',
      message: '(root) CMD (   cd / && run-parts --report /etc/cron.hourly)',
      expect: {
        'user.name': 'root',
        'event.action': 'cron_command',
        'process.command_line': 'cd / && run-parts --report /etc/cron.hourly',
      },
    },
    {
      program: 'crond',
      message: '(www-data) CMD (php /var/www/nextcloud/cron.php)',
      expect: {
        'user.name': 'www-data',
        'process.command_line': 'php /var/www/nextcloud/cron.php',
      },
    },
    {
      program: 'crond',
      message: '(*system*) RELOAD (/etc/crontab)',
      expect: {
        'cron.source': '*system*',
        'event.action': 'reload',
        'cron.detail': '/etc/crontab',
      },
    },
    {
      program: 'CRON',
      message: '(CRON) INFO (pidfile fd = 3)',
      expect: { 'cron.source': 'CRON', 'event.action': 'info', 'cron.detail': 'pidfile fd = 3' },
    },
  ],
};
