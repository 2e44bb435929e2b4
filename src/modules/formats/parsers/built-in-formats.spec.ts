import type { LogFormat, MessageParser } from '../log-format';
import { BUILT_IN_FORMATS, MESSAGE_PARSERS } from './index';

const ctx = { receivedAt: Date.parse('2026-11-26T12:00:00Z') };

/** A JSON format's sample is JSON text; a line format's is the line. */
function run(format: LogFormat, line: string) {
  if (format.kind === 'line') {
    return { detected: format.detect(line), parsed: format.parse(line, ctx) };
  }
  const doc = JSON.parse(line) as Record<string, unknown>;
  return { detected: format.detect(doc), parsed: format.parse(doc, ctx) };
}

describe('built-in formats', () => {
  it('have unique kebab-case names', () => {
    const names = [...BUILT_IN_FORMATS.map((f) => f.name), ...MESSAGE_PARSERS.map((p) => p.name)];
    expect(new Set(names).size).toBe(names.length);
    for (const name of names) expect(name).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
  });

  it('number at least 55, not counting the message sub-parsers', () => {
    expect(BUILT_IN_FORMATS.length).toBeGreaterThanOrEqual(55);
  });

  for (const format of BUILT_IN_FORMATS) describeFormat(format);
  for (const parser of MESSAGE_PARSERS) describeMessageParser(parser);
});

function describeFormat(format: LogFormat): void {
  describe(format.name, () => {
    it('has at least three samples', () => {
      expect(format.samples.length).toBeGreaterThanOrEqual(3);
    });

    it.each(format.samples.map((s, i) => [i, s] as const))(
      'detects and parses sample %i',
      (_i, sample) => {
        const { detected, parsed } = run(format, sample.line);
        expect(detected).toBe(true);
        expect(parsed).not.toBeNull();
        expect(parsed).toMatchObject(sample.expect);
      },
    );
  });
}

function describeMessageParser(p: MessageParser): void {
  describe(`${p.name} messages`, () => {
    it('has at least three samples', () => {
      expect(p.samples.length).toBeGreaterThanOrEqual(3);
    });

    it.each(p.samples.map((s, i) => [i, s] as const))('parses sample %i', (_i, sample) => {
      expect(p.parse(sample.message)).toMatchObject(sample.expect);
    });
  });
}
