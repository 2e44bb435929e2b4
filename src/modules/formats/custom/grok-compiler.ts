import { RE2JS, RE2JSException } from 're2js';

import { GROK_PATTERNS } from './grok-patterns';

export type CaptureType = 'string' | 'int' | 'float';

/** One capturing group of a compiled pattern: where its value goes and how it is converted. */
export interface Capture {
  /** The group's name in the compiled RE2 program (`g0`, `g1`...). */
  readonly group: string;
  /** The group's number in the compiled program (set once it is compiled). */
  index: number;
  /** The field it fills, dotted (`source.ip`; `[source][ip]` is rewritten to this). */
  readonly field: string;
  readonly type: CaptureType;
}

/** A pattern compiled for RE2: linear-time matching whatever the pattern. */
export interface CompiledPattern {
  readonly regex: RE2JS;
  /** The RE2 source after grok expansion and group renaming (shown to users on request). */
  readonly source: string;
  readonly captures: readonly Capture[];
}

/** Why a pattern cannot be used; `message` is meant for the person who wrote it. */
export class PatternCompileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PatternCompileError';
  }
}

/** RE2 program size cap: the per-line cost is proportional to it (times the line's length). */
export const MAX_PROGRAM_SIZE = 5_000;
const MAX_EXPANSION_DEPTH = 32;
const MAX_CAPTURES = 200;

const GROK_REFERENCE = /%\{([A-Za-z0-9_]+)(?::([^:{}]+))?(?::([A-Za-z]+))?\}/g;
const DOTTED_FIELD = /^[@A-Za-z_][\w@-]*(?:\.[\w@-]+)*$/;
const BRACKETED_FIELD = /^(?:\[[^[\]]+\])+$/;
const TYPES: Readonly<Record<string, CaptureType>> = {
  int: 'int',
  integer: 'int',
  long: 'int',
  float: 'float',
  double: 'float',
  string: 'string',
};

/**
 * Compiles a grok pattern (Logstash / Data Prepper syntax): `%{NAME}` matches a library pattern
 * without capturing, `%{NAME:field}` captures into `field`, `%{NAME:field:int}` (or `:float`)
 * converts; inline named groups `(?<field>...)` capture too. `extra` adds or overrides
 * definitions (checked before the built-in library). Matching is unanchored, as in grok: write
 * `^` and `$` to anchor.
 *
 * @throws PatternCompileError naming the unknown pattern, the unsupported construct or RE2's
 *   complaint.
 */
export function compileGrok(
  pattern: string,
  extra: Readonly<Record<string, string>> = {},
): CompiledPattern {
  const captures: Capture[] = [];
  const source = expandGrok(pattern, extra, captures, [], 0);
  return finish(source, captures);
}

/**
 * Compiles a regular expression with named groups, `(?<field>...)` or `(?P<field>...)`, in RE2
 * syntax (Go/RE2: no backreferences, no lookahead or lookbehind). Field names may be dotted
 * (`(?<source.ip>...)`) or bracketed (`(?<[source][ip]>...)`).
 *
 * @throws PatternCompileError
 */
export function compileNamedRegex(pattern: string): CompiledPattern {
  const captures: Capture[] = [];
  return finish(renameGroups(pattern, captures), captures);
}

/** `[source][ip]` → `source.ip`; a dotted name stays as it is. Null when neither. */
export function normalizeFieldName(name: string): string | null {
  if (DOTTED_FIELD.test(name)) return name;
  if (BRACKETED_FIELD.test(name)) {
    const dotted = name.slice(1, -1).split('][').join('.');
    return DOTTED_FIELD.test(dotted) ? dotted : null;
  }
  return null;
}

function finish(source: string, captures: Capture[]): CompiledPattern {
  if (captures.length > MAX_CAPTURES) {
    throw new PatternCompileError(`the pattern has more than ${MAX_CAPTURES} captures`);
  }
  let regex: RE2JS;
  try {
    // `.` matches newlines too: a record joined from several lines (a stack trace) is still one
    // record, and `%{GREEDYDATA:message}` should take all of it (Logstash users write `(?m)`).
    regex = RE2JS.compile(source, RE2JS.DOTALL);
  } catch (err) {
    if (err instanceof RE2JSException) {
      throw new PatternCompileError(`invalid regular expression: ${describeRe2Error(err)}`);
    }
    throw err;
  }
  if (regex.programSize() > MAX_PROGRAM_SIZE) {
    throw new PatternCompileError(
      `the pattern is too large once expanded (${regex.programSize()} RE2 instructions, at most ${MAX_PROGRAM_SIZE})`,
    );
  }
  const numbers = regex.namedGroups();
  for (const capture of captures) capture.index = numbers[capture.group] ?? -1;
  return { regex, source, captures };
}

function describeRe2Error(err: RE2JSException): string {
  return err.message.replace(/^error parsing regexp: /, '');
}

function expandGrok(
  text: string,
  extra: Readonly<Record<string, string>>,
  captures: Capture[],
  stack: readonly string[],
  depth: number,
): string {
  if (depth > MAX_EXPANSION_DEPTH) {
    throw new PatternCompileError(`grok patterns nest deeper than ${MAX_EXPANSION_DEPTH} levels`);
  }
  let out = '';
  let last = 0;
  for (const m of text.matchAll(GROK_REFERENCE)) {
    out += literal(text.slice(last, m.index), captures);
    last = m.index + m[0].length;
    const [, name = '', field, type] = m;
    const definition = Object.hasOwn(extra, name)
      ? extra[name]
      : Object.hasOwn(GROK_PATTERNS, name)
        ? GROK_PATTERNS[name]
        : undefined;
    if (definition === undefined) {
      throw new PatternCompileError(`unknown grok pattern %{${name}}`);
    }
    if (stack.includes(name)) {
      throw new PatternCompileError(
        `grok pattern %{${name}} refers to itself (${[...stack, name].join(' → ')})`,
      );
    }
    const inner = expandGrok(definition, extra, captures, [...stack, name], depth + 1);
    if (field === undefined) {
      if (type !== undefined) {
        throw new PatternCompileError(`%{${m[0].slice(2, -1)}}: a conversion needs a field name`);
      }
      out += `(?:${inner})`;
      continue;
    }
    const captureType = type === undefined ? 'string' : TYPES[type.toLowerCase()];
    if (captureType === undefined) {
      throw new PatternCompileError(
        `%{${name}:${field}:${type}}: unknown conversion "${type}" (use int or float)`,
      );
    }
    const group = addCapture(captures, field, captureType);
    // The group is opened after expanding the inner pattern, whose captures were numbered first;
    // names, not numbers, tie groups to captures, so the order does not matter.
    out += `(?P<${group}>${inner})`;
  }
  return out + literal(text.slice(last), captures);
}

/** Regex text between grok references; a `%{` left in it is a reference we could not read. */
function literal(text: string, captures: Capture[]): string {
  const bad = text.indexOf('%{');
  if (bad >= 0) {
    const end = text.indexOf('}', bad);
    const shown = text.slice(bad, end < 0 ? bad + 40 : end + 1);
    throw new PatternCompileError(
      `malformed grok reference "${shown}": write %{NAME}, %{NAME:field} or %{NAME:field:int|float}`,
    );
  }
  return renameGroups(text, captures);
}

function addCapture(captures: Capture[], rawField: string, type: CaptureType): string {
  const field = normalizeFieldName(rawField.trim());
  if (field === null) {
    throw new PatternCompileError(
      `"${rawField}" is not a field name (letters, digits, _ @ - and dots, or [a][b])`,
    );
  }
  const group = `g${captures.length}`;
  captures.push({ group, field, type, index: -1 });
  return group;
}

/**
 * Rewrites the named groups of a regular expression to internal names (`g0`...) and rejects what
 * RE2 cannot run with a message saying why, rather than RE2's terse one. Escapes and character
 * classes are skipped, so `\(?<x>` and `[(?<x>]` are left alone.
 */
function renameGroups(text: string, captures: Capture[]): string {
  let out = '';
  let i = 0;
  let inClass = false;
  while (i < text.length) {
    const c = text[i] as string;
    if (c === '\\') {
      const next = text[i + 1] ?? '';
      if (!inClass && /[1-9]/.test(next)) {
        throw new PatternCompileError(
          `backreferences (\\${next}) are not supported: the engine guarantees linear-time matching`,
        );
      }
      if (!inClass && next === 'k' && text[i + 2] === '<') {
        throw new PatternCompileError('named backreferences (\\k<name>) are not supported');
      }
      out += text.slice(i, i + 2);
      i += 2;
      continue;
    }
    if (inClass) {
      if (c === ']') inClass = false;
      out += c;
      i++;
      continue;
    }
    if (c === '[') {
      inClass = true;
      out += c;
      i++;
      // A `]` right after `[` or `[^` is a literal.
      if (text[i] === '^') out += text[i++];
      if (text[i] === ']') out += text[i++];
      continue;
    }
    if (c === '(' && text[i + 1] === '?') {
      const rest = text.slice(i + 2, i + 5);
      if (rest.startsWith('=') || rest.startsWith('!')) {
        throw new PatternCompileError(
          'lookahead assertions ((?=...), (?!...)) are not supported: the engine guarantees linear-time matching',
        );
      }
      if (rest.startsWith('<=') || rest.startsWith('<!')) {
        throw new PatternCompileError(
          'lookbehind assertions ((?<=...), (?<!...)) are not supported: the engine guarantees linear-time matching',
        );
      }
      if (rest.startsWith('>')) {
        throw new PatternCompileError('atomic groups ((?>...)) are not supported; use (?:...)');
      }
      if (rest.startsWith('P=') || rest.startsWith('P>')) {
        throw new PatternCompileError('named backreferences ((?P=name)) are not supported');
      }
      const open = rest.startsWith('P<') ? 4 : rest.startsWith('<') ? 3 : 0;
      if (open > 0) {
        const close = text.indexOf('>', i + open);
        if (close < 0) throw new PatternCompileError('unterminated group name after "(?<"');
        const group = addCapture(captures, text.slice(i + open, close), 'string');
        out += `(?P<${group}>`;
        i = close + 1;
        continue;
      }
    }
    out += c;
    i++;
  }
  return out;
}
