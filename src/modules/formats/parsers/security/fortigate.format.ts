import type { LineFormat, ParsedAttributes, ParsedFields } from '../../log-format';
import { parseTimestamp } from '../../normalize/timestamp';
import { numericValue, scanLogfmt } from '../structured/logfmt-scanner';
import { readPri, priAttributes } from '../syslog/syslog-header';
import { parseDateTime, zoneOffset } from '../support/time';
import { prefixedKey } from '../structured/prefixed-key';

const ECS: Readonly<Record<string, string>> = {
  srcip: 'source.ip',
  srcport: 'source.port',
  dstip: 'destination.ip',
  dstport: 'destination.port',
  srcintf: 'observer.ingress.interface.name',
  dstintf: 'observer.egress.interface.name',
  transip: 'source.nat.ip',
  transport: 'source.nat.port',
  tranip: 'destination.nat.ip',
  tranport: 'destination.nat.port',
  sentbyte: 'source.bytes',
  rcvdbyte: 'destination.bytes',
  sentpkt: 'source.packets',
  rcvdpkt: 'destination.packets',
  srcmac: 'source.mac',
  dstmac: 'destination.mac',
  srccountry: 'source.geo.country_name',
  dstcountry: 'destination.geo.country_name',
  action: 'event.action',
  policyid: 'rule.id',
  policyname: 'rule.name',
  user: 'user.name',
  app: 'network.application',
  proto: 'network.iana_number',
  devname: 'observer.name',
  devid: 'observer.serial_number',
  logid: 'event.code',
  hostname: 'url.domain',
  url: 'url.path',
  agent: 'user_agent.original',
  reqtype: 'http.request.method',
  attack: 'rule.name',
  virus: 'fortinet.firewall.virus',
};

/**
 * Where the pairs start, after an optional PRI: FortiOS writes `date=` first, FortiAnalyzer
 * forwards with `logver=` or `itime=` first. -1 when the line does not open with a pair.
 */
function kvStart(line: string): number {
  const p = readPri(line);
  const at = p === null ? 0 : p.end;
  return FIRST_KEY.test(line.slice(at, at + 17)) ? at : -1;
}

const FIRST_KEY = /^[a-z_]{2,16}=/;

/** FortiGate (FortiOS 6/7) key=value logs: traffic, UTM and event types. */
export const fortigateFormat: LineFormat = {
  name: 'fortigate',
  family: 'security',
  kind: 'line',
  description: 'Fortinet FortiGate (FortiOS) key=value logs',
  priority: 40,
  detect(line) {
    return kvStart(line) !== -1 && line.includes('logid=') && line.includes('devid=');
  },
  parse(line): ParsedFields | null {
    const at = kvStart(line);
    if (at === -1) return null;
    const pairs = scanLogfmt(line, at);
    if (pairs === null || pairs.length < 3) return null;
    const a: ParsedAttributes = {};
    const out: ParsedFields = { attributes: a };
    const p = readPri(line);
    if (p !== null) priAttributes(p.pri, a);
    a['observer.vendor'] = 'Fortinet';
    a['observer.product'] = 'FortiGate';
    let date = '';
    let time = '';
    let tz: string | undefined;
    let eventTime: number | null = null;
    for (const { key, value, quoted } of pairs) {
      switch (key) {
        case 'date':
          date = value;
          continue;
        case 'time':
          time = value;
          continue;
        case 'tz':
          tz = value;
          continue;
        case 'eventtime':
          // Nanoseconds since FortiOS 6.2, seconds before.
          eventTime = parseTimestamp(value);
          continue;
        case 'level':
          out.level = value;
          continue;
        case 'msg':
          out.message = value;
          continue;
        case 'devname':
          out.host = value;
          break;
        case 'duration': {
          const seconds = numericValue(value);
          if (seconds !== null) a['event.duration'] = seconds * 1_000_000_000;
          continue;
        }
      }
      if (value === '' || value === 'N/A') continue;
      const n = quoted ? null : numericValue(value);
      a[ECS[key] ?? prefixedKey('fortinet.firewall.', key)] = n ?? value;
    }
    const local = parseDateTime(`${date} ${time}`);
    const offset = tz === undefined ? 0 : zoneOffset(tz);
    if (eventTime !== null) out.timestamp = eventTime;
    else if (local !== null && offset !== null) out.timestamp = local - offset * 60_000;
    return out;
  },
  samples: [
    {
      line: 'date=2026-11-26 time=10:11:12 devname="FG100E-HQ" devid="FG100E3G16000001" eventtime=1796379072123456789 tz="+0100" logid="0000000013" type="traffic" subtype="forward" level="notice" vd="root" srcip=10.1.1.20 srcport=51514 srcintf="port2" srcintfrole="lan" dstip=93.184.216.34 dstport=443 dstintf="wan1" dstintfrole="wan" srccountry="Reserved" dstcountry="United States" sessionid=8802341 proto=6 action="close" policyid=12 policytype="policy" poluuid="4d1c2a36-8c2b-51ee-0a7b-1b8a3c2d4e5f" service="HTTPS" trandisp="snat" transip=198.51.100.2 transport=40112 appcat="unscanned" duration=32 sentbyte=2204 rcvdbyte=18811 sentpkt=21 rcvdpkt=19',
      expect: {
        timestamp: 1796379072123,
        level: 'notice',
        host: 'FG100E-HQ',
        attributes: {
          'event.code': '0000000013',
          'fortinet.firewall.type': 'traffic',
          'fortinet.firewall.subtype': 'forward',
          'source.ip': '10.1.1.20',
          'source.port': 51514,
          'destination.ip': '93.184.216.34',
          'destination.port': 443,
          'event.action': 'close',
          'rule.id': 12,
          'network.iana_number': 6,
          'source.nat.ip': '198.51.100.2',
          'source.bytes': 2204,
          'destination.bytes': 18811,
          'event.duration': 32_000_000_000,
          'fortinet.firewall.service': 'HTTPS',
        },
      },
    },
    {
      line: '<189>date=2026-11-26 time=10:12:40 devname="FG60F-branch" devid="FGT60FTK21000042" logid="0100032002" type="event" subtype="system" level="alert" vd="root" eventtime=1796379160 tz="+0100" logdesc="Admin login failed" sn="0" user="admin" ui="https(203.0.113.80)" method="https" srcip=203.0.113.80 dstip=192.0.2.1 action="login" status="failed" reason="passwd_invalid" msg="Administrator admin login failed from https(203.0.113.80) because of invalid password"',
      expect: {
        timestamp: 1796379160000,
        level: 'alert',
        host: 'FG60F-branch',
        message:
          'Administrator admin login failed from https(203.0.113.80) because of invalid password',
        attributes: {
          'log.syslog.facility.code': 23,
          'user.name': 'admin',
          'event.action': 'login',
          'fortinet.firewall.status': 'failed',
          'fortinet.firewall.logdesc': 'Admin login failed',
        },
      },
    },
    {
      line: 'logver=702071577 idseq=181223002313326592 itime=1796379300 devid="FG100E3G16000001" devname="FG100E-HQ" vd="root" date=2026-11-26 time=10:14:55 eventtime=1796379295512034221 tz="+0100" logid="0000000020" type="traffic" subtype="forward" level="notice" srcip=10.1.1.31 srcport=60022 dstip=8.8.8.8 dstport=53 proto=17 action="accept" policyid=3 service="DNS" sentbyte=74 rcvdbyte=90 duration=180',
      expect: {
        timestamp: 1796379295512,
        host: 'FG100E-HQ',
        attributes: {
          'event.code': '0000000020',
          'fortinet.firewall.logver': 702071577,
          'destination.port': 53,
          'network.iana_number': 17,
          'event.duration': 180_000_000_000,
        },
      },
    },
    {
      line: 'date=2026-11-26 time=10:14:03 devname="FG100E-HQ" devid="FG100E3G16000001" logid="0419016384" type="utm" subtype="ips" eventtype="signature" level="alert" vd="root" severity="critical" srcip=2001:db8:20::44 srcport=50022 dstip=2001:db8:99::10 dstport=80 srcintf="port2" dstintf="wan1" sessionid=9923411 action="dropped" proto=6 service="HTTP" policyid=7 attack="Apache.Log4j.Error.Log.Remote.Code.Execution" attackid=51006 ref="http://www.fortinet.com/ids/VID51006" incidentserialno=188274 msg="applications3: Apache.Log4j.Error.Log.Remote.Code.Execution"',
      expect: {
        timestamp: Date.parse('2026-11-26T10:14:03Z'),
        level: 'alert',
        message: 'applications3: Apache.Log4j.Error.Log.Remote.Code.Execution',
        attributes: {
          'fortinet.firewall.subtype': 'ips',
          'rule.name': 'Apache.Log4j.Error.Log.Remote.Code.Execution',
          'event.action': 'dropped',
          'source.ip': '2001:db8:20::44',
          'fortinet.firewall.attackid': 51006,
        },
      },
    },
  ],
};
