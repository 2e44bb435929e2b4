import type { MessageParser, ParsedAttributes } from '../../log-format';

const ACTION_WORDS: readonly (readonly [RegExp, string])[] = [
  [/BLOCK|DROP|DENY|DENIED|REJECT/i, 'block'],
  [/ALLOW|ACCEPT|PASS/i, 'allow'],
  [/AUDIT|LOG/i, 'log'],
];

/**
 * Netfilter LOG target lines as the kernel writes them:
 * `[12345.678] [UFW BLOCK] IN=eth0 OUT= MAC=... SRC=1.2.3.4 DST=5.6.7.8 ... PROTO=TCP SPT=1 DPT=22`.
 */
export const kernelIptablesMessageParser: MessageParser = {
  name: 'kernel-iptables',
  description: 'iptables/nftables/UFW LOG lines from the kernel',
  programs: ['kernel'],
  parse(message) {
    let i = 0;
    // The uptime stamp `[ 1234.567890]`.
    if (message.charCodeAt(0) === 91) {
      const close = message.indexOf(']');
      if (close !== -1 && /^\[\s*\d+\.\d+$/.test(message.slice(0, close))) {
        i = close + 1;
        while (message.charCodeAt(i) === 32) i++;
      }
    }
    let inAt = i;
    if (!message.startsWith('IN=', i)) {
      const k = message.indexOf(' IN=', i);
      if (k === -1) return null;
      inAt = k + 1;
    }
    if (message.indexOf(' SRC=', inAt) === -1) return null;
    const a: ParsedAttributes = {};
    let prefix = message.slice(i, inAt).trim();
    if (prefix.startsWith('[') && prefix.endsWith(']')) prefix = prefix.slice(1, -1).trim();
    if (prefix.endsWith(':')) prefix = prefix.slice(0, -1).trim();
    if (prefix !== '') {
      a['iptables.prefix'] = prefix;
      for (const [re, action] of ACTION_WORDS) {
        if (re.test(prefix)) {
          a['event.action'] = action;
          break;
        }
      }
    }
    const flags: string[] = [];
    for (const token of message.slice(inAt).split(' ')) {
      if (token === '') continue;
      const eq = token.indexOf('=');
      if (eq === -1) {
        flags.push(token);
        continue;
      }
      setField(token.slice(0, eq), token.slice(eq + 1), a);
    }
    if (flags.length > 0) a['iptables.flags'] = flags.join(' ');
    return a;
  },
  samples: [
    {
      program: 'kernel',
      message:
        '[86342.118203] [UFW BLOCK] IN=eth0 OUT= MAC=52:54:00:12:34:56:00:25:90:ab:cd:ef:08:00 SRC=192.0.2.44 DST=198.51.100.10 LEN=60 TOS=0x00 PREC=0x00 TTL=49 ID=54321 DF PROTO=TCP SPT=42822 DPT=23 WINDOW=29200 RES=0x00 SYN URGP=0',
      expect: {
        'iptables.prefix': 'UFW BLOCK',
        'event.action': 'block',
        'observer.ingress.interface.name': 'eth0',
        'source.ip': '192.0.2.44',
        'destination.ip': '198.51.100.10',
        'source.port': 42822,
        'destination.port': 23,
        'network.transport': 'tcp',
        'iptables.ttl': 49,
        'iptables.flags': 'DF SYN',
      },
    },
    {
      program: 'kernel',
      message:
        'IPTables-Dropped: IN=ens3 OUT= MAC=fa:16:3e:aa:bb:cc:fa:16:3e:dd:ee:ff:08:00 SRC=203.0.113.61 DST=10.0.0.12 LEN=40 TOS=0x00 PREC=0x00 TTL=241 ID=3942 PROTO=UDP SPT=53 DPT=161 LEN=20',
      expect: {
        'iptables.prefix': 'IPTables-Dropped',
        'event.action': 'block',
        'network.transport': 'udp',
        'destination.port': 161,
      },
    },
    {
      program: 'kernel',
      message:
        '[ 5120.004411] [UFW ALLOW] IN= OUT=eth0 SRC=2001:0db8:0000:0000:0000:0000:0000:0010 DST=2001:0db8:0000:0000:0000:0000:0000:0020 LEN=80 TC=0 HOPLIMIT=64 FLOWLBL=12345 PROTO=ICMPv6 TYPE=128 CODE=0 ID=1 SEQ=1',
      expect: {
        'event.action': 'allow',
        'observer.egress.interface.name': 'eth0',
        'source.ip': '2001:0db8:0000:0000:0000:0000:0000:0010',
        'network.transport': 'ipv6-icmp',
        'iptables.icmp.type': 128,
      },
    },
  ],
};

function setField(key: string, value: string, a: ParsedAttributes): void {
  if (value === '') return;
  switch (key) {
    case 'IN':
      a['observer.ingress.interface.name'] = value;
      return;
    case 'OUT':
      a['observer.egress.interface.name'] = value;
      return;
    case 'SRC':
      a['source.ip'] = value;
      return;
    case 'DST':
      a['destination.ip'] = value;
      return;
    case 'SPT':
      a['source.port'] = Number(value);
      return;
    case 'DPT':
      a['destination.port'] = Number(value);
      return;
    case 'PROTO': {
      const proto = value.toLowerCase();
      a['network.transport'] = proto === 'icmpv6' ? 'ipv6-icmp' : proto;
      return;
    }
    case 'TYPE':
      a['iptables.icmp.type'] = Number(value);
      return;
    case 'CODE':
      a['iptables.icmp.code'] = Number(value);
      return;
    case 'MAC':
      a['iptables.mac'] = value;
      return;
    default: {
      const name = `iptables.${key.toLowerCase()}`;
      // LEN appears twice for UDP (IP and UDP length): keep the first, the packet's.
      if (a[name] !== undefined) return;
      a[name] = /^\d{1,15}$/.test(value) ? Number(value) : value;
    }
  }
}
