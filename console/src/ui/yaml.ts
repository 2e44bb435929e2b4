/**
 * Plain JSON data as YAML block text, for reading a runbook and for editing it: anything that
 * could read as another type or as YAML syntax is written as a JSON (double-quoted) string, which
 * YAML reads back as the same string, so saving the text unchanged gives back the same data.
 */
export function toYaml(value: unknown): string {
  return `${block(value, 0).replace(/^\n/, '')}\n`;
}

const PLAIN = /^[A-Za-z_][A-Za-z0-9_./-]*( [A-Za-z0-9_./()-]+)*$/;
const WORDS = /^(true|false|null|yes|no|on|off|y|n|~)$/i;

function scalar(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  const s = typeof v === 'string' ? v : JSON.stringify(v);
  return PLAIN.test(s) && !WORDS.test(s) ? s : JSON.stringify(s);
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** A value after a key or a dash: inline when scalar or empty, else on the next lines. */
function block(v: unknown, indent: number): string {
  const pad = ' '.repeat(indent);
  if (Array.isArray(v)) {
    if (v.length === 0) return ' []';
    return v
      .map((item) => {
        const inner = block(item, indent + 2);
        // A mapping in a list starts on the dash's line.
        return `\n${pad}-${isObject(item) && inner.startsWith('\n') ? ` ${inner.trimStart()}` : inner}`;
      })
      .join('');
  }
  if (isObject(v)) {
    const entries = Object.entries(v).filter(([, x]) => x !== undefined);
    if (entries.length === 0) return ' {}';
    return entries.map(([k, x]) => `\n${pad}${scalar(k)}:${block(x, indent + 2)}`).join('');
  }
  return ` ${scalar(v)}`;
}
