import type { SubjectMatcher } from './subject-matcher';

/** Replaces the subject's identifiers in every string of a JSON value (keys too). */
export function redactDeep(
  value: unknown,
  matcher: SubjectMatcher,
): { value: unknown; hits: number } {
  if (typeof value === 'string') {
    const r = matcher.redact(value);
    return { value: r.text, hits: r.hits };
  }
  if (Array.isArray(value)) {
    let hits = 0;
    const out = value.map((v) => {
      const r = redactDeep(v, matcher);
      hits += r.hits;
      return r.value;
    });
    return { value: out, hits };
  }
  if (value !== null && typeof value === 'object') {
    let hits = 0;
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      const key = matcher.redact(k);
      const r = redactDeep(v, matcher);
      hits += key.hits + r.hits;
      Object.defineProperty(out, key.text, { value: r.value, enumerable: true, writable: true });
    }
    return { value: out, hits };
  }
  return { value, hits: 0 };
}
