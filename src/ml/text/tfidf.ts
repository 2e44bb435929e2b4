import type { SparseVector } from './hashed-ngrams';

/** Plain-JSON state of {@link TfIdf}: document count and the document frequency of each index. */
export interface TfIdfState {
  version: 1;
  documents: number;
  /** Indices with a non-zero document frequency, ascending. */
  indices: number[];
  frequencies: number[];
}

/**
 * TF-IDF weighting of hashed count vectors: sublinear term frequency `1 + ln(tf)`, smoothed
 * inverse document frequency `ln((1 + N) / (1 + df)) + 1` (as if one extra document contained
 * every term, so no idf is zero or infinite), then L2 normalisation, so long lines do not outweigh
 * short ones. Salton & Buckley, "Term-weighting approaches in automatic text retrieval" (1988);
 * Manning et al., "Introduction to Information Retrieval", §6.4.
 *
 * Document frequencies are learnt from a corpus (`fit`) and can keep being updated online
 * (`addDocument`), so a model that learns one example at a time keeps its weighting current.
 *
 * @example
 *   const tfidf = new TfIdf();
 *   tfidf.fit(trainingVectors);
 *   const x = tfidf.transform(countVector); // unit length
 */
export class TfIdf {
  #documents = 0;
  readonly #df = new Map<number, number>();

  /** Number of documents counted so far. */
  get documents(): number {
    return this.#documents;
  }

  /** Counts the documents of a corpus (adds to what was counted before). */
  fit(vectors: Iterable<SparseVector>): this {
    for (const v of vectors) this.addDocument(v);
    return this;
  }

  /** Counts one more document: each index present adds one to its document frequency. */
  addDocument(v: SparseVector): void {
    this.#documents++;
    for (const i of v.indices) this.#df.set(i, (this.#df.get(i) ?? 0) + 1);
  }

  /** Smoothed idf of an index; an index never seen gets the largest idf. */
  idf(index: number): number {
    return Math.log((1 + this.#documents) / (1 + (this.#df.get(index) ?? 0))) + 1;
  }

  /** The TF-IDF vector of a count vector, L2-normalised (an all-zero input stays empty). */
  transform(v: SparseVector): SparseVector {
    const n = v.indices.length;
    const values = new Array<number>(n);
    let norm = 0;
    for (let k = 0; k < n; k++) {
      const tf = v.values[k] as number;
      const w = tf > 0 ? (1 + Math.log(tf)) * this.idf(v.indices[k] as number) : 0;
      values[k] = w;
      norm += w * w;
    }
    if (norm === 0) return { indices: [], values: [] };
    const scale = 1 / Math.sqrt(norm);
    for (let k = 0; k < n; k++) values[k] = (values[k] as number) * scale;
    return { indices: v.indices.slice(), values };
  }

  toState(): TfIdfState {
    const indices = [...this.#df.keys()].sort((a, b) => a - b);
    return {
      version: 1,
      documents: this.#documents,
      indices,
      frequencies: indices.map((i) => this.#df.get(i) as number),
    };
  }

  /** Restores a state; throws TypeError when it is not a valid {@link TfIdfState}. */
  static fromState(state: unknown): TfIdf {
    const s = state as Partial<TfIdfState> | null;
    if (typeof s !== 'object' || s === null || s.version !== 1) {
      throw new TypeError('TfIdf state: expected an object with version 1');
    }
    if (!isCount(s.documents)) throw new TypeError('TfIdf state: documents must be a count');
    const { indices, frequencies } = s;
    if (!Array.isArray(indices) || !Array.isArray(frequencies)) {
      throw new TypeError('TfIdf state: indices and frequencies must be arrays');
    }
    if (indices.length !== frequencies.length) {
      throw new TypeError('TfIdf state: indices and frequencies differ in length');
    }
    const sut = new TfIdf();
    sut.#documents = s.documents;
    for (let k = 0; k < indices.length; k++) {
      const i: unknown = indices[k];
      const f: unknown = frequencies[k];
      if (!isCount(i) || !isCount(f) || f > s.documents) {
        throw new TypeError(`TfIdf state: bad entry ${k} (${String(i)}, ${String(f)})`);
      }
      sut.#df.set(i, f);
    }
    return sut;
  }
}

function isCount(x: unknown): x is number {
  return typeof x === 'number' && Number.isInteger(x) && x >= 0;
}
