/** Small readers for the JSON formats (web, cloud, containers): typed lookups and flattening. */
import type { ParsedAttributes } from '../../log-format';
import { flattenEntry, isPlainObject, stripNul, toJsonText } from '../../normalize/flatten';

export type JsonDoc = Readonly<Record<string, unknown>>;

/** A non-empty string (a `-` placeholder counts as absent). */
export function str(doc: JsonDoc | undefined, key: string): string | undefined {
  const v = doc?.[key];
  return typeof v === 'string' && v !== '' && v !== '-' ? v : undefined;
}

/** A finite number, also from a numeric string (`"1234"`, as Cloud Logging writes int64s). */
export function num(doc: JsonDoc | undefined, key: string): number | undefined {
  const v = doc?.[key];
  if (typeof v === 'number') return Number.isFinite(v) ? v : undefined;
  if (typeof v === 'string' && v.length > 0 && v.length < 32) {
    const n = Number(v);
    return Number.isFinite(n) ? n : undefined;
  }
  return undefined;
}

export function obj(doc: JsonDoc | undefined, key: string): JsonDoc | undefined {
  const v = doc?.[key];
  return isPlainObject(v) ? v : undefined;
}

export function putStr(attrs: ParsedAttributes, key: string, v: string | undefined): void {
  if (v !== undefined) attrs[key] = stripNul(v);
}

export function putNum(attrs: ParsedAttributes, key: string, v: number | undefined): void {
  if (v !== undefined) attrs[key] = v;
}

/**
 * Flattens `value` under `key` into scalar attributes: nested objects become dotted keys,
 * arrays become JSON text (an attribute holds one scalar), null and empty strings are dropped.
 */
export function putFlat(attrs: ParsedAttributes, key: string, value: unknown): void {
  if (value === undefined || value === null) return;
  const flat: Record<string, unknown> = {};
  flattenEntry(flat, key, value);
  for (const k in flat) {
    const v = flat[k];
    if (typeof v === 'string') {
      if (v !== '') attrs[k] = v;
    } else if (typeof v === 'number' || typeof v === 'boolean') {
      attrs[k] = v;
    } else if (v !== null && v !== undefined) {
      attrs[k] = stripNul(toJsonText(v));
    }
  }
}

/** Every key of `doc` not in `known`, flattened under `prefix`. */
export function putRest(
  attrs: ParsedAttributes,
  prefix: string,
  doc: JsonDoc,
  known: ReadonlySet<string>,
): void {
  for (const key in doc) {
    if (!known.has(key)) putFlat(attrs, prefix + key, doc[key]);
  }
}

/** The first element of a header array (`{"User-Agent": ["curl/8"]}`) or the string itself. */
export function headerValue(headers: JsonDoc | undefined, name: string): string | undefined {
  const v = headers?.[name];
  if (typeof v === 'string') return v === '' ? undefined : v;
  if (Array.isArray(v) && typeof v[0] === 'string' && v[0] !== '') return v[0];
  return undefined;
}
