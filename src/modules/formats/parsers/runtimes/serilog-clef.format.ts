import type { JsonFormat, ParsedAttributes, ParsedFields } from '../../log-format';
import { parseTimestamp } from '../../normalize/timestamp';
import { toJsonText } from '../../normalize/flatten';
import { type JsonDoc, putFlattened, str } from './json-fields';
import { javaError, putError } from './record-text';

const HEX = /^[0-9a-fA-F]+$/;

export const serilogClefFormat: JsonFormat = {
  name: 'serilog-clef',
  family: 'runtimes',
  kind: 'json',
  description:
    'Serilog Compact Log Event Format: `@t`, `@m` or `@mt` rendered with the properties, `@l`, `@x`, `@i`, `@tr`/`@sp`',
  priority: 6,
  samples: [
    {
      line: '{"@t":"2026-11-26T10:11:12.1234567Z","@mt":"Order {OrderId} shipped to {@Address} in {Elapsed:0.0} ms","@i":"7c2b9f10","OrderId":10452,"Address":{"City":"Lyon","Zip":"69002"},"Elapsed":84.5,"SourceContext":"Acme.Shipping.Dispatcher","@tr":"4BF92F3577B34DA6A3CE929D0E0E4736","@sp":"00F067AA0BA902B7"}',
      expect: {
        timestamp: Date.parse('2026-11-26T10:11:12.123Z'),
        level: 'Information',
        message: 'Order 10452 shipped to {"City":"Lyon","Zip":"69002"} in 84.5 ms',
        traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
        spanId: '00f067aa0ba902b7',
        attributes: {
          'log.logger': 'Acme.Shipping.Dispatcher',
          'serilog.event_id': '7c2b9f10',
          'serilog.message_template': 'Order {OrderId} shipped to {@Address} in {Elapsed:0.0} ms',
          OrderId: 10452,
          'Address.City': 'Lyon',
        },
      },
    },
    {
      line: '{"@t":"2026-11-26T10:11:13.5000000+01:00","@mt":"Failed to charge {Customer} {{retry {Attempt}}}","@l":"Error","@x":"System.InvalidOperationException: Card processor returned 502\\r\\n   at Acme.Payments.Gateway.ChargeAsync(Decimal amount) in /src/Payments/Gateway.cs:line 88","Customer":"c-77","Attempt":2}',
      expect: {
        timestamp: Date.parse('2026-11-26T09:11:13.500Z'),
        level: 'Error',
        message: 'Failed to charge "c-77" {retry 2}',
        attributes: {
          'error.type': 'System.InvalidOperationException',
          'error.message': 'Card processor returned 502',
          'error.stack_trace':
            'System.InvalidOperationException: Card processor returned 502\r\n   at Acme.Payments.Gateway.ChargeAsync(Decimal amount) in /src/Payments/Gateway.cs:line 88',
          Customer: 'c-77',
        },
      },
    },
    {
      line: '{"@t":"2026-11-26T10:11:14.0000000Z","@m":"Health check \\"db\\" degraded","@l":"Warning","HealthCheck":"db","Application":"inventory"}',
      expect: {
        level: 'Warning',
        message: 'Health check "db" degraded',
        attributes: { HealthCheck: 'db', Application: 'inventory' },
      },
    },
  ],

  detect(doc: JsonDoc): boolean {
    return typeof doc['@t'] === 'string' && ('@mt' in doc || '@m' in doc);
  },

  parse(doc: JsonDoc): ParsedFields | null {
    const attributes: ParsedAttributes = {};
    // CLEF leaves @l out for Information.
    const fields: ParsedFields = { level: str(doc, '@l') ?? 'Information', attributes };
    const ts = parseTimestamp(doc['@t']);
    if (ts !== null) fields.timestamp = ts;
    const template = str(doc, '@mt');
    if (template !== undefined) attributes['serilog.message_template'] = template;
    const message = str(doc, '@m') ?? (template === undefined ? undefined : render(template, doc));
    if (message !== undefined) fields.message = message;
    const exception = str(doc, '@x');
    if (exception !== undefined) {
      attributes['error.stack_trace'] = exception;
      putError(attributes, javaError(exception, 0));
    }
    const id = doc['@i'];
    if (typeof id === 'string' || typeof id === 'number') attributes['serilog.event_id'] = id;
    const trace = str(doc, '@tr');
    if (trace !== undefined && HEX.test(trace)) fields.traceId = trace.toLowerCase();
    const span = str(doc, '@sp');
    if (span !== undefined && HEX.test(span)) fields.spanId = span.toLowerCase();
    const context = str(doc, 'SourceContext');
    if (context !== undefined) attributes['log.logger'] = context;
    for (const key in doc) {
      // `@`-keys are CLEF's own; a property that starts with `@` is written `@@name`.
      if (key.charCodeAt(0) !== 64) putFlattened(attributes, key, doc[key]);
      else if (key.startsWith('@@')) putFlattened(attributes, key.slice(1), doc[key]);
    }
    return fields;
  },
};

/**
 * Renders a message template the way Serilog's text renderer does: `{Name}`, `{@Name}`,
 * `{$Name}`, `{Name:format}`, `{Name,align}` become the property's value (strings quoted unless
 * the format is `l`), `{{` and `}}` are literal braces, unknown holes stay as written.
 */
function render(template: string, doc: JsonDoc): string {
  let out = '';
  let i = 0;
  while (i < template.length) {
    const c = template[i];
    if (c === '{' && template[i + 1] === '{') {
      out += '{';
      i += 2;
    } else if (c === '}' && template[i + 1] === '}') {
      out += '}';
      i += 2;
    } else if (c === '{') {
      const close = template.indexOf('}', i);
      if (close === -1) return out + template.slice(i);
      out += hole(template.slice(i + 1, close), doc) ?? template.slice(i, close + 1);
      i = close + 1;
    } else {
      out += c;
      i++;
    }
  }
  return out;
}

function hole(token: string, doc: JsonDoc): string | undefined {
  let name = token;
  const first = name.charCodeAt(0);
  const stringify = first === 36; // `$`: render as a string
  if (first === 64 || first === 36) name = name.slice(1);
  let format = '';
  const colon = name.indexOf(':');
  if (colon !== -1) {
    format = name.slice(colon + 1);
    name = name.slice(0, colon);
  }
  const comma = name.indexOf(',');
  if (comma !== -1) name = name.slice(0, comma);
  if (!(name in doc) || name.charCodeAt(0) === 64) return undefined;
  const value = doc[name];
  if (typeof value === 'string') return stringify || format === 'l' ? value : `"${value}"`;
  if (value === null) return 'null';
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return stringify ? `"${toJsonText(value)}"` : toJsonText(value);
}
