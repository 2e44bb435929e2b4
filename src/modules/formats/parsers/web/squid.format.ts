import type { LineFormat, ParsedAttributes } from '../../log-format';
import { parseTimestamp } from '../../normalize/timestamp';
import {
  millisToNanos,
  putAddress,
  putNumber,
  putText,
  putUrl,
  scanFields,
  toNumber,
} from './access-fields';

const DETECT = /^\d{9,10}\.\d{3} +-?\d+ [^ ]+ [A-Z_]+\/\d{3} \d+ [^ ]+ /;

/**
 * Squid's native access.log: `time.ms elapsed client code/status bytes method URL user
 * hierarchy/peer type`, with the elapsed column space-padded.
 */
export const SQUID_FORMAT: LineFormat = {
  name: 'squid',
  family: 'web',
  kind: 'line',
  description:
    'Squid native access.log: epoch elapsed client result/status bytes method URL user hierarchy/peer type',
  priority: 10,
  detect: (line) => DETECT.test(line),
  parse(line) {
    const fields = scanFields(line);
    if (fields?.length !== 10) return null;
    const timestamp = parseTimestamp(fields[0]);
    if (timestamp === null) return null;
    const attrs: ParsedAttributes = {};
    const elapsed = toNumber(fields[1]);
    if (elapsed !== undefined && elapsed >= 0) attrs['event.duration'] = millisToNanos(elapsed);
    putAddress(attrs, 'source', fields[2]);
    const result = fields[3] as string;
    const slash = result.indexOf('/');
    if (slash === -1) return null;
    putText(attrs, 'squid.result_code', result.slice(0, slash));
    const status = toNumber(result.slice(slash + 1));
    // Squid writes 000 when no reply was sent.
    if (status !== undefined && status > 0) attrs['http.response.status_code'] = status;
    putNumber(attrs, 'http.response.body.bytes', fields[4]);
    putText(attrs, 'http.request.method', fields[5]);
    putUrl(attrs, fields[6]);
    putText(attrs, 'user.name', fields[7]);
    const hierarchy = fields[8] as string;
    const peer = hierarchy.indexOf('/');
    putText(attrs, 'squid.hierarchy_code', peer === -1 ? hierarchy : hierarchy.slice(0, peer));
    if (peer !== -1) putAddress(attrs, 'destination', hierarchy.slice(peer + 1));
    putText(attrs, 'http.response.mime_type', fields[9]);
    return { timestamp, attributes: attrs };
  },
  samples: [
    {
      line: '1732615872.123    150 1.2.3.4 TCP_MISS/200 1234 GET http://x/ - HIER_DIRECT/5.6.7.8 text/html',
      expect: {
        timestamp: 1732615872123,
        attributes: {
          'event.duration': 150_000_000,
          'source.ip': '1.2.3.4',
          'squid.result_code': 'TCP_MISS',
          'http.response.status_code': 200,
          'http.response.body.bytes': 1234,
          'http.request.method': 'GET',
          'url.original': 'http://x/',
          'url.domain': 'x',
          'squid.hierarchy_code': 'HIER_DIRECT',
          'destination.ip': '5.6.7.8',
          'http.response.mime_type': 'text/html',
        },
      },
    },
    {
      line: '1795687872.907  60012 2001:db8::23 TCP_TUNNEL/200 48211 CONNECT api.github.com:443 alice HIER_DIRECT/140.82.121.6 -',
      expect: {
        timestamp: 1795687872907,
        attributes: {
          'source.ip': '2001:db8::23',
          'squid.result_code': 'TCP_TUNNEL',
          'http.request.method': 'CONNECT',
          'url.domain': 'api.github.com',
          'url.port': 443,
          'user.name': 'alice',
          'event.duration': 60_012_000_000,
        },
      },
    },
    {
      line: '1795687873.004      0 10.20.30.40 TCP_DENIED/403 3959 GET http://blocked.example.net/download.exe - HIER_NONE/- text/html',
      expect: {
        timestamp: 1795687873004,
        attributes: {
          'squid.result_code': 'TCP_DENIED',
          'http.response.status_code': 403,
          'url.path': '/download.exe',
          'squid.hierarchy_code': 'HIER_NONE',
          'event.duration': 0,
        },
      },
    },
    {
      line: '1795687874.510   2042 192.168.4.17 TCP_MISS_ABORTED/000 0 GET http://updates.example.org/feed.xml?since=42 - HIER_DIRECT/203.0.113.80 -',
      expect: {
        attributes: {
          'squid.result_code': 'TCP_MISS_ABORTED',
          'url.query': 'since=42',
          'http.response.body.bytes': 0,
        },
      },
    },
  ],
};
