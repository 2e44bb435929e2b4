import type { LineFormat, ParsedAttributes } from '../../log-format';
import { putAddress, putNumber, putText, toNumber } from '../web/access-fields';

const DETECT =
  /^2 (?:\d{12}|unknown) eni-[0-9a-f]{8,17} [^ ]+ [^ ]+ [^ ]+ [^ ]+ [^ ]+ [^ ]+ [^ ]+ \d+ \d+ (?:ACCEPT|REJECT|-) (?:OK|NODATA|SKIPDATA)$/;

const TRANSPORTS: Readonly<Record<string, string>> = {
  '1': 'icmp',
  '6': 'tcp',
  '17': 'udp',
  '47': 'gre',
  '50': 'esp',
  '58': 'ipv6-icmp',
  '132': 'sctp',
};

/**
 * Amazon VPC Flow Logs, version 2 default format: `version account interface srcaddr dstaddr
 * srcport dstport protocol packets bytes start end action log-status`; NODATA and SKIPDATA
 * records carry `-` for the flow fields.
 */
export const AWS_VPC_FLOW_FORMAT: LineFormat = {
  name: 'aws-vpc-flow',
  family: 'cloud',
  kind: 'line',
  description: 'Amazon VPC Flow Logs (version 2 default format)',
  priority: 20,
  detect: (line) => DETECT.test(line),
  parse(line) {
    const f = line.split(' ');
    if (f.length !== 14 || f[0] !== '2') return null;
    const start = toNumber(f[10]);
    const end = toNumber(f[11]);
    if (start === undefined || end === undefined) return null;
    const attrs: ParsedAttributes = { 'cloud.provider': 'aws' };
    putNumber(attrs, 'aws.vpcflow.version', f[0]);
    if (f[1] !== 'unknown') putText(attrs, 'cloud.account.id', f[1]);
    putText(attrs, 'aws.vpcflow.interface_id', f[2]);
    putAddress(attrs, 'source', f[3]);
    putAddress(attrs, 'destination', f[4]);
    putNumber(attrs, 'source.port', f[5]);
    putNumber(attrs, 'destination.port', f[6]);
    const protocol = f[7] as string;
    putNumber(attrs, 'network.iana_number', protocol);
    putText(attrs, 'network.transport', TRANSPORTS[protocol]);
    putNumber(attrs, 'network.packets', f[8]);
    putNumber(attrs, 'network.bytes', f[9]);
    attrs['event.start'] = new Date(start * 1000).toISOString();
    attrs['event.end'] = new Date(end * 1000).toISOString();
    attrs['event.duration'] = (end - start) * 1e9;
    const action = f[12] as string;
    if (action !== '-') {
      attrs['event.action'] = action.toLowerCase();
      attrs['event.outcome'] = action === 'ACCEPT' ? 'success' : 'failure';
    }
    putText(attrs, 'aws.vpcflow.log_status', f[13]);
    return { timestamp: start * 1000, attributes: attrs };
  },
  samples: [
    {
      line: '2 123456789010 eni-1235b8ca123456789 172.31.16.139 172.31.16.21 20641 22 6 20 4249 1795687872 1795687932 ACCEPT OK',
      expect: {
        timestamp: Date.parse('2026-11-26T10:11:12Z'),
        attributes: {
          'cloud.provider': 'aws',
          'cloud.account.id': '123456789010',
          'aws.vpcflow.interface_id': 'eni-1235b8ca123456789',
          'source.ip': '172.31.16.139',
          'destination.ip': '172.31.16.21',
          'source.port': 20641,
          'destination.port': 22,
          'network.transport': 'tcp',
          'network.packets': 20,
          'network.bytes': 4249,
          'event.action': 'accept',
          'event.duration': 60_000_000_000,
          'aws.vpcflow.log_status': 'OK',
        },
      },
    },
    {
      line: '2 123456789010 eni-0a1b2c3d4e5f67890 2001:db8:1234:a100:8d6e:3477:df66:f105 2001:db8:1234:a102:3304:8879:34cf:4071 34892 443 6 12 1820 1795687875 1795687935 REJECT OK',
      expect: {
        timestamp: Date.parse('2026-11-26T10:11:15Z'),
        attributes: {
          'source.ip': '2001:db8:1234:a100:8d6e:3477:df66:f105',
          'destination.port': 443,
          'event.action': 'reject',
          'event.outcome': 'failure',
        },
      },
    },
    {
      line: '2 123456789010 eni-1a2b3c4d - - - - - - - 1795687872 1795687934 - NODATA',
      expect: {
        timestamp: Date.parse('2026-11-26T10:11:12Z'),
        attributes: {
          'aws.vpcflow.interface_id': 'eni-1a2b3c4d',
          'aws.vpcflow.log_status': 'NODATA',
        },
      },
    },
    {
      line: '2 123456789010 eni-4b118871 - - - - - - - 1795687880 1795687940 - SKIPDATA',
      expect: { attributes: { 'aws.vpcflow.log_status': 'SKIPDATA' } },
    },
    {
      line: '2 123456789010 eni-0f9e8d7c6b5a41234 10.0.5.17 10.0.0.2 53011 53 17 1 73 1795687890 1795687950 ACCEPT OK',
      expect: { attributes: { 'network.transport': 'udp', 'network.iana_number': 17 } },
    },
  ],
};
