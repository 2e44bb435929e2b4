import { readFileSync } from 'node:fs';

import { TemplateMiner, type TemplateMinerOptions } from './template-miner';

const LOGHUB = '/work/shared/datasets/loghub';

/** A corpus with known structure: the four loghub samples when present, else synthetic lines. */
function corpus(): string[] {
  try {
    return ['HDFS', 'Apache', 'OpenSSH', 'Linux'].flatMap((s) =>
      readFileSync(`${LOGHUB}/${s}/${s}_2k.log`, 'utf8').split('\n').filter(Boolean),
    );
  } catch {
    return Array.from({ length: 4000 }, (_, i) =>
      i % 3 === 0
        ? `Job ${i} started by user${i % 17}x`
        : i % 3 === 1
          ? `disk ${i % 5} at ${i}% on host-${i}`
          : `login of u${i % 11}z ok`,
    );
  }
}

function run(miner: TemplateMiner, lines: readonly string[]): string[] {
  return lines.map((l) => {
    const m = miner.add(l);
    return `${m.patternId}|${m.template}|${m.parameters.join('\u0001')}|${m.isNew}|${m.changed}`;
  });
}

describe('TemplateMiner snapshots', () => {
  const lines = corpus();

  it.each<[string, TemplateMinerOptions]>([
    ['default options', { tenant: 'acme', service: 'mixed' }],
    [
      'a tight cap that evicts',
      { tenant: 'acme', service: 'mixed', maxPatterns: 40, maxChildren: 4 },
    ],
  ])(
    'mine half, snapshot through JSON, restore, mine the rest = one uninterrupted run (%s)',
    (_name, options) => {
      for (const cut of [1, Math.floor(lines.length / 3), Math.floor(lines.length / 2)]) {
        const first = new TemplateMiner(options);
        first.addUserPattern('Invalid user <*> from <*>');
        const head = run(first, lines.slice(0, cut));
        const restored = TemplateMiner.fromState(JSON.parse(JSON.stringify(first.toState())));
        const tail = run(restored, lines.slice(cut));

        const reference = new TemplateMiner(options);
        reference.addUserPattern('Invalid user <*> from <*>');
        expect([...head, ...tail]).toEqual(run(reference, lines));
        expect(restored.toState()).toEqual(reference.toState());
        expect(restored.stats).toEqual(reference.stats);
        if (options.maxPatterns === 40) expect(reference.stats.evictions).toBeGreaterThan(0);
      }
    },
  );

  it('keeps aliases, pins and merges across a snapshot', () => {
    const sut = new TemplateMiner();
    const old = sut.add('Job 1 started by alice').patternId;
    const current = sut.add('Job 2 started by bob').patternId;
    const other = sut.add('cache lookup failed').patternId;
    sut.merge(other, current);
    const restored = TemplateMiner.fromState(JSON.parse(JSON.stringify(sut.toState())));
    expect(restored.resolve(old)).toBe(current);
    expect(restored.resolve(other)).toBe(current);
    expect(restored.add('cache lookup failed').patternId).toBe(current);
  });

  it.each<[string, unknown]>([
    ['null', null],
    ['a wrong version', { version: 2 }],
    [
      'a pattern with mismatched kinds',
      {
        version: 1,
        options: {
          tenant: '',
          service: '',
          similarity: 0.5,
          depth: 2,
          maxChildren: 64,
          maxPatterns: 10,
          evictionScan: 8,
          maxTokens: 256,
          maskers: ['number'],
        },
        tick: 1,
        seq: 1,
        evictions: 0,
        patterns: [
          { seq: 1, tokens: ['a', 'b'], kinds: '0', space: '00', path: [], count: 1, last: 1 },
        ],
        users: [],
      },
    ],
  ])('rejects a malformed snapshot (%s) with a TypeError', (_name, state) => {
    expect(() => TemplateMiner.fromState(state)).toThrow(TypeError);
  });
});
