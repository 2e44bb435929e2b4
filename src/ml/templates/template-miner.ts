import {
  LogTokenizer,
  type MaskerName,
  MASKERS,
  PUNCT,
  TokenBuffer,
  VARIABLE,
  WORD,
} from './log-tokenizer';
import { splitRecord } from './multiline-record';
import { PatternCluster, render } from './pattern-cluster';
import { PrefixTree } from './prefix-tree';
import { templateId } from './template-id';
import { type PatternState, type TemplateMinerState, validateState } from './template-miner-state';
import { RecencyList } from './recency-list';
import { UserPattern, UserPatternSet } from './user-pattern';

export interface TemplateMinerOptions {
  /** Part of every pattern id, so ids are stable per tenant and service. */
  tenant?: string;
  service?: string;
  /** Score a line needs to join (and generalise) a template it does not fit exactly (default 0.5). */
  similarity?: number;
  /** Leading plain words that key the tree below the token count (default 2). */
  depth?: number;
  /** Children per tree node; further keys share the `<*>` child (default 64). */
  maxChildren?: number;
  /** Learned patterns kept per tree; see {@link TemplateMiner} for the eviction policy (default 5000). */
  maxPatterns?: number;
  /** Least-recently-matched patterns examined per eviction (default 8). */
  evictionScan?: number;
  maskers?: readonly MaskerName[];
  maxTokens?: number;
}

export interface TemplateMatch {
  patternId: string;
  template: string;
  /** The line's values behind each `<*>`, in order. */
  parameters: string[];
  /** The line created this pattern. */
  isNew: boolean;
  /** The pattern's template (and so its id) changed with this line; the old id is now an alias. */
  changed: boolean;
  /** With `changed`: the id the pattern had before this line (to re-key a catalogue row). */
  previousId?: string;
}

/** What {@link TemplateMiner.absorb} changed. */
export interface AbsorbResult {
  added: number;
  /** Patterns of this miner generalised like the other's: their old and new ids. */
  renamed: Array<{ previousId: string; patternId: string; template: string }>;
}

export interface TemplateMinerStats {
  patterns: number;
  userPatterns: number;
  lines: number;
  evictions: number;
}

const DEFAULTS = {
  tenant: '',
  service: '',
  similarity: 0.5,
  depth: 2,
  maxChildren: 64,
  maxPatterns: 5000,
  evictionScan: 8,
  maxTokens: 256,
};
type ResolvedOptions = typeof DEFAULTS & { maskers: readonly MaskerName[] };

/**
 * Streaming log template miner for one tenant and service.
 *
 * Drain (He et al., "Drain: An Online Log Parsing Approach with Fixed Depth Tree", ICWS 2017):
 * lines are routed by token count, then by key words, to a leaf holding a few templates; the line
 * joins the template it resembles best (score >= `similarity`), turning the positions that differ
 * into `<*>`, or starts a new template. Changes from Drain:
 * - variables are masked and punctuation is tokenised before anything else ({@link LogTokenizer});
 * - the tree keys are the first `depth` plain words: masked variables and identifier-like words
 *   (digits, dots, underscores: program names, hosts) never key it ({@link PrefixTree});
 * - a line that repeats every constant of a template fits it (score 1) however general it is;
 *   otherwise the score is the share of constants repeated, generalised positions counting against
 *   it as in Drain, so an over-generalised template stops absorbing lines;
 * - a template that generalises into one that already exists is merged into it;
 * - whitespace-separated lists of same-class variables are one parameter, so a variable-length
 *   list does not change the token count;
 * - a multi-line record is mined from its first line plus its exception type.
 *
 * Ids are {@link templateId}s of the template; when a template generalises its id changes and
 * the old one stays an alias ({@link resolve}).
 *
 * Eviction: when a tree holds `maxPatterns` learned patterns and a line needs a new one, the
 * `evictionScan` least-recently-matched unpinned patterns are examined and the one with the
 * fewest lines goes (frequency guard: a common pattern survives a quiet spell), with its aliases.
 *
 * @example
 *   const miner = new TemplateMiner({ tenant: 'acme', service: 'sshd' });
 *   miner.add('Invalid user alice from 10.0.0.1');
 *   const m = miner.add('Invalid user bob from 10.0.0.2');
 *   // m.template === 'Invalid user <*> from <*>', m.parameters === ['bob', '10.0.0.2']
 */
export class TemplateMiner {
  readonly #options: ResolvedOptions;
  readonly #tokenizer: LogTokenizer;
  readonly #buf = new TokenBuffer();
  readonly #tree: PrefixTree;
  readonly #byId = new Map<string, PatternCluster>();
  readonly #alias = new Map<string, string>();
  readonly #users = new UserPatternSet();
  readonly #recency = new RecencyList<PatternCluster>();
  #tick = 0;
  /** Similarity of the last #best: 1 means the line fits its template as is. */
  #lastSimilarity = 0;
  #seq = 0;
  #evictions = 0;

  constructor(options: TemplateMinerOptions = {}) {
    const o: ResolvedOptions = { ...DEFAULTS, maskers: MASKERS, ...stripUndefined(options) };
    if (!(o.similarity > 0 && o.similarity <= 1))
      throw new RangeError(`similarity must be in (0, 1], got ${o.similarity}`);
    for (const key of ['depth', 'maxChildren', 'maxPatterns', 'evictionScan'] as const) {
      if (!Number.isInteger(o[key]) || o[key] < (key === 'depth' ? 0 : 1)) {
        throw new RangeError(`${key} must be a positive integer, got ${o[key]}`);
      }
    }
    this.#options = o;
    this.#tree = new PrefixTree(o.depth, o.maxChildren);
    this.#tokenizer = new LogTokenizer({ maskers: o.maskers, maxTokens: o.maxTokens });
  }

  get options(): Readonly<ResolvedOptions> {
    return this.#options;
  }

  /** Mines one line (or multi-line record): the pattern it belongs to, learning from it. */
  add(line: string): TemplateMatch {
    this.#tick++;
    const buf = this.#tokenise(line);
    const user = this.#matchUser(line, buf);
    if (user) return user;
    let cluster = this.#best(buf);
    let isNew = false;
    let previousId: string | undefined;
    if (cluster === undefined) {
      cluster = this.#create(buf);
      isNew = true;
    } else if (this.#lastSimilarity < 1 && cluster.generalise(buf)) {
      previousId = cluster.id;
      cluster = this.#renamed(cluster);
    }
    cluster.count++;
    cluster.last = this.#tick;
    this.#recency.touch(cluster);
    const reported = cluster.mergedInto ?? cluster;
    const match: TemplateMatch = {
      patternId: reported.id,
      template: cluster.template,
      parameters: cluster.parameters(buf),
      isNew,
      changed: previousId !== undefined,
    };
    if (previousId !== undefined) match.previousId = previousId;
    return match;
  }

  /**
   * The pattern a line belongs to, without learning: undefined when no pattern is similar enough.
   * Parameters are the values behind the template's `<*>`; a position where the line differs from
   * a constant is not a parameter (`add` would have generalised it).
   */
  match(line: string): TemplateMatch | undefined {
    const buf = this.#tokenise(line);
    const user = this.#matchUser(line, buf, false);
    if (user) return user;
    const cluster = this.#best(buf);
    if (cluster === undefined) return undefined;
    const reported = cluster.mergedInto ?? cluster;
    return {
      patternId: reported.id,
      template: cluster.template,
      parameters: cluster.parameters(buf),
      isNew: false,
      changed: false,
    };
  }

  /**
   * Adds a user pattern (`User <*> logged in`); user patterns are tried before learning, most
   * specific (most literal tokens) first. Returns its id: `id` when given, else the template id.
   */
  addUserPattern(template: string, id?: string): string {
    this.#tokenizer.tokenize(template, this.#buf);
    const tokens = this.#buf.text.slice(0, this.#buf.length);
    const space = this.#buf.space.slice(0, this.#buf.length);
    const canonical = render(tokens, space);
    const pattern = new UserPattern(
      id ?? templateId(this.#options.tenant, this.#options.service, canonical),
      canonical,
      tokens,
    );
    this.#users.add(pattern);
    return pattern.id;
  }

  removeUserPattern(id: string): boolean {
    return this.#users.remove(id);
  }

  /** Pins a learned pattern: it never generalises further and is never evicted. */
  pin(id: string): boolean {
    const cluster = this.#cluster(id);
    if (!cluster) return false;
    cluster.pinned = true;
    return true;
  }

  /** Lets a pinned pattern generalise and be evicted again (a merged one stays pinned). */
  unpin(id: string): boolean {
    const cluster = this.#cluster(id);
    if (!cluster || cluster.mergedInto !== undefined) return false;
    if ([...this.#byId.values()].some((c) => c.mergedInto === cluster)) return false;
    cluster.pinned = false;
    return true;
  }

  /**
   * Makes `fromId` an alias of `intoId`: lines of the first pattern report the second's id from
   * now on (their template and parameters stay their own). Both are pinned, so the link survives.
   */
  merge(fromId: string, intoId: string): boolean {
    const from = this.#cluster(fromId);
    const into = this.#cluster(intoId);
    if (!from || !into) return false;
    const target = into.mergedInto ?? into;
    if (target === from) return false;
    from.mergedInto = target;
    from.pinned = true;
    target.pinned = true;
    for (const c of this.#byId.values()) if (c.mergedInto === from) c.mergedInto = target;
    return true;
  }

  /** The current id behind an id (itself, or what it generalised or was merged into); undefined if unknown. */
  resolve(id: string): string | undefined {
    if (this.#users.has(id)) return id;
    const cluster = this.#cluster(id);
    return cluster ? (cluster.mergedInto ?? cluster).id : undefined;
  }

  /** Learned patterns, newest match first. */
  patterns(): Array<{
    id: string;
    template: string;
    count: number;
    pinned: boolean;
    aliases: readonly string[];
  }> {
    const out = [];
    for (let c = this.#recency.newest; c; c = c.older) {
      out.push({
        id: c.id,
        template: c.template,
        count: c.count,
        pinned: c.pinned,
        aliases: [...c.aliases],
      });
    }
    return out;
  }

  get stats(): TemplateMinerStats {
    return {
      patterns: this.#byId.size,
      userPatterns: this.#users.size,
      lines: this.#tick,
      evictions: this.#evictions,
    };
  }

  toState(): TemplateMinerState {
    const clusters = [...this.#byId.values()].sort((a, b) => a.seq - b.seq);
    const o = this.#options;
    return {
      version: 1,
      options: {
        tenant: o.tenant,
        service: o.service,
        similarity: o.similarity,
        depth: o.depth,
        maxChildren: o.maxChildren,
        maxPatterns: o.maxPatterns,
        evictionScan: o.evictionScan,
        maxTokens: o.maxTokens,
        maskers: [...o.maskers],
      },
      tick: this.#tick,
      seq: this.#seq,
      evictions: this.#evictions,
      patterns: clusters.map((c): PatternState => {
        const s: PatternState = {
          seq: c.seq,
          tokens: c.tokens,
          kinds: c.kinds.join(''),
          space: c.space.join(''),
          path: [...c.path],
          count: c.count,
          last: c.last,
        };
        if (c.generalised > 0) s.generalised = c.generalised;
        if (c.aliases.length > 0) s.aliases = [...c.aliases];
        if (c.pinned) s.pinned = true;
        if (c.mergedInto) s.mergedInto = c.mergedInto.id;
        return s;
      }),
      users: this.#users.list(),
    };
  }

  /** Restores a miner from {@link toState}; throws TypeError when the snapshot is malformed. */
  static fromState(state: unknown): TemplateMiner {
    const s = validateState(state);
    const miner = new TemplateMiner(s.options);
    miner.#tick = s.tick;
    miner.#seq = s.seq;
    miner.#evictions = s.evictions;
    const merged: Array<[PatternCluster, string]> = [];
    for (const p of s.patterns) {
      const leaf = miner.#tree.at(p.tokens.length, p.path);
      const cluster = new PatternCluster(
        p.seq,
        [...p.tokens],
        [...p.kinds].map(Number) as PatternCluster['kinds'],
        [...p.space].map(Number),
        p.path,
        leaf,
      );
      cluster.id = templateId(s.options.tenant, s.options.service, cluster.template);
      cluster.count = p.count;
      cluster.last = p.last;
      cluster.pinned = p.pinned === true;
      cluster.generalised = p.generalised ?? 0;
      for (const a of p.aliases ?? []) {
        cluster.aliases.push(a);
        miner.#alias.set(a, cluster.id);
      }
      if (p.mergedInto !== undefined) merged.push([cluster, p.mergedInto]);
      leaf.clusters.push(cluster);
      miner.#byId.set(cluster.id, cluster);
    }
    for (const [cluster, into] of merged) cluster.mergedInto = miner.#cluster(into);
    for (const c of [...miner.#byId.values()].sort((a, b) => a.last - b.last)) {
      miner.#recency.touch(c);
    }
    for (const u of s.users) {
      miner.#tokenizer.tokenize(u.template, miner.#buf);
      const tokens = miner.#buf.text.slice(0, miner.#buf.length);
      miner.#users.add(new UserPattern(u.id, u.template, tokens), u.count);
    }
    return miner;
  }

  /**
   * Learns what another miner of the same tenant and service learned (another replica's
   * checkpoint), so replicas converge on one catalogue: a pattern this miner lacks is added (as
   * recently matched, with the other's count), and a pattern of this miner that the other has
   * since generalised is generalised the same way (its id changes, the old one stays an alias).
   * Merges, pins and user patterns are the users' decisions and are applied from the catalogue,
   * not from here. Returns how many patterns were added, and the ids that changed.
   */
  absorb(state: unknown): AbsorbResult {
    const s = validateState(state);
    const o = this.#options;
    if (s.options.tenant !== o.tenant || s.options.service !== o.service) {
      throw new RangeError(
        `cannot absorb ${s.options.tenant}/${s.options.service} into ${o.tenant}/${o.service}`,
      );
    }
    const result: AbsorbResult = { added: 0, renamed: [] };
    for (const p of s.patterns) {
      const kinds = [...p.kinds].map(Number) as PatternCluster['kinds'];
      const template = render(p.tokens, [...p.space].map(Number));
      const id = templateId(o.tenant, o.service, template);
      if (this.#cluster(id) !== undefined) continue;
      const older = (p.aliases ?? []).map((a) => this.#byId.get(a)).find((c) => c !== undefined);
      if (older !== undefined) {
        const previousId = older.id;
        if (older.generaliseLike(kinds)) {
          const survivor = this.#renamed(older);
          this.#recency.touch(survivor);
          result.renamed.push({ previousId, patternId: survivor.id, template: survivor.template });
        }
        continue;
      }
      if (this.#byId.size >= o.maxPatterns) this.#evict();
      const leaf = this.#tree.at(p.tokens.length, p.path);
      const cluster = new PatternCluster(
        ++this.#seq,
        [...p.tokens],
        kinds,
        [...p.space].map(Number),
        p.path,
        leaf,
      );
      cluster.id = id;
      cluster.count = p.count;
      cluster.last = this.#tick;
      cluster.generalised = p.generalised ?? 0;
      for (const a of p.aliases ?? []) {
        if (this.#alias.has(a) || this.#byId.has(a)) continue;
        cluster.aliases.push(a);
        this.#alias.set(a, id);
      }
      leaf.clusters.push(cluster);
      this.#byId.set(id, cluster);
      this.#recency.touch(cluster);
      result.added++;
    }
    return result;
  }

  #tokenise(line: string): TokenBuffer {
    const buf = this.#buf;
    if (line.indexOf('\n') >= 0) {
      const record = splitRecord(line);
      this.#tokenizer.tokenize(record.message, buf);
      if (record.exceptionType !== undefined) {
        buf.push('\n', PUNCT, 0, record.message.length);
        buf.push(record.exceptionType, PUNCT, 0, record.message.length);
      }
    } else {
      this.#tokenizer.tokenize(line, buf);
    }
    return buf;
  }

  #matchUser(line: string, buf: TokenBuffer, count = true): TemplateMatch | undefined {
    const hit = this.#users.size > 0 ? this.#users.match(line, buf, count) : undefined;
    if (!hit) return undefined;
    const { pattern, parameters } = hit;
    return {
      patternId: pattern.id,
      template: pattern.template,
      parameters,
      isNew: false,
      changed: false,
    };
  }

  #cluster(id: string): PatternCluster | undefined {
    return this.#byId.get(id) ?? this.#byId.get(this.#alias.get(id) ?? '');
  }

  #best(buf: TokenBuffer): PatternCluster | undefined {
    const node = this.#tree.find(buf);
    if (!node) return undefined;
    let best: PatternCluster | undefined;
    let bestSim = -1;
    const threshold = this.#options.similarity;
    for (const c of node.clusters) {
      const sim = c.similarity(buf, bestSim > threshold ? bestSim : threshold);
      if (sim > bestSim) {
        bestSim = sim;
        best = c;
        if (sim === 1) break;
      }
    }
    this.#lastSimilarity = bestSim;
    return bestSim >= threshold ? best : undefined;
  }

  #create(buf: TokenBuffer): PatternCluster {
    if (this.#byId.size >= this.#options.maxPatterns) this.#evict();
    const { leaf, path } = this.#tree.place(buf);
    const cluster = PatternCluster.fromLine(++this.#seq, buf, path, leaf);
    cluster.id = templateId(this.#options.tenant, this.#options.service, cluster.template);
    leaf.clusters.push(cluster);
    this.#byId.set(cluster.id, cluster);
    return cluster;
  }

  /** After a generalisation: new id, old id as alias; merges into a twin with the same template. */
  #renamed(cluster: PatternCluster): PatternCluster {
    const oldId = cluster.id;
    const newId = templateId(this.#options.tenant, this.#options.service, cluster.template);
    this.#byId.delete(oldId);
    const twin = this.#byId.get(newId);
    const survivor = twin ?? cluster;
    if (twin) {
      twin.count += cluster.count;
      this.#unlink(cluster);
      for (const c of this.#byId.values()) if (c.mergedInto === cluster) c.mergedInto = twin;
    } else {
      cluster.id = newId;
      this.#byId.set(newId, cluster);
    }
    for (const a of cluster.aliases) this.#alias.set(a, newId);
    if (twin) survivor.aliases.push(...cluster.aliases);
    survivor.aliases.push(oldId);
    this.#alias.set(oldId, newId);
    this.#alias.delete(newId);
    const i = survivor.aliases.indexOf(newId);
    if (i >= 0) survivor.aliases.splice(i, 1);
    return survivor;
  }

  #evict(): void {
    let victim: PatternCluster | undefined;
    let scanned = 0;
    for (let c = this.#recency.oldest; c && scanned < this.#options.evictionScan; c = c.newer) {
      if (c.pinned) continue;
      scanned++;
      if (!victim || c.count < victim.count) victim = c;
    }
    if (!victim) return;
    this.#byId.delete(victim.id);
    for (const a of victim.aliases) this.#alias.delete(a);
    this.#unlink(victim);
    this.#evictions++;
  }

  /** Removes a cluster from the tree and the recency list. */
  #unlink(cluster: PatternCluster): void {
    this.#tree.remove(cluster);
    this.#recency.remove(cluster);
  }
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

export { WORD, VARIABLE, PUNCT };
