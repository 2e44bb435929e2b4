import { ciscoAsaFormat } from './cisco-asa.format';

const ctx = { receivedAt: Date.parse('2026-11-26T12:00:00Z') };

describe(ciscoAsaFormat.name, () => {
  it('puts the initiator of an outbound connection (the second endpoint) in source', () => {
    const parsed = ciscoAsaFormat.parse(
      '%ASA-6-302013: Built outbound TCP connection 88 for outside:93.184.216.34/443 (93.184.216.34/443) to inside:10.0.0.5/52000 (198.51.100.2/40001)',
      ctx,
    );
    expect(parsed?.attributes).toMatchObject({
      'network.direction': 'outbound',
      'source.ip': '10.0.0.5',
      'source.port': 52000,
      'source.nat.ip': '198.51.100.2',
      'source.nat.port': 40001,
      'destination.ip': '93.184.216.34',
      'destination.port': 443,
      'observer.ingress.interface.name': 'inside',
      'observer.egress.interface.name': 'outside',
    });
    expect(parsed?.attributes).not.toHaveProperty('destination.nat.ip');
  });

  it('keeps a message it has no parser for with its id and level', () => {
    const parsed = ciscoAsaFormat.parse(
      'Nov 26 10:00:00 fw1 %ASA-2-106001: Inbound TCP connection denied from 1.2.3.4/5 to 6.7.8.9/22 flags SYN  on interface outside',
      ctx,
    );
    expect(parsed).toMatchObject({
      level: 'crit',
      host: 'fw1',
      message:
        'Inbound TCP connection denied from 1.2.3.4/5 to 6.7.8.9/22 flags SYN  on interface outside',
      attributes: { 'cisco.asa.message_id': '106001', 'event.severity': 2 },
    });
  });

  it('reads an ICMP deny without ports and an AAA rejection', () => {
    expect(
      ciscoAsaFormat.parse(
        '%ASA-4-106023: Deny icmp src outside:203.0.113.5 dst inside:10.0.0.1 (type 8, code 0) by access-group "out_in" [0x0, 0x0]',
        ctx,
      )?.attributes,
    ).toMatchObject({
      'source.ip': '203.0.113.5',
      'destination.ip': '10.0.0.1',
      'cisco.asa.icmp_type': 8,
      'network.transport': 'icmp',
    });
    expect(
      ciscoAsaFormat.parse(
        '%ASA-6-113005: AAA user authentication Rejected : reason = AAA failure : server = 10.1.1.10 : user = mallory : user IP = 198.51.100.9',
        ctx,
      )?.attributes,
    ).toMatchObject({
      'event.outcome': 'failure',
      'event.reason': 'AAA failure',
      'user.name': 'mallory',
      'source.ip': '198.51.100.9',
    });
  });

  it('reads Firepower Threat Defense messages too', () => {
    const line =
      '%FTD-6-302014: Teardown UDP connection 5 for out:1.1.1.1/53 to in:10.0.0.2/5353 duration 0:00:00 bytes 120';
    expect(ciscoAsaFormat.detect(line)).toBe(true);
    expect(ciscoAsaFormat.parse(line, ctx)?.attributes).toMatchObject({
      'observer.product': 'FTD',
      'network.transport': 'udp',
      'event.duration': 0,
    });
  });

  it.each([
    ['a severity out of range', '%ASA-8-302013: x'],
    ['a short message id', '%ASA-6-3020: x'],
    ['prose mentioning 100%', 'disk at 100% ASA-ish'],
  ])('rejects %s', (_what, line) => {
    expect(ciscoAsaFormat.detect(line)).toBe(false);
    expect(ciscoAsaFormat.parse(line, ctx)).toBeNull();
  });
});
