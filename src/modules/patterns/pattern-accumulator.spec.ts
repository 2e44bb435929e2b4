import { SubjectMatcher } from '../../common/privacy/subject-matcher';
import {
  countValue,
  emptyParamStats,
  MAX_EXAMPLES,
  MAX_TOP_VALUES,
  mergeParamStats,
  PatternAccumulator,
} from './pattern-accumulator';
import { eraseFromStats } from './patterns-erasure.participant';

const T1 = '00000000-0000-4000-8000-000000000001';
const T2 = '00000000-0000-4000-8000-000000000002';
const HOUR = 3_600_000;
const BASE = Date.UTC(2026, 10, 26, 10, 0, 0);

describe(PatternAccumulator.name, () => {
  let sut: PatternAccumulator;
  beforeEach(() => {
    sut = new PatternAccumulator();
  });

  it('sums records per tenant and pattern, with hourly counts, time bounds and a few examples', () => {
    for (let i = 0; i < 8; i++) {
      sut.add(T1, 'api', 'p1', 'GET <*>', [`/u/${i}`], BASE + i * 20 * 60_000, `GET /u/${i}`);
    }
    sut.add(T2, 'api', 'p1', 'GET <*>', ['/x'], BASE, 'GET /x');
    const { deltas, rekeys } = sut.take();
    expect(rekeys).toEqual([]);
    expect(deltas).toHaveLength(2);
    const d = deltas.find((x) => x.tenantId === T1)!;
    expect(d).toMatchObject({ count: 8, firstSeen: BASE, lastSeen: BASE + 7 * 20 * 60_000 });
    expect([...d.hours]).toEqual([
      [BASE, 3],
      [BASE + HOUR, 3],
      [BASE + 2 * HOUR, 2],
    ]);
    expect(d.examples).toEqual(['GET /u/0', 'GET /u/1', 'GET /u/2', 'GET /u/3', 'GET /u/4']);
    expect(d.examples).toHaveLength(MAX_EXAMPLES);
    expect(deltas.find((x) => x.tenantId === T2)?.count).toBe(1);
    expect(sut.take().deltas).toEqual([]);
  });

  it('keeps per-position value counts and a numeric summary that agree with a batch count', () => {
    const values = [5, 7, 5, 9, 5, 1].map(String);
    for (const v of values) sut.add(T1, 's', 'p', 'took <*> ms', [v], BASE, `took ${v} ms`);
    const [stats] = sut.take().deltas[0]!.params;
    expect(stats?.top).toEqual({ '5': 3, '7': 1, '9': 1, '1': 1 });
    expect(stats?.numeric?.count).toBe(6);
    expect(stats?.numeric?.min).toBe(1);
    expect(stats?.numeric?.max).toBe(9);
    expect(stats!.numeric!.sum / stats!.numeric!.count).toBeCloseTo(32 / 6, 12);
  });

  it('moves what was summed under an old id to the new one and remembers the re-key', () => {
    sut.add(T1, 's', 'old', 'a b <*>', ['1'], BASE, 'a b 1');
    sut.add(T1, 's', 'new', 'a <*> <*>', ['c', '2'], BASE + 1, 'a c 2');
    sut.rekey(T1, 's', 'old', 'new', 'a <*> <*>');
    const { deltas, rekeys } = sut.take();
    expect(rekeys).toEqual([
      { tenantId: T1, service: 's', from: 'old', to: 'new', template: 'a <*> <*>' },
    ]);
    expect(deltas).toHaveLength(1);
    expect(deltas[0]).toMatchObject({
      id: 'new',
      count: 2,
      examples: ['a c 2', 'a b 1'],
      aliases: ['old'],
      firstSeen: BASE,
      lastSeen: BASE + 1,
    });
    // Positions of the old template do not line up with the new one: only the new ones count.
    expect(deltas[0]!.params.map((p) => p.top)).toEqual([{ c: 1 }, { '2': 1 }]);
  });

  it('re-keys a pattern that has no counts yet in this batch, and chains re-keys', () => {
    sut.add(T1, 's', 'a', 'x <*>', ['1'], BASE, 'x 1');
    sut.rekey(T1, 's', 'a', 'b', 'x <*> y');
    sut.rekey(T1, 's', 'b', 'c', '<*>');
    sut.rekey(T1, 's', 'z', 'c', '<*>');
    const { deltas, rekeys } = sut.take();
    expect(rekeys.map((r) => `${r.from}>${r.to}`)).toEqual(['a>b', 'b>c', 'z>c']);
    expect(deltas).toHaveLength(1);
    expect(deltas[0]).toMatchObject({ id: 'c', count: 1, aliases: ['a', 'b', 'z'] });
  });

  it('forgets a tenant without touching the others', () => {
    sut.add(T1, 's', 'p', 't', [], BASE, 't');
    sut.add(T2, 's', 'p', 't', [], BASE, 't');
    sut.rekey(T1, 's', 'q', 'p', 't');
    sut.dropTenant(T1);
    const { deltas, rekeys } = sut.take();
    expect(deltas.map((d) => d.tenantId)).toEqual([T2]);
    expect(rekeys).toEqual([]);
  });
});

describe('parameter statistics', () => {
  it('counts at most MAX_TOP_VALUES distinct values, the rest as other', () => {
    const stats = emptyParamStats();
    for (let i = 0; i < MAX_TOP_VALUES + 5; i++) countValue(stats, `v${i}`, 1);
    countValue(stats, 'v0', 2);
    expect(Object.keys(stats.top)).toHaveLength(MAX_TOP_VALUES);
    expect(stats.top.v0).toBe(3);
    expect(stats.other).toBe(5);
    expect(stats.numeric).toBeNull();
  });

  it('merges two summaries as if the values had been counted together', () => {
    const a = emptyParamStats();
    const b = emptyParamStats();
    const all = emptyParamStats();
    for (const v of ['1', '2', 'x']) {
      countValue(a, v, 1);
      countValue(all, v, 1);
    }
    for (const v of ['2', '10', 'x', 'x']) {
      countValue(b, v, 1);
      countValue(all, v, 1);
    }
    expect(mergeParamStats(a, b)).toEqual(all);
  });

  it('replaces a data subject’s values, folding their counts into [erased]', () => {
    const stats = emptyParamStats();
    countValue(stats, 'u-4711', 3);
    countValue(stats, 'mail u-4711 sent', 1);
    countValue(stats, 'u-5000', 2);
    const matcher = new SubjectMatcher({ emails: [], userIds: ['u-4711'], ips: [], values: [] });
    const { stats: erased, hits } = eraseFromStats(stats, matcher);
    expect(hits).toBe(2);
    expect(erased.top).toEqual({ '[erased]': 3, 'mail [erased] sent': 1, 'u-5000': 2 });
  });
});
