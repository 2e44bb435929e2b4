import type { LineFormat, ParsedAttributes, ParsedFields } from '../../log-format';
import { monthNumber } from '../support/time';
import { zonedMillis } from './zoned-time';

const HEAD =
  /^\[(\d\d)-([A-Z][a-z]{2})-(\d{4}) (\d\d):(\d\d):(\d\d)(?: ([A-Za-z0-9_/+-]{1,40}))?\] PHP ([A-Z][A-Za-z ]{1,40}?):(?:\s{1,2}|$)/;
const UNCAUGHT = /^(?:Uncaught|Unhandled) ([\w\\]{1,200}): (.*) in (\S{1,500}):(\d{1,7})$/;
const ON_LINE = /^(.*) in (\S{1,500}) on line (\d{1,7})$/;

// PHP's E_* names as a level the registry knows.
const LEVELS: Readonly<Record<string, string>> = {
  'Fatal error': 'fatal',
  'Parse error': 'fatal',
  'Core error': 'fatal',
  'Compile error': 'fatal',
  'Recoverable fatal error': 'error',
  'Catchable fatal error': 'error',
  Warning: 'warn',
  'Core warning': 'warn',
  'Compile warning': 'warn',
  Notice: 'notice',
  Deprecated: 'info',
  'Strict Standards': 'info',
};

/**
 * PHP's error_log: `[26-Nov-2026 10:11:12 UTC] PHP Fatal error:  Uncaught Exception: boom in
 * /var/www/x.php:12`, with the `Stack trace:` lines that follow joined onto the record.
 */
export const phpErrorFormat: LineFormat = {
  name: 'php-error',
  family: 'structured',
  kind: 'line',
  description: 'PHP error_log lines (Fatal error, Warning, Notice ...) with stack traces',
  priority: 30,
  // Its records continue with `Stack trace:`, `#0 ...` and `  thrown in` lines, which no
  // stack-trace rule knows: everything up to the next `[date] PHP ...` line belongs to one entry.
  startLine: true,
  detect: (line) => line.charCodeAt(0) === 91 && HEAD.test(line),
  parse(line): ParsedFields | null {
    const m = HEAD.exec(line);
    if (m === null) return null;
    const type = m[8] as string;
    const attributes: ParsedAttributes = { 'php.error_type': type };
    const out: ParsedFields = { attributes, message: line.slice(m[0].length) };
    const level = LEVELS[type];
    if (level !== undefined) out.level = level;
    const ts = zonedMillis(
      m[7] ?? 'UTC',
      Number(m[3]),
      monthNumber(m[2] as string),
      Number(m[1]),
      Number(m[4]),
      Number(m[5]),
      Number(m[6]),
    );
    if (ts !== null) out.timestamp = ts;

    const newline = line.indexOf('\n', m[0].length);
    const first = line.slice(m[0].length, newline === -1 ? undefined : newline).trimEnd();
    const u = UNCAUGHT.exec(first);
    if (u !== null) {
      attributes['error.type'] = u[1] as string;
      attributes['error.message'] = u[2] as string;
      attributes['log.origin.file.name'] = u[3] as string;
      attributes['log.origin.file.line'] = Number(u[4]);
    } else {
      const o = ON_LINE.exec(first);
      if (o !== null) {
        attributes['error.message'] = o[1] as string;
        attributes['log.origin.file.name'] = o[2] as string;
        attributes['log.origin.file.line'] = Number(o[3]);
      }
    }
    if (newline !== -1) attributes['error.stack_trace'] = line.slice(newline + 1);
    return out;
  },
  samples: [
    {
      line: '[26-Nov-2026 10:11:12 UTC] PHP Fatal error:  Uncaught Exception: boom in /var/www/x.php:12\nStack trace:\n#0 /var/www/index.php(5): run()\n#1 {main}\n  thrown in /var/www/x.php on line 12',
      expect: {
        timestamp: Date.parse('2026-11-26T10:11:12Z'),
        level: 'fatal',
        message:
          'Uncaught Exception: boom in /var/www/x.php:12\nStack trace:\n#0 /var/www/index.php(5): run()\n#1 {main}\n  thrown in /var/www/x.php on line 12',
        attributes: {
          'php.error_type': 'Fatal error',
          'error.type': 'Exception',
          'error.message': 'boom',
          'log.origin.file.name': '/var/www/x.php',
          'log.origin.file.line': 12,
        },
      },
    },
    {
      line: '[26-Nov-2026 11:40:03 Europe/Berlin] PHP Warning:  Undefined variable $cart in /var/www/shop/src/Checkout.php on line 88',
      expect: {
        timestamp: Date.parse('2026-11-26T10:40:03Z'),
        level: 'warn',
        message: 'Undefined variable $cart in /var/www/shop/src/Checkout.php on line 88',
        attributes: {
          'error.message': 'Undefined variable $cart',
          'log.origin.file.name': '/var/www/shop/src/Checkout.php',
          'log.origin.file.line': 88,
        },
      },
    },
    {
      line: '[26-Nov-2026 10:12:00 UTC] PHP Fatal error:  Uncaught PDOException: SQLSTATE[HY000] [2002] Connection refused in /var/www/app/vendor/laravel/framework/src/Illuminate/Database/Connectors/Connector.php:70',
      expect: {
        level: 'fatal',
        attributes: {
          'error.type': 'PDOException',
          'error.message': 'SQLSTATE[HY000] [2002] Connection refused',
          'log.origin.file.line': 70,
        },
      },
    },
    {
      line: '[26-Nov-2026 10:13:30 America/New_York] PHP Deprecated:  strlen(): Passing null to parameter #1 ($string) of type string is deprecated in /srv/wp/wp-includes/formatting.php on line 4301',
      expect: {
        timestamp: Date.parse('2026-11-26T15:13:30Z'),
        level: 'info',
        attributes: { 'php.error_type': 'Deprecated', 'log.origin.file.line': 4301 },
      },
    },
  ],
};
