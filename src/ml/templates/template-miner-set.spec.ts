import { TemplateMinerSet } from './template-miner-set';

describe(TemplateMinerSet.name, () => {
  it('keeps one tree per tenant and service, with ids specific to each', () => {
    const sut = new TemplateMinerSet();
    const a = sut.add('acme', 'api', 'GET /a took 12ms');
    const b = sut.add('acme', 'worker', 'GET /a took 12ms');
    const c = sut.add('globex', 'api', 'GET /a took 12ms');
    expect(new Set([a.patternId, b.patternId, c.patternId]).size).toBe(3);
    expect(sut.size).toBe(3);
    expect(sut.match('acme', 'api', 'GET /b took 13ms')?.patternId).toBe(a.patternId);
    expect(sut.match('nobody', 'api', 'GET /b took 13ms')).toBeUndefined();
  });

  it('reports counts per tree and the trees changed since the last checkpoint', () => {
    const sut = new TemplateMinerSet({ maxPatterns: 100 });
    sut.add('acme', 'api', 'started');
    sut.add('acme', 'api', 'stopped now');
    sut.add('globex', 'db', 'vacuum done');
    expect(sut.counts()).toEqual([
      { tenant: 'acme', service: 'api', patterns: 2, userPatterns: 0, lines: 2, evictions: 0 },
      { tenant: 'globex', service: 'db', patterns: 1, userPatterns: 0, lines: 1, evictions: 0 },
    ]);
    expect(sut.takeDirty()).toEqual([
      { tenant: 'acme', service: 'api' },
      { tenant: 'globex', service: 'db' },
    ]);
    sut.add('globex', 'db', 'vacuum done');
    expect(sut.takeDirty()).toEqual([{ tenant: 'globex', service: 'db' }]);
  });

  it('restores a checkpointed tree under its own key', () => {
    const sut = new TemplateMinerSet();
    const id = sut.add('acme', 'api', 'Job 1 by alice').patternId;
    const state = JSON.parse(JSON.stringify(sut.get('acme', 'api')!.toState()));
    const other = new TemplateMinerSet();
    other.restore(state);
    expect(other.match('acme', 'api', 'Job 1 by alice')?.patternId).toBe(id);
    expect(other.delete('acme', 'api')).toBe(true);
    expect(other.size).toBe(0);
  });
});
