import type { LogRecord } from './log-record';
import type { QueryNode } from './query/query-ast';

/** Which records a read concerns. `tenantId` is mandatory: no read exists without it. */
export interface LogFilterSpec {
  tenantId: string;
  /** Inclusive lower bound, epoch ms. */
  from?: number;
  /** Exclusive upper bound, epoch ms. */
  to?: number;
  query: QueryNode;
  services?: readonly string[];
  /** Canonical level names (`error`, `warn`, ...). */
  levels?: readonly string[];
  traceId?: string;
}

/** Position in the newest-first order `(timestamp DESC, id DESC)`. */
export interface LogCursor {
  timestamp: number;
  id: string;
}

export interface LogPage {
  records: LogRecord[];
  hasMore: boolean;
}

export interface HistogramPoint {
  start: number;
  count: number;
}

export interface FacetCount {
  value: string;
  count: number;
}

/** Per-record outcome of an append: index in the input → reason it was not stored. */
export interface AppendResult {
  rejected: Map<number, string>;
}

/** A record field that facets can group by; anything else is an attribute key. */
export type FacetField =
  | { kind: 'column'; name: 'service' | 'level' | 'host' | 'dataset' | 'format' | 'traceId' }
  | { kind: 'attribute'; key: string };

/**
 * Where logs live. Adapters: Postgres (default) and, later, OpenSearch; both pass
 * `test/contracts/log-store.contract.ts`.
 */
export abstract class LogStore {
  /**
   * Durably stores records (each carries its tenant). Resolves once they are committed; a record
   * that cannot be stored is reported in `rejected` and does not affect the others. Rejects only
   * when the store itself failed (then nothing of this call can be assumed stored).
   */
  abstract append(records: readonly LogRecord[]): Promise<AppendResult>;
  /** Newest first, strictly after `after` when given. */
  abstract search(filter: LogFilterSpec, first: number, after?: LogCursor): Promise<LogPage>;
  abstract count(filter: LogFilterSpec): Promise<number>;
  abstract histogram(filter: LogFilterSpec, intervalMs: number): Promise<HistogramPoint[]>;
  abstract facets(filter: LogFilterSpec, field: FacetField, size: number): Promise<FacetCount[]>;
  /** Creates storage ahead of time and enforces retention (days per tenant, `null` = default). */
  abstract maintain(retention: ReadonlyMap<string, number | null>, now: number): Promise<void>;
  abstract ping(): Promise<void>;
  abstract close(): Promise<void>;
}
