import type { SubjectMatcher } from '../../common/privacy/subject-matcher';
import type { LogRecord } from './log-record';

/** Outcome of erasing a data subject from one tenant's logs. */
export interface SubjectErasure {
  /** Records that changed. */
  records: number;
  /** Fields that changed: the body counts as one, each attribute as one. */
  fields: number;
}

export interface ErasedRecord {
  body: string;
  attributes: Record<string, unknown>;
  /** The pattern parameters, erased too (they are parts of the body). */
  patternParams: string[] | null;
  fields: number;
}

/** The record's body and attributes with the subject erased, or null when nothing matched. */
export function eraseFromRecord(
  record: Pick<LogRecord, 'body' | 'attributes'> & { patternParams?: readonly string[] | null },
  matcher: SubjectMatcher,
): ErasedRecord | null {
  let fields = 0;
  const body = matcher.redact(record.body);
  if (body.hits > 0) fields++;
  const attributes: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(record.attributes)) {
    const erased = matcher.redactValue(value);
    if (erased.hits > 0) fields++;
    // defineProperty: a `__proto__` attribute stays an own property.
    Object.defineProperty(attributes, key, {
      value: erased.value,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  // Pattern parameters are pieces of the body: rewritten with it, not counted as fields of their own.
  let paramHits = 0;
  const patternParams =
    record.patternParams?.map((p) => {
      const erased = matcher.redact(p);
      paramHits += erased.hits;
      return erased.text;
    }) ?? null;
  if (fields === 0 && paramHits === 0) return null;
  return { body: body.text, attributes, patternParams, fields };
}
