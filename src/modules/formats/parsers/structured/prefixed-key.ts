// Bounded because keys come from log lines; when full it starts over, so the keys in use win.
const MAX_KEYS = 4096;
const cache = new Map<string, Map<string, string>>();
let size = 0;

/**
 * `prefix + key`, handing back the string built the last time: attribute names recur line after
 * line, and a string V8 has already interned makes the property store cheaper.
 */
export function prefixedKey(prefix: string, key: string): string {
  let byKey = cache.get(prefix);
  const hit = byKey?.get(key);
  if (hit !== undefined) return hit;
  const name = prefix + key;
  if (size >= MAX_KEYS) {
    cache.clear();
    size = 0;
    byKey = undefined;
  }
  if (byKey === undefined) {
    byKey = new Map();
    cache.set(prefix, byKey);
  }
  byKey.set(key, name);
  size++;
  return name;
}
