import { SeededRandom } from './seeded-random';
import { SequenceModel, type SequenceModelState } from './sequence-model';

/** A small grammar: open (read | write)+ close, with an optional retry of read. */
function sentence(rng: () => number): string[] {
  const out = ['open'];
  const steps = 1 + Math.floor(rng() * 3);
  for (let i = 0; i < steps; i++) {
    if (rng() < 0.5) {
      out.push('read');
      if (rng() < 0.1) out.push('read');
    } else out.push('write');
  }
  out.push('close');
  return out;
}

function accepts(model: SequenceModel, seq: string[], topK = 0): boolean {
  const full = ['\u0002START', ...seq, '\u0002END'];
  for (let i = 1; i < full.length; i++) {
    if (!model.isExpected(full.slice(0, i), full[i]!, topK)) return false;
  }
  return true;
}

describe(SequenceModel.name, () => {
  const rng = new SeededRandom(17).next;
  const sut = new SequenceModel({ n: 3 });
  for (let i = 0; i < 2000; i++) sut.learn(sentence(rng));

  it('accepts the sequences of the grammar it learned', () => {
    for (let i = 0; i < 500; i++) expect(accepts(sut, sentence(rng))).toBe(true);
    for (let i = 0; i < 100; i++) expect(accepts(sut, sentence(rng), 9)).toBe(true);
  });

  it('flags an unseen transition, a skipped step, a dead end and a reorder', () => {
    expect(sut.isExpected(['\u0002START', 'open'], 'close')).toBe(false);
    expect(sut.isExpected(['\u0002START'], 'read')).toBe(false);
    expect(accepts(sut, ['open', 'read'])).toBe(false);
    expect(accepts(sut, ['read', 'open', 'close'])).toBe(false);
    expect(sut.isExpected(['write', 'write'], 'open')).toBe(false);
    expect(sut.isExpected(['open'], 'never-seen')).toBe(false);
  });

  it('learns how long runs of a token get, ignoring rare outliers', () => {
    expect(sut.runLength(sut.tokenId('open'))).toBe(1);
    expect(sut.runLength(sut.tokenId('nothing'))).toBe(0);
    const model = new SequenceModel();
    for (let i = 0; i < 990; i++) model.learn(['a', 'b']);
    for (let i = 0; i < 10; i++) model.learn(['a', 'b', 'b']);
    model.learn(['a', ...Array<string>(40).fill('b')]);
    expect(model.runLength(model.tokenId('b'))).toBe(2);
    expect(model.runLength(model.tokenId('b'), 0.98)).toBe(1);
    expect(model.runLength(model.tokenId('b'), 1)).toBe(40);
  });

  it('treats a successor rarer than 1 - mass as unexpected, and keeps it under top-k', () => {
    const model = new SequenceModel({ n: 2 });
    for (let i = 0; i < 5000; i++) model.learn(['a', 'b']);
    model.learn(['a', 'c']);
    expect(model.isExpected(['a'], 'b')).toBe(true);
    expect(model.isExpected(['a'], 'c')).toBe(false);
    expect(model.isExpected(['a'], 'c', 9)).toBe(true);
  });

  it('backs off to a shorter history it has seen', () => {
    const model = new SequenceModel({ n: 3 });
    model.learn(['x', 'a', 'b']);
    expect(model.isExpected(['y', 'a'], 'b')).toBe(true);
  });

  it('stays within maxContexts, dropping the least-seen long histories', () => {
    const model = new SequenceModel({ n: 3, maxContexts: 50 });
    for (let i = 0; i < 200; i++) model.learn([`t${i % 40}`, `t${(i * 7) % 40}`, 'end']);
    expect(model.contexts).toBeLessThanOrEqual(50);
    expect(model.isExpected(['t1'], 'end')).toBe(true);
  });

  it('restores exactly from its JSON state', () => {
    const restored = SequenceModel.fromState(
      JSON.parse(JSON.stringify(sut.toState())) as SequenceModelState,
    );
    expect(restored.toState()).toEqual(sut.toState());
    const probe = new SeededRandom(3).next;
    for (let i = 0; i < 50; i++) {
      const s = sentence(probe);
      restored.learn(s);
      sut.learn(s);
    }
    expect(restored.toState()).toEqual(sut.toState());
  });

  it('rejects n < 2', () => {
    expect(() => new SequenceModel({ n: 1 })).toThrow(RangeError);
  });
});
