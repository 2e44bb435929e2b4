/** Keys have at most this many dotted segments; a deeper object is stored as JSON text. */
export const MAX_FLATTEN_DEPTH = 16;

/**
 * Copies `value` into `target` with nested plain objects turned into dotted keys:
 * `{ kubernetes: { pod: { name: 'x' } } }` becomes `kubernetes.pod.name`. Arrays, null and
 * non-plain objects are stored as they are; empty objects leave no key. Later keys overwrite
 * earlier ones, so a flat `host.name` and a nested `host: { name }` collapse into one.
 *
 * U+0000 is removed from keys and strings (also inside arrays) on the way, because the flattened
 * map is stored and neither Postgres text nor jsonb accepts it; doing it here saves a second walk.
 *
 * Meant for parsed JSON, which has no inherited enumerable keys. Targets may be plain objects
 * (faster to fill and serialize): `setEntry` defines a `__proto__` key as an own property.
 */
export function flattenInto(target: Record<string, unknown>, value: object, prefix: string): void {
  flattenObject(target, value as Record<string, unknown>, prefix, 1);
}

/**
 * Stores one top-level entry, flattening it when it is a plain object. Returns how many keys it
 * wrote, an upper bound on the keys added (a write may overwrite an earlier key).
 */
export function flattenEntry(target: Record<string, unknown>, key: string, value: unknown): number {
  if (isPlainObject(value)) return flattenObject(target, value, key, 2);
  setEntry(target, key, value);
  return 1;
}

/** JSON.stringify that never throws: values that cannot be serialized become a marker. */
export function toJsonText(value: unknown): string {
  try {
    return JSON.stringify(value) ?? '';
  } catch {
    return '[unserializable]';
  }
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

export function stripNul(s: string): string {
  return s.indexOf('\u0000') === -1 ? s : s.replaceAll('\u0000', '');
}

function flattenObject(
  target: Record<string, unknown>,
  source: Record<string, unknown>,
  prefix: string,
  depth: number,
): number {
  let written = 0;
  for (const key in source) {
    const value = source[key];
    const path = prefix === '' ? key : joinPath(prefix, key);
    if (!isPlainObject(value)) {
      setEntry(target, path, value);
      written++;
    } else if (depth < MAX_FLATTEN_DEPTH) {
      written += flattenObject(target, value, path, depth + 1);
    } else {
      setEntry(target, path, toJsonText(value));
      written++;
    }
  }
  return written;
}

// The same dotted paths recur record after record. Handing back the string built last time lets
// V8 skip hashing and interning a fresh concatenation on every insert. Bounded because keys come
// from clients; when full it starts over, so the paths in use now win.
const MAX_CACHED_PATHS = 8192;
const pathCache = new Map<string, Map<string, string>>();
let cachedPaths = 0;

function joinPath(prefix: string, key: string): string {
  let byKey = pathCache.get(prefix);
  const hit = byKey?.get(key);
  if (hit !== undefined) return hit;
  const path = prefix + '.' + key;
  if (cachedPaths >= MAX_CACHED_PATHS) {
    pathCache.clear();
    cachedPaths = 0;
    byKey = undefined;
  }
  if (byKey === undefined) {
    byKey = new Map();
    pathCache.set(prefix, byKey);
  }
  byKey.set(key, path);
  cachedPaths++;
  return path;
}

/**
 * Assigns one key, without NUL in the key or in string values. A `__proto__` key becomes an own
 * property instead of a prototype swap.
 */
export function setEntry(target: Record<string, unknown>, key: string, value: unknown): void {
  const clean =
    typeof value === 'string'
      ? stripNul(value)
      : typeof value === 'object' && value !== null
        ? stripNulDeep(value, 0)
        : value;
  const cleanKey = stripNul(key);
  // Only matters for targets that inherit Object.prototype's __proto__ setter; cheap either way.
  if (cleanKey === '__proto__') {
    Object.defineProperty(target, cleanKey, {
      value: clean,
      writable: true,
      enumerable: true,
      configurable: true,
    });
  } else {
    target[cleanKey] = clean;
  }
}

/** Returns `value` itself unless a string inside it holds NUL; copies only then. */
function stripNulDeep(value: object, depth: number): unknown {
  // Past this depth a NUL survives; JSON.parse input that deep is an attack, not a log.
  if (depth > 32) return value;
  if (Array.isArray(value)) {
    let copy: unknown[] | null = null;
    for (let i = 0; i < value.length; i++) {
      const item: unknown = value[i];
      const clean = cleanItem(item, depth);
      if (clean !== item) (copy ??= value.slice())[i] = clean;
    }
    return copy ?? value;
  }
  if (!isPlainObject(value)) return value;
  let copy: Record<string, unknown> | null = null;
  for (const key in value) {
    const item = value[key];
    const clean = cleanItem(item, depth);
    if (clean !== item || key.indexOf('\u0000') !== -1) {
      copy ??= Object.assign(Object.create(null) as Record<string, unknown>, value);
      delete copy[key];
      setEntry(copy, key, clean);
    }
  }
  return copy ?? value;
}

function cleanItem(item: unknown, depth: number): unknown {
  if (typeof item === 'string') return stripNul(item);
  if (typeof item === 'object' && item !== null) return stripNulDeep(item, depth + 1);
  return item;
}
