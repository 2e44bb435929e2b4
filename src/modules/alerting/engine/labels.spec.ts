import { fingerprint, formatMatchers, matches, MatcherSyntaxError, parseMatchers } from './labels';

describe('labels', () => {
  describe(fingerprint.name, () => {
    it('does not depend on label order and is 16 hex digits', () => {
      const a = fingerprint('rule-1', { service: 'api', host: 'h1' });
      const b = fingerprint('rule-1', { host: 'h1', service: 'api' });
      expect(a).toBe(b);
      expect(a).toMatch(/^[0-9a-f]{16}$/);
    });

    it('changes with the rule id and with any label value', () => {
      const base = fingerprint('rule-1', { service: 'api' });
      expect(fingerprint('rule-2', { service: 'api' })).not.toBe(base);
      expect(fingerprint('rule-1', { service: 'web' })).not.toBe(base);
    });

    it('with groupBy keeps only those labels; "..." means all of them', () => {
      const one = fingerprint('r', { service: 'api', host: 'h1' }, ['service']);
      const two = fingerprint('r', { service: 'api', host: 'h2' }, ['service']);
      expect(one).toBe(two);
      expect(fingerprint('r', { service: 'api', host: 'h1' }, ['...'])).toBe(
        fingerprint('r', { service: 'api', host: 'h1' }),
      );
    });

    it('does not confuse a=bc with ab=c', () => {
      expect(fingerprint('r', { a: 'bc' })).not.toBe(fingerprint('r', { ab: 'c' }));
    });
  });

  describe(parseMatchers.name, () => {
    it('reads all four operators from the Alertmanager example', () => {
      const sut = parseMatchers(
        'service="api", severity=~"crit|high", env!="dev", host!~"test-.*"',
      );
      expect(sut).toEqual([
        { name: 'service', op: '=', value: 'api' },
        { name: 'severity', op: '=~', value: 'crit|high' },
        { name: 'env', op: '!=', value: 'dev' },
        { name: 'host', op: '!~', value: 'test-.*' },
      ]);
    });

    it('accepts braces, bare values, escapes, a trailing comma and the empty list', () => {
      expect(parseMatchers('{ a = b, c="x\\"y", }')).toEqual([
        { name: 'a', op: '=', value: 'b' },
        { name: 'c', op: '=', value: 'x"y' },
      ]);
      expect(parseMatchers('')).toEqual([]);
      expect(parseMatchers('{}')).toEqual([]);
    });

    it('round-trips through formatMatchers', () => {
      const ms = parseMatchers('a="1", b=~"x|y", c!="q\\"uote"');
      expect(parseMatchers(formatMatchers(ms))).toEqual(ms);
    });

    it.each([
      ['service', 7, 'expected one of'],
      ['="api"', 0, 'expected a label name'],
      ['a="unterminated', 2, 'unterminated'],
      ['a="1" b="2"', 6, "expected ','"],
      ['host=~"(a"', 6, 'invalid regex'],
      ['x=~"(?=y)"', 3, 'invalid regex'],
      ['{a="1"', 6, "missing closing '}'"],
    ])('rejects %j at position %d', (input, position, message) => {
      let caught: unknown;
      try {
        parseMatchers(input);
      } catch (err) {
        caught = err;
      }
      expect(caught).toBeInstanceOf(MatcherSyntaxError);
      expect(caught).toBeInstanceOf(TypeError);
      expect((caught as MatcherSyntaxError).position).toBe(position);
      expect((caught as Error).message).toContain(message);
    });
  });

  describe(matches.name, () => {
    const sut = parseMatchers('service="api", severity=~"crit|high", env!="dev", host!~"test-.*"');

    it('holds when every matcher holds', () => {
      expect(matches(sut, { service: 'api', severity: 'crit', env: 'prod', host: 'web-1' })).toBe(
        true,
      );
    });

    it('anchors regexes to the whole value', () => {
      expect(matches(sut, { service: 'api', severity: 'critical', host: 'web-1' })).toBe(false);
      expect(matches(sut, { service: 'api', severity: 'high', host: 'my-test-1' })).toBe(true);
      expect(matches(sut, { service: 'api', severity: 'high', host: 'test-1' })).toBe(false);
    });

    it('treats a missing label as the empty string', () => {
      expect(matches(parseMatchers('env!="dev"'), {})).toBe(true);
      expect(matches(parseMatchers('env=""'), {})).toBe(true);
      expect(matches(parseMatchers('env=""'), { env: 'prod' })).toBe(false);
      expect(matches(parseMatchers('env=~".*"'), {})).toBe(true);
    });

    it('an empty matcher list matches everything', () => {
      expect(matches([], { anything: 'x' })).toBe(true);
    });
  });
});
