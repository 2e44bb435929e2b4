import { isForbiddenSegment, lookupPath, parsePath } from './paths';
import { RunbookLanguageError } from './runbook.errors';

/**
 * How inserted values are encoded. `text` inserts them as they are (messages); `url` applies
 * `encodeURIComponent` and refuses `.`/`..` (a path segment that a URL parser would collapse);
 * `json` escapes them as the inside of a JSON string, so a value can never close the string.
 */
export type TemplateMode = 'text' | 'url' | 'json';

/** A piece of a parsed template: literal text, or a reference `{{ a.b.c }}` at `offset`. */
export type TemplatePart =
  { kind: 'literal'; text: string } | { kind: 'ref'; path: string[]; offset: number };

/** The values a template may read, by root (`params`, `secrets`, `alert`, `run`, ...). */
export type TemplateContext = Readonly<Record<string, unknown>>;

const OPEN = '{{';
const CLOSE = '}}';

/**
 * Splits a template into literals and references. A reference holds a dotted path and nothing
 * else: no expressions, filters or calls, and no `__proto__`/`constructor`/`prototype` segment.
 *
 * @example
 *   parseTemplate('/deploy/{{ params.service }}'); // [literal '/deploy/', ref ['params','service']]
 */
export function parseTemplate(text: string): TemplatePart[] {
  const parts: TemplatePart[] = [];
  let i = 0;
  while (i < text.length) {
    const open = text.indexOf(OPEN, i);
    if (open < 0) {
      parts.push({ kind: 'literal', text: text.slice(i) });
      break;
    }
    if (open > i) parts.push({ kind: 'literal', text: text.slice(i, open) });
    const close = text.indexOf(CLOSE, open + OPEN.length);
    if (close < 0) {
      throw new RunbookLanguageError('TEMPLATE_SYNTAX', `unclosed '{{' at offset ${open}`);
    }
    const inner = text.slice(open + OPEN.length, close).trim();
    const path = parsePath(inner);
    if (path === null) {
      throw new RunbookLanguageError(
        'TEMPLATE_SYNTAX',
        `'{{ ${inner} }}' at offset ${open} is not a dotted path (letters, digits, _ and - separated by dots)`,
      );
    }
    const bad = path.find(isForbiddenSegment);
    if (bad !== undefined) {
      throw new RunbookLanguageError(
        'TEMPLATE_FORBIDDEN_PATH',
        `'${bad}' may not appear in a template path`,
        inner,
      );
    }
    parts.push({ kind: 'ref', path, offset: open });
    i = close + CLOSE.length;
  }
  return parts;
}

/** The dotted paths a template references, in order (duplicates kept). */
export function templateReferences(text: string): string[][] {
  return parseTemplate(text).flatMap((p) => (p.kind === 'ref' ? [p.path] : []));
}

/** True when the text contains a template reference at all. */
export function hasTemplate(text: string): boolean {
  return text.includes(OPEN);
}

/**
 * Offsets of references that sit outside a JSON string literal in a JSON template. Such a
 * reference could insert structure (`[1, {}]`) even with every quote escaped, so a JSON template
 * must quote each reference.
 */
export function unquotedJsonReferences(text: string): number[] {
  const out: number[] = [];
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
    } else if (c === '"') {
      inString = true;
    } else if (text.startsWith(OPEN, i)) {
      out.push(i);
      const close = text.indexOf(CLOSE, i + OPEN.length);
      i = close < 0 ? text.length : close + CLOSE.length - 1;
    }
  }
  return out;
}

/**
 * Replaces each `{{ path }}` with the value at that path in `context`, encoded for `mode`.
 * Throws a `RunbookLanguageError` naming the path when it is missing (`TEMPLATE_MISSING_PATH`) or
 * holds an object, array or null (`TEMPLATE_NOT_SCALAR`).
 *
 * @example
 *   resolveTemplate('{"svc":"{{ params.service }}"}', { params: { service: 'a"b' } }, 'json');
 *   // '{"svc":"a\"b"}'
 */
export function resolveTemplate(
  text: string,
  context: TemplateContext,
  mode: TemplateMode,
): string {
  let out = '';
  for (const part of parseTemplate(text)) {
    if (part.kind === 'literal') {
      out += part.text;
      continue;
    }
    const name = part.path.join('.');
    const hit = lookupPath(context, part.path);
    if (!hit.found) {
      throw new RunbookLanguageError('TEMPLATE_MISSING_PATH', `'${name}' is not defined`, name);
    }
    out += encode(scalarText(hit.value, name), mode, name);
  }
  return out;
}

function scalarText(value: unknown, name: string): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'boolean') return String(value);
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  throw new RunbookLanguageError(
    'TEMPLATE_NOT_SCALAR',
    `'${name}' is not a string, finite number or boolean`,
    name,
  );
}

function encode(value: string, mode: TemplateMode, name: string): string {
  switch (mode) {
    case 'text':
      return value;
    case 'json':
      return JSON.stringify(value).slice(1, -1);
    case 'url':
      if (value === '.' || value === '..') {
        throw new RunbookLanguageError(
          'TEMPLATE_UNSAFE_VALUE',
          `'${name}' is a dot segment, which a URL parser would resolve`,
          name,
        );
      }
      return encodeURIComponent(value);
  }
}
