import { assertStatsParam } from '../param-number';
import { FIELDS } from './opensearch-documents';
import type { DslQuery } from './opensearch-query.translator';

/** Records per time bucket; empty buckets are left out, as Postgres' GROUP BY leaves them. */
export function histogramAggregation(intervalMs: number): Record<string, unknown> {
  return {
    date_histogram: {
      field: FIELDS.timestamp,
      // Fixed intervals are aligned on the epoch, like Postgres' date_bin from 'epoch'.
      fixed_interval: `${intervalMs}ms`,
      min_doc_count: 1,
    },
  };
}

/** The double field of parameter `index`, present on records where it is a number. */
export function paramNumberField(index: number): string {
  assertStatsParam(index);
  return `${FIELDS.paramNumbers}.${index}`;
}

/**
 * What a `paramStats` search adds to the tenant's filter and asks for: only records whose
 * parameter is a number (an `exists` on its double field), so that every bucket the histogram
 * keeps has values, and `stats` of the field in each bucket.
 */
export function paramStatsRequest(
  intervalMs: number,
  index: number,
): { also: DslQuery[]; aggregation: Record<string, unknown> } {
  const field = paramNumberField(index);
  return {
    also: [{ exists: { field } }],
    aggregation: { ...histogramAggregation(intervalMs), aggs: { value: { stats: { field } } } },
  };
}

/** One `date_histogram` bucket of a `paramStatsRequest` answer. */
export interface ParamStatsBucket {
  key: number | string;
  doc_count: number;
  value?: { count: number; min: number | null; max: number | null; avg: number | null };
}
