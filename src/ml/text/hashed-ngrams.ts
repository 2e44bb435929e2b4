import type { LogTextTokens } from './log-text-tokenizer';

/**
 * A sparse vector: strictly increasing `indices` with their (non-zero) `values`, same length.
 * Plain arrays, so a vector can be stored as JSON as it is.
 */
export interface SparseVector {
  indices: number[];
  values: number[];
}

/**
 * FNV-1a (Fowler, Noll, Vo) over the UTF-16 code units of `text`, continuing from `hash`, so a
 * bigram is hashed without building the joined string. Each code unit is folded in as two bytes.
 *
 * @example
 *   fnv1a('a') === fnv1a('a', FNV_OFFSET); // 32-bit unsigned
 */
export function fnv1a(text: string, hash = FNV_OFFSET): number {
  let h = hash;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    h = Math.imul(h ^ (c & 0xff), FNV_PRIME);
    if (c > 0xff) h = Math.imul(h ^ (c >>> 8), FNV_PRIME);
  }
  return h >>> 0;
}

/** FNV-1a 32-bit offset basis and prime. */
export const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

/**
 * MurmurHash3's 32-bit finaliser: FNV's low bits are weak for short keys, and the bucket is taken
 * from the low bits, so they are mixed first.
 */
export function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

export interface HashedNgramsOptions {
  /** Number of buckets, a power of two (default 2^18). */
  dimension?: number;
  /** Add bigrams of consecutive words (default true). */
  bigrams?: boolean;
  /**
   * Character n-grams of words no longer than `maxTokenLength` (default: none): they let
   * `refused`/`refusing` share features. `n` is the gram length.
   */
  charNgrams?: { n: number; maxTokenLength: number } | null;
}

/** Separate hash namespaces, so that a unigram, a bigram and a char n-gram never share a key. */
const UNIGRAM_SEED = FNV_OFFSET;
const BIGRAM_SEED = fnv1a('\u0001bigram');
const CHAR_SEED = fnv1a('\u0002char');
const JOIN = '\u001f';

/**
 * The hashing trick (Weinberger et al., "Feature Hashing for Large Scale Multitask Learning",
 * ICML 2009): word unigrams, bigrams of consecutive words and optional character n-grams, each
 * hashed into a fixed number of buckets, so the vocabulary needs no dictionary and a model's size
 * is bounded whatever a tenant logs. Values are counts; collisions add up.
 *
 * @example
 *   const hasher = new HashedNgrams({ dimension: 1 << 18 });
 *   const v = hasher.vectorize(new LogTextTokenizer().tokenize('disk full on /var'));
 *   // v.indices sorted ascending, v.values the counts
 */
export class HashedNgrams {
  readonly dimension: number;
  readonly bigrams: boolean;
  readonly charNgrams: { n: number; maxTokenLength: number } | null;
  readonly #mask: number;
  readonly #keys: number[] = [];

  constructor(options: HashedNgramsOptions = {}) {
    const dimension = options.dimension ?? 1 << 18;
    if (!Number.isInteger(dimension) || dimension < 2 || dimension > 2 ** 30) {
      throw new RangeError(`dimension must be an integer in [2, 2^30], got ${dimension}`);
    }
    if ((dimension & (dimension - 1)) !== 0) {
      throw new RangeError(`dimension must be a power of two, got ${dimension}`);
    }
    const char = options.charNgrams ?? null;
    if (
      char !== null &&
      !(Number.isInteger(char.n) && char.n >= 2 && Number.isInteger(char.maxTokenLength))
    ) {
      throw new RangeError(`charNgrams needs an integer n >= 2 and an integer maxTokenLength`);
    }
    this.dimension = dimension;
    this.bigrams = options.bigrams ?? true;
    this.charNgrams = char;
    this.#mask = dimension - 1;
  }

  /** The bucket of one unigram (exposed so that tests and explanations can find a feature). */
  bucket(term: string): number {
    return fmix32(fnv1a(term, UNIGRAM_SEED)) & this.#mask;
  }

  /** The bucket of the bigram `a b`. */
  bigramBucket(a: string, b: string): number {
    return fmix32(fnv1a(b, fnv1a(JOIN, fnv1a(a, BIGRAM_SEED)))) & this.#mask;
  }

  /** Counts of the hashed n-grams of `tokens` (plus any `extra` unigrams, e.g. `sev:error`). */
  vectorize(tokens: LogTextTokens, extra: readonly string[] = []): SparseVector {
    const keys = this.#keys;
    keys.length = 0;
    const { words, pieces } = tokens;
    for (const w of words) keys.push(this.bucket(w));
    for (const p of pieces) keys.push(this.bucket(p));
    for (const e of extra) keys.push(this.bucket(e));
    if (this.bigrams) {
      for (let i = 1; i < words.length; i++) {
        keys.push(this.bigramBucket(words[i - 1] as string, words[i] as string));
      }
    }
    const char = this.charNgrams;
    if (char !== null) {
      for (const w of words) {
        if (w.length > char.maxTokenLength || w.startsWith('<')) continue;
        const padded = `^${w}$`;
        for (let i = 0; i + char.n <= padded.length; i++) {
          keys.push(fmix32(fnv1a(padded.slice(i, i + char.n), CHAR_SEED)) & this.#mask);
        }
      }
    }
    return countSorted(keys);
  }
}

/** Sorts the keys (in place) and folds equal ones into counts. */
export function countSorted(keys: number[]): SparseVector {
  keys.sort((a, b) => a - b);
  const indices: number[] = [];
  const values: number[] = [];
  for (const k of keys) {
    const last = indices.length - 1;
    if (last >= 0 && indices[last] === k) values[last] = (values[last] as number) + 1;
    else {
      indices.push(k);
      values.push(1);
    }
  }
  return { indices, values };
}
