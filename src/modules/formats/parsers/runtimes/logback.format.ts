import type { LineFormat, ParsedAttributes, ParsedFields } from '../../log-format';
import { parseTimestamp } from '../../normalize/timestamp';
import { firstLine, javaError, putError, withContinuation } from './record-text';

// Spring Boot's console/file layout: `%d %5p ${PID} --- [app] [thread] [correlation] %-40.40logger : %m`.
// The app name (3.2+) and the trace-span correlation (with Micrometer tracing) are optional; the
// thread is right-aligned in 15 columns and the logger padded on the right.
const LINE =
  /^(\d{4}-\d\d-\d\d[ T]\d\d:\d\d:\d\d(?:\.\d{1,9})?(?:Z|[+-]\d\d:?\d\d)?) {1,2}(TRACE|DEBUG|INFO|WARN|ERROR|FATAL|OFF) (\d{1,10}|\?{3}) --- (?:\[([^\]]{0,128})\] )?\[ {0,64}([^\]]{0,256})\] (?:\[([0-9a-f]{16,32})?-([0-9a-f]{16})?\] )?(\S{1,256}) {0,64}: (.*)$/;

export const logbackFormat: LineFormat = {
  name: 'logback',
  family: 'runtimes',
  kind: 'line',
  description:
    'Spring Boot default logback layout: `date LEVEL pid --- [app] [thread] logger : message`, old and 3.x forms',
  samples: [
    {
      line: '2026-11-26T10:11:12.123+01:00 ERROR 1234 --- [billing] [nio-8080-exec-3] o.a.c.c.C.[.[.[/].[dispatcherServlet]    : Servlet.service() for servlet [dispatcherServlet] threw exception\njava.lang.NullPointerException: Cannot invoke "String.length()" because "name" is null\n\tat com.acme.billing.web.InvoiceController.show(InvoiceController.java:57)',
      expect: {
        timestamp: Date.parse('2026-11-26T09:11:12.123Z'),
        level: 'ERROR',
        service: 'billing',
        message:
          'Servlet.service() for servlet [dispatcherServlet] threw exception\njava.lang.NullPointerException: Cannot invoke "String.length()" because "name" is null\n\tat com.acme.billing.web.InvoiceController.show(InvoiceController.java:57)',
        attributes: {
          'process.pid': 1234,
          'process.thread.name': 'nio-8080-exec-3',
          'log.logger': 'o.a.c.c.C.[.[.[/].[dispatcherServlet]',
          'error.type': 'java.lang.NullPointerException',
        },
      },
    },
    {
      line: '2026-11-26 10:11:12.123  INFO 1234 --- [           main] c.a.b.BillingApplication                 : Started BillingApplication in 4.217 seconds (process running for 4.9)',
      expect: {
        timestamp: Date.parse('2026-11-26T10:11:12.123Z'),
        level: 'INFO',
        message: 'Started BillingApplication in 4.217 seconds (process running for 4.9)',
        attributes: {
          'process.pid': 1234,
          'process.thread.name': 'main',
          'log.logger': 'c.a.b.BillingApplication',
        },
      },
    },
    {
      line: '2026-11-26T10:11:15.882Z  WARN 7 --- [orders] [ntainer#0-0-C-1] [6586e6f5a2b8e3c4f1a7d9e0b2c4d6e8-1a2b3c4d5e6f7a8b] o.s.k.l.KafkaMessageListenerContainer    : Consumer paused: partition orders-3 lag 12000',
      expect: {
        timestamp: Date.parse('2026-11-26T10:11:15.882Z'),
        level: 'WARN',
        service: 'orders',
        traceId: '6586e6f5a2b8e3c4f1a7d9e0b2c4d6e8',
        spanId: '1a2b3c4d5e6f7a8b',
        message: 'Consumer paused: partition orders-3 lag 12000',
        attributes: { 'process.pid': 7, 'log.logger': 'o.s.k.l.KafkaMessageListenerContainer' },
      },
    },
  ],

  detect(line: string): boolean {
    return line.charCodeAt(4) === 45 && line.includes(' --- [') && LINE.test(firstLine(line).head);
  },

  parse(line: string): ParsedFields | null {
    const { head, rest } = firstLine(line);
    const m = LINE.exec(head);
    if (m === null) return null;
    const attributes: ParsedAttributes = {
      'process.thread.name': m[5] as string,
      'log.logger': m[8] as string,
    };
    if (m[3] !== '???') attributes['process.pid'] = Number(m[3]);
    putError(attributes, javaError(line, rest + 1));
    const fields: ParsedFields = {
      level: m[2],
      message: withContinuation(m[9] as string, line, rest),
      attributes,
    };
    const timestamp = parseTimestamp(m[1]);
    if (timestamp !== null) fields.timestamp = timestamp;
    if (m[4] !== undefined && m[4].trim() !== '') fields.service = m[4].trim();
    if (m[6] !== undefined) fields.traceId = m[6];
    if (m[7] !== undefined) fields.spanId = m[7];
    return fields;
  },
};
