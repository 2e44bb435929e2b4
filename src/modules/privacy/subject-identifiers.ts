import { isIP } from 'node:net';

import type { SubjectIdentifiers } from '../../common/privacy/erasure-participant';
import { PrivacyError } from './privacy.errors';

const MAX_IDENTIFIERS = 100;
const MAX_LENGTH = 512;
/** Shorter values would be found all over unrelated records ("42", "ok"). */
const MIN_LENGTH = 3;
const EMAIL = /^[^\s@]+@[^\s@]+$/;

export interface SubjectIdentifiersInputShape {
  emails?: readonly string[] | null;
  userIds?: readonly string[] | null;
  ips?: readonly string[] | null;
  values?: readonly string[] | null;
}

/**
 * Validates and normalizes a data subject's identifiers: trimmed, e-mail addresses and IPv6
 * lower-cased, duplicates removed. Every bad identifier is reported at once, by position.
 */
export function normalizeSubjectIdentifiers(
  input: SubjectIdentifiersInputShape,
): SubjectIdentifiers {
  const problems: string[] = [];
  const clean = (
    field: keyof SubjectIdentifiersInputShape,
    check: (value: string) => string | null,
    normalize: (value: string) => string = (v) => v,
  ): string[] => {
    const out = new Set<string>();
    (input[field] ?? []).forEach((raw, i) => {
      const value = raw.trim();
      const problem =
        value.length < MIN_LENGTH
          ? `must be at least ${MIN_LENGTH} characters`
          : value.length > MAX_LENGTH
            ? `must be at most ${MAX_LENGTH} characters`
            : check(value);
      if (problem) problems.push(`${field}[${i}] ${problem}`);
      else out.add(normalize(value));
    });
    return [...out];
  };
  const identifiers: SubjectIdentifiers = {
    emails: clean(
      'emails',
      (v) => (EMAIL.test(v) ? null : 'is not an e-mail address'),
      (v) => v.toLowerCase(),
    ),
    userIds: clean('userIds', () => null),
    ips: clean(
      'ips',
      (v) => (isIP(v) ? null : 'is not an IPv4 or IPv6 address'),
      (v) => v.toLowerCase(),
    ),
    values: clean('values', () => null),
  };
  const total =
    identifiers.emails.length +
    identifiers.userIds.length +
    identifiers.ips.length +
    identifiers.values.length;
  if (problems.length === 0 && total === 0) problems.push('give at least one identifier');
  if (total > MAX_IDENTIFIERS) problems.push(`give at most ${MAX_IDENTIFIERS} identifiers per job`);
  if (problems.length > 0) {
    throw new PrivacyError('INVALID_IDENTIFIERS', `invalid identifiers: ${problems.join('; ')}`);
  }
  return identifiers;
}

export function identifierCounts(identifiers: SubjectIdentifiers): Record<string, number> {
  return {
    emails: identifiers.emails.length,
    userIds: identifiers.userIds.length,
    ips: identifiers.ips.length,
    values: identifiers.values.length,
  };
}
