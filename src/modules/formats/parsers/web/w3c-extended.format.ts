import type { LineFormat, ParsedAttributes } from '../../log-format';
import { parseTimestamp } from '../../normalize/timestamp';
import {
  isAbsent,
  millisToNanos,
  putAddress,
  putNumber,
  putText,
  scanFields,
  toNumber,
} from './access-fields';

const DATA =
  /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d [0-9A-Fa-f.:%]+ [A-Z][A-Z_-]* [^ ]+ [^ ]+ \d+ [^ ]+ [0-9A-Fa-f.:%]+ [^ ]+ (?:[^ ]+ )?\d{3} \d+ \d+ \d+$/;
const DIRECTIVE = /^#(?:Software|Version|Date|Fields|Start-Date|End-Date|Remark): /;

/**
 * W3C extended log as IIS writes it by default: `date time s-ip cs-method cs-uri-stem
 * cs-uri-query s-port cs-username c-ip cs(User-Agent) [cs(Referer)] sc-status sc-substatus
 * sc-win32-status time-taken` (IIS 7 left out the referer). Directive lines (`#Software:`,
 * `#Fields:` ...) belong to the format too.
 */
export const W3C_EXTENDED_FORMAT: LineFormat = {
  name: 'w3c-extended',
  family: 'web',
  kind: 'line',
  description:
    'W3C extended log in the default IIS field order, with its #Software/#Fields directives',
  priority: 10,
  detect: (line) => (line.charCodeAt(0) === 35 ? DIRECTIVE.test(line) : DATA.test(line)),
  parse(line) {
    if (line.charCodeAt(0) === 35) return parseDirective(line);
    const fields = scanFields(line);
    if (fields === null || (fields.length !== 15 && fields.length !== 14)) return null;
    const timestamp = parseTimestamp(`${fields[0]}T${fields[1]}Z`);
    if (timestamp === null) return null;
    const attrs: ParsedAttributes = {};
    putAddress(attrs, 'destination', fields[2]);
    putText(attrs, 'http.request.method', fields[3]);
    const stem = fields[4];
    const query = fields[5];
    if (!isAbsent(stem)) {
      attrs['url.path'] = stem;
      attrs['url.original'] = isAbsent(query) ? stem : `${stem}?${query}`;
    }
    putText(attrs, 'url.query', query);
    putNumber(attrs, 'destination.port', fields[6]);
    putText(attrs, 'user.name', fields[7]);
    putAddress(attrs, 'source', fields[8]);
    // IIS writes spaces in the user agent as '+'.
    const agent = fields[9];
    if (!isAbsent(agent)) attrs['user_agent.original'] = agent.replaceAll('+', ' ');
    const at = fields.length === 15 ? 11 : 10;
    if (at === 11) putText(attrs, 'http.request.referrer', fields[10]);
    putNumber(attrs, 'http.response.status_code', fields[at]);
    putNumber(attrs, 'iis.sub_status', fields[at + 1]);
    putNumber(attrs, 'iis.win32_status', fields[at + 2]);
    const taken = toNumber(fields[at + 3]);
    if (taken !== undefined) attrs['event.duration'] = millisToNanos(taken);
    return { timestamp, attributes: attrs };
  },
  samples: [
    {
      line: '2026-11-26 10:11:12 10.0.0.4 GET /default.aspx - 443 - 203.0.113.50 Mozilla/5.0+(Windows+NT+10.0;+Win64;+x64)+AppleWebKit/537.36 - 200 0 0 15',
      expect: {
        timestamp: Date.parse('2026-11-26T10:11:12Z'),
        attributes: {
          'destination.ip': '10.0.0.4',
          'http.request.method': 'GET',
          'url.path': '/default.aspx',
          'destination.port': 443,
          'source.ip': '203.0.113.50',
          'user_agent.original': 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36',
          'http.response.status_code': 200,
          'iis.sub_status': 0,
          'event.duration': 15_000_000,
        },
      },
    },
    {
      line: '2026-11-26 10:11:13 fe80::1c4b:2%12 POST /api/orders id=77&debug=1 80 CORP\\jsmith 2001:db8::40 okhttp/4.12.0 https://portal.example.com/orders 500 19 64 2210',
      expect: {
        timestamp: Date.parse('2026-11-26T10:11:13Z'),
        attributes: {
          'destination.ip': 'fe80::1c4b:2%12',
          'url.original': '/api/orders?id=77&debug=1',
          'url.query': 'id=77&debug=1',
          'user.name': 'CORP\\jsmith',
          'source.ip': '2001:db8::40',
          'http.request.referrer': 'https://portal.example.com/orders',
          'http.response.status_code': 500,
          'iis.sub_status': 19,
          'iis.win32_status': 64,
        },
      },
    },
    {
      line: '#Fields: date time s-ip cs-method cs-uri-stem cs-uri-query s-port cs-username c-ip cs(User-Agent) cs(Referer) sc-status sc-substatus sc-win32-status time-taken',
      expect: {
        attributes: {
          'w3c.directive': 'Fields',
          'w3c.directive_value':
            'date time s-ip cs-method cs-uri-stem cs-uri-query s-port cs-username c-ip cs(User-Agent) cs(Referer) sc-status sc-substatus sc-win32-status time-taken',
        },
      },
    },
    {
      line: '#Date: 2026-11-26 10:00:00',
      expect: {
        timestamp: Date.parse('2026-11-26T10:00:00Z'),
        attributes: { 'w3c.directive': 'Date' },
      },
    },
    {
      line: '2026-11-26 10:11:14 192.168.0.10 GET /images/logo.png - 80 - 192.168.0.77 Mozilla/4.0+(compatible;+MSIE+8.0) 404 0 2 0',
      expect: {
        attributes: { 'url.path': '/images/logo.png', 'http.response.status_code': 404 },
      },
    },
  ],
};

/** `#Name: value` header lines; `#Date:` carries the time the log was started. */
function parseDirective(line: string) {
  const colon = line.indexOf(': ');
  if (colon === -1) return null;
  const name = line.slice(1, colon);
  const value = line.slice(colon + 2).trim();
  const attrs: ParsedAttributes = { 'w3c.directive': name, 'w3c.directive_value': value };
  const timestamp =
    name === 'Date' || name === 'Start-Date' || name === 'End-Date' ? parseTimestamp(value) : null;
  return { ...(timestamp === null ? {} : { timestamp }), attributes: attrs };
}
