import type { LineFormat, ParsedAttributes, ParsedFields } from '../../log-format';
import { parseDateTime } from '../support/time';
import { firstLine, putError, pythonError, withContinuation } from './record-text';

// Flask's default handler: `[%(asctime)s] %(levelname)s in %(module)s: %(message)s`.
const LINE =
  /^\[(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(?:,\d{3})?)\] (CRITICAL|ERROR|WARNING|INFO|DEBUG) in ([\w.]{1,128}): (.*)$/;

export const flaskFormat: LineFormat = {
  name: 'flask',
  family: 'runtimes',
  kind: 'line',
  description: "Flask's default log layout `[asctime] LEVEL in module: message`, with tracebacks",
  // Above kafka, which also starts with `[yyyy-MM-dd HH:mm:ss,SSS] LEVEL `.
  priority: 5,
  samples: [
    {
      line: '[2026-11-26 10:11:12,123] ERROR in app: Exception on /api/orders/42 [GET]\nTraceback (most recent call last):\n  File "/usr/local/lib/python3.12/site-packages/flask/app.py", line 1473, in wsgi_app\n    response = self.full_dispatch_request()\n  File "/srv/shop/views.py", line 30, in order\n    return orders[order_id]\nKeyError: 42',
      expect: {
        timestamp: Date.parse('2026-11-26T10:11:12.123Z'),
        level: 'ERROR',
        message:
          'Exception on /api/orders/42 [GET]\nTraceback (most recent call last):\n  File "/usr/local/lib/python3.12/site-packages/flask/app.py", line 1473, in wsgi_app\n    response = self.full_dispatch_request()\n  File "/srv/shop/views.py", line 30, in order\n    return orders[order_id]\nKeyError: 42',
        attributes: { 'log.logger': 'app', 'error.type': 'KeyError', 'error.message': '42' },
      },
    },
    {
      line: '[2026-11-26 10:11:13,501] INFO in routes: user 311 signed in from 2001:db8::7',
      expect: {
        timestamp: Date.parse('2026-11-26T10:11:13.501Z'),
        level: 'INFO',
        message: 'user 311 signed in from 2001:db8::7',
        attributes: { 'log.logger': 'routes' },
      },
    },
    {
      line: '[2026-11-26 10:11:14,002] WARNING in cache: redis unavailable, serving stale page for "/pricing"',
      expect: {
        level: 'WARNING',
        message: 'redis unavailable, serving stale page for "/pricing"',
        attributes: { 'log.logger': 'cache' },
      },
    },
  ],

  detect(line: string): boolean {
    return line.charCodeAt(0) === 91 && line.includes(' in ') && LINE.test(firstLine(line).head);
  },

  parse(line: string): ParsedFields | null {
    const { head, rest } = firstLine(line);
    const m = LINE.exec(head);
    if (m === null) return null;
    const attributes: ParsedAttributes = { 'log.logger': m[3] as string };
    putError(attributes, pythonError(line, rest));
    const fields: ParsedFields = {
      level: m[2],
      message: withContinuation(m[4] as string, line, rest),
      attributes,
    };
    const ts = parseDateTime(m[1] as string);
    if (ts !== null) fields.timestamp = ts;
    return fields;
  },
};
