import { AlertingError } from '../alerting.errors';
import {
  checkEqual,
  checkForSeconds,
  checkLabels,
  checkMatchers,
  checkName,
  checkRepeat,
  toCondition,
  toLevels,
  toRoute,
  toWeekly,
} from './alert-config.validation';

const CHANNEL = '0b0e5a2c-6a43-4a7e-9d0c-7a4c0b9d2f11';

function codeOf(work: () => unknown): string {
  try {
    work();
    return 'OK';
  } catch (err) {
    if (err instanceof AlertingError) return err.code;
    throw err;
  }
}

describe('alerting configuration validation', () => {
  describe(toCondition.name, () => {
    it('builds each kind of the union, seconds turned into ms', () => {
      expect(
        toCondition({ kind: 'anomaly', detectorKinds: ['error_surge'], minScore: 0.7 }),
      ).toEqual({ kind: 'anomaly', kinds: ['error_surge'], minScore: 0.7 });
      expect(
        toCondition({
          kind: 'log_query',
          query: 'level:error service:(api OR worker)',
          services: ['api', 'api'],
          windowSeconds: 300,
          op: '>=',
          threshold: 5,
        }),
      ).toEqual({
        kind: 'log_query',
        query: 'level:error service:(api OR worker)',
        services: ['api'],
        windowMs: 300_000,
        op: '>=',
        threshold: 5,
      });
      expect(toCondition({ kind: 'pattern', templateContains: ' timeout ' })).toEqual({
        kind: 'pattern',
        templateContains: 'timeout',
      });
      expect(
        toCondition({
          kind: 'forecast',
          service: 'db',
          metric: 'error_rate',
          op: '>',
          threshold: 0.9,
          withinSeconds: 3600,
        }),
      ).toEqual({
        kind: 'forecast',
        service: 'db',
        metric: 'error_rate',
        op: '>',
        threshold: 0.9,
        withinMs: 3_600_000,
      });
    });

    it('refuses a forecast metric it cannot forecast', () => {
      expect(() =>
        toCondition({
          kind: 'forecast',
          service: 'db',
          metric: 'disk',
          op: '>',
          threshold: 0.9,
          withinSeconds: 3600,
        }),
      ).toThrow('metric must be one of volume error_rate');
    });

    it('refuses a query that does not parse, with the parser’s position', () => {
      expect(() =>
        toCondition({
          kind: 'log_query',
          query: 'level:(error',
          windowSeconds: 60,
          op: '>',
          threshold: 1,
        }),
      ).toThrow(/query: .* at line 1, column/);
    });

    it.each([
      [{ kind: 'nope' }],
      [{ kind: 'anomaly', detectorKinds: ['made_up'] }],
      [{ kind: 'anomaly', minScore: 1.5 }],
      [{ kind: 'log_query', query: 'x', windowSeconds: 30, op: '>', threshold: 1 }],
      [{ kind: 'log_query', query: 'x', windowSeconds: 60, op: '=', threshold: 1 }],
      [{ kind: 'log_query', query: ' ', windowSeconds: 60, op: '>', threshold: 1 }],
      [
        {
          kind: 'forecast',
          service: 'db',
          metric: 'disk',
          op: '>=',
          threshold: 1,
          withinSeconds: 60,
        },
      ],
      [{ kind: 'forecast', service: 'db', op: '>', threshold: 1, withinSeconds: 60 }],
    ])('refuses %j as INVALID_ARGUMENT', (input) => {
      expect(codeOf(() => toCondition(input))).toBe('INVALID_ARGUMENT');
    });
  });

  describe(toRoute.name, () => {
    it('applies the Alertmanager defaults (30 s, 5 min, 4 h)', () => {
      expect(toRoute({ channelIds: [CHANNEL] })).toEqual({
        channelIds: [CHANNEL],
        groupBy: [],
        groupWaitMs: 30_000,
        groupIntervalMs: 300_000,
        repeatIntervalMs: 14_400_000,
      });
    });

    it('accepts grouping by every label, refuses bad labels, ids and empty routes', () => {
      expect(toRoute({ channelIds: [CHANNEL], groupBy: ['...'] }).groupBy).toEqual(['...']);
      expect(codeOf(() => toRoute({ channelIds: [CHANNEL], groupBy: ['a-b'] }))).toBe(
        'INVALID_ARGUMENT',
      );
      expect(codeOf(() => toRoute({ channelIds: ['not-a-uuid'] }))).toBe('INVALID_ARGUMENT');
      expect(codeOf(() => toRoute({ channelIds: [] }))).toBe('INVALID_ARGUMENT');
      expect(codeOf(() => toRoute({ channelIds: [], policyId: CHANNEL }))).toBe('OK');
      expect(codeOf(() => toRoute({ channelIds: [CHANNEL], repeatIntervalSeconds: 10 }))).toBe(
        'INVALID_ARGUMENT',
      );
    });
  });

  describe(toLevels.name, () => {
    it('keeps 1-10 levels with timeouts from 60 s to 24 h, in ms', () => {
      expect(toLevels([{ channelIds: [CHANNEL], timeoutSeconds: 60 }])).toEqual([
        { channelIds: [CHANNEL], timeoutMs: 60_000 },
      ]);
      const level = { channelIds: [CHANNEL], timeoutSeconds: 86_400 };
      expect(toLevels(Array(10).fill(level))).toHaveLength(10);
      expect(codeOf(() => toLevels(Array(11).fill(level)))).toBe('INVALID_ARGUMENT');
      expect(codeOf(() => toLevels([]))).toBe('INVALID_ARGUMENT');
      expect(codeOf(() => toLevels([{ channelIds: [CHANNEL], timeoutSeconds: 59 }]))).toBe(
        'INVALID_ARGUMENT',
      );
      expect(codeOf(() => toLevels([{ channelIds: [CHANNEL], timeoutSeconds: 86_401 }]))).toBe(
        'INVALID_ARGUMENT',
      );
      expect(codeOf(() => toLevels([{ channelIds: [], timeoutSeconds: 60 }]))).toBe(
        'INVALID_ARGUMENT',
      );
    });

    it('pages people through an e-mail channel: members, or a rotation with its shifts', () => {
      const ADA = '0a0a0a0a-0000-4000-8000-000000000001';
      const GRACE = '0a0a0a0a-0000-4000-8000-000000000002';
      const startsAt = '2026-11-23T09:00:00Z';
      expect(
        toLevels([
          {
            timeoutSeconds: 300,
            userIds: [ADA],
            rotation: { userIds: [GRACE, ADA], shiftHours: 168, startsAt },
            emailChannelId: CHANNEL,
          },
        ]),
      ).toEqual([
        {
          channelIds: [],
          timeoutMs: 300_000,
          userIds: [ADA],
          rotation: {
            userIds: [GRACE, ADA],
            shiftMs: 168 * 3_600_000,
            startsAt: Date.parse(startsAt),
          },
          emailChannelId: CHANNEL,
        },
      ]);
      const bad = (level: Parameters<typeof toLevels>[0][number]) =>
        codeOf(() => toLevels([level]));
      expect(bad({ timeoutSeconds: 300, userIds: [ADA] })).toBe('INVALID_ARGUMENT'); // no e-mail channel
      expect(bad({ timeoutSeconds: 300, userIds: ['ada'], emailChannelId: CHANNEL })).toBe(
        'INVALID_ARGUMENT',
      );
      const rotation = { userIds: [ADA], shiftHours: 0, startsAt };
      expect(bad({ timeoutSeconds: 300, rotation, emailChannelId: CHANNEL })).toBe(
        'INVALID_ARGUMENT',
      );
      expect(
        bad({
          timeoutSeconds: 300,
          rotation: { ...rotation, shiftHours: 8, startsAt: 'soon' },
          emailChannelId: CHANNEL,
        }),
      ).toBe('INVALID_ARGUMENT');
      expect(bad({ timeoutSeconds: 300, emailChannelId: CHANNEL })).toBe('INVALID_ARGUMENT'); // nobody
    });

    it('bounds repeat to 0-10', () => {
      expect(checkRepeat(undefined)).toBe(0);
      expect(codeOf(() => checkRepeat(11))).toBe('INVALID_ARGUMENT');
    });
  });

  it('checks labels, annotations, names, for and equal', () => {
    expect(checkLabels('labels', { team: 'api' })).toEqual({ team: 'api' });
    expect(checkLabels('annotations', { 'runbook url': 'https://x' })).toEqual({
      'runbook url': 'https://x',
    });
    expect(codeOf(() => checkLabels('labels', { 'a-b': 'x' }))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => checkLabels('labels', { a: 1 }))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => checkLabels('labels', ['a']))).toBe('INVALID_ARGUMENT');
    expect(checkName('  ops  ', 100)).toBe('ops');
    expect(codeOf(() => checkName(' ', 100))).toBe('INVALID_ARGUMENT');
    expect(checkForSeconds(null)).toBe(0);
    expect(codeOf(() => checkForSeconds(1.5))).toBe('INVALID_ARGUMENT');
    expect(checkEqual(['service', 'service'])).toEqual(['service']);
    expect(codeOf(() => checkEqual(['a.b']))).toBe('INVALID_ARGUMENT');
  });

  it('parses matchers and weekly windows', () => {
    expect(checkMatchers('m', 'service="api"')).toEqual([
      { name: 'service', op: '=', value: 'api' },
    ]);
    expect(codeOf(() => checkMatchers('m', 'service'))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => checkMatchers('m', '{}'))).toBe('INVALID_ARGUMENT');
    expect(toWeekly({ days: [6, 0, 6], start: '22:00', end: '02:00' })).toEqual({
      days: [0, 6],
      start: '22:00',
      end: '02:00',
    });
    expect(codeOf(() => toWeekly({ days: [], start: '22:00', end: '02:00' }))).toBe(
      'INVALID_ARGUMENT',
    );
    expect(codeOf(() => toWeekly({ days: [1], start: '24:00', end: '02:00' }))).toBe(
      'INVALID_ARGUMENT',
    );
  });
});
