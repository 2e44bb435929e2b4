import { type Labels, type Matcher, matches } from './labels';

/**
 * While an alert matching `sourceMatchers` fires, alerts matching `targetMatchers` that agree
 * with it on every `equal` label are muted (a missing label equals a missing label, as the
 * empty string). Reference: Prometheus Alertmanager `inhibit_rules`.
 */
export interface InhibitRule {
  sourceMatchers: Matcher[];
  targetMatchers: Matcher[];
  equal: string[];
}

/** What muted an alert: the rule and the firing source's labels. */
export interface Inhibition {
  rule: InhibitRule;
  source: Labels;
}

/**
 * The first rule and firing source that inhibit `target`, or null. An alert never inhibits
 * itself (a source with the very same labels is skipped), and, as in Alertmanager, when the
 * target also matches the source side, a source that also matches the target side does not
 * mute it (two alerts cannot mute each other).
 *
 * @example
 *   const rule = { sourceMatchers: parseMatchers('alertname="NodeDown", severity="critical"'),
 *     targetMatchers: parseMatchers('severity="warning"'), equal: ['host'] };
 *   inhibitedBy({ severity: 'warning', host: 'h1' },
 *     [{ alertname: 'NodeDown', severity: 'critical', host: 'h1' }], [rule]); // { rule, source }
 */
export function inhibitedBy(
  target: Labels,
  firingSources: readonly Labels[],
  rules: readonly InhibitRule[],
): Inhibition | null {
  for (const rule of rules) {
    if (!matches(rule.targetMatchers, target)) continue;
    const targetIsSource = matches(rule.sourceMatchers, target);
    for (const source of firingSources) {
      if (!matches(rule.sourceMatchers, source)) continue;
      if (sameLabels(source, target)) continue;
      if (targetIsSource && matches(rule.targetMatchers, source)) continue;
      if (rule.equal.every((name) => (source[name] ?? '') === (target[name] ?? ''))) {
        return { rule, source };
      }
    }
  }
  return null;
}

/**
 * True when some rule and firing source inhibit `target` (see `inhibitedBy`).
 *
 * @example
 *   isInhibited({ severity: 'warning', host: 'h1' }, firingLabels, rules);
 */
export function isInhibited(
  target: Labels,
  firingSources: readonly Labels[],
  rules: readonly InhibitRule[],
): boolean {
  return inhibitedBy(target, firingSources, rules) !== null;
}

function sameLabels(a: Labels, b: Labels): boolean {
  const keys = Object.keys(a);
  if (keys.length !== Object.keys(b).length) return false;
  return keys.every((k) => b[k] === a[k]);
}
