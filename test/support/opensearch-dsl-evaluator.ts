/**
 * Evaluates the subset of the OpenSearch query DSL that the OpenSearch log store emits over
 * documents, following the documented semantics of each query (OpenSearch "Query DSL" pages:
 * term, terms, prefix, range, ids, match_phrase, bool, match_all, match_none) and the store's
 * mappings (keyword values longer than `ignore_above` are not indexed; `vigil.lexemes` is cut by
 * its single-space pattern tokenizer), plus `exists` and the doc values numeric aggregations read. Tests use it to check what the translated queries mean,
 * and the fake OpenSearch server to answer searches.
 */
export type Doc = Record<string, unknown> & { _id: string };

interface FieldMapping {
  type?: string;
  ignore_above?: number;
  properties?: Record<string, FieldMapping>;
  fields?: Record<string, FieldMapping>;
}

export interface MappingsLike {
  properties: Record<string, FieldMapping>;
  dynamic_templates?: Array<Record<string, { path_match: string; mapping: FieldMapping }>>;
}

export class DslEvaluator {
  constructor(private readonly mappings: MappingsLike) {}

  matches(query: Record<string, unknown>, doc: Doc): boolean {
    const [kind, raw] = single(query);
    const arg = raw as Record<string, unknown>;
    switch (kind) {
      case 'match_all':
        return true;
      case 'match_none':
        return false;
      case 'bool': {
        const list = (name: string): Record<string, unknown>[] =>
          (arg[name] as Record<string, unknown>[] | undefined) ?? [];
        const required = [...list('filter'), ...list('must')];
        if (!required.every((q) => this.matches(q, doc))) return false;
        if (list('must_not').some((q) => this.matches(q, doc))) return false;
        const should = list('should');
        if (should.length === 0) return true;
        const minimum = Number(arg.minimum_should_match ?? (required.length === 0 ? 1 : 0));
        return should.filter((q) => this.matches(q, doc)).length >= minimum;
      }
      case 'ids':
        return ((arg.values as string[]) ?? []).includes(doc._id);
      case 'term': {
        const [field, spec] = single(arg);
        const value = unwrap(spec);
        return this.indexedTerms(field, doc).some((term) => term === String(value));
      }
      case 'terms': {
        const [field, values] = single(arg);
        const wanted = new Set((values as unknown[]).map(String));
        return this.indexedTerms(field, doc).some((term) => wanted.has(term));
      }
      case 'prefix': {
        const [field, spec] = single(arg);
        const value = String(unwrap(spec));
        return this.indexedTerms(field, doc).some((term) => term.startsWith(value));
      }
      case 'match_phrase': {
        const [field, spec] = single(arg);
        const phrase = this.analyze(field, String(unwrap(spec, 'query')));
        const tokens = this.indexedTerms(field, doc);
        if (phrase.length === 0) return false;
        for (let start = 0; start + phrase.length <= tokens.length; start++) {
          if (phrase.every((t, k) => tokens[start + k] === t)) return true;
        }
        return false;
      }
      case 'range': {
        const [field, spec] = single(arg);
        const bounds = spec as { gte?: number; gt?: number; lt?: number; lte?: number };
        return this.values(field, doc).some((v) => {
          const t = typeof v === 'number' ? v : Date.parse(String(v));
          return (
            (bounds.gte === undefined || t >= bounds.gte) &&
            (bounds.gt === undefined || t > bounds.gt) &&
            (bounds.lt === undefined || t < bounds.lt) &&
            (bounds.lte === undefined || t <= bounds.lte)
          );
        });
      }
      case 'exists': {
        // A field no mapping declares is not indexed (dynamic: false), so it exists nowhere.
        const field = String(arg.field);
        return this.mappingOf(field) !== undefined && this.indexedTerms(field, doc).length > 0;
      }
      default:
        throw new Error(`the evaluator does not know the ${kind} query`);
    }
  }

  /** The terms the index holds for `field` in `doc`, in position order for text fields. */
  indexedTerms(field: string, doc: Doc): string[] {
    const mapping = this.mappingOf(field);
    const values = this.values(field, doc);
    if (mapping?.type === 'text') return values.flatMap((v) => this.analyze(field, String(v)));
    if (mapping?.type === 'keyword') {
      return values
        .map(String)
        .filter((v) => mapping.ignore_above === undefined || v.length <= mapping.ignore_above);
    }
    return values.map(String);
  }

  /** The doc values of a numeric field (`double`, `float`, ...) in `doc`, as aggregations read them. */
  numbers(field: string, doc: Doc): number[] {
    const type = this.mappingOf(field)?.type;
    if (!type || !NUMERIC_TYPES.has(type)) {
      throw new Error(`the evaluator aggregates numeric fields only, not ${field} (${type})`);
    }
    return this.values(field, doc)
      .map(Number)
      .filter((v) => Number.isFinite(v));
  }

  analyze(field: string, text: string): string[] {
    // `vigil.lexemes` splits on single spaces; `message` (standard analyzer) is never queried.
    if (field === 'vigil.lexemes') return text.split(' ').filter((t) => t !== '');
    return text
      .toLowerCase()
      .split(/[^\p{L}\p{N}]+/u)
      .filter((t) => t !== '');
  }

  values(field: string, doc: Doc): unknown[] {
    const multi = /^(.*)\.keyword$/.exec(field);
    const path = (
      multi && this.mappingOf(multi[1] as string)?.type === 'text' ? multi[1] : field
    ) as string;
    let value: unknown = doc;
    // `@timestamp` is one key; the rest are object paths.
    for (const part of path === '@timestamp' ? [path] : path.split('.')) {
      if (value === null || typeof value !== 'object') return [];
      value = Object.prototype.hasOwnProperty.call(value, part)
        ? (value as Record<string, unknown>)[part]
        : undefined;
    }
    if (value === undefined || value === null) return [];
    return Array.isArray(value) ? value : [value];
  }

  mappingOf(field: string): FieldMapping | undefined {
    for (const template of this.mappings.dynamic_templates ?? []) {
      const [, spec] = single(template);
      const { path_match: pattern, mapping } = spec as {
        path_match: string;
        mapping: FieldMapping;
      };
      const prefix = pattern.replace(/\*$/, '');
      if (field.startsWith(prefix) && !field.slice(prefix.length).includes('.')) return mapping;
    }
    const parts = field === '@timestamp' ? [field] : field.split('.');
    let properties: Record<string, FieldMapping> | undefined = this.mappings.properties;
    let found: FieldMapping | undefined;
    for (let i = 0; i < parts.length; i++) {
      const part = parts[i] as string;
      found = properties?.[part];
      if (!found) return undefined;
      if (found.fields && i === parts.length - 2 && found.fields[parts[i + 1] as string]) {
        return found.fields[parts[i + 1] as string];
      }
      properties = found.properties;
    }
    return found;
  }
}

const NUMERIC_TYPES = new Set([
  'double',
  'float',
  'half_float',
  'long',
  'integer',
  'short',
  'byte',
]);

function single(object: unknown): [string, unknown] {
  const entries = Object.entries(object as Record<string, unknown>);
  if (entries.length !== 1) throw new Error(`expected one key in ${JSON.stringify(object)}`);
  return entries[0] as [string, unknown];
}

function unwrap(spec: unknown, key = 'value'): unknown {
  return spec !== null && typeof spec === 'object' ? (spec as Record<string, unknown>)[key] : spec;
}
