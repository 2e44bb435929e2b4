import { kvFormat } from './kv.format';
import { logfmtFormat } from './logfmt.format';
import { scanLogfmt } from './logfmt-scanner';
import { logrusTextFormat } from './logrus-text.format';

const ctx = { receivedAt: Date.parse('2026-11-26T12:00:00Z') };

describe(logfmtFormat.name, () => {
  it('unescapes quoted values and keeps empty ones', () => {
    expect(scanLogfmt('a="x \\"y\\" \\\\ z\\n" b= c=""')).toEqual([
      { key: 'a', value: 'x "y" \\ z\n', quoted: true },
      { key: 'b', value: '', quoted: false },
      { key: 'c', value: '', quoted: true },
    ]);
  });

  it('keeps quoted numbers, ids too long for a double and hex as text', () => {
    const parsed = logfmtFormat.parse(
      'level=info n="42" id=123456789012345678901 hex=0x1f neg=-3 f=1.5 lead=007',
      ctx,
    );
    expect(parsed?.attributes).toEqual({
      n: '42',
      id: '123456789012345678901',
      hex: '0x1f',
      neg: -3,
      f: 1.5,
      lead: '007',
    });
  });

  it('leaves a time it cannot read in the attributes', () => {
    const parsed = logfmtFormat.parse('time=yesterday level=warn msg=x', ctx);
    expect(parsed?.timestamp).toBeUndefined();
    expect(parsed?.attributes?.time).toBe('yesterday');
  });

  it.each([
    ['free text', 'connection refused by peer'],
    ['a bare word among pairs', 'level=info started server port=80'],
    ['an unterminated quote', 'level=info msg="half'],
    ['text glued to a quote', 'msg="a"b level=info'],
    ['a single pair', 'level=info'],
    ['a line starting with a quote', '"a"=b c=d'],
  ])('rejects %s', (_what, line) => {
    expect(logfmtFormat.detect(line) && logfmtFormat.parse(line, ctx) !== null).toBe(false);
  });
});

describe(logrusTextFormat.name, () => {
  it('requires time first', () => {
    expect(logrusTextFormat.parse('level=info time="2026-11-26T10:00:00Z" msg=x', ctx)).toBeNull();
  });
});

describe(kvFormat.name, () => {
  it('reads key: value with spaces when pairs are comma-separated', () => {
    expect(kvFormat.parse('status: 200, path: /a b, took: 3ms', ctx)?.attributes).toEqual({
      status: 200,
      path: '/a b',
      took: '3ms',
    });
  });

  it('reads semicolons as separators', () => {
    expect(kvFormat.parse('a=1;b=2', ctx)?.attributes).toEqual({ a: 1, b: 2 });
  });

  it.each([
    ['prose with a colon', 'Error: something failed badly'],
    ['a single pair', 'user=alice'],
    ['a leading separator', ', a=1 b=2'],
    ['a stack frame', '    at Object.<anonymous> (/app/index.js:1:1)'],
    ['a URL', 'http://example.com/a=b c=d'],
  ])('rejects %s', (_what, line) => {
    expect(kvFormat.detect(line) && kvFormat.parse(line, ctx) !== null).toBe(false);
  });
});
