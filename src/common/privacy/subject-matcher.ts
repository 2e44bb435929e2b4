import type { SubjectIdentifiers } from './erasure-participant';
import { ipSpellings } from './ip-spellings';

/** What an erased occurrence becomes. */
export const ERASED = '[erased]';

/** Characters that continue a token: an identifier found next to one is part of something else. */
const BEFORE = String.raw`(?<![\p{L}\p{N}_.+\-])`;
const AFTER = String.raw`(?![\p{L}\p{N}_]|[.@\-][\p{L}\p{N}])`;

/**
 * Finds a data subject's identifiers in text and attribute values and replaces them with
 * `[erased]`. An identifier matches as a whole token only ("42" is not found in "1423" or
 * "user-42", "bob@x.io" not in "jim.bob@x.io"), so that erasing one person does not damage other
 * people's values. E-mail addresses and IPv6 addresses match case-insensitively, the rest exactly;
 * an IP address matches in each of its common spellings (see ip-spellings.ts).
 */
export class SubjectMatcher {
  readonly #patterns: RegExp[];
  readonly #whole: RegExp[];
  /** Every identifier, as given: the stores search candidates for these. */
  readonly terms: readonly string[];

  constructor(identifiers: SubjectIdentifiers) {
    // Logs write one address several ways (2001:db8::1, 2001:0db8:0:0:...): each is the person's.
    const ips = identifiers.ips.flatMap(ipSpellings);
    const caseless = [...identifiers.emails, ...ips.filter((ip) => ip.includes(':'))];
    const exact = [
      ...identifiers.userIds,
      ...identifiers.values,
      ...ips.filter((ip) => !ip.includes(':')),
    ];
    this.terms = [...caseless, ...exact];
    this.#patterns = [];
    this.#whole = [];
    for (const [terms, flags] of [
      [caseless, 'giu'],
      [exact, 'gu'],
    ] as const) {
      if (terms.length === 0) continue;
      // Longest first, so an identifier that contains another one is replaced whole.
      const alternatives = [...new Set(terms)]
        .sort((a, b) => b.length - a.length)
        .map(escapeRegExp)
        .join('|');
      this.#patterns.push(new RegExp(`${BEFORE}(?:${alternatives})${AFTER}`, flags));
      this.#whole.push(new RegExp(`^(?:${alternatives})$`, flags.replace('g', '')));
    }
  }

  /** The text with every occurrence erased, and how many there were. */
  redact(text: string): { text: string; hits: number } {
    let hits = 0;
    let out = text;
    for (const pattern of this.#patterns) {
      out = out.replace(pattern, () => {
        hits++;
        return ERASED;
      });
    }
    return { text: out, hits };
  }

  /**
   * A JSON value with occurrences erased: strings are redacted, numbers that equal an identifier
   * become `[erased]`, arrays and objects are walked (their keys are left alone).
   */
  redactValue(value: unknown): { value: unknown; hits: number } {
    if (typeof value === 'string') {
      const { text, hits } = this.redact(value);
      return { value: text, hits };
    }
    if (typeof value === 'number' || typeof value === 'bigint') {
      const text = String(value);
      return this.#whole.some((w) => w.test(text))
        ? { value: ERASED, hits: 1 }
        : { value, hits: 0 };
    }
    if (Array.isArray(value)) {
      let hits = 0;
      const items = value.map((item) => {
        const r = this.redactValue(item);
        hits += r.hits;
        return r.value;
      });
      return { value: hits > 0 ? items : value, hits };
    }
    if (value !== null && typeof value === 'object') {
      let hits = 0;
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value)) {
        const r = this.redactValue(v);
        hits += r.hits;
        Object.defineProperty(out, k, {
          value: r.value,
          enumerable: true,
          writable: true,
          configurable: true,
        });
      }
      return { value: hits > 0 ? out : value, hits };
    }
    return { value, hits: 0 };
  }
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}
