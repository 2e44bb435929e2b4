import { TemplateMiner } from './template-miner';

const identity = { tenant: 'acme', service: 'auth' };

describe(`${TemplateMiner.name}.absorb`, () => {
  it('learns the patterns another replica learned, under the same ids', () => {
    const a = new TemplateMiner(identity);
    const sut = new TemplateMiner(identity);
    const fromA = ['Disk check: sda is 91% full', 'Disk check: sdb is 93% full'].map(
      (l) => a.add(l).patternId,
    );
    sut.add('Connection from 10.0.0.1 closed');

    expect(sut.absorb(a.toState())).toEqual({ added: 1, renamed: [] });

    expect(sut.match('Disk check: sdc is 97% full')?.patternId).toBe(fromA[1]);
    expect(sut.add('Disk check: sdd is 99% full')).toMatchObject({
      patternId: fromA[1],
      isNew: false,
    });
    expect(sut.stats.patterns).toBe(2);
    // Absorbing the same state again changes nothing.
    expect(sut.absorb(a.toState())).toEqual({ added: 0, renamed: [] });
  });

  it('generalises a pattern the other replica has since generalised, keeping the old id as an alias', () => {
    const a = new TemplateMiner(identity);
    const sut = new TemplateMiner(identity);
    const specific = a.add('Session opened for alice from the console').patternId;
    sut.absorb(a.toState());
    expect(sut.match('Session opened for alice from the console')?.patternId).toBe(specific);

    const general = a.add('Session opened for bob from the console');
    expect(general.changed).toBe(true);
    expect(sut.absorb(a.toState())).toEqual({
      added: 0,
      renamed: [
        {
          previousId: specific,
          patternId: general.patternId,
          template: 'Session opened for <*> from the console',
        },
      ],
    });

    expect(sut.resolve(specific)).toBe(general.patternId);
    expect(sut.add('Session opened for carol from the console')).toMatchObject({
      patternId: general.patternId,
      template: 'Session opened for <*> from the console',
      parameters: ['carol'],
      isNew: false,
    });
    expect(sut.patterns().find((p) => p.id === general.patternId)?.aliases).toEqual([specific]);
  });

  it('converges: two replicas that exchange snapshots report the same id for every line', () => {
    const a = new TemplateMiner(identity);
    const b = new TemplateMiner(identity);
    const lines = Array.from({ length: 300 }, (_, i) =>
      i % 3 === 0
        ? `Job ${i} started by worker-${i % 7}`
        : i % 3 === 1
          ? `Cache miss for key user:${i} after ${i % 40} ms`
          : `Request ${i} finished with status ${200 + (i % 3)}`,
    );
    lines.forEach((line, i) => (i % 2 === 0 ? a : b).add(line));
    b.absorb(a.toState());
    a.absorb(b.toState());
    for (const line of lines) {
      expect(a.resolve(a.match(line)!.patternId)).toBe(b.resolve(b.match(line)!.patternId));
    }
  });

  it('refuses the state of another tenant or service, and a malformed state', () => {
    const sut = new TemplateMiner(identity);
    const other = new TemplateMiner({ tenant: 'acme', service: 'billing' });
    expect(() => sut.absorb(other.toState())).toThrow(RangeError);
    expect(() => sut.absorb({ version: 2 })).toThrow(TypeError);
  });
});
