import { bindParameters, checkParameterPattern } from './parameters';
import { type RunbookParameter } from './runbook.types';

describe('bindParameters', () => {
  const service: RunbookParameter = {
    name: 'service',
    type: 'enum',
    from: 'alert.labels.service',
    allowed: ['checkout', 'payments'],
    required: true,
  };

  it('binds an allowlisted service from an alert label', () => {
    expect(bindParameters([service], { alert: { labels: { service: 'checkout' } } })).toEqual({
      ok: true,
      values: { service: 'checkout' },
    });
  });

  it.each(['svc; rm -rf /', '../../', 'checkout"}', 'checkout\n', ' checkout'])(
    'refuses the log-derived value %j',
    (value) => {
      const result = bindParameters([service], { alert: { labels: { service: value } } });
      expect(result.ok).toBe(false);
      expect(result).toMatchObject({ errors: [{ parameter: 'service' }] });
    },
  );

  it('checks a pattern against the whole value and refuses control characters', () => {
    const host: RunbookParameter = {
      name: 'host',
      type: 'string',
      from: 'pattern.param.1',
      pattern: '[a-z0-9-]+',
    };
    const bind = (v: string) => bindParameters([host], { pattern: { params: ['x', v] } });
    expect(bind('web-1')).toEqual({ ok: true, values: { host: 'web-1' } });
    expect(bind('web-1; reboot')).toEqual({
      ok: false,
      errors: [{ parameter: 'host', message: '"web-1; reboot" does not match [a-z0-9-]+' }],
    });
    const free: RunbookParameter = { name: 'note', type: 'string', from: 'input.note' };
    expect(bindParameters([free], { input: { note: 'a\r\nX-Evil: 1' } })).toMatchObject({
      ok: false,
    });
  });

  it('coerces numbers and booleans from label text with bounds', () => {
    const defs: RunbookParameter[] = [
      { name: 'replicas', type: 'integer', from: 'alert.annotations.replicas', min: 1, max: 10 },
      { name: 'ratio', type: 'number', from: 'input.ratio' },
      { name: 'force', type: 'boolean', from: 'input.force' },
    ];
    expect(
      bindParameters(defs, {
        alert: { annotations: { replicas: '4' } },
        input: { ratio: '0.5', force: 'true' },
      }),
    ).toEqual({ ok: true, values: { replicas: 4, ratio: 0.5, force: true } });
    const bad = bindParameters(defs, {
      alert: { annotations: { replicas: '40' } },
      input: { ratio: '1e999', force: 'yes' },
    });
    expect(bad).toEqual({
      ok: false,
      errors: [
        { parameter: 'replicas', message: '"40" is above the maximum 10' },
        { parameter: 'ratio', message: '"1e999" is not finite' },
        { parameter: 'force', message: '"yes" is not a boolean' },
      ],
    });
    expect(
      bindParameters([defs[0]!], { alert: { annotations: { replicas: '2.5' } } }),
    ).toMatchObject({
      ok: false,
    });
  });

  it('uses defaults, reports missing required values and ignores inherited names', () => {
    const defs: RunbookParameter[] = [
      { name: 'ns', type: 'string', default: 'prod' },
      { name: 'service', type: 'string', from: 'alert.labels.constructor', required: true },
    ];
    expect(bindParameters(defs, { alert: { labels: {} } })).toEqual({
      ok: false,
      errors: [
        { parameter: 'service', message: 'required, but alert.labels.constructor is absent' },
      ],
    });
    expect(bindParameters([defs[0]!], {})).toEqual({ ok: true, values: { ns: 'prod' } });
  });
});

describe('checkParameterPattern', () => {
  it.each([
    ['(a)\\1', 'pattern uses a backreference'],
    ['(?=a)b', 'pattern uses a lookaround'],
    ['(?<!a)b', 'pattern uses a lookaround'],
    ['a'.repeat(201), 'pattern is longer than 200 characters'],
  ])('refuses %j', (pattern, message) => {
    expect(checkParameterPattern(pattern)).toBe(message);
  });

  it('accepts RE2 and reports invalid syntax', () => {
    expect(checkParameterPattern('(a+)+b')).toBeNull();
    expect(checkParameterPattern('[a-')).toMatch(/^pattern is not valid RE2/);
  });
});
