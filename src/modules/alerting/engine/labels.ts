import { createHash } from 'node:crypto';
import { RE2JS } from 're2js';

/** An alert's identity and routing data: label name to value. */
export type Labels = Record<string, string>;

/** Alertmanager matcher operators: equal, not equal, regex match, regex non-match. */
export type MatchOp = '=' | '!=' | '=~' | '!~';

/** One label matcher; plain data, so it can be stored as JSON. */
export interface Matcher {
  name: string;
  op: MatchOp;
  value: string;
}

/** A matcher string that does not parse; `position` is the 0-based offset of the problem. */
export class MatcherSyntaxError extends TypeError {
  constructor(
    message: string,
    readonly position: number,
  ) {
    super(`${message} at position ${position}`);
    this.name = 'MatcherSyntaxError';
  }
}

const ALL_LABELS = '...';
const FINGERPRINT_HEX = 16;
const MAX_CACHED_REGEXES = 1_000;
const regexCache = new Map<string, RE2JS>();

/**
 * A stable id for an alert: sha256 over the rule id and the sorted labels (all of them, or only
 * `groupBy`; `['...']` means all), first 16 hex digits. Idea: Alertmanager's label-set
 * fingerprint, which does not depend on label order.
 *
 * @example
 *   fingerprint('r1', { b: '2', a: '1' }) === fingerprint('r1', { a: '1', b: '2' }); // true
 */
export function fingerprint(ruleId: string, labels: Labels, groupBy?: readonly string[]): string {
  const names =
    groupBy === undefined || groupBy.includes(ALL_LABELS)
      ? Object.keys(labels)
      : [...new Set(groupBy)];
  names.sort();
  const hash = createHash('sha256').update(ruleId);
  for (const name of names) hash.update(`\u0000${name}\u0001${labels[name] ?? ''}`);
  return hash.digest('hex').slice(0, FINGERPRINT_HEX);
}

/**
 * Parses Alertmanager matcher syntax: `name op value` items separated by commas, optionally in
 * braces; values double-quoted (with `\"`, `\\`, `\n` escapes) or bare. Regex values are RE2
 * (linear time, no backreferences or lookaround) and always match the whole value.
 * Reference: Prometheus Alertmanager, "Label matchers" (docs/matchers.md).
 *
 * @example
 *   parseMatchers('service="api", severity=~"crit|high", env!="dev", host!~"test-.*"');
 */
export function parseMatchers(input: string): Matcher[] {
  if (typeof input !== 'string') throw new TypeError('matchers must be a string');
  let i = 0;
  const skipSpace = (): void => {
    while (i < input.length && /\s/.test(input[i]!)) i++;
  };
  skipSpace();
  const braced = input[i] === '{';
  if (braced) i++;
  const out: Matcher[] = [];
  for (;;) {
    skipSpace();
    if (i >= input.length || (braced && input[i] === '}')) break;
    const nameStart = i;
    while (i < input.length && /[A-Za-z0-9_]/.test(input[i]!)) i++;
    const name = input.slice(nameStart, i);
    if (!/^[A-Za-z_]/.test(name)) {
      throw new MatcherSyntaxError(
        `expected a label name, got '${input[nameStart] ?? 'end'}'`,
        nameStart,
      );
    }
    skipSpace();
    const opStart = i;
    const op = (['=~', '!~', '!=', '='] as const).find((o) => input.startsWith(o, i));
    if (op === undefined) {
      throw new MatcherSyntaxError(`expected one of = != =~ !~ after '${name}'`, opStart);
    }
    i += op.length;
    skipSpace();
    const valueStart = i;
    let value = '';
    if (input[i] === '"') {
      i++;
      let closed = false;
      while (i < input.length) {
        const c = input[i++]!;
        if (c === '"') {
          closed = true;
          break;
        }
        if (c !== '\\') {
          value += c;
          continue;
        }
        const e = input[i++];
        if (e === 'n') value += '\n';
        else if (e === '"' || e === '\\') value += e;
        else throw new MatcherSyntaxError(`invalid escape '\\${e ?? ''}'`, i - 2);
      }
      if (!closed) throw new MatcherSyntaxError('unterminated quoted value', valueStart);
    } else {
      while (i < input.length && !/[\s,}"]/.test(input[i]!)) i++;
      value = input.slice(valueStart, i);
    }
    if (op === '=~' || op === '!~') compileAnchored(value, valueStart);
    out.push({ name, op, value });
    skipSpace();
    if (input[i] === ',') {
      i++;
      continue;
    }
    if (i >= input.length || (braced && input[i] === '}')) break;
    throw new MatcherSyntaxError(`expected ',' after matcher '${name}', got '${input[i]}'`, i);
  }
  if (braced) {
    if (input[i] !== '}') throw new MatcherSyntaxError("missing closing '}'", i);
    i++;
    skipSpace();
  }
  if (i < input.length) throw new MatcherSyntaxError(`unexpected '${input[i]}'`, i);
  return out;
}

/**
 * True when every matcher holds. A missing label counts as the empty string (Alertmanager), so
 * `env!="dev"` holds for an alert without `env` and `env=""` means "has no env".
 *
 * @example
 *   matches(parseMatchers('env!="dev"'), { service: 'api' }); // true
 */
export function matches(matchers: readonly Matcher[], labels: Labels): boolean {
  for (const m of matchers) {
    const v = labels[m.name] ?? '';
    switch (m.op) {
      case '=':
        if (v !== m.value) return false;
        break;
      case '!=':
        if (v === m.value) return false;
        break;
      case '=~':
        if (!compileAnchored(m.value, 0).matches(v)) return false;
        break;
      case '!~':
        if (compileAnchored(m.value, 0).matches(v)) return false;
        break;
    }
  }
  return true;
}

/** Renders matchers back to the syntax `parseMatchers` reads. */
export function formatMatchers(matchers: readonly Matcher[]): string {
  const quote = (s: string): string =>
    `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`;
  return matchers.map((m) => `${m.name}${m.op}${quote(m.value)}`).join(', ');
}

/** Compiles `^(?:value)$` with RE2, memoised (the cache is cleared when it reaches 1,000). */
function compileAnchored(value: string, position: number): RE2JS {
  const cached = regexCache.get(value);
  if (cached !== undefined) return cached;
  let re: RE2JS;
  try {
    re = RE2JS.compile(`^(?:${value})$`);
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    throw new MatcherSyntaxError(`invalid regex '${value}': ${reason}`, position);
  }
  if (regexCache.size >= MAX_CACHED_REGEXES) regexCache.clear();
  regexCache.set(value, re);
  return re;
}
