import type { ParsedAttributes } from '../../log-format';
import { prefixedKey } from '../structured/prefixed-key';

// Zeek field names with an ECS home; the rest go under zeek.<field>.
const ECS: Readonly<Record<string, string>> = {
  uid: 'zeek.uid',
  'id.orig_h': 'source.ip',
  'id.orig_p': 'source.port',
  'id.resp_h': 'destination.ip',
  'id.resp_p': 'destination.port',
  proto: 'network.transport',
  service: 'network.protocol',
  orig_bytes: 'source.bytes',
  resp_bytes: 'destination.bytes',
  orig_pkts: 'source.packets',
  resp_pkts: 'destination.packets',
  orig_l2_addr: 'source.mac',
  resp_l2_addr: 'destination.mac',
  community_id: 'network.community_id',
  conn_state: 'zeek.connection.state',
  local_orig: 'zeek.connection.local_orig',
  local_resp: 'zeek.connection.local_resp',
  missed_bytes: 'zeek.connection.missed_bytes',
  history: 'zeek.connection.history',
  orig_ip_bytes: 'zeek.connection.orig_ip_bytes',
  resp_ip_bytes: 'zeek.connection.resp_ip_bytes',
  tunnel_parents: 'zeek.connection.tunnel_parents',
  query: 'dns.question.name',
  qtype_name: 'dns.question.type',
  rcode_name: 'dns.response_code',
  method: 'http.request.method',
  host: 'url.domain',
  uri: 'url.original',
  referrer: 'http.request.referrer',
  user_agent: 'user_agent.original',
  status_code: 'http.response.status_code',
  request_body_len: 'http.request.body.bytes',
  response_body_len: 'http.response.body.bytes',
  server_name: 'tls.client.server_name',
  version: 'zeek.version',
  note: 'rule.name',
  msg: 'zeek.msg',
};

/**
 * Adds one Zeek field (already decoded to a JSON value; TSV gives strings) under its ECS or
 * `zeek.` name. Booleans T/F, durations in seconds (as nanoseconds), sets as comma lists.
 */
export function setZeekField(a: ParsedAttributes, field: string, value: unknown): void {
  if (value === null || value === undefined || value === '-' || value === '(empty)') return;
  if (field === 'duration') {
    const seconds = typeof value === 'number' ? value : Number(value);
    if (Number.isFinite(seconds)) a['event.duration'] = Math.round(seconds * 1e9);
    return;
  }
  const name = ECS[field] ?? prefixedKey('zeek.', field);
  if (Array.isArray(value)) {
    if (value.length > 0) a[name] = value.map(String).join(',');
    return;
  }
  if (typeof value === 'number' || typeof value === 'boolean') {
    a[name] = value;
    return;
  }
  if (typeof value !== 'string') {
    a[name] = JSON.stringify(value);
    return;
  }
  if (value === 'T' || value === 'F') a[name] = value === 'T';
  else if (/^-?\d{1,15}$/.test(value) && !name.endsWith('.ip')) a[name] = Number(value);
  else a[name] = value;
}
