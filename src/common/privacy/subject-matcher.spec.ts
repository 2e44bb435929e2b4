import { ERASED, SubjectMatcher } from './subject-matcher';

const ids = (over: Partial<ConstructorParameters<typeof SubjectMatcher>[0]> = {}) => ({
  emails: [],
  userIds: [],
  ips: [],
  values: [],
  ...over,
});

describe(SubjectMatcher.name, () => {
  it('replaces whole-token occurrences only', () => {
    const sut = new SubjectMatcher(ids({ userIds: ['u-42'], ips: ['10.0.0.1'] }));
    expect(sut.redact('u-42 logged in from 10.0.0.1.')).toEqual({
      text: `${ERASED} logged in from ${ERASED}.`,
      hits: 2,
    });
    expect(sut.redact('u-420 from 10.0.0.12 and xu-42 and 10.0.0.1.5').hits).toBe(0);
  });

  it('matches e-mail addresses case-insensitively, but not inside a longer address', () => {
    const sut = new SubjectMatcher(ids({ emails: ['bob@example.com'] }));
    expect(sut.redact('to=BOB@Example.com,cc=jim.bob@example.com').text).toBe(
      `to=${ERASED},cc=jim.bob@example.com`,
    );
    expect(sut.redact('bob@example.com.evil.org').hits).toBe(0);
  });

  it('finds an IP address in each of its common spellings, and nothing around it', () => {
    const sut = new SubjectMatcher(ids({ ips: ['2001:db8::7', '192.0.2.7'] }));
    expect(
      sut.redact('from 2001:DB8:0:0:0:0:0:7 via ::ffff:192.0.2.7, not 2001:db8::70 or 192.0.2.77')
        .text,
    ).toBe(`from ${ERASED} via ${ERASED}, not 2001:db8::70 or 192.0.2.77`);
  });

  it('treats regular-expression characters in identifiers literally', () => {
    const sut = new SubjectMatcher(ids({ values: ['a+b(1)'] }));
    expect(sut.redact('x a+b(1) y aab(1)').text).toBe(`x ${ERASED} y aab(1)`);
  });

  it('prefers the longest identifier when one contains another', () => {
    const sut = new SubjectMatcher(ids({ values: ['acme', 'acme corp'] }));
    expect(sut.redact('acme corp').text).toBe(ERASED);
  });

  it('walks attribute values: strings, equal numbers, arrays and objects, keeping keys', () => {
    const sut = new SubjectMatcher(ids({ userIds: ['4711'] }));
    expect(sut.redactValue(4711)).toEqual({ value: ERASED, hits: 1 });
    expect(sut.redactValue(47110)).toEqual({ value: 47110, hits: 0 });
    expect(sut.redactValue(['4711', { '4711': 'id 4711' }, true, null])).toEqual({
      value: [ERASED, { '4711': `id ${ERASED}` }, true, null],
      hits: 2,
    });
  });
});
