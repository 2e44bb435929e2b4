/**
 * Dotted paths (`alert.labels.service`), shared by templates and conditions. Lookups walk own
 * properties only and refuse the names that reach prototypes, so no path can read
 * `Object.prototype` or a constructor.
 */

const SEGMENT = /^[A-Za-z0-9_-]+$/;
const FORBIDDEN = new Set(['__proto__', 'prototype', 'constructor']);

/** Splits and checks a dotted path; returns null when it is not one. */
export function parsePath(text: string): string[] | null {
  if (text.length === 0 || text.length > 256) return null;
  const segments = text.split('.');
  return segments.every((s) => SEGMENT.test(s)) ? segments : null;
}

/** True when a segment would reach a prototype or a constructor. */
export function isForbiddenSegment(segment: string): boolean {
  return FORBIDDEN.has(segment);
}

/** `{ found: false }` when any segment is absent (or not an own property). */
export function lookupPath(
  root: unknown,
  segments: readonly string[],
): { found: true; value: unknown } | { found: false } {
  let current: unknown = root;
  for (const segment of segments) {
    if (isForbiddenSegment(segment)) return { found: false };
    if (current === null || typeof current !== 'object') return { found: false };
    if (!Object.prototype.hasOwnProperty.call(current, segment)) return { found: false };
    current = (current as Record<string, unknown>)[segment];
  }
  return current === undefined ? { found: false } : { found: true, value: current };
}
