import { PrivacyError } from './privacy.errors';
import { normalizeSubjectIdentifiers } from './subject-identifiers';

describe(normalizeSubjectIdentifiers.name, () => {
  it('trims, lower-cases e-mails and IPv6, and removes duplicates', () => {
    expect(
      normalizeSubjectIdentifiers({
        emails: [' Alice@Example.com', 'alice@example.com'],
        ips: ['2001:DB8::1', '10.0.0.1'],
        userIds: ['u-4711'],
      }),
    ).toEqual({
      emails: ['alice@example.com'],
      userIds: ['u-4711'],
      ips: ['2001:db8::1', '10.0.0.1'],
      values: [],
    });
  });

  it('reports every bad identifier by position', () => {
    let error: unknown;
    try {
      normalizeSubjectIdentifiers({ emails: ['nope'], ips: ['10.0.0'], values: ['ab'] });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(PrivacyError);
    expect((error as PrivacyError).code).toBe('INVALID_IDENTIFIERS');
    expect((error as PrivacyError).message).toMatch(
      /emails\[0\] is not an e-mail address; ips\[0\] is not an IPv4 or IPv6 address; values\[0\] must be at least 3 characters/,
    );
  });

  it('refuses an empty request and too many identifiers', () => {
    expect(() => normalizeSubjectIdentifiers({})).toThrow(/at least one identifier/);
    const many = Array.from({ length: 101 }, (_, i) => `user-${i}`);
    expect(() => normalizeSubjectIdentifiers({ userIds: many })).toThrow(/at most 100/);
  });
});
