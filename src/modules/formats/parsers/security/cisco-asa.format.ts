import type { LineFormat, ParsedAttributes, ParsedFields } from '../../log-format';
import { parseSyslogPrefix, SYSLOG_SEVERITY_NAMES } from '../syslog/syslog-header';

const TAG = /%(ASA|FTD|FWSM|PIX)-([0-7])-(\d{6}): ?/;
// `outside:203.0.113.9/51544` with an optional `(mapped/port)` and `(user)` after it.
const ENDPOINT = String.raw`([\w.-]{1,64}):([0-9A-Fa-f:.]{2,45})/(\d{1,5})(?: \(([0-9A-Fa-f:.]{2,45})/(\d{1,5})\))?(?:\([^)]{0,128}\))?`;
const BUILT = new RegExp(
  String.raw`^Built (inbound|outbound) (TCP|UDP|SCTP) connection (\d{1,20}) for ${ENDPOINT} to ${ENDPOINT}`,
);
const TEARDOWN = new RegExp(
  String.raw`^Teardown (TCP|UDP|SCTP) connection (\d{1,20}) for ${ENDPOINT} to ${ENDPOINT}(?: duration (\d{1,6}):(\d\d):(\d\d))?(?: bytes (\d{1,20}))?(?: (.{1,120}))?$`,
);
const DENY_ACL =
  /^Deny (tcp|udp|icmp|\w{1,16}) src ([\w.-]{1,64}):([0-9A-Fa-f:.]{2,45})(?:\/(\d{1,5}))? dst ([\w.-]{1,64}):([0-9A-Fa-f:.]{2,45})(?:\/(\d{1,5}))?(?: \(type (\d{1,3}), code (\d{1,3})\))? by access-group "([^"]{1,128})"/;
const ACCESS_LIST =
  /^access-list (\S{1,128}) (permitted|denied|est-allowed) (\w{1,16}) ([\w.-]{1,64})\/([0-9A-Fa-f:.]{2,45})\((\d{1,5})\)(?:\([^)]*\))? -> ([\w.-]{1,64})\/([0-9A-Fa-f:.]{2,45})\((\d{1,5})\)(?:\([^)]*\))? hit-cnt (\d{1,10})/;
const TRANSLATION =
  /^Built (dynamic|static) (TCP|UDP|ICMP) translation from ([\w.-]{1,64}):([0-9A-Fa-f:.]{2,45})\/(\d{1,5})(?:\([^)]*\))? to ([\w.-]{1,64}):([0-9A-Fa-f:.]{2,45})\/(\d{1,5})/;
const AAA =
  /^AAA user (authentication|authorization) (Successful|Rejected)\s*:(?:\s*reason = ([^:]{1,200}?)\s*:)?\s*server =\s+([^\s:]{1,255})\s*:\s*user = ([^:]{1,128}?)(?:\s*:\s*user IP = ([0-9A-Fa-f:.]{2,45}))?\s*$/;

/**
 * Cisco ASA (and FTD) syslog messages, `%ASA-6-302013: Built inbound TCP connection ...`, bare
 * or behind a syslog header; the common connection, ACL, NAT and AAA messages are parsed.
 */
export const ciscoAsaFormat: LineFormat = {
  name: 'cisco-asa',
  family: 'security',
  kind: 'line',
  description: 'Cisco ASA / FTD firewall syslog messages',
  priority: 40,
  detect(line) {
    let j = line.indexOf('%ASA-');
    if (j === -1) j = line.indexOf('%FTD-');
    return j !== -1 && TAG.test(line.slice(j, j + 16));
  },
  parse(line, ctx): ParsedFields | null {
    const m = TAG.exec(line);
    if (m === null) return null;
    const prefix = parseSyslogPrefix(line.slice(0, m.index), ctx);
    const attributes: ParsedAttributes = prefix.attributes;
    const severity = Number(m[2]);
    const text = line.slice(m.index + m[0].length);
    const out: ParsedFields = {
      attributes,
      message: text,
      level: SYSLOG_SEVERITY_NAMES[severity],
    };
    if (prefix.timestamp !== undefined) out.timestamp = prefix.timestamp;
    if (prefix.host !== undefined) out.host = prefix.host;
    attributes['observer.vendor'] = 'Cisco';
    attributes['observer.product'] = m[1] as string;
    attributes['cisco.asa.message_id'] = m[3] as string;
    attributes['event.code'] = m[3] as string;
    attributes['event.severity'] = severity;
    parseMessage(m[3] as string, text, attributes);
    return out;
  },
  samples: [
    {
      line: '%ASA-6-302013: Built inbound TCP connection 1520733 for outside:203.0.113.9/51544 (203.0.113.9/51544) to inside:10.1.2.30/443 (198.51.100.30/443)',
      expect: {
        level: 'info',
        message:
          'Built inbound TCP connection 1520733 for outside:203.0.113.9/51544 (203.0.113.9/51544) to inside:10.1.2.30/443 (198.51.100.30/443)',
        attributes: {
          'cisco.asa.message_id': '302013',
          'event.action': 'connection-built',
          'network.direction': 'inbound',
          'network.transport': 'tcp',
          'source.ip': '203.0.113.9',
          'source.port': 51544,
          'destination.ip': '10.1.2.30',
          'destination.port': 443,
          'destination.nat.ip': '198.51.100.30',
          'observer.ingress.interface.name': 'outside',
          'cisco.asa.connection_id': '1520733',
        },
      },
    },
    {
      line: '<166>Nov 26 2026 10:11:14 asa-edge-1 : %ASA-6-302014: Teardown TCP connection 1520733 for outside:203.0.113.9/51544 to inside:10.1.2.30/443 duration 0:01:02 bytes 48213 TCP FINs from outside',
      expect: {
        timestamp: Date.parse('2026-11-26T10:11:14Z'),
        host: 'asa-edge-1',
        level: 'info',
        attributes: {
          'cisco.asa.message_id': '302014',
          'event.action': 'connection-teardown',
          'event.duration': 62_000_000_000,
          'network.bytes': 48213,
          'cisco.asa.termination_reason': 'TCP FINs from outside',
          'source.ip': '203.0.113.9',
          'destination.port': 443,
        },
      },
    },
    {
      line: 'Nov 26 10:12:01 asa-edge-1 %ASA-4-106023: Deny tcp src outside:198.51.100.77/40112 dst dmz:192.0.2.15/3389 by access-group "outside_access_in" [0x5063b82f, 0x0]',
      expect: {
        level: 'warning',
        host: 'asa-edge-1',
        attributes: {
          'event.action': 'firewall-rule',
          'event.outcome': 'deny',
          'source.ip': '198.51.100.77',
          'source.port': 40112,
          'destination.ip': '192.0.2.15',
          'destination.port': 3389,
          'rule.name': 'outside_access_in',
        },
      },
    },
    {
      line: '%ASA-6-106100: access-list inside_in denied udp inside/2001:db8:5::20(5353) -> outside/2001:db8:ff::1(53) hit-cnt 1 first hit [0x91d5d2d1, 0x0]',
      expect: {
        attributes: {
          'event.outcome': 'denied',
          'rule.name': 'inside_in',
          'source.ip': '2001:db8:5::20',
          'destination.ip': '2001:db8:ff::1',
          'destination.port': 53,
          'network.transport': 'udp',
        },
      },
    },
    {
      line: '%ASA-6-305011: Built dynamic TCP translation from inside:10.1.2.44/52311 to outside:198.51.100.2/40001',
      expect: {
        attributes: {
          'source.ip': '10.1.2.44',
          'source.port': 52311,
          'source.nat.ip': '198.51.100.2',
          'source.nat.port': 40001,
        },
      },
    },
    {
      line: '%ASA-6-113004: AAA user authentication Successful : server =  10.1.1.10 : user = alice',
      expect: {
        attributes: {
          'user.name': 'alice',
          'event.outcome': 'success',
          'cisco.asa.aaa_server': '10.1.1.10',
        },
      },
    },
  ],
};

function parseMessage(id: string, text: string, a: ParsedAttributes): void {
  switch (id) {
    case '302013':
    case '302015': {
      const m = BUILT.exec(text);
      if (m === null) return;
      a['event.action'] = 'connection-built';
      a['network.direction'] = m[1] as string;
      a['network.transport'] = (m[2] as string).toLowerCase();
      a['cisco.asa.connection_id'] = m[3] as string;
      // "outbound": the first endpoint is the responder, the second the initiator.
      const [src, dst] = m[1] === 'inbound' ? [4, 9] : [9, 4];
      endpoint(a, 'source', m, src);
      endpoint(a, 'destination', m, dst);
      return;
    }
    case '302014':
    case '302016': {
      const m = TEARDOWN.exec(text);
      if (m === null) return;
      a['event.action'] = 'connection-teardown';
      a['network.transport'] = (m[1] as string).toLowerCase();
      a['cisco.asa.connection_id'] = m[2] as string;
      endpoint(a, 'source', m, 3);
      endpoint(a, 'destination', m, 8);
      if (m[13] !== undefined) {
        const seconds = Number(m[13]) * 3600 + Number(m[14]) * 60 + Number(m[15]);
        a['event.duration'] = seconds * 1_000_000_000;
      }
      if (m[16] !== undefined) a['network.bytes'] = Number(m[16]);
      if (m[17] !== undefined) a['cisco.asa.termination_reason'] = m[17];
      return;
    }
    case '106023': {
      const m = DENY_ACL.exec(text);
      if (m === null) return;
      a['event.action'] = 'firewall-rule';
      a['event.outcome'] = 'deny';
      a['network.transport'] = m[1] === 'icmp' ? 'icmp' : (m[1] as string);
      a['observer.ingress.interface.name'] = m[2] as string;
      a['source.ip'] = m[3] as string;
      if (m[4] !== undefined) a['source.port'] = Number(m[4]);
      a['observer.egress.interface.name'] = m[5] as string;
      a['destination.ip'] = m[6] as string;
      if (m[7] !== undefined) a['destination.port'] = Number(m[7]);
      if (m[8] !== undefined) a['cisco.asa.icmp_type'] = Number(m[8]);
      if (m[9] !== undefined) a['cisco.asa.icmp_code'] = Number(m[9]);
      a['rule.name'] = m[10] as string;
      return;
    }
    case '106100': {
      const m = ACCESS_LIST.exec(text);
      if (m === null) return;
      a['event.action'] = 'firewall-rule';
      a['rule.name'] = m[1] as string;
      a['event.outcome'] = m[2] as string;
      a['network.transport'] = m[3] as string;
      a['observer.ingress.interface.name'] = m[4] as string;
      a['source.ip'] = m[5] as string;
      a['source.port'] = Number(m[6]);
      a['observer.egress.interface.name'] = m[7] as string;
      a['destination.ip'] = m[8] as string;
      a['destination.port'] = Number(m[9]);
      a['cisco.asa.hit_count'] = Number(m[10]);
      return;
    }
    case '305011': {
      const m = TRANSLATION.exec(text);
      if (m === null) return;
      a['event.action'] = 'translation-built';
      a['network.transport'] = (m[2] as string).toLowerCase();
      a['cisco.asa.nat_type'] = m[1] as string;
      a['observer.ingress.interface.name'] = m[3] as string;
      a['source.ip'] = m[4] as string;
      a['source.port'] = Number(m[5]);
      a['observer.egress.interface.name'] = m[6] as string;
      a['source.nat.ip'] = m[7] as string;
      a['source.nat.port'] = Number(m[8]);
      return;
    }
    case '113004':
    case '113005': {
      const m = AAA.exec(text);
      if (m === null) return;
      a['event.action'] = `aaa-${m[1] as string}`;
      a['event.outcome'] = m[2] === 'Successful' ? 'success' : 'failure';
      if (m[3] !== undefined) a['event.reason'] = m[3];
      a['cisco.asa.aaa_server'] = m[4] as string;
      a['user.name'] = m[5] as string;
      if (m[6] !== undefined) a['source.ip'] = m[6];
      return;
    }
  }
}

/** Copies one ENDPOINT group run (interface, ip, port, mapped ip, mapped port) from `at`. */
function endpoint(
  a: ParsedAttributes,
  side: 'source' | 'destination',
  m: RegExpExecArray,
  at: number,
): void {
  const iface = m[at] as string;
  a[side === 'source' ? 'observer.ingress.interface.name' : 'observer.egress.interface.name'] =
    iface;
  a[`${side}.ip`] = m[at + 1] as string;
  a[`${side}.port`] = Number(m[at + 2]);
  const mappedIp = m[at + 3];
  const mappedPort = m[at + 4];
  if (mappedIp !== undefined && mappedIp !== m[at + 1]) a[`${side}.nat.ip`] = mappedIp;
  if (mappedPort !== undefined && mappedPort !== m[at + 2])
    a[`${side}.nat.port`] = Number(mappedPort);
}
