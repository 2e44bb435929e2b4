import type { LineFormat, ParsedAttributes, ParsedFields } from '../../log-format';
import { parseSyslogPrefix } from '../syslog/syslog-header';
import { parseCefTime, parseExtension, splitHeader } from './cef.format';
import { prefixedKey } from './prefixed-key';

const ECS: Readonly<Record<string, string>> = {
  src: 'source.ip',
  dst: 'destination.ip',
  srcPort: 'source.port',
  dstPort: 'destination.port',
  srcPreNAT: 'source.ip',
  dstPreNAT: 'destination.ip',
  srcPostNAT: 'source.nat.ip',
  dstPostNAT: 'destination.nat.ip',
  srcPreNATPort: 'source.port',
  dstPreNATPort: 'destination.port',
  srcPostNATPort: 'source.nat.port',
  dstPostNATPort: 'destination.nat.port',
  usrName: 'user.name',
  accountName: 'user.name',
  srcMAC: 'source.mac',
  dstMAC: 'destination.mac',
  srcBytes: 'source.bytes',
  dstBytes: 'destination.bytes',
  srcPackets: 'source.packets',
  dstPackets: 'destination.packets',
  identHostName: 'host.hostname',
  domain: 'user.domain',
  url: 'url.original',
  policy: 'rule.name',
  cat: 'event.category_name',
  action: 'event.action',
  resource: 'leef.resource',
};
const NUMERIC = /(?:Port|Bytes|Packets)$/;

/** `\t`, `^`, `x5E` or `0x5E`: LEEF 2.0's delimiter field. */
function delimiterOf(field: string): string | null {
  if (field.length === 1) return field;
  const hex = /^(?:0x|x)([0-9A-Fa-f]{2,4})$/.exec(field);
  return hex === null ? null : String.fromCharCode(parseInt(hex[1] as string, 16));
}

/** IBM QRadar Log Event Extended Format 1.0 and 2.0, bare or behind a syslog header. */
export const leefFormat: LineFormat = {
  name: 'leef',
  family: 'structured',
  kind: 'line',
  description: 'IBM Log Event Extended Format (LEEF 1.0 and 2.0)',
  priority: 40,
  detect(line) {
    const i = line.indexOf('LEEF:');
    if (i === -1 || (i > 0 && line.charCodeAt(i - 1) !== 32 && line.charCodeAt(i - 1) !== 62)) {
      return false;
    }
    return line.startsWith('1.0|', i + 5) || line.startsWith('2.0|', i + 5);
  },
  parse(line, ctx): ParsedFields | null {
    const at = line.indexOf('LEEF:');
    if (at === -1) return null;
    const header = splitHeader(line, at + 5, 5);
    if (header === null) return null;
    const [version, vendor, product, productVersion, eventId] = header.fields as [
      string,
      string,
      string,
      string,
      string,
    ];
    if (version !== '1.0' && version !== '2.0') return null;
    let rest = line.slice(header.end);
    let delimiter = '\t';
    if (version === '2.0') {
      const bar = rest.indexOf('|');
      const custom = bar === -1 ? null : delimiterOf(rest.slice(0, bar));
      if (custom !== null) {
        delimiter = custom;
        rest = rest.slice(bar + 1);
      }
    }
    const prefix = parseSyslogPrefix(line.slice(0, at), ctx);
    const attributes: ParsedAttributes = prefix.attributes;
    const out: ParsedFields = { attributes };
    if (prefix.timestamp !== undefined) out.timestamp = prefix.timestamp;
    if (prefix.host !== undefined) out.host = prefix.host;
    attributes['leef.version'] = version;
    attributes['observer.vendor'] = vendor;
    attributes['observer.product'] = product;
    attributes['observer.version'] = productVersion;
    attributes['event.code'] = eventId;

    // Some senders use spaces although the spec says tab: read them the way CEF is read.
    const pairs: Array<[string, string]> = rest.includes(delimiter)
      ? rest.split(delimiter).flatMap((part): Array<[string, string]> => {
          const eq = part.indexOf('=');
          return eq > 0 ? [[part.slice(0, eq), part.slice(eq + 1)]] : [];
        })
      : parseExtension(rest);
    for (const [key, value] of pairs) {
      if (value === '') continue;
      switch (key) {
        case 'devTime': {
          const ts = parseCefTime(value, ctx.receivedAt);
          if (ts !== null) out.timestamp = ts;
          else attributes['leef.devTime'] = value;
          continue;
        }
        case 'sev': {
          const n = Number(value);
          if (Number.isInteger(n)) {
            attributes['event.severity'] = n;
            // 1-10, QRadar's scale.
            out.level = n <= 3 ? 'info' : n <= 6 ? 'warn' : n <= 8 ? 'error' : 'critical';
          }
          continue;
        }
        case 'proto':
          attributes['network.transport'] = value.toLowerCase();
          continue;
        case 'msg':
        case 'message':
          out.message = value;
          continue;
        case 'devTimeFormat':
          attributes['leef.devTimeFormat'] = value;
          continue;
      }
      const name = ECS[key] ?? prefixedKey('leef.', key);
      attributes[name] = NUMERIC.test(key) && /^\d{1,15}$/.test(value) ? Number(value) : value;
    }
    return out;
  },
  samples: [
    {
      line: 'LEEF:1.0|Microsoft|MSExchange|4.0 SP1|15345|src=192.0.2.0\tdst=172.50.123.1\tsev=5\tcat=anomaly\tsrcPort=81\tdstPort=21\tusrName=joe.black',
      expect: {
        level: 'warn',
        attributes: {
          'observer.vendor': 'Microsoft',
          'observer.product': 'MSExchange',
          'observer.version': '4.0 SP1',
          'event.code': '15345',
          'source.ip': '192.0.2.0',
          'destination.ip': '172.50.123.1',
          'source.port': 81,
          'destination.port': 21,
          'user.name': 'joe.black',
          'event.severity': 5,
        },
      },
    },
    {
      line: '<13>Nov 26 10:11:12 qradar-gw LEEF:2.0|Lancope|StealthWatch|1.0|41|^|src=192.0.2.14^dst=2001:db8::80^sev=8^cat=anomaly^msg=Suspicious long flow, 4 GB out^devTime=Nov 26 2026 10:11:09.120 UTC^devTimeFormat=MMM dd yyyy HH:mm:ss.SSS z',
      expect: {
        timestamp: Date.parse('2026-11-26T10:11:09.120Z'),
        host: 'qradar-gw',
        level: 'error',
        message: 'Suspicious long flow, 4 GB out',
        attributes: {
          'leef.version': '2.0',
          'destination.ip': '2001:db8::80',
          'event.category_name': 'anomaly',
        },
      },
    },
    {
      line: 'LEEF:2.0|Palo Alto Networks|PAN-OS Syslog Integration|10.1|allow|x09|cat=TRAFFIC\tdevTime=1796379302000\tsrc=10.1.1.4\tdst=93.184.216.34\tsrcPort=52100\tdstPort=443\tproto=tcp\tusrName=corp\\alice\tsrcBytes=1204\tdstBytes=8890',
      expect: {
        timestamp: 1796379302000,
        attributes: {
          'event.code': 'allow',
          'network.transport': 'tcp',
          'user.name': 'corp\\alice',
          'source.bytes': 1204,
          'destination.bytes': 8890,
        },
      },
    },
  ],
};
