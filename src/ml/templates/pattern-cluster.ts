import { PUNCT, type TokenBuffer, type TokenKind, VARIABLE, WORD } from './log-tokenizer';
import { WILDCARD } from './user-pattern';

/** A node of the prefix tree: children by key token, and the patterns of a leaf. */
export class TreeNode {
  readonly children = new Map<string, TreeNode>();
  readonly clusters: PatternCluster[] = [];

  constructor(
    readonly parent: TreeNode | undefined,
    readonly key: string,
  ) {}
}

/**
 * One learned pattern: its template tokens (a wildcard is `<*>` with kind VARIABLE), where it
 * sits in the tree, its counts and its place in the least-recently-matched list.
 */
export class PatternCluster {
  id = '';
  template = '';
  count = 0;
  /** Tick of the last line matched (the miner's line counter). */
  last = 0;
  pinned = false;
  mergedInto: PatternCluster | undefined;
  /** Ids this pattern had before it generalised, or of patterns merged into it. */
  readonly aliases: string[] = [];
  /** Number of constant (WORD) positions. */
  constants = 0;
  /** Positions that became `<*>` by generalisation (not masked in the first line). */
  generalised = 0;
  newer: PatternCluster | undefined;
  older: PatternCluster | undefined;

  constructor(
    readonly seq: number,
    readonly tokens: string[],
    readonly kinds: TokenKind[],
    readonly space: number[],
    readonly path: readonly string[],
    public leaf: TreeNode,
  ) {
    for (const k of kinds) if (k === WORD) this.constants++;
    this.template = render(tokens, space);
  }

  static fromLine(
    seq: number,
    buf: TokenBuffer,
    path: readonly string[],
    leaf: TreeNode,
  ): PatternCluster {
    const n = buf.length;
    const tokens = new Array<string>(n);
    const kinds = new Array<TokenKind>(n);
    const space = new Array<number>(n);
    for (let i = 0; i < n; i++) {
      const k = buf.kind[i] as TokenKind;
      kinds[i] = k;
      tokens[i] = k === VARIABLE ? WILDCARD : detach(buf.text[i] as string);
      space[i] = buf.space[i] as number;
    }
    return new PatternCluster(seq, tokens, kinds, space, path, leaf);
  }

  /**
   * How well the line fits: 1 when it repeats every constant of the template (it is an instance
   * as is); otherwise the share of the template's constants and generalised positions it repeats
   * (a generalised position counts against it, as in Drain, so an over-generalised template does
   * not absorb every line of its length). -1 when the line cannot belong here (punctuation
   * differs, or a pinned template would have to change).
   */
  similarity(buf: TokenBuffer, floor = 0): number {
    const tokens = this.tokens;
    const kinds = this.kinds;
    const n = tokens.length;
    const total = this.constants + this.generalised;
    // Stop as soon as the line can neither fit exactly nor reach `floor` (long leaves stay cheap).
    const needed = Math.ceil(floor * total - 1e-9);
    const maxMisses = floor >= 1 ? 0 : Math.max(0, total - needed - this.generalised);
    let equal = 0;
    let misses = 0;
    for (let i = 0; i < n; i++) {
      const k = kinds[i];
      if (k === WORD) {
        if (buf.kind[i] === WORD && buf.text[i] === tokens[i]) equal++;
        else if (buf.kind[i] === PUNCT || ++misses > maxMisses) return -1;
      } else if (k === PUNCT) {
        if (buf.kind[i] !== PUNCT || buf.text[i] !== tokens[i]) return -1;
      } else if (buf.kind[i] === PUNCT) return -1;
    }
    if (equal === this.constants) return 1;
    if (this.pinned) return -1;
    return equal / total;
  }

  /** Turns every constant the line does not repeat into a wildcard; true when anything changed. */
  generalise(buf: TokenBuffer): boolean {
    let changed = false;
    for (let i = 0; i < this.tokens.length; i++) {
      if (this.kinds[i] === WORD && !(buf.kind[i] === WORD && buf.text[i] === this.tokens[i])) {
        this.kinds[i] = VARIABLE;
        this.tokens[i] = WILDCARD;
        this.constants--;
        this.generalised++;
        changed = true;
      }
    }
    if (changed) this.template = render(this.tokens, this.space);
    return changed;
  }

  /**
   * Turns into wildcards the constants that are wildcards in `kinds` (the same template
   * generalised elsewhere, e.g. by another replica); true when anything changed.
   */
  generaliseLike(kinds: readonly TokenKind[]): boolean {
    if (kinds.length !== this.kinds.length) return false;
    let changed = false;
    for (let i = 0; i < kinds.length; i++) {
      if (this.kinds[i] === WORD && kinds[i] === VARIABLE) {
        this.kinds[i] = VARIABLE;
        this.tokens[i] = WILDCARD;
        this.constants--;
        this.generalised++;
        changed = true;
      }
    }
    if (changed) this.template = render(this.tokens, this.space);
    return changed;
  }

  /** The line's values behind each wildcard, in order. */
  parameters(buf: TokenBuffer): string[] {
    const params: string[] = [];
    for (let i = 0; i < this.kinds.length; i++) {
      if (this.kinds[i] === VARIABLE) params.push(buf.text[i] as string);
    }
    return params;
  }
}

/**
 * A copy of a token that does not keep the line it was cut from alive: V8 represents a long
 * substring as a view on its parent, and a pattern would otherwise retain its first line (or a
 * whole stack trace) for as long as it lives.
 */
function detach(token: string): string {
  return token.length < 13 ? token : (' ' + token).slice(1);
}

/** Joins tokens the way the line was written: a space wherever whitespace preceded a token. */
export function render(tokens: readonly string[], space: readonly number[]): string {
  let out = '';
  for (let i = 0; i < tokens.length; i++) {
    if (i > 0 && space[i] === 1) out += ' ';
    out += tokens[i] as string;
  }
  return out;
}
