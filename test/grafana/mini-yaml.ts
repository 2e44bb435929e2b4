/**
 * A small YAML reader for the provisioning files under docker/: block mappings, block sequences
 * (of scalars or of mappings), `#` comments, quoted and plain scalars, numbers, booleans, null
 * and one-line flow sequences (`["vigil:3000"]`). The repository has no YAML dependency and these
 * files need no more; anything else (anchors, block scalars, flow mappings, tabs) throws, so a
 * file that drifts past this subset fails the test instead of being misread.
 *
 * @example
 *   parseYaml('a: 1\nb:\n  - x: "y"\n'); // { a: 1, b: [{ x: 'y' }] }
 */
export function parseYaml(source: string): unknown {
  const lines = toLines(source);
  const first = lines[0];
  if (first === undefined) return null;
  const state: State = { lines, i: 0 };
  const value = parseBlock(state, first.indent);
  const left = lines[state.i];
  if (left !== undefined) throw lineError(left, 'unexpected indentation');
  return value;
}

interface Line {
  readonly no: number;
  readonly indent: number;
  readonly text: string;
}

interface State {
  readonly lines: Line[];
  i: number;
}

const KEY = /^([A-Za-z0-9_./-]+|"[^"]*"|'[^']*'):(?:\s+(.*))?$/;

function toLines(source: string): Line[] {
  const out: Line[] = [];
  source.split(/\r?\n/).forEach((raw, index) => {
    if (/^\s*\t/.test(raw)) throw new SyntaxError(`line ${index + 1}: tab indentation`);
    const text = stripComment(raw).trimEnd();
    if (text.trim() === '' || text.trim() === '---') return;
    out.push({
      no: index + 1,
      indent: text.length - text.trimStart().length,
      text: text.trimStart(),
    });
  });
  return out;
}

/** Drops a `#` comment that starts the line or follows whitespace, outside quotes. */
function stripComment(raw: string): string {
  let quote: string | null = null;
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i];
    if (quote !== null) {
      if (c === '\\' && quote === '"') i++;
      else if (c === quote) quote = null;
    } else if (c === '"' || c === "'") {
      quote = c;
    } else if (c === '#' && (i === 0 || /\s/.test(raw[i - 1] ?? ''))) {
      return raw.slice(0, i);
    }
  }
  return raw;
}

function isSequenceItem(text: string): boolean {
  return text === '-' || text.startsWith('- ');
}

function parseBlock(state: State, indent: number): unknown {
  const line = state.lines[state.i]!;
  return isSequenceItem(line.text) ? parseSequence(state, indent) : parseMapping(state, indent);
}

/** The block under a `key:` or `-` with nothing after it; null when nothing is indented under it. */
function parseNested(state: State, parentIndent: number): unknown {
  const next = state.lines[state.i];
  if (next === undefined || next.indent <= parentIndent) return null;
  return parseBlock(state, next.indent);
}

function parseMapping(state: State, indent: number): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (let line = state.lines[state.i]; line !== undefined; line = state.lines[state.i]) {
    if (line.indent < indent) break;
    if (line.indent > indent) throw lineError(line, 'unexpected indentation');
    const match = KEY.exec(line.text);
    if (match === null) throw lineError(line, `expected "key: value", got "${line.text}"`);
    const key = unquote(match[1]!);
    if (Object.hasOwn(out, key)) throw lineError(line, `duplicate key "${key}"`);
    state.i++;
    const rest = match[2] ?? '';
    out[key] = rest === '' ? parseNested(state, indent) : parseScalar(rest, line);
  }
  return out;
}

function parseSequence(state: State, indent: number): unknown[] {
  const out: unknown[] = [];
  for (let line = state.lines[state.i]; line !== undefined; line = state.lines[state.i]) {
    if (line.indent < indent) break;
    if (line.indent > indent || !isSequenceItem(line.text)) {
      throw lineError(line, 'expected a "- " item');
    }
    const rest = line.text.slice(1).trimStart();
    if (rest === '') {
      state.i++;
      out.push(parseNested(state, indent));
    } else if (KEY.test(rest)) {
      // "- key: value" opens a mapping whose keys line up with this first one.
      const itemIndent = indent + (line.text.length - rest.length);
      state.lines[state.i] = { no: line.no, indent: itemIndent, text: rest };
      out.push(parseMapping(state, itemIndent));
    } else {
      state.i++;
      out.push(parseScalar(rest, line));
    }
  }
  return out;
}

function parseScalar(text: string, line: Line): unknown {
  if (/^[&*|>!{%@`]/.test(text)) throw lineError(line, `unsupported YAML: "${text}"`);
  if (text.startsWith('[')) {
    if (!text.endsWith(']')) throw lineError(line, 'unterminated flow sequence');
    const inner = text.slice(1, -1).trim();
    return inner === '' ? [] : splitFlow(inner).map((item) => parseScalar(item.trim(), line));
  }
  if (text.startsWith('"') || text.startsWith("'")) {
    if (text.length < 2 || !text.endsWith(text[0]!)) throw lineError(line, 'unterminated string');
    return unquote(text);
  }
  if (/^(true|True|TRUE)$/.test(text)) return true;
  if (/^(false|False|FALSE)$/.test(text)) return false;
  if (/^(null|Null|NULL|~)$/.test(text)) return null;
  if (/^[-+]?\d+(\.\d+)?([eE][-+]?\d+)?$/.test(text)) return Number(text);
  return text;
}

function splitFlow(inner: string): string[] {
  const items: string[] = [];
  let quote: string | null = null;
  let start = 0;
  for (let i = 0; i < inner.length; i++) {
    const c = inner[i];
    if (quote !== null) {
      if (c === '\\' && quote === '"') i++;
      else if (c === quote) quote = null;
    } else if (c === '"' || c === "'") {
      quote = c;
    } else if (c === ',') {
      items.push(inner.slice(start, i));
      start = i + 1;
    }
  }
  items.push(inner.slice(start));
  return items;
}

function unquote(text: string): string {
  if (text.startsWith('"')) return JSON.parse(text) as string;
  if (text.startsWith("'")) return text.slice(1, -1).replace(/''/g, "'");
  return text;
}

function lineError(line: Line, message: string): SyntaxError {
  return new SyntaxError(`line ${line.no}: ${message}`);
}
