import type { AnomalyJob } from '../../detection/detection.jobs';
import type { AlertRuleRow } from '../alerting.types';
import { PatternWeights } from './rule-weights';

/** One anomaly change, as the detection queue carries it. */
export type AnomalyChange = AnomalyJob['data'];

/**
 * Whether a rule's condition holds for an anomaly change. The anomaly's score is weighed by
 * what people said of the rule's earlier alerts: the rule's own weight times that of the
 * anomaly's patterns (see rule-weights.ts), so a rule+pattern marked "not useful" often enough
 * no longer reaches the rule's minimum score.
 */
export function ruleMatches(
  rule: AlertRuleRow,
  c: AnomalyChange,
  weights: PatternWeights = PatternWeights.NONE,
): boolean {
  const cond = rule.condition;
  switch (cond.kind) {
    case 'anomaly':
      return (
        (!cond.kinds?.length || c.kinds.some((k) => cond.kinds!.includes(k))) &&
        (cond.minScore === undefined ||
          c.score * rule.weight * weights.of(rule.id, c.patternIds) >= cond.minScore) &&
        (!cond.services?.length || cond.services.includes(c.service))
      );
    case 'pattern':
      return (
        c.kinds.includes('new_pattern') &&
        (!cond.services?.length || cond.services.includes(c.service)) &&
        (cond.patternId === undefined || c.patternIds.includes(cond.patternId)) &&
        (cond.templateContains === undefined || c.explanation.includes(cond.templateContains))
      );
    case 'log_query':
    case 'forecast':
      return false;
  }
}

/** A threshold comparison of a rule (`count > 100`). */
export function compare(value: number, op: '>' | '>=' | '<' | '<=', threshold: number): boolean {
  switch (op) {
    case '>':
      return value > threshold;
    case '>=':
      return value >= threshold;
    case '<':
      return value < threshold;
    case '<=':
      return value <= threshold;
  }
}
