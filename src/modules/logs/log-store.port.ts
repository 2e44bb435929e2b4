import type { SubjectMatcher } from '../../common/privacy/subject-matcher';
import type { LogRecord } from './log-record';
import type { QueryNode } from './query/query-ast';
import type { SubjectErasure } from './subject-erasure';

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
  /** Records mined into any of these patterns (a pattern's id and its aliases). */
  patternIds?: readonly string[];
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

/**
 * Numeric statistics of one pattern parameter over a time bucket (`LogStore.paramStats`):
 * series such as "mean latency per hour" for forecasting.
 */
export interface ParamStatsPoint {
  start: number;
  /** Records of the bucket whose parameter is a number. */
  count: number;
  mean: number;
  min: number;
  max: number;
}

export interface FacetCount {
  value: string;
  count: number;
}

/** Per-record outcome of an append: index in the input → reason it was not stored. */
export interface AppendResult {
  rejected: Map<number, string>;
}

/**
 * Records in the form an adapter writes them (COPY lines, bulk NDJSON...), made by an encoder.
 * Ingest encodes each request as it arrives and holds only this while it waits for its group
 * commit, so the record objects die young and waiting batches cost the garbage collector little.
 */
export interface EncodedRecords {
  /** How many records were given to the encoder. */
  readonly size: number;
  /** Input index → reason, for records refused already while encoding. */
  readonly rejected: ReadonlyMap<number, string>;
}

/**
 * Encodes one request's records, one at a time, into the store's write form. Ingest adds each
 * record as soon as it is normalized, so only the encoded bytes outlive the record.
 */
export interface RecordEncoder {
  /** Encodes the next record; its input index is the number of records added before it. */
  add(record: LogRecord): void;
  finish(): EncodedRecords;
}

/** A record field that facets can group by; anything else is an attribute key. */
export type FacetField =
  | {
      kind: 'column';
      name: 'service' | 'level' | 'host' | 'dataset' | 'format' | 'traceId' | 'category';
    }
  | { kind: 'attribute'; key: string };

/**
 * Where logs live. Adapters: Postgres (default) and OpenSearch (`LOG_STORE=opensearch`); both
 * pass `test/contracts/log-store.contract.ts`.
 */
export abstract class LogStore {
  /** Starts encoding records for `appendEncoded`. Synchronous and pure: no I/O. */
  abstract encoder(): RecordEncoder;

  /** Encodes records for `appendEncoded` in one go. */
  encode(records: readonly LogRecord[]): EncodedRecords {
    const encoder = this.encoder();
    for (let i = 0; i < records.length; i++) encoder.add(records[i] as LogRecord);
    return encoder.finish();
  }

  /**
   * Durably stores encoded batches (made by this store's `encode`) in one write. Resolves once
   * they are committed, with each batch's rejections (input index → reason, encode-time ones
   * included); a record that cannot be stored never affects the others. Rejects only when the
   * store itself failed (then nothing of this call can be assumed stored).
   */
  abstract appendEncoded(batches: readonly EncodedRecords[]): Promise<Array<Map<number, string>>>;

  /** Durably stores records (each carries its tenant); see `appendEncoded`. */
  async append(records: readonly LogRecord[]): Promise<AppendResult> {
    const [rejected] = await this.appendEncoded([this.encode(records)]);
    return { rejected: rejected ?? new Map<number, string>() };
  }
  /** Newest first, strictly after `after` when given. */
  abstract search(filter: LogFilterSpec, first: number, after?: LogCursor): Promise<LogPage>;
  abstract count(filter: LogFilterSpec): Promise<number>;
  abstract histogram(filter: LogFilterSpec, intervalMs: number): Promise<HistogramPoint[]>;
  /**
   * Per time bucket (as `histogram` makes them), over the records matching `filter` whose
   * parameter `index` (0-based, at most `MAX_STATS_PARAM`) is a number by the rule of
   * param-number.ts: how many, their mean, min and max. Buckets without such values are absent.
   */
  abstract paramStats(
    filter: LogFilterSpec,
    intervalMs: number,
    index: number,
  ): Promise<ParamStatsPoint[]>;
  abstract facets(filter: LogFilterSpec, field: FacetField, size: number): Promise<FacetCount[]>;
  /** Creates storage ahead of time and enforces retention (days per tenant, `null` = default). */
  abstract maintain(retention: ReadonlyMap<string, number | null>, now: number): Promise<void>;
  /** Every record of the tenant, oldest first, a page at a time: never all in memory. */
  abstract exportTenant(tenantId: string, pageSize?: number): AsyncIterable<LogRecord[]>;
  /** Deletes every record of the tenant, whatever its age; returns how many. */
  abstract eraseTenant(tenantId: string): Promise<number>;
  /**
   * Replaces each occurrence of the subject's identifiers in the tenant's records (body and
   * attribute values) with `[erased]`, keeping the records. Idempotent.
   */
  abstract eraseSubject(tenantId: string, matcher: SubjectMatcher): Promise<SubjectErasure>;
  abstract ping(): Promise<void>;
  abstract close(): Promise<void>;
}
