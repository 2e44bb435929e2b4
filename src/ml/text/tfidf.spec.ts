import { TfIdf } from './tfidf';

describe(TfIdf.name, () => {
  // Two documents: index 0 in both, index 1 in the first only.
  const fitted = (): TfIdf =>
    new TfIdf().fit([
      { indices: [0, 1], values: [1, 1] },
      { indices: [0], values: [3] },
    ]);

  it('smooths idf: ln((1 + N) / (1 + df)) + 1', () => {
    const sut = fitted();
    expect(sut.idf(0)).toBeCloseTo(1, 12);
    expect(sut.idf(1)).toBeCloseTo(Math.log(3 / 2) + 1, 12);
    expect(sut.idf(7)).toBeCloseTo(Math.log(3) + 1, 12);
  });

  it('weights tf sublinearly and normalises to unit length', () => {
    const x = fitted().transform({ indices: [0, 1], values: [2, 1] });
    const w0 = 1 + Math.log(2);
    const w1 = Math.log(1.5) + 1;
    const norm = Math.hypot(w0, w1);
    expect(x.indices).toEqual([0, 1]);
    expect(x.values[0]).toBeCloseTo(w0 / norm, 12);
    expect(x.values[1]).toBeCloseTo(w1 / norm, 12);
  });

  it('learns online: addDocument one by one equals fit', () => {
    const sut = new TfIdf();
    sut.addDocument({ indices: [0, 1], values: [1, 1] });
    sut.addDocument({ indices: [0], values: [3] });
    expect(sut.toState()).toEqual(fitted().toState());
  });

  it('round-trips its state and rejects a bad one', () => {
    const state = JSON.parse(JSON.stringify(fitted().toState())) as unknown;
    expect(TfIdf.fromState(state).idf(1)).toBeCloseTo(fitted().idf(1), 12);
    expect(() => TfIdf.fromState({ version: 2 })).toThrow(TypeError);
    expect(() =>
      TfIdf.fromState({ version: 1, documents: 1, indices: [0], frequencies: [2] }),
    ).toThrow(TypeError);
    expect(() =>
      TfIdf.fromState({ version: 1, documents: 1, indices: [0, 1], frequencies: [1] }),
    ).toThrow(TypeError);
  });

  it('leaves an empty vector empty', () => {
    expect(fitted().transform({ indices: [], values: [] })).toEqual({ indices: [], values: [] });
  });
});
