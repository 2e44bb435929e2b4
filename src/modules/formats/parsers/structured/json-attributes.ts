import type { ParsedAttributes } from '../../log-format';
import { flattenEntry, toJsonText } from '../../normalize/flatten';

/**
 * Flattens the document's entries not in `skip` into attributes: nested objects become dotted
 * keys, arrays become JSON text, null and undefined are left out.
 */
export function jsonAttributes(
  doc: Readonly<Record<string, unknown>>,
  skip: ReadonlySet<string>,
  prefix = '',
  into: ParsedAttributes = {},
): ParsedAttributes {
  const flat: Record<string, unknown> = {};
  for (const key in doc) {
    if (!skip.has(key)) flattenEntry(flat, key, doc[key]);
  }
  for (const key in flat) {
    if (skip.has(key)) continue;
    const value = scalar(flat[key]);
    if (value !== undefined) into[prefix + key] = value;
  }
  return into;
}

/** An attribute value for a JSON value: scalars as they are, arrays and objects as JSON text. */
export function scalar(value: unknown): string | number | boolean | undefined {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return value;
    case 'number':
      return Number.isFinite(value) ? value : undefined;
    case 'object':
      return value === null ? undefined : toJsonText(value);
    default:
      return undefined;
  }
}

/** A non-empty string, or a number as text. */
export function text(value: unknown): string | undefined {
  if (typeof value === 'string') return value === '' ? undefined : value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return undefined;
}
