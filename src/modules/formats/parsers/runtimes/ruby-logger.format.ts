import type { LineFormat, ParsedAttributes, ParsedFields } from '../../log-format';
import { parseDateTime } from '../support/time';
import { firstLine, javaError, putError, withContinuation } from './record-text';

// Ruby's Logger::Formatter: `%s, [%s #%d] %5s -- %s: %s` (severity letter, time with µs, pid).
const LOGGER =
  /^([DIWEFAU]), \[(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d{1,9})?) #(\d{1,10})\] {1,16}(DEBUG|INFO|WARN|ERROR|FATAL|ANY|UNKNOWN) -- (.{0,256}?):(?: (.*))?$/;
// Rails' request lines, after the tags `config.log_tags` adds (`[request-id]`).
const TAGS = /^(?:\[([^\]]{1,128})\] ){1,4}/;
const STARTED =
  /^Started ([A-Z]{3,10}) "([^"]{0,8192})" for (\S{1,64}) at (\d{4}-\d\d-\d\d \d\d:\d\d:\d\d [+-]\d{4})$/;
const COMPLETED = /^Completed (\d{3}) [^(]{0,64}? ?in (\d{1,9}(?:\.\d{1,6})?)ms\b/;
const REQUEST_ID = /^[0-9a-f]{8}-?[0-9a-f-]{4,40}$/i;

export const rubyLoggerFormat: LineFormat = {
  name: 'ruby-logger',
  family: 'runtimes',
  kind: 'line',
  startLine: true,
  description:
    "Ruby Logger / Rails: `E, [time #pid] ERROR -- progname: message` and Rails' `Started GET ...` / `Completed 500 ...` lines",
  samples: [
    {
      line: "E, [2026-11-26T10:11:12.123456 #1234] ERROR -- sidekiq: Job raised exception\nActiveRecord::RecordNotFound (Couldn't find User with 'id'=42):\n/app/models/user.rb:17:in `find_active'",
      expect: {
        timestamp: Date.parse('2026-11-26T10:11:12.123Z'),
        level: 'ERROR',
        service: 'sidekiq',
        message:
          "Job raised exception\nActiveRecord::RecordNotFound (Couldn't find User with 'id'=42):\n/app/models/user.rb:17:in `find_active'",
        attributes: { 'process.pid': 1234, 'error.type': 'ActiveRecord::RecordNotFound' },
      },
    },
    {
      line: 'I, [2026-11-26T10:11:13.004211 #871]  INFO -- : [9f2c4e1a-7b3d-4c55-8e21-0a6b5d3c2f10] Started GET "/orders/42?tab=items" for 2001:db8::17 at 2026-11-26 10:11:13 +0000',
      expect: {
        timestamp: Date.parse('2026-11-26T10:11:13.004Z'),
        level: 'INFO',
        message:
          '[9f2c4e1a-7b3d-4c55-8e21-0a6b5d3c2f10] Started GET "/orders/42?tab=items" for 2001:db8::17 at 2026-11-26 10:11:13 +0000',
        attributes: {
          'process.pid': 871,
          'http.request.id': '9f2c4e1a-7b3d-4c55-8e21-0a6b5d3c2f10',
          'http.request.method': 'GET',
          'url.original': '/orders/42?tab=items',
          'client.ip': '2001:db8::17',
        },
      },
    },
    {
      line: 'Started POST "/users/sign_in" for 10.0.0.8 at 2026-11-26 10:11:14 +0100',
      expect: {
        timestamp: Date.parse('2026-11-26T09:11:14Z'),
        message: 'Started POST "/users/sign_in" for 10.0.0.8 at 2026-11-26 10:11:14 +0100',
        attributes: {
          'http.request.method': 'POST',
          'url.original': '/users/sign_in',
          'client.ip': '10.0.0.8',
        },
      },
    },
    {
      line: 'Completed 500 Internal Server Error in 12ms (ActiveRecord: 3.1ms | Allocations: 1520)',
      expect: {
        message:
          'Completed 500 Internal Server Error in 12ms (ActiveRecord: 3.1ms | Allocations: 1520)',
        attributes: { 'http.response.status_code': 500, 'event.duration': 12_000_000 },
      },
    },
    {
      line: 'W, [2026-11-26T10:11:15.500000 #871]  WARN -- : Rack::Attack throttled 203.0.113.9 on /api/login',
      expect: {
        level: 'WARN',
        message: 'Rack::Attack throttled 203.0.113.9 on /api/login',
        attributes: { 'process.pid': 871 },
      },
    },
  ],

  detect(line: string): boolean {
    if (line.charCodeAt(1) === 44) return LOGGER.test(firstLine(line).head);
    const head = firstLine(line).head;
    const c = head.charCodeAt(0);
    const rails =
      (c === 83 && head.startsWith('Started ')) ||
      (c === 67 && head.startsWith('Completed ')) ||
      (c === 91 && (head.includes('] Started ') || head.includes('] Completed ')));
    return rails && railsRequest(head) !== null;
  },

  parse(line: string): ParsedFields | null {
    const { head, rest } = firstLine(line);
    const m = LOGGER.exec(head);
    if (m === null) {
      const rails = railsRequest(head);
      if (rails === null) return null;
      return { ...rails, message: withContinuation(head, line, rest) };
    }
    const message = m[6] ?? '';
    const attributes: ParsedAttributes = { 'process.pid': Number(m[3]) };
    const fields: ParsedFields = {
      level: m[4] === 'ANY' || m[4] === 'UNKNOWN' ? 'fatal' : m[4],
      message: withContinuation(message, line, rest),
      attributes,
    };
    const ts = parseDateTime(m[2] as string);
    if (ts !== null) fields.timestamp = ts;
    const progname = (m[5] as string).trim();
    if (progname !== '') fields.service = progname;
    const rails = railsRequest(message);
    if (rails !== null) Object.assign(attributes, rails.attributes);
    putError(attributes, rubyError(line, rest + 1) ?? javaError(line, rest + 1));
    return fields;
  },
};

/** Attributes (and for `Started`, the time) of a Rails request line; null for other text. */
function railsRequest(text: string): { timestamp?: number; attributes: ParsedAttributes } | null {
  const attributes: ParsedAttributes = {};
  let body = text;
  const tags = TAGS.exec(text);
  if (tags !== null) {
    body = text.slice(tags[0].length);
    const first = /^\[([^\]]+)\]/.exec(text)?.[1];
    if (first !== undefined && REQUEST_ID.test(first)) attributes['http.request.id'] = first;
  }
  const started = STARTED.exec(body);
  if (started !== null) {
    attributes['http.request.method'] = started[1] as string;
    attributes['url.original'] = started[2] as string;
    attributes['client.ip'] = started[3] as string;
    const out: { timestamp?: number; attributes: ParsedAttributes } = { attributes };
    const ts = parseDateTime(started[4] as string);
    if (ts !== null) out.timestamp = ts;
    return out;
  }
  const completed = COMPLETED.exec(body);
  if (completed !== null) {
    attributes['http.response.status_code'] = Number(completed[1]);
    attributes['event.duration'] = Math.round(Number(completed[2]) * 1e6);
    return { attributes };
  }
  return null;
}

// `ActiveRecord::RecordNotFound (message):` as Rails prints it, or `message (NameError)` from Ruby.
const RAILS_ERROR = /^([A-Z]\w{0,100}(?:::[A-Z]\w{0,100}){0,10}) \((.*)\):$/;

function rubyError(record: string, from: number): { type: string; message?: string } | null {
  let start = from;
  while (start < record.length) {
    let end = record.indexOf('\n', start);
    if (end === -1) end = record.length;
    const m = RAILS_ERROR.exec(record.slice(start, end));
    if (m !== null) return { type: m[1] as string, message: m[2] as string };
    start = end + 1;
  }
  return null;
}
