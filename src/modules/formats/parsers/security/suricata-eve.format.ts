import type { JsonFormat, ParsedAttributes, ParsedFields } from '../../log-format';
import { parseTimestamp } from '../../normalize/timestamp';
import { jsonAttributes } from '../structured/json-attributes';
import { prefixedKey } from '../structured/prefixed-key';

// EVE keys with an ECS home, looked up after flattening.
const ECS: Readonly<Record<string, string>> = {
  src_ip: 'source.ip',
  src_port: 'source.port',
  dest_ip: 'destination.ip',
  dest_port: 'destination.port',
  in_iface: 'observer.ingress.interface.name',
  app_proto: 'network.protocol',
  community_id: 'network.community_id',
  'alert.signature': 'rule.name',
  'alert.signature_id': 'rule.id',
  'alert.category': 'rule.category',
  'alert.severity': 'event.severity',
  'alert.action': 'event.action',
  'http.hostname': 'url.domain',
  'http.url': 'url.original',
  'http.http_method': 'http.request.method',
  'http.status': 'http.response.status_code',
  'http.http_user_agent': 'user_agent.original',
  'http.http_refer': 'http.request.referrer',
  'http.length': 'http.response.body.bytes',
  'dns.rrname': 'dns.question.name',
  'dns.rrtype': 'dns.question.type',
  'dns.rcode': 'dns.response_code',
  'dns.type': 'dns.type',
  'dns.id': 'dns.id',
  'tls.sni': 'tls.client.server_name',
  'flow.pkts_toserver': 'source.packets',
  'flow.pkts_toclient': 'destination.packets',
  'flow.bytes_toserver': 'source.bytes',
  'flow.bytes_toclient': 'destination.bytes',
};
const SKIP = new Set(['timestamp', 'event_type', 'proto', 'host']);
const EVENT_TYPES = new Set([
  'alert',
  'flow',
  'netflow',
  'dns',
  'http',
  'tls',
  'fileinfo',
  'drop',
  'anomaly',
  'ssh',
  'smtp',
  'stats',
  'dhcp',
  'krb5',
  'smb',
]);

/** Suricata's EVE JSON output: alerts, flows, DNS, HTTP, TLS, file and stats records. */
export const suricataEveFormat: JsonFormat = {
  name: 'suricata-eve',
  family: 'security',
  kind: 'json',
  description: 'Suricata EVE JSON (alert, flow, dns, http, tls ...)',
  priority: 40,
  detect: (doc) =>
    typeof doc.event_type === 'string' &&
    typeof doc.timestamp === 'string' &&
    (doc.flow_id !== undefined || doc.src_ip !== undefined || EVENT_TYPES.has(doc.event_type)),
  parse(doc): ParsedFields | null {
    if (typeof doc.event_type !== 'string') return null;
    const eventType = doc.event_type;
    const flat = jsonAttributes(doc, SKIP);
    const a: ParsedAttributes = { 'suricata.eve.event_type': eventType };
    const out: ParsedFields = { attributes: a };
    const ts = parseTimestamp(doc.timestamp);
    if (ts !== null) out.timestamp = ts;
    if (typeof doc.host === 'string') out.host = doc.host;
    if (typeof doc.proto === 'string') a['network.transport'] = doc.proto.toLowerCase();
    for (const key in flat) {
      const value = flat[key] as string | number | boolean;
      a[ECS[key] ?? prefixedKey('suricata.eve.', key)] = value;
    }
    if (eventType === 'alert' || eventType === 'drop') {
      const signature = a['rule.name'];
      if (typeof signature === 'string') out.message = signature;
      // 1 is the most severe; 255 the least.
      const severity = a['event.severity'];
      if (typeof severity === 'number') {
        out.level = severity <= 1 ? 'error' : severity === 2 ? 'warn' : 'info';
      }
    }
    return out;
  },
  samples: [
    {
      line: '{"timestamp":"2026-11-26T10:11:12.123456+0000","flow_id":1349120387662818,"in_iface":"eth0","event_type":"alert","src_ip":"203.0.113.77","src_port":51822,"dest_ip":"10.0.0.20","dest_port":22,"proto":"TCP","community_id":"1:Vz9G0d2o0vJxH3Qk6cW5pY1rB2s=","alert":{"action":"allowed","gid":1,"signature_id":2001219,"rev":20,"signature":"ET SCAN Potential SSH Scan","category":"Attempted Information Leak","severity":2},"flow":{"pkts_toserver":3,"pkts_toclient":2,"bytes_toserver":222,"bytes_toclient":148,"start":"2026-11-26T10:11:11.901234+0000"}}',
      expect: {
        timestamp: Date.parse('2026-11-26T10:11:12.123Z'),
        level: 'warn',
        message: 'ET SCAN Potential SSH Scan',
        attributes: {
          'suricata.eve.event_type': 'alert',
          'source.ip': '203.0.113.77',
          'source.port': 51822,
          'destination.ip': '10.0.0.20',
          'destination.port': 22,
          'network.transport': 'tcp',
          'rule.id': 2001219,
          'rule.category': 'Attempted Information Leak',
          'event.severity': 2,
          'event.action': 'allowed',
          'suricata.eve.alert.gid': 1,
        },
      },
    },
    {
      line: '{"timestamp":"2026-11-26T10:11:13.004410+0000","flow_id":2087712392110434,"in_iface":"eth0","event_type":"dns","src_ip":"10.0.0.7","src_port":41055,"dest_ip":"2001:db8::53","dest_port":53,"proto":"UDP","dns":{"type":"query","id":24811,"rrname":"login.example-corp.com","rrtype":"AAAA","tx_id":0}}',
      expect: {
        timestamp: Date.parse('2026-11-26T10:11:13.004Z'),
        attributes: {
          'dns.type': 'query',
          'dns.question.name': 'login.example-corp.com',
          'dns.question.type': 'AAAA',
          'destination.ip': '2001:db8::53',
          'network.transport': 'udp',
        },
      },
    },
    {
      line: '{"timestamp":"2026-11-26T10:11:14.771000+0000","flow_id":1122334455667788,"in_iface":"ens192","event_type":"http","src_ip":"10.0.0.31","src_port":50544,"dest_ip":"93.184.216.34","dest_port":80,"proto":"TCP","tx_id":0,"http":{"hostname":"example.com","url":"/downloads/setup.exe?v=2","http_user_agent":"Mozilla/5.0 (Windows NT 10.0; Win64; x64)","http_content_type":"application/octet-stream","http_method":"GET","protocol":"HTTP/1.1","status":200,"length":1048576}}',
      expect: {
        attributes: {
          'url.domain': 'example.com',
          'url.original': '/downloads/setup.exe?v=2',
          'http.request.method': 'GET',
          'http.response.status_code': 200,
          'user_agent.original': 'Mozilla/5.0 (Windows NT 10.0; Win64; x64)',
          'suricata.eve.http.protocol': 'HTTP/1.1',
        },
      },
    },
    {
      line: '{"timestamp":"2026-11-26T10:12:00.000050+0000","flow_id":998877665544,"event_type":"flow","src_ip":"10.0.0.31","src_port":50544,"dest_ip":"93.184.216.34","dest_port":80,"proto":"TCP","app_proto":"http","flow":{"pkts_toserver":40,"pkts_toclient":760,"bytes_toserver":3120,"bytes_toclient":1104321,"start":"2026-11-26T10:11:14.700001+0000","end":"2026-11-26T10:11:19.120044+0000","age":5,"state":"closed","reason":"timeout","alerted":false},"tcp":{"tcp_flags":"1b","syn":true,"fin":true,"psh":true,"ack":true,"state":"closed"}}',
      expect: {
        attributes: {
          'network.protocol': 'http',
          'source.packets': 40,
          'destination.bytes': 1104321,
          'suricata.eve.flow.state': 'closed',
          'suricata.eve.flow.alerted': false,
        },
      },
    },
  ],
};
