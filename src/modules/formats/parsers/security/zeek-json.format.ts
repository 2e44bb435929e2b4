import type { JsonFormat, ParsedAttributes, ParsedFields } from '../../log-format';
import { parseTimestamp } from '../../normalize/timestamp';
import { setZeekField } from './zeek-fields';

/**
 * Zeek logs written with `LogAscii::use_json=T` (conn, dns, http, ssl, notice ...): `ts`, a
 * connection `uid` or file `fuid`, and the `id.orig_h` style dotted names.
 */
export const zeekJsonFormat: JsonFormat = {
  name: 'zeek-json',
  family: 'security',
  kind: 'json',
  description: 'Zeek (Bro) JSON logs (conn, dns, http, ssl, notice ...)',
  priority: 40,
  detect(doc) {
    if (doc.ts === undefined) return false;
    if (typeof doc.uid === 'string')
      return doc['id.orig_h'] !== undefined || doc._path !== undefined;
    return (
      typeof doc.fuid === 'string' || (typeof doc._path === 'string' && doc._write_ts !== undefined)
    );
  },
  parse(doc): ParsedFields | null {
    const ts = parseTimestamp(doc.ts);
    if (ts === null) return null;
    const a: ParsedAttributes = {};
    const out: ParsedFields = { timestamp: ts, attributes: a };
    if (typeof doc._path === 'string') a['event.dataset'] = `zeek.${doc._path}`;
    for (const key in doc) {
      if (key === 'ts' || key === '_path') continue;
      const value = doc[key];
      if (key === 'id' && typeof value === 'object' && value !== null && !Array.isArray(value)) {
        // Some shippers nest the connection tuple.
        for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
          setZeekField(a, `id.${k}`, v);
        }
        continue;
      }
      setZeekField(a, key, value);
    }
    if (typeof doc.msg === 'string') out.message = doc.msg;
    return out;
  },
  samples: [
    {
      line: '{"ts":1796379072.123456,"uid":"CHhAvVGS1DHFjwGM9","id.orig_h":"10.0.0.5","id.orig_p":52311,"id.resp_h":"93.184.216.34","id.resp_p":443,"proto":"tcp","service":"ssl","duration":1.234567,"orig_bytes":1234,"resp_bytes":5678,"conn_state":"SF","local_orig":true,"local_resp":false,"missed_bytes":0,"history":"ShADadFf","orig_pkts":10,"orig_ip_bytes":1774,"resp_pkts":12,"resp_ip_bytes":6198}',
      expect: {
        timestamp: 1796379072123,
        attributes: {
          'zeek.uid': 'CHhAvVGS1DHFjwGM9',
          'source.ip': '10.0.0.5',
          'destination.port': 443,
          'network.protocol': 'ssl',
          'event.duration': 1234567000,
          'zeek.connection.local_orig': true,
        },
      },
    },
    {
      line: '{"ts":"2026-11-26T10:11:15.550912Z","uid":"CpT3Cm1x0Q4Qp8h2Ab","id.orig_h":"10.0.0.7","id.orig_p":41055,"id.resp_h":"10.0.0.2","id.resp_p":53,"proto":"udp","trans_id":24811,"rtt":0.0021,"query":"login.example-corp.com","qclass":1,"qclass_name":"C_INTERNET","qtype":1,"qtype_name":"A","rcode":0,"rcode_name":"NOERROR","AA":false,"TC":false,"RD":true,"RA":true,"Z":0,"answers":["203.0.113.10","203.0.113.11"],"TTLs":[60.0,60.0],"rejected":false}',
      expect: {
        timestamp: Date.parse('2026-11-26T10:11:15.550Z'),
        attributes: {
          'dns.question.name': 'login.example-corp.com',
          'dns.question.type': 'A',
          'dns.response_code': 'NOERROR',
          'zeek.answers': '203.0.113.10,203.0.113.11',
          'zeek.trans_id': 24811,
        },
      },
    },
    {
      line: '{"_path":"notice","ts":1796379100.5,"uid":"CbX9aQ2Xk1b7S1Ue3","id.orig_h":"198.51.100.66","id.orig_p":50122,"id.resp_h":"10.0.0.20","id.resp_p":22,"proto":"tcp","note":"SSH::Password_Guessing","msg":"198.51.100.66 appears to be guessing SSH passwords (seen in 30 connections).","src":"198.51.100.66","actions":["Notice::ACTION_LOG"],"suppress_for":3600.0}',
      expect: {
        timestamp: 1796379100500,
        message: '198.51.100.66 appears to be guessing SSH passwords (seen in 30 connections).',
        attributes: {
          'event.dataset': 'zeek.notice',
          'rule.name': 'SSH::Password_Guessing',
          'source.ip': '198.51.100.66',
          'zeek.actions': 'Notice::ACTION_LOG',
        },
      },
    },
  ],
};
