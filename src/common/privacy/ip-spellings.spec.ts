import { ipSpellings } from './ip-spellings';

describe(ipSpellings.name, () => {
  it('spells an IPv6 address compressed, expanded and unpadded, whichever form it came in', () => {
    const forms = [
      '2001:db8::1',
      '2001:0DB8:0000:0000:0000:0000:0000:0001',
      '2001:db8:0:0:0:0:0:1',
    ];
    for (const form of forms) {
      expect(new Set(ipSpellings(form))).toEqual(
        new Set([
          form.toLowerCase(),
          '2001:db8::1',
          '2001:0db8:0000:0000:0000:0000:0000:0001',
          '2001:db8:0:0:0:0:0:1',
        ]),
      );
    }
  });

  it('compresses the longest zero run, the first one on a tie, and never a single group', () => {
    expect(ipSpellings('2001:db8:0:0:1:0:0:1')).toContain('2001:db8::1:0:0:1');
    expect(ipSpellings('2001:db8:0:1:1:1:1:1')).toContain('2001:db8:0:1:1:1:1:1');
    expect(ipSpellings('0:0:0:0:0:0:0:0')).toContain('::');
  });

  it('links an IPv4 address and its IPv4-mapped IPv6 form both ways', () => {
    expect(ipSpellings('192.0.2.7')).toEqual([
      '192.0.2.7',
      '::ffff:192.0.2.7',
      '::ffff:0:192.0.2.7',
    ]);
    expect(ipSpellings('::ffff:c000:207')).toEqual(
      expect.arrayContaining(['192.0.2.7', '::ffff:192.0.2.7']),
    );
    expect(ipSpellings('::FFFF:192.0.2.7')).toContain('192.0.2.7');
  });

  it('leaves what is not an IP address alone', () => {
    expect(ipSpellings('not-an-ip')).toEqual(['not-an-ip']);
  });
});
