import type { LineFormat, ParsedAttributes, ParsedFields, ParseContext } from '../../log-format';
import { parseTimestamp } from '../../normalize/timestamp';
import { timeOfDayMillis } from './clock';
import { firstLine, javaError, putError } from './record-text';

// Microsoft.Extensions.Logging's simple console formatter: `fail: Category[EventId]`, the message
// on the next lines indented by six spaces (or after the header with SingleLine), optionally
// after a TimestampFormat such as `yyyy-MM-dd HH:mm:ss ` or `[HH:mm:ss] `.
const HEAD =
  /^(?:\[?(\d{4}-\d\d-\d\d[ T]\d\d:\d\d:\d\d(?:\.\d{1,7})?(?:Z|[+-]\d\d:\d\d)?|\d\d:\d\d:\d\d(?:\.\d{1,7})?)\]? )?(trce|dbug|info|warn|fail|crit): (\S{1,512}?)\[(-?\d{1,10})\](?: (.*))?$/;
const LEVELS: Readonly<Record<string, string>> = {
  trce: 'trace',
  dbug: 'debug',
  info: 'info',
  warn: 'warn',
  fail: 'error',
  crit: 'critical',
};

export const dotnetConsoleFormat: LineFormat = {
  name: 'dotnet-console',
  family: 'runtimes',
  kind: 'line',
  description:
    '.NET Microsoft.Extensions.Logging console: `fail: Category[EventId]` and the indented message below it, or SingleLine',
  samples: [
    {
      line: 'fail: Microsoft.AspNetCore.Server.Kestrel[13]\n      Connection id "0HN8F3K1QJ2L5", Request id "0HN8F3K1QJ2L5:00000002": An unhandled exception was thrown by the application.\n      System.InvalidOperationException: Sequence contains no elements\n         at System.Linq.ThrowHelper.ThrowNoElementsException()\n         at Acme.Api.Controllers.OrdersController.Get(Int32 id) in /src/Api/Controllers/OrdersController.cs:line 41',
      expect: {
        level: 'error',
        message:
          'Connection id "0HN8F3K1QJ2L5", Request id "0HN8F3K1QJ2L5:00000002": An unhandled exception was thrown by the application.\nSystem.InvalidOperationException: Sequence contains no elements\n   at System.Linq.ThrowHelper.ThrowNoElementsException()\n   at Acme.Api.Controllers.OrdersController.Get(Int32 id) in /src/Api/Controllers/OrdersController.cs:line 41',
        attributes: {
          'log.logger': 'Microsoft.AspNetCore.Server.Kestrel',
          'dotnet.event_id': 13,
          'error.type': 'System.InvalidOperationException',
          'error.message': 'Sequence contains no elements',
        },
      },
    },
    {
      line: 'info: Microsoft.Hosting.Lifetime[14]\n      Now listening on: http://[::]:8080',
      expect: {
        level: 'info',
        message: 'Now listening on: http://[::]:8080',
        attributes: { 'log.logger': 'Microsoft.Hosting.Lifetime', 'dotnet.event_id': 14 },
      },
    },
    {
      line: '2026-11-26 10:11:12 warn: Acme.Inventory.StockSync[0] Supplier feed "north" is 42 minutes stale',
      expect: {
        timestamp: Date.parse('2026-11-26T10:11:12Z'),
        level: 'warn',
        message: 'Supplier feed "north" is 42 minutes stale',
        attributes: { 'log.logger': 'Acme.Inventory.StockSync', 'dotnet.event_id': 0 },
      },
    },
    {
      line: "[11:40:03] dbug: Microsoft.EntityFrameworkCore.Database.Command[20101] Executed DbCommand (3ms) [Parameters=[@p0='?' (DbType = Int32)], CommandType='Text', CommandTimeout='30']",
      expect: {
        timestamp: Date.parse('2026-11-26T11:40:03Z'),
        level: 'debug',
        attributes: { 'log.logger': 'Microsoft.EntityFrameworkCore.Database.Command' },
      },
    },
  ],

  detect(line: string): boolean {
    // The four-letter level sits right before the first `: ` (after an optional timestamp).
    const colon = line.indexOf(': ');
    if (colon < 4 || colon > 40 || LEVELS[line.slice(colon - 4, colon)] === undefined) return false;
    return HEAD.test(firstLine(line).head);
  },

  parse(line: string, ctx: ParseContext): ParsedFields | null {
    const { head, rest } = firstLine(line);
    const m = HEAD.exec(head);
    if (m === null) return null;
    const attributes: ParsedAttributes = {
      'log.logger': m[3] as string,
      'dotnet.event_id': Number(m[4]),
    };
    const lines = m[5] === undefined ? [] : [m[5]];
    if (rest < line.length) {
      for (const more of line.slice(rest + 1).split('\n')) lines.push(unindent(more));
    }
    const message = lines.join('\n');
    putError(attributes, javaError(message, 0));
    const fields: ParsedFields = {
      level: LEVELS[m[2] as string],
      message,
      attributes,
    };
    const stamp = m[1];
    if (stamp !== undefined) {
      const ts =
        stamp.charCodeAt(2) === 58
          ? timeOfDayMillis(
              Number(stamp.slice(0, 2)),
              Number(stamp.slice(3, 5)),
              Number(stamp.slice(6, 8)),
              stamp.length > 9 ? Math.floor(Number('0' + stamp.slice(8)) * 1000) : 0,
              ctx.receivedAt,
            )
          : parseTimestamp(stamp);
      if (ts !== null) fields.timestamp = ts;
    }
    return fields;
  },
};

/** Drops the six-space indent the console formatter puts before every message line. */
function unindent(line: string): string {
  let i = 0;
  while (i < 6 && line.charCodeAt(i) === 32) i++;
  return line.endsWith('\r') ? line.slice(i, -1) : line.slice(i);
}
