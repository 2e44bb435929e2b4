import type { LineFormat, ParsedAttributes, ParsedFields } from '../../log-format';
import { parseDateTime } from '../support/time';
import { firstLine, putError, pythonError, withContinuation } from './record-text';

const LEVELS = 'CRITICAL|FATAL|ERROR|WARNING|WARN|INFO|DEBUG|NOTSET';
const LEVEL_NAMES = new Set(LEVELS.split('|'));
// logging.BASIC_FORMAT, `%(levelname)s:%(name)s:%(message)s`; a logger name has no spaces.
const BASIC = new RegExp(`^(${LEVELS}):([^\\s:]{1,256}):(.*)$`);
// The cookbook's `%(asctime)s - %(name)s - %(levelname)s - %(message)s`.
const DASHED = new RegExp(
  `^(\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d(?:,\\d{3})?) - (\\S{1,256}) - (${LEVELS}) - (.*)$`,
);

export const pythonLoggingFormat: LineFormat = {
  name: 'python-logging',
  family: 'runtimes',
  kind: 'line',
  description:
    "Python logging: basicConfig's `LEVEL:name:message` and `asctime - name - LEVEL - message`, tracebacks as continuation",
  samples: [
    {
      line: 'ERROR:root:could not connect to broker amqp://rabbitmq:5672/: [Errno 111] Connection refused',
      expect: {
        level: 'ERROR',
        message:
          'could not connect to broker amqp://rabbitmq:5672/: [Errno 111] Connection refused',
        attributes: { 'log.logger': 'root' },
      },
    },
    {
      line: '2026-11-26 10:11:12,123 - payments.worker - ERROR - charge failed for order 8812\nTraceback (most recent call last):\n  File "/srv/payments/worker.py", line 41, in charge\n    resp = client.charge(order.total)\n  File "/srv/payments/client.py", line 17, in charge\n    raise PaymentDeclined(code)\npayments.errors.PaymentDeclined: card_declined (insufficient_funds)',
      expect: {
        timestamp: Date.parse('2026-11-26T10:11:12.123Z'),
        level: 'ERROR',
        message:
          'charge failed for order 8812\nTraceback (most recent call last):\n  File "/srv/payments/worker.py", line 41, in charge\n    resp = client.charge(order.total)\n  File "/srv/payments/client.py", line 17, in charge\n    raise PaymentDeclined(code)\npayments.errors.PaymentDeclined: card_declined (insufficient_funds)',
        attributes: {
          'log.logger': 'payments.worker',
          'error.type': 'payments.errors.PaymentDeclined',
          'error.message': 'card_declined (insufficient_funds)',
        },
      },
    },
    {
      line: "2026-11-26 10:11:13,870 - urllib3.connectionpool - WARNING - Retrying (Retry(total=2, connect=None, read=None, redirect=None, status=None)) after connection broken by 'NewConnectionError': /v1/health",
      expect: {
        timestamp: Date.parse('2026-11-26T10:11:13.870Z'),
        level: 'WARNING',
        attributes: { 'log.logger': 'urllib3.connectionpool' },
      },
    },
    {
      line: 'INFO:uvicorn.error:Application startup complete.',
      expect: {
        level: 'INFO',
        message: 'Application startup complete.',
        attributes: { 'log.logger': 'uvicorn.error' },
      },
    },
  ],

  detect(line: string): boolean {
    const head = firstLine(line).head;
    const c = head.charCodeAt(0);
    if (c >= 65 && c <= 90)
      return LEVEL_NAMES.has(head.slice(0, head.indexOf(':'))) && BASIC.test(head);
    return head.charCodeAt(4) === 45 && head.includes(' - ') && DASHED.test(head);
  },

  parse(line: string): ParsedFields | null {
    const { head, rest } = firstLine(line);
    const attributes: ParsedAttributes = {};
    let fields: ParsedFields;
    const basic = BASIC.exec(head);
    if (basic !== null) {
      attributes['log.logger'] = basic[2] as string;
      fields = { level: basic[1], message: basic[3], attributes };
    } else {
      const m = DASHED.exec(head);
      if (m === null) return null;
      attributes['log.logger'] = m[2] as string;
      fields = { level: m[3], message: m[4], attributes };
      const ts = parseDateTime(m[1] as string);
      if (ts !== null) fields.timestamp = ts;
    }
    putError(attributes, pythonError(line, rest));
    fields.message = withContinuation(fields.message as string, line, rest);
    return fields;
  },
};
