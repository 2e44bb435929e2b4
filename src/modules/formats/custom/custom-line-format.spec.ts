import { CustomLineFormat, MAX_CUSTOM_LINE_LENGTH } from './custom-line-format';
import { PatternCompileError } from './grok-compiler';

const ctx = { receivedAt: Date.parse('2026-11-26T12:00:00Z') };

function format(overrides: Partial<Parameters<typeof CustomLineFormat.compile>[0]> = {}) {
  return CustomLineFormat.compile({
    id: '1',
    name: 'orders',
    kind: 'grok',
    pattern:
      '^%{TIMESTAMP_ISO8601:timestamp} %{LOGLEVEL:level} order=%{INT:order.id:int} %{GREEDYDATA:message}$',
    service: null,
    dataset: null,
    priority: 3,
    ...overrides,
  });
}

describe(CustomLineFormat.name, () => {
  it('is a LineFormat of the custom family named custom-<name>', () => {
    const sut = format();
    expect([sut.kind, sut.family, sut.name, sut.priority]).toEqual([
      'line',
      'custom',
      'custom-orders',
      3,
    ]);
  });

  it('detects and parses its lines into record fields', () => {
    const sut = format();
    const line = '2026-11-26T11:59:59.5Z ERROR order=42 payment declined';
    expect(sut.detect(line)).toBe(true);
    expect(sut.parse(line, ctx)).toEqual({
      timestamp: Date.parse('2026-11-26T11:59:59.500Z'),
      level: 'ERROR',
      message: 'payment declined',
      attributes: { 'order.id': 42 },
    });
  });

  it('answers false / null for other lines and for lines past the length cap', () => {
    const sut = format({ kind: 'regex', pattern: '(?<word>\\w+)' });
    expect(sut.detect('!!!')).toBe(false);
    expect(sut.parse('!!!', ctx)).toBeNull();
    const long = 'a'.repeat(MAX_CUSTOM_LINE_LENGTH + 1);
    expect(sut.detect(long)).toBe(false);
    expect(sut.parse(long, ctx)).toBeNull();
  });

  it('runs a larger pattern on shorter lines only, within the match budget', () => {
    const small = format({ kind: 'regex', pattern: '(?<w>\\w+)' });
    const large = format({ pattern: '^%{HTTPD_ERRORLOG}$' });
    expect(small.maxLineLength).toBe(MAX_CUSTOM_LINE_LENGTH);
    expect(large.maxLineLength).toBeLessThan(MAX_CUSTOM_LINE_LENGTH);
    expect(large.maxLineLength).toBeGreaterThan(4_000);
    const line = `[Wed Oct 11 14:32:52 2000] [error] [client 127.0.0.1] ${'x'.repeat(large.maxLineLength)}`;
    expect(large.detect(line)).toBe(false);
    expect(large.detect(line.slice(0, large.maxLineLength))).toBe(true);
  });

  it('reads pins: service, dataset, or both', () => {
    expect(format().pinned).toBe(false);
    expect(format().pinnedTo('web', 'shop')).toBe(false);
    const service = format({ service: 'shop' });
    expect([service.pinnedTo('any', 'shop'), service.pinnedTo('any', 'billing')]).toEqual([
      true,
      false,
    ]);
    const both = format({ service: 'shop', dataset: 'web' });
    expect([both.pinnedTo('web', 'shop'), both.pinnedTo('api', 'shop')]).toEqual([true, false]);
  });

  it('refuses to compile a bad pattern', () => {
    expect(() => format({ pattern: '%{NOPE}' })).toThrow(PatternCompileError);
  });
});
