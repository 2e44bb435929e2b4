import type { LineFormat, ParsedAttributes, ParsedFields } from '../../log-format';
import { isSmallInteger } from '../structured/logfmt-scanner';
import { parseSyslogPrefix } from '../syslog/syslog-header';
import { digitsAt, utcMillis } from '../support/time';

/** Splits one CSV record; double-quoted fields may hold commas and `""`. */
export function splitCsv(text: string): string[] {
  const fields: string[] = [];
  let i = 0;
  const n = text.length;
  while (i <= n) {
    if (text.charCodeAt(i) === 34) {
      let value = '';
      let from = i + 1;
      let j = from;
      for (; j < n; j++) {
        if (text.charCodeAt(j) !== 34) continue;
        if (text.charCodeAt(j + 1) === 34) {
          value += text.slice(from, j + 1);
          from = j + 2;
          j++;
          continue;
        }
        break;
      }
      fields.push(value + text.slice(from, j));
      const comma = text.indexOf(',', j);
      if (comma === -1) break;
      i = comma + 1;
      continue;
    }
    let comma = text.indexOf(',', i);
    if (comma === -1) comma = n;
    fields.push(text.slice(i, comma));
    i = comma + 1;
  }
  return fields;
}

/** `2026/11/26 10:11:12` (the firewall's local time, read as UTC). */
function panTime(s: string | undefined): number | null {
  if (s === undefined || s.length !== 19 || s.charCodeAt(4) !== 47) return null;
  const y = digitsAt(s, 0, 4);
  const mo = digitsAt(s, 5, 2);
  const d = digitsAt(s, 8, 2);
  const h = digitsAt(s, 11, 2);
  const mi = digitsAt(s, 14, 2);
  const sec = digitsAt(s, 17, 2);
  if ((y | mo | d | h | mi | sec) < 0) return null;
  return utcMillis(y, mo, d, h, mi, sec);
}

/**
 * Where the CSV record starts: after an optional syslog header, a FUTURE_USE field and the
 * receive time `yyyy/mm/dd hh:mm:ss`, then serial and type TRAFFIC or THREAT. -1 otherwise.
 */
function csvStart(line: string): number {
  let k = line.indexOf(',TRAFFIC,');
  if (k === -1) k = line.indexOf(',THREAT,');
  if (k === -1) return -1;
  const serialStart = line.lastIndexOf(',', k - 1);
  const timeStart = serialStart - 19;
  if (timeStart < 1 || line.charCodeAt(timeStart - 1) !== 44) return -1;
  if (panTime(line.slice(timeStart, serialStart)) === null) return -1;
  const space = line.lastIndexOf(' ', timeStart - 2);
  return space + 1;
}

const SEVERITY_LEVEL: Readonly<Record<string, string>> = {
  informational: 'info',
  low: 'notice',
  medium: 'warning',
  high: 'error',
  critical: 'critical',
};

/** PAN-OS firewall logs (TRAFFIC and THREAT) in their CSV syslog form, header or not. */
export const paloaltoFormat: LineFormat = {
  name: 'paloalto',
  family: 'security',
  kind: 'line',
  description: 'Palo Alto Networks PAN-OS TRAFFIC and THREAT CSV logs',
  priority: 40,
  detect: (line) => csvStart(line) !== -1,
  parse(line, ctx): ParsedFields | null {
    const start = csvStart(line);
    if (start === -1) return null;
    const f = splitCsv(line.slice(start));
    const type = f[3];
    if ((type !== 'TRAFFIC' && type !== 'THREAT') || f.length < 31) return null;
    const prefix = parseSyslogPrefix(line.slice(0, start), ctx);
    const a: ParsedAttributes = prefix.attributes;
    const out: ParsedFields = { attributes: a };
    const generated = panTime(f[6]) ?? panTime(f[1]);
    if (generated !== null) out.timestamp = generated;
    else if (prefix.timestamp !== undefined) out.timestamp = prefix.timestamp;

    a['observer.vendor'] = 'Palo Alto Networks';
    a['observer.product'] = 'PAN-OS';
    set(a, 'observer.serial_number', f[2]);
    a['panw.panos.type'] = type;
    set(a, 'panw.panos.sub_type', f[4]);
    set(a, 'source.ip', f[7]);
    set(a, 'destination.ip', f[8]);
    setIp(a, 'source.nat.ip', f[9]);
    setIp(a, 'destination.nat.ip', f[10]);
    set(a, 'rule.name', f[11]);
    set(a, 'source.user.name', f[12]);
    set(a, 'destination.user.name', f[13]);
    set(a, 'network.application', f[14]);
    set(a, 'panw.panos.vsys', f[15]);
    set(a, 'observer.ingress.zone', f[16]);
    set(a, 'observer.egress.zone', f[17]);
    set(a, 'observer.ingress.interface.name', f[18]);
    set(a, 'observer.egress.interface.name', f[19]);
    set(a, 'panw.panos.log_profile', f[20]);
    setNumber(a, 'panw.panos.session_id', f[22]);
    setNumber(a, 'panw.panos.repeat_count', f[23]);
    setNumber(a, 'source.port', f[24]);
    setNumber(a, 'destination.port', f[25]);
    setPort(a, 'source.nat.port', f[26]);
    setPort(a, 'destination.nat.port', f[27]);
    set(a, 'panw.panos.flags', f[28]);
    set(a, 'network.transport', f[29]);
    set(a, 'event.action', f[30]);

    let device: string | undefined;
    if (type === 'TRAFFIC') {
      setNumber(a, 'network.bytes', f[31]);
      setNumber(a, 'source.bytes', f[32]);
      setNumber(a, 'destination.bytes', f[33]);
      setNumber(a, 'network.packets', f[34]);
      const elapsed = f[36] === undefined ? NaN : Number(f[36]);
      if (f[36] !== '' && Number.isInteger(elapsed)) a['event.duration'] = elapsed * 1_000_000_000;
      set(a, 'panw.panos.url.category', f[37]);
      setNumber(a, 'panw.panos.sequence_number', f[39]);
      // A country name, or the address range for private addresses.
      set(a, 'panw.panos.source.location', f[41]);
      set(a, 'panw.panos.destination.location', f[42]);
      setNumber(a, 'source.packets', f[44]);
      setNumber(a, 'destination.packets', f[45]);
      set(a, 'panw.panos.endreason', f[46]);
      device = f[52];
    } else {
      set(a, 'url.original', f[31]);
      const threat = f[32] ?? '';
      const id = /^(.*)\((\d{1,12})\)$/.exec(threat);
      if (id !== null) {
        set(a, 'panw.panos.threat.name', id[1]);
        a['panw.panos.threat.id'] = id[2] as string;
      } else {
        set(a, 'panw.panos.threat.name', threat);
      }
      set(a, 'panw.panos.url.category', f[33]);
      const severity = f[34] ?? '';
      set(a, 'panw.panos.severity', severity);
      const level = SEVERITY_LEVEL[severity];
      if (level !== undefined) out.level = level;
      set(a, 'network.direction', f[35]);
      setNumber(a, 'panw.panos.sequence_number', f[36]);
      set(a, 'panw.panos.source.location', f[38]);
      set(a, 'panw.panos.destination.location', f[39]);
      set(a, 'file.hash.sha256', f[43]);
      set(a, 'user_agent.original', f[46]);
      set(a, 'file.type', f[47]);
      set(a, 'http.request.referrer', f[49]);
      device = f[59];
    }
    if (device !== undefined && device !== '') {
      out.host = device;
      a['observer.name'] = device;
    } else if (prefix.host !== undefined) {
      out.host = prefix.host;
    }
    return out;
  },
  samples: [
    {
      line: '<14>Nov 26 10:11:12 PA-3220-HQ 1,2026/11/26 10:11:12,012801096514,TRAFFIC,end,2561,2026/11/26 10:11:12,10.20.1.15,93.184.216.34,198.51.100.2,93.184.216.34,allow-web-out,corp\\alice,,ssl,vsys1,trust,untrust,ethernet1/2,ethernet1/1,Forward-to-SIEM,2026/11/26 10:11:12,483920,1,52311,443,40112,443,0x40001c,tcp,allow,8842,1204,7638,24,2026/11/26 10:10:41,30,computer-and-internet-info,0,7301992215,0x8000000000000000,10.0.0.0-10.255.255.255,United States,0,11,13,tcp-fin,0,0,0,0,,PA-3220-HQ,from-policy,,,0,,0,,N/A,0,0,0,0',
      expect: {
        timestamp: Date.parse('2026-11-26T10:11:12Z'),
        host: 'PA-3220-HQ',
        attributes: {
          'panw.panos.type': 'TRAFFIC',
          'panw.panos.sub_type': 'end',
          'source.ip': '10.20.1.15',
          'destination.ip': '93.184.216.34',
          'source.nat.ip': '198.51.100.2',
          'source.port': 52311,
          'destination.port': 443,
          'source.nat.port': 40112,
          'source.user.name': 'corp\\alice',
          'rule.name': 'allow-web-out',
          'network.application': 'ssl',
          'network.transport': 'tcp',
          'event.action': 'allow',
          'network.bytes': 8842,
          'source.bytes': 1204,
          'destination.bytes': 7638,
          'event.duration': 30_000_000_000,
          'panw.panos.endreason': 'tcp-fin',
        },
      },
    },
    {
      line: '1,2026/11/26 10:20:05,012801096514,TRAFFIC,drop,2561,2026/11/26 10:20:05,2001:db8:77::9,2001:db8:10::25,::,::,deny-inbound,,,not-applicable,vsys1,untrust,dmz,ethernet1/1,,Forward-to-SIEM,2026/11/26 10:20:05,0,1,61022,22,0,0,0x0,tcp,deny,78,78,0,1,2026/11/26 10:20:04,0,any,0,7301992288,0x0,Netherlands,2001:db8::-2001:db8:ffff:ffff:ffff:ffff:ffff:ffff,0,1,0,policy-deny,0,0,0,0,,PA-3220-HQ,from-policy',
      expect: {
        timestamp: Date.parse('2026-11-26T10:20:05Z'),
        attributes: {
          'source.ip': '2001:db8:77::9',
          'destination.port': 22,
          'event.action': 'deny',
          'panw.panos.endreason': 'policy-deny',
          'panw.panos.source.location': 'Netherlands',
        },
      },
    },
    {
      line: '<12>Nov 26 10:15:41 PA-3220-HQ 1,2026/11/26 10:15:40,012801096514,THREAT,vulnerability,2561,2026/11/26 10:15:40,203.0.113.50,10.20.5.8,203.0.113.50,198.51.100.8,inbound-web,,,web-browsing,vsys1,untrust,dmz,ethernet1/1,ethernet1/3,Forward-to-SIEM,2026/11/26 10:15:40,99120,1,44321,80,0,80,0x80402000,tcp,reset-both,"shop.example.com/index.php?id=1,2",Apache Log4j Remote Code Execution Vulnerability(91991),any,critical,client-to-server,7301995120,0x8000000000000000,United States,10.0.0.0-10.255.255.255,0,,1231231231,,,1,"Mozilla/5.0 (X11; Linux x86_64) curl/7.88",,,,,,,0,0,0,0,0,,PA-3220-HQ',
      expect: {
        timestamp: Date.parse('2026-11-26T10:15:40Z'),
        level: 'critical',
        host: 'PA-3220-HQ',
        attributes: {
          'panw.panos.type': 'THREAT',
          'panw.panos.sub_type': 'vulnerability',
          'url.original': 'shop.example.com/index.php?id=1,2',
          'panw.panos.threat.name': 'Apache Log4j Remote Code Execution Vulnerability',
          'panw.panos.threat.id': '91991',
          'event.action': 'reset-both',
          'network.direction': 'client-to-server',
          'user_agent.original': 'Mozilla/5.0 (X11; Linux x86_64) curl/7.88',
          'destination.nat.ip': '198.51.100.8',
        },
      },
    },
  ],
};

function set(a: ParsedAttributes, key: string, value: string | undefined): void {
  if (value !== undefined && value !== '' && value !== 'any' && value !== 'N/A') a[key] = value;
}

function setIp(a: ParsedAttributes, key: string, value: string | undefined): void {
  if (value !== '0.0.0.0' && value !== '::') set(a, key, value);
}

function setNumber(a: ParsedAttributes, key: string, value: string | undefined): void {
  if (isSmallInteger(value)) a[key] = Number(value);
}

function setPort(a: ParsedAttributes, key: string, value: string | undefined): void {
  if (value !== '0') setNumber(a, key, value);
}
