import type { AlertRuleRow } from '../alerting.types';
import { type AnomalyChange, compare, ruleMatches } from './rule-matching';
import { PatternWeights } from './rule-weights';

const rule = (condition: AlertRuleRow['condition'], weight = 1): AlertRuleRow => ({
  id: 'r1',
  name: 'rule',
  kind: condition.kind,
  enabled: true,
  severity: 'warning',
  labels: {},
  annotations: {},
  forMs: 0,
  condition,
  route: {
    channelIds: [],
    groupBy: ['service'],
    groupWaitMs: 0,
    groupIntervalMs: 60_000,
    repeatIntervalMs: 3_600_000,
  },
  weight,
  createdAt: new Date(0),
  updatedAt: new Date(0),
});

const change = (overrides: Partial<AnomalyChange> = {}): AnomalyChange => ({
  tenantId: 't',
  anomalyId: 'a1',
  type: 'opened',
  service: 'checkout',
  kind: 'pattern_rate',
  kinds: ['pattern_rate'],
  score: 0.9,
  status: 'open',
  startedAt: new Date(0).toISOString(),
  endedAt: null,
  detectedAt: new Date(0).toISOString(),
  explanation: 'Payment declined rose to 40/min',
  patternIds: ['p1'],
  ...overrides,
});

describe(ruleMatches.name, () => {
  it('matches an anomaly rule on kind, service and minimum score', () => {
    const r = rule({
      kind: 'anomaly',
      kinds: ['pattern_rate'],
      minScore: 0.8,
      services: ['checkout'],
    });
    expect(ruleMatches(r, change())).toBe(true);
    expect(ruleMatches(r, change({ kinds: ['new_pattern'] }))).toBe(false);
    expect(ruleMatches(r, change({ service: 'search' }))).toBe(false);
    expect(ruleMatches(r, change({ score: 0.7 }))).toBe(false);
  });

  it('weighs the score by the rule’s weight and its pattern’s feedback weight', () => {
    const r = rule({ kind: 'anomaly', minScore: 0.6 });
    // 0.9 × 0.8 = 0.72: still over 0.6.
    const once = new PatternWeights([{ ruleId: 'r1', patternId: 'p1', notUseful: 1, useful: 0 }]);
    expect(ruleMatches(r, change(), once)).toBe(true);
    // 0.9 × 0.64 = 0.576: no longer.
    const twice = new PatternWeights([{ ruleId: 'r1', patternId: 'p1', notUseful: 2, useful: 0 }]);
    expect(ruleMatches(r, change(), twice)).toBe(false);
    // Another pattern of the same rule is untouched.
    expect(ruleMatches(r, change({ patternIds: ['p2'] }), twice)).toBe(true);
    // The rule's own weight multiplies in: 0.9 × 0.6 = 0.54.
    expect(ruleMatches(rule({ kind: 'anomaly', minScore: 0.6 }, 0.6), change())).toBe(false);
  });

  it('lets a rule without a minimum score see every anomaly, whatever the feedback', () => {
    const heavy = new PatternWeights([{ ruleId: 'r1', patternId: 'p1', notUseful: 9, useful: 0 }]);
    expect(ruleMatches(rule({ kind: 'anomaly' }), change(), heavy)).toBe(true);
  });

  it('matches a pattern rule on new patterns only, by id or template text', () => {
    const byText = rule({ kind: 'pattern', templateContains: 'declined' });
    expect(ruleMatches(byText, change({ kinds: ['new_pattern'] }))).toBe(true);
    expect(ruleMatches(byText, change())).toBe(false);
    const byId = rule({ kind: 'pattern', patternId: 'p2' });
    expect(ruleMatches(byId, change({ kinds: ['new_pattern'] }))).toBe(false);
  });

  it('never matches anomalies for log-query and forecast rules', () => {
    const q = rule({ kind: 'log_query', query: 'x', windowMs: 60_000, op: '>', threshold: 1 });
    expect(ruleMatches(q, change())).toBe(false);
  });
});

describe(compare.name, () => {
  it('compares with each operator', () => {
    expect([compare(2, '>', 1), compare(1, '>', 1), compare(1, '>=', 1)]).toEqual([
      true,
      false,
      true,
    ]);
    expect([compare(0, '<', 1), compare(1, '<', 1), compare(1, '<=', 1)]).toEqual([
      true,
      false,
      true,
    ]);
  });
});
