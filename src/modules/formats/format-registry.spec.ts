import {
  accessTestFormat,
  appTestFormat,
  auditTestFormat,
  dockerTestFormat,
  sshdTestParser,
  syslogTestFormat,
  TEST_FORMATS,
} from '../../../test/factories/log-format.factory';
import {
  FormatRegistry,
  GENERIC_JSON_FORMAT,
  genericJsonFields,
  parseJsonObject,
  TEXT_FORMAT,
} from './format-registry';
import type { LineFormat } from './log-format';
import { BUILT_IN_FORMATS } from './parsers';

describe(FormatRegistry.name, () => {
  const sut = new FormatRegistry(TEST_FORMATS, [sshdTestParser]);

  it('detects each test format on its own samples', () => {
    for (const format of TEST_FORMATS) {
      for (const sample of format.samples) {
        if (sample.line.includes('\n')) continue;
        expect([format.name, sample.line, sut.detectLine(sample.line).format.name]).toEqual([
          format.name,
          sample.line,
          format.name,
        ]);
      }
    }
  });

  it('falls back to text for a line nobody recognises, and to generic json for an unclaimed object', () => {
    expect(sut.detectLine('worker 3 finished').format).toBe(TEXT_FORMAT);
    const found = sut.detectLine('{"level":"info","msg":"ok"}');
    expect(found.format).toBe(GENERIC_JSON_FORMAT);
    expect(found.doc).toEqual({ level: 'info', msg: 'ok' });
  });

  it('offers a JSON line, parsed once, to the JSON formats by priority', () => {
    const line =
      '{"kind":"Event","apiVersion":"audit.k8s.io/v1","verb":"get","requestURI":"/api/v1/pods"}';
    expect(sut.detectLine(line).format).toBe(auditTestFormat);
    expect(sut.detectLine(`  ${line}  `).format).toBe(auditTestFormat);
    expect(sut.detectLine('{"log":"x\\n","stream":"stdout","time":"t"}').format).toBe(
      dockerTestFormat,
    );
  });

  it('keeps text for a line that only looks like JSON', () => {
    expect(sut.detectLine('{not json}').format).toBe(TEXT_FORMAT);
    expect(sut.detectLine('{"a":1} trailing').format).toBe(TEXT_FORMAT);
  });

  it('tries higher priorities first and keeps the given order on ties', () => {
    const loose: LineFormat = {
      ...accessTestFormat,
      name: 'loose',
      priority: -5,
      detect: () => true,
    };
    const strict: LineFormat = { ...appTestFormat, name: 'strict', priority: 10 };
    const registry = new FormatRegistry([loose, appTestFormat, strict]);
    expect(registry.lineFormats.map((f) => f.name)).toEqual(['strict', 'app-test', 'loose']);
    expect(registry.detectLine('anything at all').format.name).toBe('loose');
  });

  it("adds a tenant's own formats, which win ties with the built-ins", () => {
    const custom: LineFormat = {
      ...accessTestFormat,
      name: 'my-access',
      family: 'custom',
    };
    const tenant = sut.withExtra([custom]);
    expect(tenant.detectLine('10.0.0.1 GET /cart 200').format.name).toBe('my-access');
    expect(sut.detectLine('10.0.0.1 GET /cart 200').format.name).toBe('access-test');
    expect(tenant.byName('my-access')).toBe(custom);
    expect(sut.withExtra([])).toBe(sut);
  });

  it('treats a detect that throws as "not this format"', () => {
    const broken: LineFormat = {
      ...appTestFormat,
      name: 'broken',
      priority: 100,
      detect: () => {
        throw new Error('bug');
      },
    };
    const registry = new FormatRegistry([broken, syslogTestFormat]);
    expect(registry.detectLine('<13>db-2 cron[7]: job started').format.name).toBe('syslog-test');
  });

  it('finds message parsers by program name and by prefix', () => {
    const postfix = { ...sshdTestParser, name: 'postfix-test', programs: ['postfix/'] };
    const registry = new FormatRegistry([], [sshdTestParser, postfix]);
    expect(registry.messageParserFor('sshd')).toBe(sshdTestParser);
    expect(registry.messageParserFor('postfix/smtpd')).toBe(postfix);
    expect(registry.messageParserFor('nginx')).toBeNull();
  });

  it('names text, json and every format; all lists them by priority with the fallbacks last', () => {
    expect(sut.byName('text')).toBe(TEXT_FORMAT);
    expect(sut.byName('json')).toBe(GENERIC_JSON_FORMAT);
    const all = sut.all.map((f) => f.name);
    expect(all.slice(-2)).toEqual(['json', 'text']);
    expect(new Set(all).size).toBe(all.length);
  });

  it('parses JSON without prototype pollution', () => {
    const doc = parseJsonObject('{"__proto__":{"polluted":true},"a":1}');
    expect(doc).not.toBeNull();
    expect(Object.getPrototypeOf(doc)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    const fields = genericJsonFields(doc!);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(fields?.attributes?.['__proto__.polluted']).toBe(true);
  });

  it('keeps a JSON line nested too deep as text', () => {
    const deep = `${'{"a":'.repeat(100)}1${'}'.repeat(100)}`;
    expect(sut.detectLine(deep).format).toBe(TEXT_FORMAT);
  });

  it('has text and json fallbacks with samples of their own', () => {
    for (const format of [TEXT_FORMAT, GENERIC_JSON_FORMAT]) {
      expect(format.samples.length).toBeGreaterThanOrEqual(3);
    }
    expect(
      genericJsonFields(
        JSON.parse(GENERIC_JSON_FORMAT.samples[1]!.line) as Record<string, unknown>,
      ),
    ).toMatchObject(GENERIC_JSON_FORMAT.samples[1]!.expect);
  });

  it('builds the built-in registry, with names unique and distinct from the fallbacks', () => {
    const builtIn = FormatRegistry.builtIn();
    expect(builtIn.all.length).toBe(BUILT_IN_FORMATS.length + 2 - countNamed(['json']));
    expect(builtIn.byName('text')).toBe(TEXT_FORMAT);
  });
});

function countNamed(names: string[]): number {
  return BUILT_IN_FORMATS.filter((f) => names.includes(f.name)).length;
}
