import type { LineFormat, ParsedAttributes, ParsedFields, ParseContext } from '../../log-format';
import { utcMillis } from '../support/time';
import { inferYear } from '../syslog/syslog-header';

// `11/26-10:11:12.123456  [**] [1:2001219:20] msg [**] [Classification: x] [Priority: 2] {TCP} a -> b`
const LINE =
  /^(\d\d)\/(\d\d)(?:\/(\d{2}|\d{4}))?-(\d\d):(\d\d):(\d\d)\.(\d{1,6}) {1,2}(?:\[(\w{1,16})\] )?\[\*\*\] \[(\d{1,10}):(\d{1,12}):(\d{1,6})\] (.{0,512}?) \[\*\*\](?: \[Classification: ([^\]]{0,128})\])? \[Priority: (\d{1,3})\] \{([A-Za-z0-9-]{1,16})\} (\S{1,64}) -> (\S{1,64})$/;

/**
 * `1.2.3.4:80`, or a bare address for portless protocols (ICMP). Snort appends the port to an
 * IPv6 address the same way, so the port is after the last colon.
 */
function endpoint(text: string, portless: boolean, a: ParsedAttributes, side: string): void {
  const colon = portless ? -1 : text.lastIndexOf(':');
  const port = colon === -1 ? '' : text.slice(colon + 1);
  if (colon > 0 && /^\d{1,5}$/.test(port)) {
    a[`${side}.ip`] = text.slice(0, colon);
    a[`${side}.port`] = Number(port);
  } else {
    a[`${side}.ip`] = text;
  }
}

/**
 * Year-less `MM/DD-hh:mm:ss.ffffff` gets its year as BSD syslog times do; Snort's `-y` and
 * Suricata's fast.log write it (two or four digits).
 */
function alertTime(m: RegExpExecArray, ctx: ParseContext): number | null {
  const millis = Number((m[7] as string).padEnd(3, '0').slice(0, 3));
  const month = Number(m[1]);
  const fields = [Number(m[2]), Number(m[4]), Number(m[5]), Number(m[6]), millis] as const;
  if (m[3] === undefined) return inferYear(month, fields, ctx.receivedAt);
  const year = m[3].length === 2 ? 2000 + Number(m[3]) : Number(m[3]);
  return utcMillis(year, month, ...fields);
}

/** Snort (and Suricata) fast alert output, one alert per line. */
export const snortFastFormat: LineFormat = {
  name: 'snort-fast',
  family: 'security',
  kind: 'line',
  description: 'Snort / Suricata fast.log alerts',
  priority: 40,
  detect: (line) => line.charCodeAt(2) === 47 && line.includes(' [**] [') && LINE.test(line),
  parse(line, ctx): ParsedFields | null {
    const m = LINE.exec(line);
    if (m === null) return null;
    const proto = (m[15] as string).toUpperCase();
    const priority = Number(m[14]);
    const a: ParsedAttributes = {
      'snort.gid': Number(m[9]),
      'rule.id': m[10] as string,
      'snort.rev': Number(m[11]),
      'rule.name': m[12] as string,
      'event.severity': priority,
      'network.transport': proto.toLowerCase(),
    };
    if (m[8] !== undefined) a['event.action'] = m[8].toLowerCase();
    if (m[13] !== undefined) a['rule.category'] = m[13];
    const portless = proto !== 'TCP' && proto !== 'UDP' && proto !== 'SCTP';
    endpoint(m[16] as string, portless, a, 'source');
    endpoint(m[17] as string, portless, a, 'destination');
    const out: ParsedFields = {
      attributes: a,
      message: m[12],
      level: priority <= 1 ? 'error' : priority === 2 ? 'warn' : 'info',
    };
    const ts = alertTime(m, ctx);
    if (ts !== null) out.timestamp = ts;
    return out;
  },
  samples: [
    {
      line: '11/26-10:11:12.123456  [**] [1:2001219:20] ET SCAN Potential SSH Scan [**] [Classification: Attempted Information Leak] [Priority: 2] {TCP} 203.0.113.77:51822 -> 10.0.0.20:22',
      expect: {
        timestamp: Date.parse('2026-11-26T10:11:12.123Z'),
        level: 'warn',
        message: 'ET SCAN Potential SSH Scan',
        attributes: {
          'snort.gid': 1,
          'rule.id': '2001219',
          'snort.rev': 20,
          'rule.category': 'Attempted Information Leak',
          'event.severity': 2,
          'network.transport': 'tcp',
          'source.ip': '203.0.113.77',
          'source.port': 51822,
          'destination.ip': '10.0.0.20',
          'destination.port': 22,
        },
      },
    },
    {
      line: '11/26/2026-10:12:40.771002  [Drop] [**] [1:2024364:4] ET MALWARE Possible Metasploit Payload Common Construct Bind_API (from server) [**] [Classification: A Network Trojan was detected] [Priority: 1] {TCP} 198.51.100.9:4444 -> 10.0.0.31:50101',
      expect: {
        timestamp: Date.parse('2026-11-26T10:12:40.771Z'),
        level: 'error',
        attributes: { 'event.action': 'drop', 'rule.id': '2024364', 'source.port': 4444 },
      },
    },
    {
      line: '11/26-10:13:05.000311  [**] [1:384:5] PROTOCOL-ICMP PING [**] [Classification: Misc activity] [Priority: 3] {ICMP} 192.0.2.14 -> 10.0.0.1',
      expect: {
        level: 'info',
        message: 'PROTOCOL-ICMP PING',
        attributes: {
          'network.transport': 'icmp',
          'source.ip': '192.0.2.14',
          'destination.ip': '10.0.0.1',
        },
      },
    },
    {
      line: '11/25-23:59:58.500000  [**] [1:2100498:7] GPL ATTACK_RESPONSE id check returned root [**] [Classification: Potentially Bad Traffic] [Priority: 2] {TCP} 2001:db8::80:80 -> 2001:db8:1::5:51234',
      expect: {
        timestamp: Date.parse('2026-11-25T23:59:58.500Z'),
        attributes: {
          'source.ip': '2001:db8::80',
          'source.port': 80,
          'destination.ip': '2001:db8:1::5',
          'destination.port': 51234,
        },
      },
    },
  ],
};
