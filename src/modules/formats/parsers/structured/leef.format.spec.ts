import { leefFormat } from './leef.format';

const ctx = { receivedAt: Date.parse('2026-11-26T12:00:00Z') };

describe(leefFormat.name, () => {
  it.each([
    ['^', '^'],
    ['x5E', '^'],
    ['0x5E', '^'],
  ])('reads the LEEF 2.0 delimiter field %s', (field, delimiter) => {
    const ext = ['src=10.0.0.1', 'dst=10.0.0.2', 'usrName=bob smith'].join(delimiter);
    const parsed = leefFormat.parse(`LEEF:2.0|V|P|1.0|E1|${field}|${ext}`, ctx);
    expect(parsed?.attributes).toMatchObject({
      'source.ip': '10.0.0.1',
      'destination.ip': '10.0.0.2',
      'user.name': 'bob smith',
    });
  });

  it('defaults LEEF 2.0 without a delimiter field to tab', () => {
    const parsed = leefFormat.parse('LEEF:2.0|V|P|1.0|E1|src=10.0.0.1\tsev=2', ctx);
    expect(parsed?.attributes?.['source.ip']).toBe('10.0.0.1');
    expect(parsed?.level).toBe('info');
  });

  it('reads space-separated attributes some senders write instead of tabs', () => {
    const parsed = leefFormat.parse(
      'LEEF:1.0|V|P|1.0|E1|src=10.0.0.1 dst=10.0.0.2 cat=Login OK',
      ctx,
    );
    expect(parsed?.attributes).toMatchObject({
      'source.ip': '10.0.0.1',
      'destination.ip': '10.0.0.2',
      'event.category_name': 'Login OK',
    });
  });

  it.each([
    ['version 3.0', 'LEEF:3.0|V|P|1.0|E1|src=1.2.3.4'],
    ['a short header', 'LEEF:1.0|V|P|1.0'],
    ['the word in prose', 'LEEF: is a format'],
  ])('rejects %s', (_what, line) => {
    expect(leefFormat.detect(line) && leefFormat.parse(line, ctx) !== null).toBe(false);
  });
});
