import { SEVERITY_LEVELS, type SeverityName } from '../log-record';

/** Where a query field points: the body, a column, or a flat attribute. */
export type ResolvedField =
  | { kind: 'body' }
  | { kind: 'column'; column: 'service' | 'host' | 'dataset' | 'format' }
  | { kind: 'level' }
  | { kind: 'hex'; column: 'trace_id' | 'span_id' }
  | { kind: 'id' }
  /** The pattern the record was mined into (its current id; aliases are expanded by the search). */
  | { kind: 'pattern' }
  /** The value behind the pattern template's `<*>` number `index` (0-based). */
  | { kind: 'param'; index: number }
  /** The category the tenant's classifier gave the record (lower case; none before classifiers). */
  | { kind: 'category' }
  | { kind: 'attribute'; key: string };

const FIELDS = new Map<string, ResolvedField>([
  ['message', { kind: 'body' }],
  ['body', { kind: 'body' }],
  ['service', { kind: 'column', column: 'service' }],
  ['host', { kind: 'column', column: 'host' }],
  ['dataset', { kind: 'column', column: 'dataset' }],
  ['format', { kind: 'column', column: 'format' }],
  ['level', { kind: 'level' }],
  ['severity', { kind: 'level' }],
  ['trace_id', { kind: 'hex', column: 'trace_id' }],
  ['traceId', { kind: 'hex', column: 'trace_id' }],
  ['trace.id', { kind: 'hex', column: 'trace_id' }],
  ['span_id', { kind: 'hex', column: 'span_id' }],
  ['spanId', { kind: 'hex', column: 'span_id' }],
  ['span.id', { kind: 'hex', column: 'span_id' }],
  ['id', { kind: 'id' }],
  ['pattern', { kind: 'pattern' }],
  ['pattern_id', { kind: 'pattern' }],
  ['patternId', { kind: 'pattern' }],
  ['vigil.pattern_id', { kind: 'pattern' }],
  // Shadows an attribute named `category`, which `attributes.category` still reaches.
  ['category', { kind: 'category' }],
  ['vigil.category', { kind: 'category' }],
]);

/** Parameters a query can address by position: as many as a record stores. */
export const MAX_PARAM_FIELD = 63;
/** `param.0`, `params.2`, `pattern.param.1`: the value behind one `<*>`, 0-based like `patternParams`. */
const PARAM_FIELD = /^(?:pattern\.)?params?\.(\d{1,2})$/;

const ATTRIBUTES_PREFIX = 'attributes.';

export function resolveField(field: string | null): ResolvedField {
  if (field === null) return { kind: 'body' };
  // `attributes.service` reaches an attribute even when its name collides with a column.
  if (field.startsWith(ATTRIBUTES_PREFIX)) {
    return { kind: 'attribute', key: field.slice(ATTRIBUTES_PREFIX.length) };
  }
  const named = FIELDS.get(field);
  if (named !== undefined) return named;
  const param = PARAM_FIELD.exec(field);
  if (param !== null && Number(param[1]) <= MAX_PARAM_FIELD) {
    return { kind: 'param', index: Number(param[1]) };
  }
  return { kind: 'attribute', key: field };
}

const LEVEL_ALIASES = new Map<string, string>([
  ['warning', 'warn'],
  ['err', 'error'],
  ['critical', 'fatal'],
  ['crit', 'fatal'],
  ['emerg', 'fatal'],
  ['alert', 'fatal'],
  ['panic', 'fatal'],
  ['notice', 'info'],
  ['information', 'info'],
  ['informational', 'info'],
  ['dbg', 'debug'],
  ['trc', 'trace'],
]);

/** Maps the spellings people type (`WARNING`, `crit`) to the canonical `severityText`. */
export function normalizeLevel(value: string): string {
  const lower = value.trim().toLowerCase();
  return LEVEL_ALIASES.get(lower) ?? lower;
}

const LEVEL_NAMES: ReadonlySet<string> = new Set(SEVERITY_LEVELS.map((level) => level.name));

function isSeverityName(name: string): name is SeverityName {
  return LEVEL_NAMES.has(name);
}

/** Like `normalizeLevel`, but null for a word that names no level. */
export function normalizeLevelName(value: string): SeverityName | null {
  const name = normalizeLevel(value);
  return isSeverityName(name) ? name : null;
}

/** The text PostgreSQL's `attributes ->> key` yields for a JSON value, or null. */
export function attributeText(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string') return value;
  return jsonbText(value);
}

function jsonbText(value: unknown): string {
  if (typeof value === 'number') return Number.isFinite(value) ? plainDecimal(value) : 'null';
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return `[${value.map(jsonbText).join(', ')}]`;
  if (value !== null && typeof value === 'object') {
    // jsonb stores object keys shortest first, then in byte order.
    const keys = Object.keys(value).sort(
      (a, b) => a.length - b.length || (a < b ? -1 : a > b ? 1 : 0),
    );
    const entries = keys.map(
      (key) => `${JSON.stringify(key)}: ${jsonbText((value as Record<string, unknown>)[key])}`,
    );
    return `{${entries.join(', ')}}`;
  }
  return 'null';
}

/** jsonb prints numerics without exponents: 1e-7 reads back as 0.0000001. */
function plainDecimal(value: number): string {
  const text = String(value);
  const match = /^(-?)(\d)(?:\.(\d+))?e([+-]\d+)$/.exec(text);
  if (!match) return text;
  const [, sign = '', lead = '', fraction = '', exponentText = '0'] = match;
  const digits = lead + fraction;
  const point = 1 + Number(exponentText);
  if (point <= 0) return `${sign}0.${'0'.repeat(-point)}${digits}`;
  if (point >= digits.length) return sign + digits + '0'.repeat(point - digits.length);
  return `${sign}${digits.slice(0, point)}.${digits.slice(point)}`;
}

/** The value a field is compared with, as the translator binds it. */
export function fieldValue(field: ResolvedField, value: string): string {
  switch (field.kind) {
    case 'level':
      return normalizeLevel(value);
    case 'hex':
    case 'id':
    // Categories are lower-case snake_case names, so `category:Security` means `security`.
    case 'category':
      return value.toLowerCase();
    case 'body':
    case 'column':
    case 'pattern':
    case 'param':
    case 'attribute':
      return value;
  }
}
