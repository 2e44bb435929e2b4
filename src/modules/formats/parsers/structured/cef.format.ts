import type { LineFormat, ParsedAttributes, ParsedFields } from '../../log-format';
import { parseTimestamp } from '../../normalize/timestamp';
import { parseSyslogPrefix } from '../syslog/syslog-header';
import { monthNumber, utcMillis, zoneOffset } from '../support/time';
import { isSmallInteger } from './logfmt-scanner';
import { prefixedKey } from './prefixed-key';

// Extension keys with an ECS home; the rest go under cef.extensions.<key>.
const ECS: Readonly<Record<string, string>> = {
  src: 'source.ip',
  dst: 'destination.ip',
  spt: 'source.port',
  dpt: 'destination.port',
  suser: 'source.user.name',
  duser: 'destination.user.name',
  shost: 'source.domain',
  dhost: 'destination.domain',
  smac: 'source.mac',
  dmac: 'destination.mac',
  sourceTranslatedAddress: 'source.nat.ip',
  destinationTranslatedAddress: 'destination.nat.ip',
  sourceTranslatedPort: 'source.nat.port',
  destinationTranslatedPort: 'destination.nat.port',
  act: 'event.action',
  app: 'network.protocol',
  request: 'url.original',
  requestMethod: 'http.request.method',
  requestClientApplication: 'user_agent.original',
  in: 'source.bytes',
  out: 'destination.bytes',
  outcome: 'event.outcome',
  reason: 'event.reason',
  dvchost: 'observer.hostname',
  dvc: 'observer.ip',
  fname: 'file.name',
  filePath: 'file.path',
  fsize: 'file.size',
  fileHash: 'file.hash.sha256',
  cat: 'cef.category',
  externalId: 'event.id',
  dproc: 'process.name',
  dpid: 'process.pid',
  sproc: 'process.parent.name',
};
const NUMERIC = new Set([
  'spt',
  'dpt',
  'in',
  'out',
  'fsize',
  'dpid',
  'cnt',
  'sourceTranslatedPort',
  'destinationTranslatedPort',
  'cn1',
  'cn2',
  'cn3',
]);
// Custom fields whose meaning is in a `<key>Label` sibling (cs1 + cs1Label).
const LABELLED =
  /^(?:cs\d|cn\d|cfp\d|c6a\d|flexString\d|flexNumber\d|flexDate\d|deviceCustomDate\d)$/;
const KEY = /^[A-Za-z0-9_.[\]-]{1,64}$/;
// `Nov 26 2026 10:11:12.345 UTC`, the other rt/end/start layout CEF allows.
const CEF_DATE =
  /^([A-Z][a-z]{2}) (\d\d) (?:(\d{4}) )?(\d\d):(\d\d):(\d\d)(?:\.(\d{3}))?(?: (\S+))?$/;

/**
 * Finds the `CEF:` marker (at the start or after a syslog header) and returns its index, or -1.
 */
export function cefStart(line: string): number {
  const i = line.indexOf('CEF:');
  if (i === -1) return -1;
  if (i > 0 && line.charCodeAt(i - 1) !== 32 && line.charCodeAt(i - 1) !== 62) return -1;
  const v = line.charCodeAt(i + 4) - 48;
  return v >= 0 && v <= 9 && line.charCodeAt(i + 5) === 124 ? i : -1;
}

/**
 * Splits `count` pipe-separated header fields starting at `at` (`\|` and `\\` escaped) and
 * returns them with the index after the last pipe; null when the header is short.
 */
export function splitHeader(
  line: string,
  at: number,
  count: number,
): { fields: string[]; end: number } | null {
  const fields: string[] = [];
  let value = '';
  let from = at;
  let i = at;
  while (i < line.length && fields.length < count) {
    const c = line.charCodeAt(i);
    if (c === 92 && (line.charCodeAt(i + 1) === 124 || line.charCodeAt(i + 1) === 92)) {
      value += line.slice(from, i);
      from = i + 1;
      i += 2;
      continue;
    }
    if (c === 124) {
      fields.push(value + line.slice(from, i));
      value = '';
      from = i + 1;
    }
    i++;
  }
  return fields.length === count ? { fields, end: i } : null;
}

/**
 * The extension's `key=value` pairs: a value runs to the space before the next `key=` and may
 * itself hold spaces; `\=` `\\` `\n` `\r` are escapes.
 */
export function parseExtension(ext: string): Array<[string, string]> {
  const pairs: Array<[string, string]> = [];
  let key: string | null = null;
  let valueStart = 0;
  for (let i = 0; i < ext.length; i++) {
    if (ext.charCodeAt(i) !== 61 || escaped(ext, i)) continue;
    const keyStart = ext.lastIndexOf(' ', i) + 1;
    if (keyStart < valueStart) continue;
    const candidate = ext.slice(keyStart, i);
    if (!KEY.test(candidate)) continue;
    if (key !== null)
      pairs.push([key, unescape(ext.slice(valueStart, Math.max(valueStart, keyStart - 1)))]);
    key = candidate;
    valueStart = i + 1;
  }
  if (key !== null) pairs.push([key, unescape(ext.slice(valueStart).trimEnd())]);
  return pairs;
}

function escaped(s: string, i: number): boolean {
  let n = 0;
  for (let j = i - 1; j >= 0 && s.charCodeAt(j) === 92; j--) n++;
  return n % 2 === 1;
}

function unescape(s: string): string {
  if (s.indexOf('\\') === -1) return s;
  return s.replace(/\\([=\\|nr])/g, (_m, c: string) => (c === 'n' ? '\n' : c === 'r' ? '\r' : c));
}

/** CEF severity 0-10 (or Low/Medium/High/Very-High) as a level the registry knows. */
function severityLevel(raw: string): string | undefined {
  const n = /^\d{1,2}$/.test(raw) ? Number(raw) : NaN;
  const word = raw.toLowerCase();
  if (n <= 3 || word === 'low' || word === 'unknown') return 'info';
  if (n <= 6 || word === 'medium') return 'warn';
  if (n <= 8 || word === 'high') return 'error';
  if (n <= 10 || word === 'very-high') return 'critical';
  return undefined;
}

/** An `rt`/`end` value: epoch ms or `MMM dd [yyyy ]HH:mm:ss[.SSS][ zone]`. */
export function parseCefTime(raw: string, receivedAt: number): number | null {
  const first = raw.charCodeAt(0);
  if (first >= 48 && first <= 57) return parseTimestamp(raw);
  const m = CEF_DATE.exec(raw);
  if (m === null) return null;
  const year = m[3] === undefined ? new Date(receivedAt).getUTCFullYear() : Number(m[3]);
  const offset = m[8] === undefined ? 0 : zoneOffset(m[8]);
  if (offset === null) return null;
  return utcMillis(
    year,
    monthNumber(m[1] as string),
    Number(m[2]),
    Number(m[4]),
    Number(m[5]),
    Number(m[6]),
    m[7] === undefined ? 0 : Number(m[7]),
    offset,
  );
}

/** ArcSight Common Event Format, bare or behind a syslog header. */
export const cefFormat: LineFormat = {
  name: 'cef',
  family: 'structured',
  kind: 'line',
  description: 'ArcSight Common Event Format (CEF), optionally behind a syslog header',
  priority: 40,
  detect: (line) => cefStart(line) !== -1,
  parse(line, ctx): ParsedFields | null {
    const at = cefStart(line);
    if (at === -1) return null;
    const header = splitHeader(line, at + 4, 7);
    if (header === null) return null;
    const [version, vendor, product, deviceVersion, signature, name, severity] = header.fields as [
      string,
      string,
      string,
      string,
      string,
      string,
      string,
    ];
    const prefix = parseSyslogPrefix(line.slice(0, at), ctx);
    const attributes: ParsedAttributes = prefix.attributes;
    const out: ParsedFields = { attributes, message: name };
    if (prefix.timestamp !== undefined) out.timestamp = prefix.timestamp;
    if (prefix.host !== undefined) out.host = prefix.host;
    attributes['cef.version'] = Number(version);
    attributes['observer.vendor'] = vendor;
    attributes['observer.product'] = product;
    attributes['observer.version'] = deviceVersion;
    attributes['event.code'] = signature;
    attributes['cef.name'] = name;
    attributes['cef.severity'] = severity;
    if (/^\d{1,2}$/.test(severity)) attributes['event.severity'] = Number(severity);
    const level = severityLevel(severity);
    if (level !== undefined) out.level = level;

    const pairs = parseExtension(line.slice(header.end));
    const labels = new Map<string, string>();
    for (const [k, v] of pairs) if (k.endsWith('Label')) labels.set(k.slice(0, -5), v);
    for (const [key, value] of pairs) {
      if (value === '' || (key.endsWith('Label') && LABELLED.test(key.slice(0, -5)))) continue;
      switch (key) {
        case 'rt': {
          const ts = parseCefTime(value, ctx.receivedAt);
          if (ts !== null) out.timestamp = ts;
          else attributes['cef.extensions.rt'] = value;
          continue;
        }
        case 'msg':
          out.message = value;
          continue;
        case 'proto':
          attributes['network.transport'] = value.toLowerCase();
          continue;
        case 'dvchost':
          out.host ??= value;
          break;
      }
      const label = LABELLED.test(key) ? labels.get(key) : undefined;
      const attribute =
        label !== undefined
          ? prefixedKey('cef.extensions.', label)
          : (ECS[key] ?? prefixedKey('cef.extensions.', key));
      attributes[attribute] = NUMERIC.has(key) && isSmallInteger(value) ? Number(value) : value;
    }
    return out;
  },
  samples: [
    {
      line: 'CEF:0|Security|threatmanager|1.0|100|worm successfully stopped|10|src=10.0.0.1 dst=2.1.2.2 spt=1232',
      expect: {
        level: 'critical',
        message: 'worm successfully stopped',
        attributes: {
          'observer.vendor': 'Security',
          'observer.product': 'threatmanager',
          'observer.version': '1.0',
          'event.code': '100',
          'event.severity': 10,
          'source.ip': '10.0.0.1',
          'destination.ip': '2.1.2.2',
          'source.port': 1232,
        },
      },
    },
    {
      line: '<134>Nov 26 10:11:12 waf-01 CEF:0|Imperva Inc.|SecureSphere|14.7|Custom Policy\\|SQL|SQL injection attempt blocked|High|act=block rt=Nov 26 2026 10:11:11 UTC src=198.51.100.77 spt=51544 dst=10.20.0.8 dpt=443 proto=TCP request=/search?q\\=1 or 1\\=1 requestMethod=GET cs1=Web Apps cs1Label=Policy suser=n/a msg=Blocked: SQL injection in "q" parameter',
      expect: {
        timestamp: Date.parse('2026-11-26T10:11:11Z'),
        host: 'waf-01',
        level: 'error',
        message: 'Blocked: SQL injection in "q" parameter',
        attributes: {
          'log.syslog.facility.code': 16,
          'event.code': 'Custom Policy|SQL',
          'event.action': 'block',
          'url.original': '/search?q=1 or 1=1',
          'http.request.method': 'GET',
          'network.transport': 'tcp',
          'destination.port': 443,
          'cef.extensions.Policy': 'Web Apps',
          'source.user.name': 'n/a',
        },
      },
    },
    {
      line: 'Nov 26 10:15:02 fw-core CEF:0|Fortinet|FortiGate|7.2.4|0000000013|traffic:forward accept|3|rt=1796379302000 dvchost=FG-HQ src=2001:db8:10::5 dst=2001:db8:99::1 spt=55012 dpt=53 proto=UDP act=accept in=74 out=120 cat=traffic:forward',
      expect: {
        timestamp: 1796379302000,
        host: 'fw-core',
        level: 'info',
        attributes: {
          'observer.hostname': 'FG-HQ',
          'source.ip': '2001:db8:10::5',
          'source.bytes': 74,
          'destination.bytes': 120,
          'cef.category': 'traffic:forward',
        },
      },
    },
  ],
};
