import { Injectable, Optional } from '@nestjs/common';

import { LogCursorCodec } from './log-cursor.codec';
import type { LogRecord } from './log-record';
import {
  type FacetCount,
  type FacetField,
  type HistogramPoint,
  type LogFilterSpec,
  LogStore,
  type ParamStatsPoint,
} from './log-store.port';
import { LogsError } from './logs.errors';
import { MAX_STATS_PARAM } from './param-number';
import { PatternAliases } from './pattern-aliases.port';
import { normalizeLevelName, resolveField } from './query/query-fields';
import type { QueryNode } from './query/query-ast';
import { parseQuery, QuerySyntaxError } from './query/query-parser';

/** A filter as callers give it: the query is still text. */
export interface LogFilterInput {
  from?: Date | null;
  to?: Date | null;
  query?: string | null;
  services?: readonly string[] | null;
  levels?: readonly string[] | null;
  traceId?: string | null;
  formats?: readonly string[] | null;
  patternId?: string | null;
}

export interface LogSearchPage {
  records: LogRecord[];
  /** One per record: where a next page after it starts. */
  cursors: string[];
  hasNextPage: boolean;
  endCursor: string | null;
}

const MAX_PAGE = 1000;
const MAX_BUCKETS = 10_000;
const MAX_FACETS = 1000;
const UNITS: Record<string, number> = {
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
};
const COLUMN_FACETS: Record<string, Extract<FacetField, { kind: 'column' }>['name']> = {
  service: 'service',
  level: 'level',
  severity: 'level',
  host: 'host',
  dataset: 'dataset',
  format: 'format',
  traceId: 'traceId',
  trace_id: 'traceId',
  category: 'category',
};

/** Reads over the log store, always scoped to one tenant. */
@Injectable()
export class LogSearchService {
  constructor(
    private readonly store: LogStore,
    private readonly cursors: LogCursorCodec,
    @Optional() private readonly aliases?: PatternAliases,
  ) {}

  async search(
    tenantId: string,
    input: LogFilterInput,
    first: number,
    after: string | null,
  ): Promise<LogSearchPage> {
    if (!Number.isInteger(first) || first < 0 || first > MAX_PAGE) {
      throw new LogsError('INVALID_ARGUMENT', `first must be an integer from 0 to ${MAX_PAGE}`);
    }
    const filter = await this.#withAliases(this.toSpec(tenantId, input));
    const position = after ? this.cursors.decode(tenantId, after) : undefined;
    const page = await this.store.search(filter, first, position);
    const cursors = page.records.map((r) => this.cursors.encode(tenantId, r));
    return {
      records: page.records,
      cursors,
      hasNextPage: page.hasMore,
      endCursor: cursors[cursors.length - 1] ?? null,
    };
  }

  /** The newest `n` records matching `input`, oldest first: the backfill of a live tail. */
  async recent(tenantId: string, input: LogFilterInput, n: number): Promise<LogRecord[]> {
    if (!Number.isInteger(n) || n < 0 || n > MAX_PAGE) {
      throw new LogsError('INVALID_ARGUMENT', `backfill must be an integer from 0 to ${MAX_PAGE}`);
    }
    if (n === 0) return [];
    const page = await this.store.search(await this.#withAliases(this.toSpec(tenantId, input)), n);
    return page.records.reverse();
  }

  async count(tenantId: string, input: LogFilterInput): Promise<number> {
    return this.store.count(await this.#withAliases(this.toSpec(tenantId, input)));
  }

  async histogram(
    tenantId: string,
    input: LogFilterInput,
    interval: string,
  ): Promise<HistogramPoint[]> {
    const { filter, intervalMs } = await this.#bucketed(tenantId, input, interval);
    const points = await this.store.histogram(filter, intervalMs);
    return fillBuckets(points, intervalMs, filter.from, filter.to);
  }

  /**
   * Count, mean, min and max per bucket of pattern parameter `index` (0-based) where it is a
   * number (see param-number.ts): series such as "mean latency per hour" for forecasting. Buckets
   * without numbers are absent, not zero: an empty bucket has no mean.
   */
  async paramStats(
    tenantId: string,
    input: LogFilterInput,
    interval: string,
    index: number,
  ): Promise<ParamStatsPoint[]> {
    if (!Number.isInteger(index) || index < 0 || index > MAX_STATS_PARAM) {
      throw new LogsError(
        'INVALID_ARGUMENT',
        `parameter index must be an integer from 0 to ${MAX_STATS_PARAM}`,
      );
    }
    const { filter, intervalMs } = await this.#bucketed(tenantId, input, interval);
    return this.store.paramStats(filter, intervalMs, index);
  }

  async facets(
    tenantId: string,
    input: LogFilterInput,
    field: string,
    size: number,
  ): Promise<FacetCount[]> {
    if (!Number.isInteger(size) || size < 1 || size > MAX_FACETS) {
      throw new LogsError('INVALID_ARGUMENT', `size must be an integer from 1 to ${MAX_FACETS}`);
    }
    const trimmed = field.trim();
    if (!trimmed) throw new LogsError('INVALID_ARGUMENT', 'field must not be empty');
    const column = COLUMN_FACETS[trimmed];
    const facet: FacetField = column
      ? { kind: 'column', name: column }
      : { kind: 'attribute', key: trimmed.replace(/^attributes\./, '') };
    return this.store.facets(await this.#withAliases(this.toSpec(tenantId, input)), facet, size);
  }

  /** The filter and bucket width of a read over time buckets, which may not have too many. */
  async #bucketed(
    tenantId: string,
    input: LogFilterInput,
    interval: string,
  ): Promise<{ filter: LogFilterSpec; intervalMs: number }> {
    const intervalMs = parseInterval(interval);
    const filter = await this.#withAliases(this.toSpec(tenantId, input));
    if (filter.from !== undefined && filter.to !== undefined) {
      if ((filter.to - filter.from) / intervalMs > MAX_BUCKETS) {
        throw new LogsError(
          'INVALID_INTERVAL',
          `interval ${interval} gives more than ${MAX_BUCKETS} buckets; widen it`,
        );
      }
    }
    return { filter, intervalMs };
  }

  /**
   * A pattern filter (`LogFilter.patternId` or `pattern:<id>` in the query) also reaches records
   * stored under the pattern's earlier ids.
   */
  async #withAliases(spec: LogFilterSpec): Promise<LogFilterSpec> {
    const aliases = this.aliases;
    if (!aliases) return spec;
    const idsOf = (id: string) => aliases.idsOf(spec.tenantId, id);
    const [id] = spec.patternIds ?? [];
    const query = await expandPatternTerms(spec.query, idsOf);
    if (id === undefined) return query === spec.query ? spec : { ...spec, query };
    return { ...spec, query, patternIds: await idsOf(id) };
  }

  /** Validates a filter and parses its query; exposed for the live tail, which matches in memory. */
  toSpec(tenantId: string, input: LogFilterInput): LogFilterSpec {
    const spec: LogFilterSpec = { tenantId, query: parseUserQuery(input.query ?? '') };
    if (input.from) spec.from = validDate(input.from, 'from');
    if (input.to) spec.to = validDate(input.to, 'to');
    if (spec.from !== undefined && spec.to !== undefined && spec.from > spec.to) {
      throw new LogsError('INVALID_ARGUMENT', 'from must not be after to');
    }
    if (input.services?.length) spec.services = [...input.services];
    if (input.levels?.length) {
      spec.levels = input.levels.map((level) => {
        const name = normalizeLevelName(level);
        if (name === null) throw new LogsError('INVALID_ARGUMENT', `unknown level "${level}"`);
        return name;
      });
    }
    if (input.traceId) spec.traceId = input.traceId.toLowerCase();
    if (input.patternId) spec.patternIds = [input.patternId];
    if (input.formats?.length) {
      // Same meaning as `format:a OR format:b` in the query, which every store already translates.
      const formats: QueryNode = {
        kind: 'or',
        children: input.formats.map((value) => ({
          kind: 'term',
          field: 'format',
          value,
          prefix: false,
        })),
      };
      spec.query =
        spec.query.kind === 'all' ? formats : { kind: 'and', children: [spec.query, formats] };
    }
    return spec;
  }
}

/** Rewrites each exact `pattern:<id>` term into `pattern:<id> OR pattern:<alias> ...`. */
async function expandPatternTerms(
  node: QueryNode,
  idsOf: (id: string) => Promise<string[]>,
): Promise<QueryNode> {
  switch (node.kind) {
    case 'all':
    case 'phrase':
      return node;
    case 'not':
      return { kind: 'not', child: await expandPatternTerms(node.child, idsOf) };
    case 'and':
    case 'or': {
      const children: QueryNode[] = [];
      // One at a time: a query has few pattern terms, and each is one small catalogue read.
      for (const child of node.children) children.push(await expandPatternTerms(child, idsOf));
      return { kind: node.kind, children };
    }
    case 'term': {
      if (node.prefix || resolveField(node.field).kind !== 'pattern') return node;
      const ids = await idsOf(node.value);
      if (ids.length <= 1) return node;
      return { kind: 'or', children: ids.map((value) => ({ ...node, value })) };
    }
  }
}

function parseUserQuery(text: string) {
  try {
    return parseQuery(text);
  } catch (err) {
    if (err instanceof QuerySyntaxError) {
      throw new LogsError(
        'INVALID_QUERY',
        err.message,
        {
          offset: err.offset,
          line: err.line,
          column: err.column,
        },
        { cause: err },
      );
    }
    throw err;
  }
}

function validDate(d: Date, name: string): number {
  const ms = d.getTime();
  if (!Number.isFinite(ms)) throw new LogsError('INVALID_ARGUMENT', `${name} is not a valid date`);
  return ms;
}

/** `"30s"`, `"1m"`, `"1h"`, `"1d"` → milliseconds (at least one second). */
export function parseInterval(text: string): number {
  const m = /^\s*(\d+)\s*(ms|s|m|h|d|w)\s*$/.exec(text);
  const ms = m ? Number(m[1]) * (UNITS[m[2] as string] as number) : NaN;
  if (!(ms >= 1000) || ms > 366 * UNITS.d!) {
    throw new LogsError(
      'INVALID_INTERVAL',
      `interval "${text}" must look like 30s, 1m, 1h or 1d (1s to 366d)`,
    );
  }
  return ms;
}

/** Adds the empty buckets between the first and last (or between from and to when given). */
function fillBuckets(
  points: HistogramPoint[],
  step: number,
  from?: number,
  to?: number,
): HistogramPoint[] {
  if (points.length === 0 && (from === undefined || to === undefined)) return [];
  const first =
    from !== undefined ? Math.floor(from / step) * step : (points[0] as HistogramPoint).start;
  const last =
    to !== undefined
      ? Math.floor((to - 1) / step) * step
      : (points[points.length - 1] as HistogramPoint).start;
  const counts = new Map(points.map((p) => [p.start, p.count]));
  const out: HistogramPoint[] = [];
  for (let t = first; t <= last && out.length <= MAX_BUCKETS; t += step)
    out.push({ start: t, count: counts.get(t) ?? 0 });
  return out;
}
