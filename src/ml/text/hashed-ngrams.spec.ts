import { countSorted, fnv1a, HashedNgrams } from './hashed-ngrams';

describe(HashedNgrams.name, () => {
  it('computes the published FNV-1a 32-bit values', () => {
    expect(fnv1a('')).toBe(0x811c9dc5);
    expect(fnv1a('a')).toBe(0xe40c292c);
    expect(fnv1a('foobar')).toBe(0xbf9cf968);
  });

  it('continues a hash: fnv1a(b, fnv1a(a)) = fnv1a(a + b)', () => {
    expect(fnv1a('bar', fnv1a('foo'))).toBe(fnv1a('foobar'));
  });

  it('counts unigrams, pieces, extras and bigrams into sorted buckets', () => {
    const sut = new HashedNgrams({ dimension: 1 << 20 });
    const v = sut.vectorize({ words: ['disk', 'full', 'disk'], pieces: ['x'] }, ['sev:error']);
    const expected = new Map<number, number>();
    const add = (k: number): void => void expected.set(k, (expected.get(k) ?? 0) + 1);
    ['disk', 'full', 'disk', 'x', 'sev:error'].forEach((t) => add(sut.bucket(t)));
    add(sut.bigramBucket('disk', 'full'));
    add(sut.bigramBucket('full', 'disk'));
    const keys = [...expected.keys()].sort((a, b) => a - b);
    expect(v.indices).toEqual(keys);
    expect(v.values).toEqual(keys.map((k) => expected.get(k)));
    expect(v.values.reduce((a, b) => a + b, 0)).toBe(7);
  });

  it('separates a bigram from the unigram of the joined text', () => {
    const sut = new HashedNgrams({ dimension: 1 << 24 });
    expect(sut.bigramBucket('a', 'b')).not.toBe(sut.bucket('a b'));
  });

  it('adds character n-grams of short words only', () => {
    const sut = new HashedNgrams({
      dimension: 1 << 20,
      bigrams: false,
      charNgrams: { n: 3, maxTokenLength: 4 },
    });
    // '^ab$' has 2 trigrams; 'abcdef' is too long; '<num>' is a class token.
    const v = sut.vectorize({ words: ['ab', 'abcdef', '<num>'], pieces: [] });
    expect(v.values.reduce((a, b) => a + b, 0)).toBe(3 + 2);
  });

  it('rejects a dimension that is not a power of two', () => {
    expect(() => new HashedNgrams({ dimension: 1000 })).toThrow(RangeError);
    expect(() => new HashedNgrams({ dimension: 1 })).toThrow(RangeError);
  });

  it('folds equal keys into counts', () => {
    expect(countSorted([5, 1, 5, 3, 5])).toEqual({ indices: [1, 3, 5], values: [1, 1, 3] });
  });
});
