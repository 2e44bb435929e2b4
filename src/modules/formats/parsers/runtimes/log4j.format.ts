import type { LineFormat, ParsedAttributes, ParsedFields, ParseContext } from '../../log-format';
import { parseDateTime } from '../support/time';
import { timeOfDayMillis } from './clock';
import { firstLine, javaError, putError, withContinuation } from './record-text';

// `%d %-5p [%t] %c - %m` and `%d [%t] %-5p %c - %m`, the date as ISO8601 (`2026-11-26
// 10:11:12,123`, also with `T` or `.`) or log4j2's default `HH:mm:ss.SSS` alone.
const LINE =
  /^(\d{4}-\d\d-\d\d[ T]\d\d:\d\d:\d\d(?:[.,]\d{1,9})?|\d\d:\d\d:\d\d[.,]\d{3}) (?:(TRACE|DEBUG|INFO|WARN|ERROR|FATAL) {1,16}\[([^\]]{0,256})\]|\[([^\]]{0,256})\] {1,16}(TRACE|DEBUG|INFO|WARN|ERROR|FATAL)) {1,16}(\S{1,512}?)(?::(\d{1,7}))? {1,16}- ?(.*)$/;

export const log4jFormat: LineFormat = {
  name: 'log4j',
  family: 'runtimes',
  kind: 'line',
  description:
    'Java log4j / log4j2 pattern layouts `%d %p [%t] %c - %m` and `%d [%t] %p %c - %m`, stack traces as continuation lines',
  samples: [
    {
      line: '2026-11-26 10:11:12,123 ERROR [main] com.acme.billing.InvoiceService - Invoice 4711 could not be rendered\njava.lang.IllegalStateException: template "invoice.ftl" not found\n\tat com.acme.billing.InvoiceService.render(InvoiceService.java:88)\n\tat com.acme.billing.InvoiceJob.run(InvoiceJob.java:41)\nCaused by: java.io.FileNotFoundException: /opt/acme/templates/invoice.ftl\n\tat java.base/java.io.FileInputStream.open0(Native Method)\n\t... 2 more',
      expect: {
        timestamp: Date.parse('2026-11-26T10:11:12.123Z'),
        level: 'ERROR',
        message:
          'Invoice 4711 could not be rendered\njava.lang.IllegalStateException: template "invoice.ftl" not found\n\tat com.acme.billing.InvoiceService.render(InvoiceService.java:88)\n\tat com.acme.billing.InvoiceJob.run(InvoiceJob.java:41)\nCaused by: java.io.FileNotFoundException: /opt/acme/templates/invoice.ftl\n\tat java.base/java.io.FileInputStream.open0(Native Method)\n\t... 2 more',
        attributes: {
          'log.logger': 'com.acme.billing.InvoiceService',
          'process.thread.name': 'main',
          'error.type': 'java.lang.IllegalStateException',
          'error.message': 'template "invoice.ftl" not found',
        },
      },
    },
    {
      line: '2026-11-26 10:11:13,004 [http-nio-8080-exec-7] INFO  org.springframework.web.servlet.DispatcherServlet - Completed initialization in 3 ms',
      expect: {
        timestamp: Date.parse('2026-11-26T10:11:13.004Z'),
        level: 'INFO',
        message: 'Completed initialization in 3 ms',
        attributes: {
          'log.logger': 'org.springframework.web.servlet.DispatcherServlet',
          'process.thread.name': 'http-nio-8080-exec-7',
        },
      },
    },
    {
      line: '11:58:02.517 [pool-2-thread-1] WARN  c.a.cache.RedisCache:142 - cache miss ratio 0.73 above 0.5 for region "sessions"',
      expect: {
        timestamp: Date.parse('2026-11-26T11:58:02.517Z'),
        level: 'WARN',
        message: 'cache miss ratio 0.73 above 0.5 for region "sessions"',
        attributes: {
          'log.logger': 'c.a.cache.RedisCache',
          'log.origin.file.line': 142,
          'process.thread.name': 'pool-2-thread-1',
        },
      },
    },
    {
      line: '2026-11-26T10:11:14.250 DEBUG [RMI TCP Connection(2)-127.0.0.1] OrderRepository - loaded 0 rows for customer=-',
      expect: {
        level: 'DEBUG',
        message: 'loaded 0 rows for customer=-',
        attributes: {
          'log.logger': 'OrderRepository',
          'process.thread.name': 'RMI TCP Connection(2)-127.0.0.1',
        },
      },
    },
  ],

  detect(line: string): boolean {
    return isTimeStart(line) && LINE.test(firstLine(line).head);
  },

  parse(line: string, ctx: ParseContext): ParsedFields | null {
    const { head, rest } = firstLine(line);
    const m = LINE.exec(head);
    if (m === null) return null;
    const stamp = m[1] as string;
    const attributes: ParsedAttributes = {
      'log.logger': m[6] as string,
      'process.thread.name': (m[3] ?? m[4]) as string,
    };
    if (m[7] !== undefined) attributes['log.origin.file.line'] = Number(m[7]);
    putError(attributes, javaError(line, rest + 1));
    const fields: ParsedFields = {
      level: m[2] ?? m[5],
      message: withContinuation(m[8] as string, line, rest),
      attributes,
    };
    const timestamp =
      stamp.length === 12
        ? timeOfDayMillis(
            Number(stamp.slice(0, 2)),
            Number(stamp.slice(3, 5)),
            Number(stamp.slice(6, 8)),
            Number(stamp.slice(9)),
            ctx.receivedAt,
          )
        : parseDateTime(stamp);
    if (timestamp !== null) fields.timestamp = timestamp;
    return fields;
  },
};

/** `dddd-` or `dd:` at the start: a cheap gate before the regex. */
function isTimeStart(line: string): boolean {
  const c2 = line.charCodeAt(2);
  return (line.charCodeAt(4) === 45 && c2 >= 48 && c2 <= 57) || c2 === 58;
}
