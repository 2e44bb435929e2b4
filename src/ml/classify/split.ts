/** Indices of a train/holdout split. */
export interface HoldoutSplit {
  train: number[];
  holdout: number[];
}

function shuffle<T>(xs: T[], rng: () => number): T[] {
  for (let i = xs.length - 1; i > 0; i--) {
    const r = Math.floor(rng() * (i + 1));
    [xs[i], xs[r]] = [xs[r] as T, xs[i] as T];
  }
  return xs;
}

function byClass(labels: readonly string[]): Map<string, number[]> {
  const groups = new Map<string, number[]>();
  labels.forEach((label, i) => {
    const g = groups.get(label);
    if (g) g.push(i);
    else groups.set(label, [i]);
  });
  return groups;
}

/**
 * Stratified train/holdout split: each class contributes round(n·fraction) of its n examples to
 * the holdout (at least one when it has two or more, none when it has one), so both parts keep the
 * class proportions. Classes are visited in order of first appearance; `rng` shuffles each.
 *
 * @example
 *   const { train, holdout } = stratifiedSplit(labels, 0.2, new SeededRandom(7).next);
 */
export function stratifiedSplit(
  labels: readonly string[],
  holdoutFraction: number,
  rng: () => number,
): HoldoutSplit {
  if (!(holdoutFraction > 0 && holdoutFraction < 1)) {
    throw new RangeError(`holdoutFraction must be in (0, 1), got ${holdoutFraction}`);
  }
  const train: number[] = [];
  const holdout: number[] = [];
  for (const members of byClass(labels).values()) {
    shuffle(members, rng);
    const n = members.length;
    const h = n < 2 ? 0 : Math.min(n - 1, Math.max(1, Math.round(n * holdoutFraction)));
    holdout.push(...members.slice(0, h));
    train.push(...members.slice(h));
  }
  return { train: train.sort((a, b) => a - b), holdout: holdout.sort((a, b) => a - b) };
}

/**
 * Stratified k-fold: the examples of each class, shuffled, are dealt to the folds in turn,
 * continuing where the previous class stopped, so every fold gets ⌊n/k⌋ or ⌈n/k⌉ of each class and
 * the folds differ in size by at most one. Returns the holdout indices of each fold (ascending).
 *
 * @example
 *   for (const test of stratifiedKFold(labels, 5, rng)) { ... } // train = the rest
 */
export function stratifiedKFold(
  labels: readonly string[],
  k: number,
  rng: () => number,
): number[][] {
  checkK(k, labels.length);
  const folds = Array.from({ length: k }, () => [] as number[]);
  let next = 0;
  for (const members of byClass(labels).values()) {
    for (const i of shuffle(members, rng)) {
      folds[next]!.push(i);
      next = (next + 1) % k;
    }
  }
  return folds.map((f) => f.sort((a, b) => a - b));
}

/**
 * Stratified k-fold that keeps each group (e.g. a log pattern) whole in one fold, to measure how a
 * model does on groups it never saw. Groups are placed largest first (ties in random order), each
 * in the fold where it least unbalances the class distribution: the fold minimising
 * Σ_c ((count_fc + g_c) / total_c)², a greedy form of the criterion of scikit-learn's
 * StratifiedGroupKFold. A group's class is each of its members' labels, so mixed groups work.
 *
 * @example
 *   const folds = stratifiedGroupKFold(labels, patternIds, 5, rng);
 */
export function stratifiedGroupKFold(
  labels: readonly string[],
  groups: readonly string[],
  k: number,
  rng: () => number,
): number[][] {
  if (labels.length !== groups.length) {
    throw new RangeError(`${labels.length} labels but ${groups.length} groups`);
  }
  checkK(k, labels.length);
  const classes = [...byClass(labels).keys()];
  const classIndex = new Map(classes.map((c, i) => [c, i]));
  const totals = classes.map(() => 0);
  const members = byClass(groups);
  const groupCounts = new Map<string, number[]>();
  for (const [g, idx] of members) {
    const counts = classes.map(() => 0);
    for (const i of idx) {
      const c = classIndex.get(labels[i] as string) as number;
      counts[c]!++;
      totals[c]!++;
    }
    groupCounts.set(g, counts);
  }
  const order = shuffle([...members.keys()], rng).sort(
    (a, b) => (members.get(b) as number[]).length - (members.get(a) as number[]).length,
  );
  const foldCounts = Array.from({ length: k }, () => classes.map(() => 0));
  const folds = Array.from({ length: k }, () => [] as number[]);
  for (const g of order) {
    const counts = groupCounts.get(g) as number[];
    let best = 0;
    let bestCost = Infinity;
    for (let f = 0; f < k; f++) {
      let cost = 0;
      counts.forEach((gc, c) => {
        const share = ((foldCounts[f]![c] as number) + gc) / (totals[c] as number);
        cost += share * share;
      });
      // Equal cost: prefer the smaller fold, so folds fill evenly.
      if (
        cost < bestCost - 1e-12 ||
        (Math.abs(cost - bestCost) <= 1e-12 && folds[f]!.length < folds[best]!.length)
      ) {
        best = f;
        bestCost = cost;
      }
    }
    counts.forEach((gc, c) => (foldCounts[best]![c]! += gc));
    folds[best]!.push(...(members.get(g) as number[]));
  }
  return folds.map((f) => f.sort((a, b) => a - b));
}

/** The indices of `0 … n-1` not in the (ascending) `holdout`. */
export function complement(n: number, holdout: readonly number[]): number[] {
  const out: number[] = [];
  let h = 0;
  for (let i = 0; i < n; i++) {
    if (holdout[h] === i) h++;
    else out.push(i);
  }
  return out;
}

function checkK(k: number, n: number): void {
  if (!Number.isInteger(k) || k < 2) throw new RangeError(`k must be an integer >= 2, got ${k}`);
  if (n < k) throw new RangeError(`${n} examples cannot fill ${k} folds`);
}
