import { type TokenBuffer } from './log-tokenizer';

export const WILDCARD = '<*>';

/**
 * A template a user wrote (`User <*> logged in from <*>`), tokenised like the lines. A token
 * `<*>` matches one or more tokens of a line; a token with `<*>` inside (`blk_<*>`) matches one
 * token with that prefix and suffix; every other token must be equal. Whitespace is not compared.
 */
export class UserPattern {
  readonly tokens: readonly string[];
  /** Number of literal tokens: more specific patterns are tried first. */
  readonly literals: number;

  constructor(
    readonly id: string,
    readonly template: string,
    tokens: readonly string[],
  ) {
    if (tokens.length === 0) throw new RangeError('a user pattern needs at least one token');
    this.tokens = tokens;
    this.literals = tokens.filter((t) => t !== WILDCARD).length;
  }

  /** First literal token, used to index patterns; undefined when the pattern starts with `<*>`. */
  get head(): string | undefined {
    const t = this.tokens[0] as string;
    return t.includes(WILDCARD) ? undefined : t;
  }

  /**
   * Matches the tokenised line; on success returns the parameter values (one per wildcard token,
   * a multi-token span is cut from `line` as written), otherwise undefined.
   */
  match(line: string, buf: TokenBuffer): string[] | undefined {
    const spans: number[] = [];
    if (!this.#at(0, 0, buf, spans)) return undefined;
    const params: string[] = [];
    for (let k = 0; k < spans.length; k += 2) {
      const a = spans[k] as number;
      const b = spans[k + 1] as number;
      if (a === b) params.push(buf.text[a] as string);
      else
        params.push(
          line.slice(buf.start[a], (buf.start[b] as number) + (buf.text[b] as string).length),
        );
    }
    return params;
  }

  #at(p: number, t: number, buf: TokenBuffer, spans: number[]): boolean {
    const tokens = this.tokens;
    if (p === tokens.length) return t === buf.length;
    if (t >= buf.length) return false;
    const tok = tokens[p] as string;
    if (tok === WILDCARD) {
      // Shortest span first: the next literal decides where the wildcard ends.
      const mark = spans.length;
      const last = p === tokens.length - 1 ? buf.length - 1 : buf.length - (tokens.length - p);
      for (let end = t; end <= last; end++) {
        spans.push(t, end);
        if (this.#at(p + 1, end + 1, buf, spans)) return true;
        spans.length = mark;
      }
      return false;
    }
    const text = buf.text[t] as string;
    const star = tok.indexOf(WILDCARD);
    if (star < 0) return text === tok && this.#at(p + 1, t + 1, buf, spans);
    const prefix = tok.slice(0, star);
    const suffix = tok.slice(star + WILDCARD.length);
    if (
      text.length < prefix.length + suffix.length ||
      !text.startsWith(prefix) ||
      !text.endsWith(suffix)
    ) {
      return false;
    }
    const mark = spans.length;
    spans.push(t, t);
    if (this.#at(p + 1, t + 1, buf, spans)) return true;
    spans.length = mark;
    return false;
  }
}

/** The user patterns of one tree, most specific first, with a line count each. */
export class UserPatternSet {
  readonly #patterns: UserPattern[] = [];
  readonly #byId = new Map<string, UserPattern>();
  readonly #counts = new Map<string, number>();

  get size(): number {
    return this.#patterns.length;
  }

  has(id: string): boolean {
    return this.#byId.has(id);
  }

  add(pattern: UserPattern, count = 0): void {
    this.remove(pattern.id);
    this.#patterns.push(pattern);
    // Stable sort: among equally specific patterns the older one wins.
    this.#patterns.sort((a, b) => b.literals - a.literals);
    this.#byId.set(pattern.id, pattern);
    if (count > 0) this.#counts.set(pattern.id, count);
  }

  remove(id: string): boolean {
    const existing = this.#byId.get(id);
    if (!existing) return false;
    this.#patterns.splice(this.#patterns.indexOf(existing), 1);
    this.#byId.delete(id);
    this.#counts.delete(id);
    return true;
  }

  /** The first pattern the line matches and its parameters; counts the line when `count`. */
  match(
    line: string,
    buf: TokenBuffer,
    count: boolean,
  ): { pattern: UserPattern; parameters: string[] } | undefined {
    for (const pattern of this.#patterns) {
      const parameters = pattern.match(line, buf);
      if (parameters) {
        if (count) this.#counts.set(pattern.id, (this.#counts.get(pattern.id) ?? 0) + 1);
        return { pattern, parameters };
      }
    }
    return undefined;
  }

  /** In insertion-independent order (most specific first), with counts. */
  list(): Array<{ id: string; template: string; count: number }> {
    return this.#patterns.map((p) => ({
      id: p.id,
      template: p.template,
      count: this.#counts.get(p.id) ?? 0,
    }));
  }
}
