/**
 * What people said about a rule's alerts, per pattern, turned into a weight in (0, 1] that
 * scales the score of the anomalies the rule sees: each net "not useful" on a rule+pattern
 * multiplies it by NOT_USEFUL_FACTOR, "useful" verdicts win it back, and it never falls below
 * MIN_WEIGHT (a rule people keep dismissing still alerts on a strong enough anomaly).
 */

/** Each net "not useful" keeps 80% of the weight: three of them take a 0.9 score under 0.5. */
export const NOT_USEFUL_FACTOR = 0.8;

/** The floor: a score of 1 still counts 0.2, so a rule with a low minimum score still fires. */
export const MIN_WEIGHT = 0.2;

/** The verdicts on one rule+pattern (`patternId` null: alerts that named no pattern). */
export interface FeedbackCount {
  ruleId: string;
  patternId: string | null;
  notUseful: number;
  useful: number;
}

/** The weight of `notUseful` dismissals offset by `useful` confirmations. */
export function feedbackWeight(notUseful: number, useful: number): number {
  const net = Math.max(0, notUseful - useful);
  return Math.max(MIN_WEIGHT, NOT_USEFUL_FACTOR ** net);
}

/**
 * The weights of a tenant's rules by pattern.
 *
 * @example
 *   const weights = new PatternWeights([{ ruleId: 'r', patternId: 'p', notUseful: 2, useful: 0 }]);
 *   weights.of('r', ['p']); // 0.64
 *   weights.of('r', ['q']); // 1
 */
export class PatternWeights {
  static readonly NONE = new PatternWeights([]);
  readonly #weights = new Map<string, number>();

  constructor(counts: readonly FeedbackCount[]) {
    for (const c of counts) {
      this.#weights.set(key(c.ruleId, c.patternId), feedbackWeight(c.notUseful, c.useful));
    }
  }

  /**
   * The weight of an anomaly with these patterns for the rule: the lowest of its patterns'
   * (the one people dismissed decides), or that of pattern-less feedback when it names none.
   */
  of(ruleId: string, patternIds: readonly string[]): number {
    if (this.#weights.size === 0) return 1;
    if (patternIds.length === 0) return this.#weights.get(key(ruleId, null)) ?? 1;
    let weight = 1;
    for (const p of patternIds) weight = Math.min(weight, this.#weights.get(key(ruleId, p)) ?? 1);
    return weight;
  }
}

function key(ruleId: string, patternId: string | null): string {
  return `${ruleId}\u0000${patternId ?? ''}`;
}
