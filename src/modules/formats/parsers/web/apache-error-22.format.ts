import type { LineFormat, ParsedAttributes } from '../../log-format';
import { putAddress } from './access-fields';
import { putApacheReferer } from './apache-error-24.format';
import { parseCtime } from './web-time';

const DETECT = /^\[[A-Z][a-z]{2} [A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d \d{4}\] \[[a-z]+\] /;

/** Apache httpd 2.2 error log: `[Sun Dec 04 04:47:44 2005] [error] [client 1.2.3.4] message`. */
export const APACHE_ERROR_22_FORMAT: LineFormat = {
  name: 'apache-error-22',
  family: 'web',
  kind: 'line',
  description: 'Apache httpd 2.2 error log: [ctime] [level] [client ip] message',
  priority: 10,
  detect: (line) => DETECT.test(line),
  parse(line) {
    if (line.charCodeAt(0) !== 91) return null;
    const timeEnd = line.indexOf('] [', 1);
    if (timeEnd === -1) return null;
    const levelEnd = line.indexOf(']', timeEnd + 3);
    if (levelEnd === -1) return null;
    const level = line.slice(timeEnd + 3, levelEnd);
    let i = levelEnd + 2;
    const attrs: ParsedAttributes = {};
    if (line.startsWith('[client ', i)) {
      const end = line.indexOf('] ', i);
      if (end !== -1) {
        putAddress(attrs, 'source', line.slice(i + 8, end));
        i = end + 2;
      }
    }
    const message = line.slice(i);
    putApacheReferer(attrs, message);
    const timestamp = parseCtime(line.slice(1, timeEnd));
    return { ...(timestamp === null ? {} : { timestamp }), level, message, attributes: attrs };
  },
  samples: [
    {
      line: '[Sun Dec 04 04:47:44 2005] [error] [client 1.2.3.4] File does not exist: /var/www/html/favicon.ico',
      expect: {
        timestamp: Date.parse('2005-12-04T04:47:44Z'),
        level: 'error',
        message: 'File does not exist: /var/www/html/favicon.ico',
        attributes: { 'source.ip': '1.2.3.4' },
      },
    },
    {
      line: '[Sun Dec 04 04:51:08 2005] [notice] jk2_init() Found child 6725 in scoreboard slot 10',
      expect: {
        timestamp: Date.parse('2005-12-04T04:51:08Z'),
        level: 'notice',
        message: 'jk2_init() Found child 6725 in scoreboard slot 10',
      },
    },
    {
      line: '[Wed Mar 11 09:02:17 2015] [error] [client 2001:db8::17] PHP Warning:  include(config.php): failed to open stream: No such file or directory in /var/www/index.php on line 4, referer: http://intranet.example.com/',
      expect: {
        timestamp: Date.parse('2015-03-11T09:02:17Z'),
        level: 'error',
        attributes: {
          'source.ip': '2001:db8::17',
          'http.request.referrer': 'http://intranet.example.com/',
        },
      },
    },
  ],
};
