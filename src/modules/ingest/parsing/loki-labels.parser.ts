export type LabelsResult =
  { ok: true; labels: Record<string, string> } | { ok: false; reason: string };

const NAME_START = /[A-Za-z_]/;
const NAME_PART = /[A-Za-z0-9_]/;

/**
 * Parses a Loki stream selector in Prometheus label syntax, `{job="api", env="prod"}`, as the
 * protobuf push carries it. Values are double-quoted with Go escapes (`\"`, `\\`, `\n`, `\t`,
 * `\r`, `\uXXXX`) or back-quoted raw strings. Like Loki, it refuses an empty selector and a
 * repeated name. Returns a null-prototype map; never throws.
 */
export function parseLokiLabels(text: string): LabelsResult {
  const labels = Object.create(null) as Record<string, string>;
  let i = skipSpace(text, 0);
  if (text[i] !== '{') return fail('labels must start with "{"');
  i = skipSpace(text, i + 1);
  let count = 0;
  while (text[i] !== '}') {
    if (count > 0) {
      if (text[i] !== ',') return fail(`expected "," or "}" at offset ${i}`);
      i = skipSpace(text, i + 1);
      // A trailing comma before "}" is accepted, as Prometheus does.
      if (text[i] === '}') break;
    }
    const nameStart = i;
    if (i >= text.length || !NAME_START.test(text[i] as string)) {
      return fail(`expected a label name at offset ${i}`);
    }
    while (i < text.length && NAME_PART.test(text[i] as string)) i++;
    const name = text.slice(nameStart, i);
    i = skipSpace(text, i);
    if (text[i] !== '=') return fail(`expected "=" after label ${name}`);
    i = skipSpace(text, i + 1);
    const value = readQuoted(text, i);
    if (value === null) return fail(`label ${name} has a malformed quoted value`);
    if (Object.hasOwn(labels, name)) return fail(`duplicate label name ${name}`);
    labels[name] = value.value;
    count++;
    i = skipSpace(text, value.end);
  }
  if (skipSpace(text, i + 1) !== text.length) return fail('unexpected text after "}"');
  if (count === 0) return fail('at least one label pair is required per stream');
  return { ok: true, labels };
}

function fail(reason: string): LabelsResult {
  return { ok: false, reason: `invalid labels: ${reason}` };
}

function skipSpace(text: string, i: number): number {
  while (i < text.length && (text[i] === ' ' || text[i] === '\t' || text[i] === '\n')) i++;
  return i;
}

const ESCAPES: Record<string, string> = {
  '"': '"',
  '\\': '\\',
  n: '\n',
  t: '\t',
  r: '\r',
  "'": "'",
  '`': '`',
};

function readQuoted(text: string, start: number): { value: string; end: number } | null {
  const quote = text[start];
  if (quote === '`') {
    const close = text.indexOf('`', start + 1);
    return close < 0 ? null : { value: text.slice(start + 1, close), end: close + 1 };
  }
  if (quote !== '"') return null;
  let out = '';
  let i = start + 1;
  let chunk = i;
  while (i < text.length) {
    const c = text[i];
    if (c === '"') return { value: out + text.slice(chunk, i), end: i + 1 };
    if (c !== '\\') {
      i++;
      continue;
    }
    out += text.slice(chunk, i);
    const e = text[i + 1];
    if (e === undefined) return null;
    if (e === 'u') {
      const hex = text.slice(i + 2, i + 6);
      if (!/^[0-9a-fA-F]{4}$/.test(hex)) return null;
      out += String.fromCharCode(parseInt(hex, 16));
      i += 6;
    } else {
      const plain = ESCAPES[e];
      if (plain === undefined) return null;
      out += plain;
      i += 2;
    }
    chunk = i;
  }
  return null;
}
