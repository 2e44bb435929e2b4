import type { LineFormat, ParsedAttributes, ParsedFields } from '../../log-format';
import { parseTimestamp } from '../../normalize/timestamp';
import { setZeekField } from './zeek-fields';

/** conn.log's default `#fields` order. */
const CONN_FIELDS = [
  'ts',
  'uid',
  'id.orig_h',
  'id.orig_p',
  'id.resp_h',
  'id.resp_p',
  'proto',
  'service',
  'duration',
  'orig_bytes',
  'resp_bytes',
  'conn_state',
  'local_orig',
  'local_resp',
  'missed_bytes',
  'history',
  'orig_pkts',
  'orig_ip_bytes',
  'resp_pkts',
  'resp_ip_bytes',
  'tunnel_parents',
] as const;

const TRANSPORTS = new Set(['tcp', 'udp', 'icmp', 'unknown_transport']);
const CONN_STATES = new Set([
  'S0',
  'S1',
  'SF',
  'REJ',
  'S2',
  'S3',
  'RSTO',
  'RSTR',
  'RSTOS0',
  'RSTRH',
  'SH',
  'SHR',
  'OTH',
  '-',
]);

/**
 * The fields of a conn.log row, or null. dns.log, http.log and friends also open with ts and a
 * `C` uid; their proto and conn_state columns tell them apart.
 */
function connRow(line: string): string[] | null {
  if (!ROW.test(line)) return null;
  const values = line.split('\t');
  if (values.length < 12 || values.length > CONN_FIELDS.length + 4) return null;
  if (!TRANSPORTS.has(values[6] as string) || !CONN_STATES.has(values[11] as string)) return null;
  return values;
}

const HEADER =
  /^#(separator|set_separator|empty_field|unset_field|path|open|close|fields|types)[\t ]/;
// `1796379072.123456<TAB>CHhAvVGS1DHFjwGM9<TAB>`: epoch seconds and a connection uid.
const ROW = /^\d{9,10}\.\d{1,6}\tC[0-9A-Za-z]{10,20}\t/;

/**
 * Zeek conn.log in its TSV form (default field order); `-` is unset and `(empty)` an empty set.
 * The `#` header lines are recognised too, so a whole file reads as this format.
 */
export const zeekTsvFormat: LineFormat = {
  name: 'zeek-tsv',
  family: 'security',
  kind: 'line',
  description: 'Zeek (Bro) conn.log, tab-separated with # headers',
  priority: 40,
  detect: (line) => (line.charCodeAt(0) === 35 ? HEADER.test(line) : connRow(line) !== null),
  parse(line): ParsedFields | null {
    const h = HEADER.exec(line);
    if (h !== null) {
      return {
        attributes: { 'zeek.header': h[1] as string, 'zeek.header_value': line.slice(h[0].length) },
      };
    }
    const values = connRow(line);
    if (values === null) return null;
    const a: ParsedAttributes = { 'event.dataset': 'zeek.connection' };
    const out: ParsedFields = { attributes: a };
    const ts = parseTimestamp(values[0]);
    if (ts !== null) out.timestamp = ts;
    for (let k = 1; k < CONN_FIELDS.length && k < values.length; k++) {
      setZeekField(a, CONN_FIELDS[k] as string, values[k]);
    }
    return out;
  },
  samples: [
    {
      line: '1796379072.123456\tCHhAvVGS1DHFjwGM9\t10.0.0.5\t52311\t93.184.216.34\t443\ttcp\tssl\t1.234567\t1234\t5678\tSF\tT\tF\t0\tShADadFf\t10\t1774\t12\t6198\t(empty)',
      expect: {
        timestamp: 1796379072123,
        attributes: {
          'zeek.uid': 'CHhAvVGS1DHFjwGM9',
          'source.ip': '10.0.0.5',
          'source.port': 52311,
          'destination.ip': '93.184.216.34',
          'destination.port': 443,
          'network.transport': 'tcp',
          'network.protocol': 'ssl',
          'event.duration': 1234567000,
          'source.bytes': 1234,
          'destination.bytes': 5678,
          'zeek.connection.state': 'SF',
          'zeek.connection.local_orig': true,
          'zeek.connection.local_resp': false,
          'zeek.connection.history': 'ShADadFf',
          'source.packets': 10,
          'destination.packets': 12,
        },
      },
    },
    {
      line: '1796379080.998120\tC4J4Th3PJpwUYZZ6gc\tfe80::1c2b:3aff:fe4d:5e6f\t5353\tff02::fb\t5353\tudp\tdns\t-\t-\t-\tS0\tT\tF\t0\tD\t1\t109\t0\t0\t-',
      expect: {
        timestamp: 1796379080998,
        attributes: {
          'source.ip': 'fe80::1c2b:3aff:fe4d:5e6f',
          'destination.ip': 'ff02::fb',
          'network.protocol': 'dns',
          'zeek.connection.state': 'S0',
          'destination.packets': 0,
        },
      },
    },
    {
      line: '#fields\tts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\tproto\tservice\tduration\torig_bytes\tresp_bytes\tconn_state\tlocal_orig\tlocal_resp\tmissed_bytes\thistory\torig_pkts\torig_ip_bytes\tresp_pkts\tresp_ip_bytes\ttunnel_parents',
      expect: { attributes: { 'zeek.header': 'fields' } },
    },
    {
      line: '#separator \\x09',
      expect: { attributes: { 'zeek.header': 'separator', 'zeek.header_value': '\\x09' } },
    },
  ],
};
