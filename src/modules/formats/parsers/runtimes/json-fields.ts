/** Small readers for the JSON formats: typed field access and "the rest goes to attributes". */
import type { ParsedAttributes } from '../../log-format';
import { flattenEntry, toJsonText } from '../../normalize/flatten';

export type JsonDoc = Readonly<Record<string, unknown>>;

export function str(doc: JsonDoc, key: string): string | undefined {
  const v = doc[key];
  return typeof v === 'string' ? v : undefined;
}

export function num(doc: JsonDoc, key: string): number | undefined {
  const v = doc[key];
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

export function obj(doc: JsonDoc, key: string): JsonDoc | undefined {
  const v = doc[key];
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as JsonDoc) : undefined;
}

/**
 * Copies `value` under `key`, flattening objects into dotted keys; arrays become JSON text and
 * null disappears, since attributes hold only strings, numbers and booleans.
 */
export function putFlattened(attributes: ParsedAttributes, key: string, value: unknown): void {
  if (value === null || value === undefined) return;
  if (typeof value === 'string' || typeof value === 'boolean') {
    attributes[key] = value;
    return;
  }
  if (typeof value === 'number') {
    if (Number.isFinite(value)) attributes[key] = value;
    return;
  }
  const flat: Record<string, unknown> = {};
  flattenEntry(flat, key, value);
  for (const k in flat) {
    const v = flat[k];
    if (typeof v === 'string' || typeof v === 'boolean') attributes[k] = v;
    else if (typeof v === 'number') {
      if (Number.isFinite(v)) attributes[k] = v;
    } else if (v !== null && v !== undefined) attributes[k] = toJsonText(v);
  }
}

/** Every key of `doc` not in `known`, flattened into `attributes`. */
export function putRest(
  attributes: ParsedAttributes,
  doc: JsonDoc,
  known: ReadonlySet<string>,
): void {
  for (const key in doc) {
    if (!known.has(key)) putFlattened(attributes, key, doc[key]);
  }
}

/** `pkg/file.go:12` (zap, logrus, bunyan callers) into file name and line. */
export function putCaller(attributes: ParsedAttributes, caller: string): void {
  const colon = caller.lastIndexOf(':');
  const line = colon > 0 ? Number(caller.slice(colon + 1)) : NaN;
  if (Number.isInteger(line) && line >= 0 && colon < caller.length - 1) {
    attributes['log.origin.file.name'] = caller.slice(0, colon);
    attributes['log.origin.file.line'] = line;
  } else {
    attributes['log.origin.file.name'] = caller;
  }
}
