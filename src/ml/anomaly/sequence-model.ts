/** A history context: how often it was seen and what followed it. */
interface Context {
  total: number;
  /** Next token id → count. */
  next: Map<number, number>;
  /** One token further back → the longer context. */
  older: Map<number, Context>;
}

/** The persisted form of a {@link SequenceModel}. */
export interface SequenceModelState {
  n: number;
  maxContexts: number;
  /** Token strings by id (ids 0 and 1 are START and END). */
  tokens: string[];
  /** Per token `[tokenId, run1, count1, run2, count2, ...]` (runs seen, sparse). */
  runs: number[][];
  /**
   * Contexts in pre-order, each `[parentIndex, token, total, next1, count1, next2, count2, ...]`
   * (the root has parent -1).
   */
  contexts: number[][];
}

/** Options of a {@link SequenceModel}. */
export interface SequenceModelOptions {
  /** n of the n-gram: a prediction looks at the last n-1 tokens (default 3). */
  n?: number;
  /** Cap on stored history contexts (default 100,000); the least-seen longest ones go first. */
  maxContexts?: number;
}

const START = '\u0002START';
/** Runs this long or longer share one histogram bucket. */
const MAX_RUN = 64;
const END = '\u0002END';

/**
 * A count-based n-gram model of which token (log pattern) follows which, in the spirit of
 * DeepLog (M. Du, F. Li, G. Zheng, V. Srikumar, "DeepLog: Anomaly Detection and Diagnosis from
 * System Logs through Deep Learning", CCS 2017), with the LSTM replaced by counts over the last
 * n-1 tokens and back-off to shorter histories when a history was never seen (Katz-style
 * back-off without discounting: we rank successors, we do not need calibrated probabilities).
 *
 * A transition is expected when the next token is among the most likely successors of its
 * history. DeepLog uses a fixed top-k (k = 9 on HDFS); the default here is adaptive instead:
 * the smallest set of successors that covers `mass` (0.995) of the history's observed
 * successors. A fixed k is too lax where a step is deterministic (it accepts a successor seen
 * once in 100,000, e.g. an anomaly that slipped into the training data) and too strict at a
 * fan-out with more than k legitimate branches; the mass cover adapts to both, and a little
 * noise in the training data (sequences.eval: 1% corrupted sessions) costs it far less recall
 * than top-9. Pass `topK` to get DeepLog's rule. A successor never seen after the history is
 * never expected.
 *
 * Sequences are wrapped in START and END tokens, so "how a session may start" and "where it
 * may stop" are transitions like any other. Runs of one token (retries) are kept as a
 * per-token histogram of run lengths; `runLength` reads it with the same probability mass.
 * Memory is bounded by `maxContexts`: when exceeded, the leaf contexts (longest histories) seen
 * least often are dropped until 90% of the cap remains; shorter histories then answer for them
 * through back-off.
 *
 * @example
 *   const model = new SequenceModel({ n: 3 });
 *   model.learn(['open', 'read', 'close']);
 *   model.isExpected(['open'], 'read'); // true
 *   model.isExpected(['open'], 'close'); // false: 'close' never followed 'open'
 */
export class SequenceModel {
  static readonly START = 0;
  static readonly END = 1;

  readonly n: number;
  readonly maxContexts: number;
  #tokens: string[] = [START, END];
  #ids = new Map<string, number>([
    [START, 0],
    [END, 1],
  ]);
  /** Per token, how many runs of length 1, 2, ..., MAX_RUN (or longer) were learned. */
  #runs = new Map<number, number[]>();
  #root: Context = newContext();
  #contextCount = 1;

  constructor(options: SequenceModelOptions = {}) {
    this.n = options.n ?? 3;
    this.maxContexts = options.maxContexts ?? 100_000;
    if (!(Number.isInteger(this.n) && this.n >= 2)) throw new RangeError(`n must be >= 2`);
    if (!(this.maxContexts >= 10)) throw new RangeError(`maxContexts must be >= 10`);
  }

  /** Number of stored history contexts. */
  get contexts(): number {
    return this.#contextCount;
  }

  /** The id of a token, interning it on first sight. */
  tokenId(token: string): number {
    let id = this.#ids.get(token);
    if (id === undefined) {
      id = this.#tokens.length;
      this.#tokens.push(token);
      this.#ids.set(token, id);
    }
    return id;
  }

  token(id: number): string {
    const t = this.#tokens[id];
    if (t === undefined) throw new RangeError(`unknown token id ${id}`);
    return t;
  }

  /** Learns a whole sequence (START and END are added), including its repeat runs. */
  learn(sequence: readonly string[]): void {
    const ids = [SequenceModel.START, ...sequence.map((t) => this.tokenId(t)), SequenceModel.END];
    let run = 0;
    for (let i = 1; i < ids.length; i++) {
      this.learnIds(ids, i, ids[i]!);
      run = ids[i] === ids[i - 1] ? run + 1 : 1;
      if (i < ids.length - 1 && ids[i + 1] !== ids[i]) this.noteRun(ids[i]!, run);
    }
  }

  /**
   * Counts `next` after the history `history[0..end)` (its last n-1 tokens), at every history
   * length from 0 to n-1.
   */
  learnIds(history: readonly number[], end: number, next: number): void {
    let ctx = this.#root;
    bump(ctx, next);
    for (let back = 1; back < this.n && end - back >= 0; back++) {
      const t = history[end - back]!;
      let older = ctx.older.get(t);
      if (!older) {
        older = newContext();
        ctx.older.set(t, older);
        this.#contextCount++;
      }
      ctx = older;
      bump(ctx, next);
    }
    if (this.#contextCount > this.maxContexts) this.#prune();
  }

  /** Records a complete run: `token` seen `run` times in a row in a normal sequence. */
  noteRun(token: number, run: number): void {
    let histogram = this.#runs.get(token);
    if (!histogram) this.#runs.set(token, (histogram = new Array<number>(MAX_RUN).fill(0)));
    histogram[Math.min(run, MAX_RUN) - 1]!++;
  }

  /**
   * The run length of `token` that covers `mass` of its learned runs (0 if never seen), so a
   * few storms in the training data do not raise the limit the way a maximum would.
   */
  runLength(token: number, mass = 0.995): number {
    const histogram = this.#runs.get(token);
    if (!histogram) return 0;
    let total = 0;
    for (const c of histogram) total += c;
    let covered = 0;
    for (let r = 0; r < MAX_RUN; r++) {
      covered += histogram[r]!;
      if (covered >= mass * total) return r + 1;
    }
    return MAX_RUN;
  }

  /** True when `next` may follow `history` (see the class comment for the rule). */
  isExpected(history: readonly string[], next: string, topK = 0, mass = 0.995): boolean {
    const ids = history.map((t) => this.#ids.get(t) ?? -1);
    return this.surprise(ids, ids.length, this.#ids.get(next) ?? -1, topK, mass) === 0;
  }

  /**
   * 0 when `next` may follow `history[0..end)`; otherwise how often the deciding history was
   * seen (>= 1, the weight of the evidence). The deciding history is the longest one seen at
   * least `minSupport` times; an unknown model expects everything.
   */
  surprise(
    history: readonly number[],
    end: number,
    next: number,
    topK = 0,
    mass = 0.995,
    minSupport = 1,
  ): number {
    const ctx = this.#context(history, end, minSupport);
    if (ctx.total === 0) return 0;
    const count = ctx.next.get(next) ?? 0;
    if (count === 0) return ctx.total;
    if (topK > 0) {
      let rank = 0;
      for (const c of ctx.next.values()) if (c > count) rank++;
      return rank < topK ? 0 : ctx.total;
    }
    if (count > (1 - mass) * ctx.total) return 0;
    let greater = 0;
    for (const c of ctx.next.values()) if (c > count) greater += c;
    return greater < mass * ctx.total ? 0 : ctx.total;
  }

  /** The `k` most likely successors of `history[0..end)`, most likely first. */
  likely(history: readonly number[], end: number, k: number, minSupport = 1): number[] {
    const ctx = this.#context(history, end, minSupport);
    return [...ctx.next.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, k)
      .map(([t]) => t);
  }

  toState(): SequenceModelState {
    const contexts: number[][] = [];
    const walk = (ctx: Context, parent: number, token: number): void => {
      const row = [parent, token, ctx.total];
      for (const [t, c] of ctx.next) row.push(t, c);
      const index = contexts.length;
      contexts.push(row);
      for (const [t, older] of ctx.older) walk(older, index, t);
    };
    walk(this.#root, -1, -1);
    return {
      n: this.n,
      maxContexts: this.maxContexts,
      tokens: [...this.#tokens],
      runs: [...this.#runs].map(([t, h]) => [t, ...h.flatMap((c, r) => (c > 0 ? [r + 1, c] : []))]),
      contexts,
    };
  }

  static fromState(state: SequenceModelState): SequenceModel {
    const model = new SequenceModel({ n: state.n, maxContexts: state.maxContexts });
    model.#tokens = [...state.tokens];
    model.#ids = new Map(state.tokens.map((t, i) => [t, i]));
    for (const [token, ...pairs] of state.runs) {
      const histogram = new Array<number>(MAX_RUN).fill(0);
      for (let i = 0; i + 1 < pairs.length; i += 2) histogram[pairs[i]! - 1] = pairs[i + 1]!;
      model.#runs.set(token!, histogram);
    }
    const nodes: Context[] = [];
    for (const row of state.contexts) {
      const ctx = nodes.length === 0 ? model.#root : newContext();
      ctx.total = row[2]!;
      for (let i = 3; i + 1 < row.length; i += 2) ctx.next.set(row[i]!, row[i + 1]!);
      if (nodes.length > 0) {
        const parent = nodes[row[0]!];
        if (!parent) throw new RangeError('sequence model state: context before its parent');
        parent.older.set(row[1]!, ctx);
      }
      nodes.push(ctx);
    }
    model.#contextCount = Math.max(1, nodes.length);
    return model;
  }

  #context(history: readonly number[], end: number, minSupport: number): Context {
    let ctx = this.#root;
    for (let back = 1; back < this.n && end - back >= 0; back++) {
      const older = ctx.older.get(history[end - back]!);
      if (!older || older.total < minSupport) break;
      ctx = older;
    }
    return ctx;
  }

  /** Drops the least-seen leaf contexts until 90% of the cap remains. */
  #prune(): void {
    const leaves: { parent: Context; token: number; total: number }[] = [];
    const walk = (ctx: Context): void => {
      for (const [t, older] of ctx.older) {
        if (older.older.size === 0) leaves.push({ parent: ctx, token: t, total: older.total });
        else walk(older);
      }
    };
    walk(this.#root);
    leaves.sort((a, b) => a.total - b.total);
    const target = Math.floor(this.maxContexts * 0.9);
    for (const leaf of leaves) {
      if (this.#contextCount <= target) break;
      leaf.parent.older.delete(leaf.token);
      this.#contextCount--;
    }
  }
}

function newContext(): Context {
  return { total: 0, next: new Map(), older: new Map() };
}

function bump(ctx: Context, next: number): void {
  ctx.total++;
  ctx.next.set(next, (ctx.next.get(next) ?? 0) + 1);
}
