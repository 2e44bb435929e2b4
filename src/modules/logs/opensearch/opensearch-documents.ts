import { type LogRecord, storedCategory } from '../log-record';
import { tokenizeFullText } from '../query/full-text-tokenizer';
import { MAX_STATS_PARAM, paramNumber } from '../param-number';
import { attributeText, MAX_PARAM_FIELD } from '../query/query-fields';

/**
 * Where each record field lives in a document. Documents use ECS names so that OpenSearch
 * Dashboards users find their way; Vigil's own fields sit under `vigil.`.
 */
export const FIELDS = {
  timestamp: '@timestamp',
  observed: 'event.created',
  message: 'message',
  level: 'log.level',
  service: 'service.name',
  host: 'host.name',
  dataset: 'event.dataset',
  traceId: 'trace.id',
  spanId: 'span.id',
  id: 'vigil.id',
  tenant: 'vigil.tenant_id',
  format: 'vigil.format',
  severityNumber: 'vigil.severity_number',
  patternId: 'vigil.pattern_id',
  /** The category the tenant's classifier gave the record, and its probability. */
  category: 'vigil.category',
  categoryConfidence: 'vigil.category_confidence',
  /** The values behind the pattern's `<*>`, in order (stored, not indexed). */
  patternParams: 'vigil.pattern_params',
  /** The same values indexed by position (`vigil.param.0`, ...), for `param.N:` queries. */
  params: 'vigil.param',
  /**
   * The parameters that are numbers (param-number.ts) as doubles, by position up to
   * `MAX_STATS_PARAM`: what `paramStats` aggregates. Decided here, at write time, with the rule
   * the other stores apply, rather than by OpenSearch's own parsing of strings (which also takes
   * `1d`, ` 5` or hex floats) or by a script run on every document of every aggregation.
   */
  paramNumbers: 'vigil.param_num',
  /** The body's lexemes as Vigil's tokenizer cuts them, space-separated: what full-text search reads. */
  lexemes: 'vigil.lexemes',
  /** Attribute values as keyword text, one field per attribute key (see `attributeField`). */
  attributes: 'vigil.attr',
} as const;

/** The stored document. `attributes` keeps the original JSON values; it is not indexed. */
export interface LogDocument {
  '@timestamp': string;
  message: string;
  log: { level: string };
  service: { name: string };
  host: { name: string };
  event: { dataset: string; created: string };
  trace?: { id: string };
  span?: { id: string };
  attributes: Record<string, unknown>;
  vigil: {
    id: string;
    tenant_id: string;
    format: string;
    severity_number: number;
    pattern_id?: string;
    pattern_params?: string[];
    param?: Record<string, string>;
    param_num?: Record<string, number>;
    category?: string;
    category_confidence?: number;
    lexemes: string;
    attr: Record<string, string>;
  };
}

/**
 * The name an attribute key takes under `vigil.attr`. OpenSearch reads dots in field names as
 * object paths, so `http` and `http.status` in one index would clash (a value and an object at
 * one path) and reject documents; escaping `.` (and `%`, the escape itself) keeps every key one
 * field. The empty key, which cannot name a field, becomes `%`.
 */
export function attributeKeyField(key: string): string {
  if (key === '') return '%';
  return key.replace(/[%.]/g, (ch) => (ch === '%' ? '%25' : '%2E'));
}

export function attributeField(key: string): string {
  return `${FIELDS.attributes}.${attributeKeyField(key)}`;
}

/** The searchable text of each attribute, as Postgres' `attributes ->> key` yields it. */
export function indexedAttributes(attributes: Record<string, unknown>): Record<string, string> {
  const indexed: Record<string, string> = {};
  for (const [key, value] of Object.entries(attributes)) {
    const text = attributeText(value);
    if (text === null) continue;
    Object.defineProperty(indexed, attributeKeyField(key), {
      value: text,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return indexed;
}

/** The parameters keyed by position; arrays in OpenSearch are unordered, so they cannot serve. */
export function indexedParams(params: readonly string[]): Record<string, string> {
  const indexed: Record<string, string> = {};
  const n = Math.min(params.length, MAX_PARAM_FIELD + 1);
  for (let i = 0; i < n; i++) indexed[i] = params[i] as string;
  return indexed;
}

/** The parameters that are numbers, keyed by position; `null` when none is. */
export function indexedParamNumbers(params: readonly string[]): Record<string, number> | null {
  let indexed: Record<string, number> | null = null;
  const n = Math.min(params.length, MAX_STATS_PARAM + 1);
  for (let i = 0; i < n; i++) {
    const value = paramNumber(params[i] as string);
    if (value !== null) (indexed ??= {})[i] = value;
  }
  return indexed;
}

export function bodyLexemes(body: string): string {
  return tokenizeFullText(body)
    .map((token) => token.lexeme)
    .join(' ');
}

export function toDocument(record: LogRecord): LogDocument {
  const doc: LogDocument = {
    '@timestamp': new Date(record.timestamp).toISOString(),
    message: record.body,
    log: { level: record.severityText },
    service: { name: record.service },
    host: { name: record.host },
    event: { dataset: record.dataset, created: new Date(record.observedTimestamp).toISOString() },
    attributes: record.attributes,
    vigil: {
      id: record.id,
      tenant_id: record.tenantId,
      format: record.format,
      severity_number: record.severityNumber,
      lexemes: bodyLexemes(record.body),
      attr: indexedAttributes(record.attributes),
    },
  };
  if (record.traceId !== null) doc.trace = { id: record.traceId };
  if (record.spanId !== null) doc.span = { id: record.spanId };
  if (record.patternId) doc.vigil.pattern_id = record.patternId;
  if (record.patternParams?.length) {
    doc.vigil.pattern_params = record.patternParams;
    doc.vigil.param = indexedParams(record.patternParams);
    const numbers = indexedParamNumbers(record.patternParams);
    if (numbers !== null) doc.vigil.param_num = numbers;
  }
  const { category, categoryConfidence } = storedCategory(record);
  if (category !== null) doc.vigil.category = category;
  if (categoryConfidence !== null) doc.vigil.category_confidence = categoryConfidence;
  return doc;
}

/** The `_source` fields a read needs to rebuild a record (not the derived search fields). */
export const RECORD_SOURCE_FIELDS = [
  '@timestamp',
  'message',
  'log.level',
  'service.name',
  'host.name',
  'event',
  'trace.id',
  'span.id',
  'attributes',
  'vigil.id',
  'vigil.tenant_id',
  'vigil.format',
  'vigil.severity_number',
  'vigil.pattern_id',
  'vigil.pattern_params',
  'vigil.category',
  'vigil.category_confidence',
];

/** Rebuilds a record from a document's `_source`; tolerant of fields missing from old documents. */
export function fromSource(source: unknown): LogRecord {
  const s = (source ?? {}) as Partial<LogDocument>;
  const attributes: Record<string, unknown> = {};
  // defineProperty: a `__proto__` attribute stays an own property.
  for (const [key, value] of Object.entries(s.attributes ?? {})) {
    Object.defineProperty(attributes, key, {
      value,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return {
    id: s.vigil?.id ?? '',
    tenantId: s.vigil?.tenant_id ?? '',
    timestamp: Date.parse(s['@timestamp'] ?? ''),
    observedTimestamp: Date.parse(s.event?.created ?? s['@timestamp'] ?? ''),
    severityNumber: s.vigil?.severity_number ?? 0,
    severityText: s.log?.level ?? '',
    body: s.message ?? '',
    service: s.service?.name ?? '',
    host: s.host?.name ?? '',
    dataset: s.event?.dataset ?? '',
    format: s.vigil?.format ?? '',
    attributes,
    traceId: s.trace?.id ?? null,
    spanId: s.span?.id ?? null,
    patternId: s.vigil?.pattern_id ?? null,
    patternParams: s.vigil?.pattern_params ?? [],
    category: s.vigil?.category ?? null,
    categoryConfidence: s.vigil?.category_confidence ?? null,
  };
}
