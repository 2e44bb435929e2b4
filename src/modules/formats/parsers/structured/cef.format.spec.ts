import { cefFormat, parseExtension } from './cef.format';

const ctx = { receivedAt: Date.parse('2026-11-26T12:00:00Z') };

describe(cefFormat.name, () => {
  it('unescapes \\| and \\\\ in the header and \\= \\\\ \\n in extension values', () => {
    const line =
      'CEF:0|Acme\\|Corp|Gate\\\\way|2.1|ID\\|7|Login \\| failed|5|msg=line one\\nline two cs2=a\\=b\\\\c cs2Label=Pair';
    const parsed = cefFormat.parse(line, ctx);
    expect(parsed?.attributes).toMatchObject({
      'observer.vendor': 'Acme|Corp',
      'observer.product': 'Gate\\way',
      'event.code': 'ID|7',
      'cef.name': 'Login | failed',
      'cef.extensions.Pair': 'a=b\\c',
    });
    expect(parsed?.message).toBe('line one\nline two');
    expect(parsed?.level).toBe('warn');
  });

  it('keeps spaces inside values and cuts them at the next key', () => {
    expect(parseExtension('suser=John Smith Jr. dst=10.0.0.1 reason=bad  password ')).toEqual([
      ['suser', 'John Smith Jr.'],
      ['dst', '10.0.0.1'],
      ['reason', 'bad  password'],
    ]);
  });

  it('tolerates an unescaped = inside a value (some senders forget the escape)', () => {
    expect(parseExtension('request=/a?b=1&c=2 act=allow')).toEqual([
      ['request', '/a?b=1&c=2'],
      ['act', 'allow'],
    ]);
  });

  it('returns no pairs for an empty extension', () => {
    expect(parseExtension('')).toEqual([]);
    const parsed = cefFormat.parse('CEF:0|V|P|1|2|N|3|', ctx);
    expect(parsed?.message).toBe('N');
    expect(parsed?.level).toBe('info');
  });

  it.each([
    ['0', 'info'],
    ['3', 'info'],
    ['4', 'warn'],
    ['7', 'error'],
    ['9', 'critical'],
    ['Low', 'info'],
    ['Medium', 'warn'],
    ['Very-High', 'critical'],
  ])('maps severity %s to %s', (severity, level) => {
    expect(cefFormat.parse(`CEF:0|V|P|1|2|N|${severity}|`, ctx)?.level).toBe(level);
  });

  it('leaves the level out for a severity it does not know', () => {
    const parsed = cefFormat.parse('CEF:0|V|P|1|2|N|urgent|', ctx);
    expect(parsed?.level).toBeUndefined();
    expect(parsed?.attributes?.['cef.severity']).toBe('urgent');
  });

  it('reads rt in epoch ms and in MMM dd yyyy HH:mm:ss form, and keeps a bad one', () => {
    expect(cefFormat.parse('CEF:0|V|P|1|2|N|3|rt=1796379302000', ctx)?.timestamp).toBe(
      1796379302000,
    );
    expect(cefFormat.parse('CEF:0|V|P|1|2|N|3|rt=Nov 26 2026 10:00:00.250', ctx)?.timestamp).toBe(
      Date.parse('2026-11-26T10:00:00.250Z'),
    );
    const bad = cefFormat.parse('CEF:0|V|P|1|2|N|3|rt=yesterday', ctx);
    expect(bad?.timestamp).toBeUndefined();
    expect(bad?.attributes?.['cef.extensions.rt']).toBe('yesterday');
  });

  it('finds the marker behind an RFC 5424 header', () => {
    const line = '<134>1 2026-11-26T10:11:12Z ids-2 cef - - - CEF:0|V|P|1|2|N|3|src=1.2.3.4';
    expect(cefFormat.detect(line)).toBe(true);
    expect(cefFormat.parse(line, ctx)).toMatchObject({
      host: 'ids-2',
      timestamp: Date.parse('2026-11-26T10:11:12Z'),
      attributes: { 'source.ip': '1.2.3.4' },
    });
  });

  it.each([
    ['a short header', 'CEF:0|V|P|1|2|N'],
    ['a marker glued to a word', 'xCEF:0|V|P|1|2|N|3|'],
    ['no version digit', 'CEF:|V|P|1|2|N|3|'],
    ['the word in prose', 'the CEF: format is documented'],
  ])('rejects %s', (_what, line) => {
    expect(cefFormat.detect(line) && cefFormat.parse(line, ctx) !== null).toBe(false);
  });
});
