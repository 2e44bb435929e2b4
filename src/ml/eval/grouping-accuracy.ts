/**
 * Grouping accuracy of a log parser (Zhu et al., "Tools and Benchmarks for Automated Log
 * Parsing", ICSE-SEIP 2019): a line counts as correct when the set of lines in its predicted
 * group equals the set of lines in its true group. Returns the share of correct lines.
 *
 * @example
 *   groupingAccuracy(['A', 'A', 'B'], ['x', 'x', 'y']); // 1
 *   groupingAccuracy(['A', 'A', 'B'], ['x', 'x', 'x']); // 0
 */
export function groupingAccuracy(truth: readonly string[], predicted: readonly string[]): number {
  if (truth.length !== predicted.length) {
    throw new RangeError(`truth has ${truth.length} labels, predicted ${predicted.length}`);
  }
  if (truth.length === 0) throw new RangeError('no lines to evaluate');
  const trueSize = new Map<string, number>();
  for (const t of truth) trueSize.set(t, (trueSize.get(t) ?? 0) + 1);
  // Per predicted group: its size and its one true label (null once two labels are seen).
  const groups = new Map<string, { size: number; label: string | null }>();
  truth.forEach((t, i) => {
    const p = predicted[i] as string;
    const g = groups.get(p);
    if (!g) groups.set(p, { size: 1, label: t });
    else {
      g.size++;
      if (g.label !== t) g.label = null;
    }
  });
  let correct = 0;
  for (const g of groups.values()) {
    if (g.label !== null && trueSize.get(g.label) === g.size) correct += g.size;
  }
  return correct / truth.length;
}
