/**
 * True when `value` nests objects and arrays more than `maxDepth` levels deep (a scalar is depth
 * 0, `{}` and `[]` are 1). Stops descending at the limit, so the walk is bounded by `maxDepth`
 * frames whatever the input: JSON.parse builds arbitrarily deep values without complaint, and
 * the recursive code after it (stringify, flatten) would then overflow the stack.
 */
export function exceedsDepth(value: unknown, maxDepth: number): boolean {
  if (typeof value !== 'object' || value === null) return false;
  if (maxDepth <= 0) return true;
  if (Array.isArray(value)) {
    for (const item of value) if (exceedsDepth(item, maxDepth - 1)) return true;
    return false;
  }
  for (const key in value) {
    if (exceedsDepth((value as Record<string, unknown>)[key], maxDepth - 1)) return true;
  }
  return false;
}
