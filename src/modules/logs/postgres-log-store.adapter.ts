import { Logger } from '@nestjs/common';
import type { Pool, QueryResultRow } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';

import { withTenant } from '../../common/database/tenant-db';
import type { SubjectMatcher } from '../../common/privacy/subject-matcher';
import type { LogRecord } from './log-record';
import {
  type EncodedRecords,
  type FacetCount,
  type FacetField,
  type HistogramPoint,
  type LogCursor,
  type LogFilterSpec,
  type LogPage,
  LogStore,
  type ParamStatsPoint,
  type RecordEncoder,
} from './log-store.port';
import { assertStatsParam } from './param-number';
import { paramStatsSql, timeBucketSql } from './postgres-aggregations';
import { CopyLines, LOG_COLUMNS, fromRow, type LogRow } from './postgres-log-rows';
import { SqlParams, translateQueryToSql } from './query/postgres-query.translator';
import { eraseFromRecord, type SubjectErasure } from './subject-erasure';

const DAY_MS = 86_400_000;
/** Records further ahead than this are rejected: they would need partitions nobody asked for. */
const MAX_FUTURE_MS = DAY_MS;
/** Records read and rewritten at a time by a subject erasure. */
const ERASE_PAGE = 500;

export interface PostgresLogStoreOptions {
  defaultRetentionDays: number;
  partitionsAheadDays: number;
  /** How often the full-text indexes' pending lists are merged in the background (ms; 0 = never). */
  indexCleanIntervalMs?: number;
}

/**
 * Logs in Postgres: a table range-partitioned by day, written with COPY in group commits.
 * See migrations/1764144000000-init.ts for the table and why the full-text index looks as it does.
 *
 * Reads run as `vigil_app` with the tenant set for their transaction and select from the
 * `tenant_logs` view (migrations/1764160000000-row-level-security.ts): a read that lost its tenant
 * filter would still see one tenant only. Writes (COPY) and maintenance (partitions, retention,
 * index cleanup) are cross-tenant work and run as the owner role.
 */
export class PostgresLogStore extends LogStore {
  readonly #logger = new Logger(PostgresLogStore.name);
  readonly #knownDays = new Set<number>();
  #partitionsLoaded: Promise<void> | null = null;
  #maxRetentionDays: number;
  readonly #indexCleaner: NodeJS.Timeout | null;
  #cleaning = false;

  constructor(
    private readonly pool: Pool,
    private readonly options: PostgresLogStoreOptions,
  ) {
    super();
    // An idle connection that the server ends (a restart, or a dropped database) surfaces as a pool
    // 'error' event; unheard, that event would take the process down. The pool replaces the client.
    pool.on('error', (err) => this.#logger.warn(`idle log-store connection lost: ${err.message}`));
    this.#maxRetentionDays = options.defaultRetentionDays;
    const every = options.indexCleanIntervalMs ?? 500;
    this.#indexCleaner =
      every > 0 ? setInterval(() => void this.cleanPendingIndexes(), every) : null;
    this.#indexCleaner?.unref();
  }

  encoder(): RecordEncoder {
    return new PostgresRecordEncoder(Date.now(), this.#maxRetentionDays);
  }

  async appendEncoded(batches: readonly EncodedRecords[]): Promise<Array<Map<number, string>>> {
    const encoded = batches as readonly PostgresEncodedRecords[];
    const results = encoded.map((b) => new Map(b.rejected));
    const days = new Set<number>();
    for (const batch of encoded) for (const day of batch.days) days.add(day);
    if (encoded.every((b) => b.indexes.length === 0)) return results;
    await this.ensurePartitions(days);
    try {
      await this.copy(Buffer.concat(encoded.flatMap((b) => b.chunks)));
    } catch (err) {
      if (!isDataError(err)) throw err;
      const rows: Row[] = [];
      encoded.forEach((batch, b) => {
        batch.indexes.forEach((_, k) => rows.push({ batch: b, k }));
      });
      const payloads = encoded.map((b) => Buffer.concat(b.chunks));
      await this.copyIsolatingBadRows(encoded, payloads, lineOffsets(payloads), rows, results);
    }
    return results;
  }

  async search(filter: LogFilterSpec, first: number, after?: LogCursor): Promise<LogPage> {
    const params = new SqlParams();
    let where = this.where(filter, params);
    if (after) {
      where += ` AND (ts, id) < (${params.add(new Date(after.timestamp))}, ${params.add(after.id)}::uuid)`;
    }
    const limit = params.add(first + 1);
    const rows = await this.read<LogRow>(
      filter.tenantId,
      `SELECT ${LOG_COLUMNS} FROM tenant_logs WHERE ${where} ORDER BY ts DESC, id DESC LIMIT ${limit}`,
      params,
    );
    const hasMore = rows.length > first;
    return { records: (hasMore ? rows.slice(0, first) : rows).map(fromRow), hasMore };
  }

  async count(filter: LogFilterSpec): Promise<number> {
    const params = new SqlParams();
    const where = this.where(filter, params);
    const rows = await this.read<{ n: string }>(
      filter.tenantId,
      `SELECT count(*) AS n FROM tenant_logs WHERE ${where}`,
      params,
    );
    return Number(rows[0]?.n ?? 0);
  }

  async histogram(filter: LogFilterSpec, intervalMs: number): Promise<HistogramPoint[]> {
    const params = new SqlParams();
    const where = this.where(filter, params);
    const bucket = timeBucketSql(params, intervalMs);
    const rows = await this.read<{ start: Date; n: string }>(
      filter.tenantId,
      `SELECT ${bucket} AS start, count(*) AS n
         FROM tenant_logs WHERE ${where} GROUP BY 1 ORDER BY 1`,
      params,
    );
    return rows.map((r) => ({ start: r.start.getTime(), count: Number(r.n) }));
  }

  async paramStats(
    filter: LogFilterSpec,
    intervalMs: number,
    index: number,
  ): Promise<ParamStatsPoint[]> {
    assertStatsParam(index);
    const params = new SqlParams();
    const where = this.where(filter, params);
    const rows = await this.read<{
      start: Date;
      n: string;
      mean: number;
      min: number;
      max: number;
    }>(filter.tenantId, paramStatsSql(where, params, intervalMs, index), params);
    return rows.map((r) => ({
      start: r.start.getTime(),
      count: Number(r.n),
      mean: r.mean,
      min: r.min,
      max: r.max,
    }));
  }

  async facets(filter: LogFilterSpec, field: FacetField, size: number): Promise<FacetCount[]> {
    const params = new SqlParams();
    const where = this.where(filter, params);
    const expr =
      field.kind === 'attribute' ? `attributes->>${params.add(field.key)}` : COLUMN_OF[field.name];
    const limit = params.add(size);
    const rows = await this.read<{ value: string; n: string }>(
      filter.tenantId,
      `SELECT ${expr} AS value, count(*) AS n FROM tenant_logs
        WHERE ${where} AND ${expr} IS NOT NULL AND ${expr} <> ''
        GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT ${limit}`,
      params,
    );
    return rows.map((r) => ({ value: r.value, count: Number(r.n) }));
  }

  async maintain(retention: ReadonlyMap<string, number | null>, now: number): Promise<void> {
    const defaultDays = this.options.defaultRetentionDays;
    let maxDays = defaultDays;
    for (const days of retention.values()) maxDays = Math.max(maxDays, days ?? defaultDays);
    this.#maxRetentionDays = maxDays;

    const today = Math.floor(now / DAY_MS);
    const ahead = new Set<number>();
    for (let d = 0; d <= this.options.partitionsAheadDays; d++) ahead.add(today + d);
    await this.ensurePartitions(ahead);

    // Whole partitions older than every tenant's retention are dropped; tenants that keep less
    // than the longest retention have their older rows deleted from the partitions that remain.
    const keepFromDay = today - maxDays;
    for (const day of [...this.#knownDays].filter((d) => d < keepFromDay)) {
      await this.pool.query(`DROP TABLE IF EXISTS ${partitionName(day)}`);
      this.#knownDays.delete(day);
      this.#logger.log(`dropped log partition ${partitionName(day)} (retention ${maxDays} days)`);
    }
    for (const [tenantId, days] of retention) {
      const keep = days ?? defaultDays;
      if (keep >= maxDays) continue;
      await this.pool.query('DELETE FROM logs WHERE tenant_id = $1 AND ts < $2', [
        tenantId,
        new Date(now - keep * DAY_MS),
      ]);
    }
  }

  async *exportTenant(tenantId: string, pageSize = 1000): AsyncIterable<LogRecord[]> {
    let after: LogCursor | null = null;
    for (;;) {
      const params: unknown[] = [tenantId, pageSize];
      let where = 'tenant_id = $1';
      if (after) {
        where += ' AND (ts, id) > ($3, $4::uuid)';
        params.push(new Date(after.timestamp), after.id);
      }
      const { rows } = await this.pool.query<LogRow>(
        `SELECT ${LOG_COLUMNS} FROM logs WHERE ${where} ORDER BY ts, id LIMIT $2`,
        params,
      );
      if (rows.length === 0) return;
      const records = rows.map(fromRow);
      yield records;
      const last = records[records.length - 1] as LogRecord;
      after = { timestamp: last.timestamp, id: last.id };
      if (rows.length < pageSize) return;
    }
  }

  async eraseTenant(tenantId: string): Promise<number> {
    // The parent table reaches every partition.
    const { rowCount } = await this.pool.query('DELETE FROM logs WHERE tenant_id = $1', [tenantId]);
    return rowCount ?? 0;
  }

  /**
   * Two passes. The first finds candidates in bodies with the full-text index, the second scans
   * the tenant's records for the rest: attribute values (not indexed) and bodies in which the
   * full-text parser hides an identifier inside a larger token (a URL, a path). Candidates are
   * then matched exactly (`SubjectMatcher`) and rewritten in place; a record erased by the first
   * pass no longer matches in the second.
   */
  async eraseSubject(tenantId: string, matcher: SubjectMatcher): Promise<SubjectErasure> {
    const total: SubjectErasure = { records: 0, fields: 0 };
    if (matcher.terms.length === 0) return total;
    const tsquery = matcher.terms
      .map((_, i) => `phraseto_tsquery('simple', $${i + 4})`)
      .join(' || ');
    await this.eraseCandidates(
      tenantId,
      matcher,
      `to_tsvector('simple'::regconfig, body) @@ (${tsquery})`,
      matcher.terms,
      total,
    );
    const patterns = matcher.terms.map((t) => `%${t.toLowerCase().replace(/[\\%_]/g, '\\$&')}%`);
    await this.eraseCandidates(
      tenantId,
      matcher,
      `(lower(body) LIKE ANY($4::text[])
        OR EXISTS (SELECT 1 FROM jsonb_each_text(attributes) a WHERE lower(a.value) LIKE ANY($4::text[])))`,
      [patterns],
      total,
    );
    return total;
  }

  async ping(): Promise<void> {
    await this.pool.query('SELECT 1');
  }

  async close(): Promise<void> {
    if (this.#indexCleaner) clearInterval(this.#indexCleaner);
    await this.pool.end();
  }

  /**
   * Merges the full-text indexes' pending lists (fastupdate) into their trees. Doing it here, on
   * a timer, keeps that work off the ingest path: an insert that finds a cleanup already running
   * skips it instead of stalling its commit, and searches scan a short pending list.
   */
  async cleanPendingIndexes(): Promise<void> {
    if (this.#cleaning) return;
    this.#cleaning = true;
    try {
      await this.pool.query(
        `SELECT gin_clean_pending_list(i.inhrelid::regclass) FROM pg_inherits i
          WHERE i.inhparent = 'logs_body_fts_idx'::regclass`,
      );
    } catch (err) {
      this.#logger.warn(`full-text index cleanup failed: ${String(err)}`);
    } finally {
      this.#cleaning = false;
    }
  }

  /** Walks the tenant's records matching `condition` (params from $4) and rewrites matches. */
  private async eraseCandidates(
    tenantId: string,
    matcher: SubjectMatcher,
    condition: string,
    conditionParams: readonly unknown[],
    total: SubjectErasure,
  ): Promise<void> {
    let after: { ts: string; id: string } = {
      ts: '-infinity',
      id: '00000000-0000-0000-0000-000000000000',
    };
    for (;;) {
      const { rows } = await this.pool.query<{
        ts: string;
        id: string;
        body: string;
        attributes: Record<string, unknown>;
        pattern_params: string[] | null;
      }>(
        `SELECT ts::text AS ts, id, body, attributes, pattern_params FROM logs
          WHERE tenant_id = $1 AND (ts, id) > ($2::timestamptz, $3::uuid) AND ${condition}
          ORDER BY ts, id LIMIT ${ERASE_PAGE}`,
        [tenantId, after.ts, after.id, ...conditionParams],
      );
      const changed = rows.flatMap((row) => {
        const erased = eraseFromRecord({ ...row, patternParams: row.pattern_params }, matcher);
        return erased ? [{ ts: row.ts, id: row.id, ...erased }] : [];
      });
      if (changed.length > 0) {
        await this.pool.query(
          `UPDATE logs l SET body = u.body, attributes = u.attributes,
                  pattern_params = CASE WHEN u.params IS NULL THEN NULL
                                        ELSE array(SELECT jsonb_array_elements_text(u.params)) END
             FROM unnest($2::timestamptz[], $3::uuid[], $4::text[], $5::jsonb[], $6::jsonb[])
                  AS u(ts, id, body, attributes, params)
            WHERE l.tenant_id = $1 AND l.ts = u.ts AND l.id = u.id`,
          [
            tenantId,
            changed.map((c) => c.ts),
            changed.map((c) => c.id),
            changed.map((c) => c.body),
            changed.map((c) => JSON.stringify(c.attributes)),
            changed.map((c) => (c.patternParams === null ? null : JSON.stringify(c.patternParams))),
          ],
        );
        total.records += changed.length;
        for (const c of changed) total.fields += c.fields;
      }
      const last = rows[rows.length - 1];
      if (!last || rows.length < ERASE_PAGE) return;
      after = { ts: last.ts, id: last.id };
    }
  }

  /** One tenant-scoped read: its own transaction as `vigil_app`, three round trips more. */
  private read<R extends QueryResultRow>(
    tenantId: string,
    sql: string,
    params: SqlParams,
  ): Promise<R[]> {
    return withTenant(this.pool, tenantId, async (client) => {
      const { rows } = await client.query<R>(sql, params.values);
      return rows;
    });
  }

  /** The explicit tenant clause stays: it is what the indexes lead with. */
  private where(filter: LogFilterSpec, params: SqlParams): string {
    const parts = [`tenant_id = ${params.add(filter.tenantId)}::uuid`];
    if (filter.from !== undefined) parts.push(`ts >= ${params.add(new Date(filter.from))}`);
    if (filter.to !== undefined) parts.push(`ts < ${params.add(new Date(filter.to))}`);
    if (filter.services?.length)
      parts.push(`service = ANY(${params.add(filter.services)}::text[])`);
    if (filter.levels?.length)
      parts.push(`severity_text = ANY(${params.add(filter.levels)}::text[])`);
    if (filter.traceId) parts.push(`trace_id = ${params.add(filter.traceId)}`);
    if (filter.patternIds?.length)
      parts.push(`pattern_id = ANY(${params.add(filter.patternIds)}::text[])`);
    if (filter.query.kind !== 'all') parts.push(`(${translateQueryToSql(filter.query, params)})`);
    return parts.join(' AND ');
  }

  /** COPYs the rows; when COPY fails on data, bisects to reject the bad rows alone. */
  private async copyIsolatingBadRows(
    batches: readonly PostgresEncodedRecords[],
    payloads: readonly Buffer[],
    offsets: readonly number[][],
    rows: readonly Row[],
    results: Array<Map<number, string>>,
  ): Promise<void> {
    try {
      await this.copy(Buffer.concat(rowBytes(payloads, offsets, rows)));
    } catch (err) {
      if (!isDataError(err)) throw err;
      if (rows.length === 1) {
        const { batch, k } = rows[0] as Row;
        const index = (batches[batch] as PostgresEncodedRecords).indexes[k] as number;
        results[batch]?.set(index, `rejected by the log store: ${(err as Error).message}`);
        return;
      }
      const mid = rows.length >> 1;
      await this.copyIsolatingBadRows(batches, payloads, offsets, rows.slice(0, mid), results);
      await this.copyIsolatingBadRows(batches, payloads, offsets, rows.slice(mid), results);
    }
  }

  /**
   * One COPY of whole lines. The payload goes over as one buffer: the socket then drains it
   * without returning to the event loop per chunk, so Postgres never waits on a stream
   * interleaved with the parsing of other requests.
   */
  private async copy(payload: Buffer): Promise<void> {
    const client = await this.pool.connect();
    let broken = false;
    try {
      // COPY outside BEGIN/COMMIT is one atomic transaction: two fewer round trips per batch, each
      // of which would wait for a busy event loop while Postgres sits idle in transaction.
      // It runs as the owner, not vigil_app: Postgres refuses COPY FROM into a table whose
      // row-level security applies to the role, and one group commit mixes tenants. Each line's
      // tenant_id is the authenticated principal's (IngestBatch), never a value from a document.
      const stream = client.query(copyFrom(`COPY logs (${LOG_COLUMNS}) FROM STDIN`));
      await pipeline(Readable.from([payload]), stream);
    } catch (err) {
      broken = !isDataError(err);
      throw err;
    } finally {
      client.release(broken);
    }
  }

  private async ensurePartitions(days: ReadonlySet<number>): Promise<void> {
    this.#partitionsLoaded ??= this.loadPartitions();
    await this.#partitionsLoaded;
    const missing = [...days].filter((d) => !this.#knownDays.has(d));
    if (missing.length === 0) return;
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      await client.query(`SELECT pg_advisory_xact_lock(hashtext('vigil:log-partitions'))`);
      for (const day of missing) {
        await client.query(
          `CREATE TABLE IF NOT EXISTS ${partitionName(day)} PARTITION OF logs
             FOR VALUES FROM ('${iso(day * DAY_MS)}') TO ('${iso((day + 1) * DAY_MS)}')`,
        );
        // Reads name `logs`, whose policy is the one Postgres checks; the partition gets the same
        // forced policy so that naming it directly shows nothing either.
        await client.query(`SELECT vigil_secure_log_partition($1::regclass)`, [partitionName(day)]);
      }
      await client.query('COMMIT');
      for (const day of missing) this.#knownDays.add(day);
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw err;
    } finally {
      client.release();
    }
  }

  private async loadPartitions(): Promise<void> {
    const { rows } = await this.pool.query<{ name: string }>(
      `SELECT c.relname AS name FROM pg_inherits i
         JOIN pg_class c ON c.oid = i.inhrelid JOIN pg_class p ON p.oid = i.inhparent
        WHERE p.relname = 'logs' AND p.relnamespace = current_schema()::regnamespace`,
    );
    for (const { name } of rows) {
      const day = dayOfPartition(name);
      if (day !== null) this.#knownDays.add(day);
    }
  }
}

const COLUMN_OF: Record<Extract<FacetField, { kind: 'column' }>['name'], string> = {
  service: 'service',
  level: 'severity_text',
  host: 'host',
  dataset: 'dataset',
  format: 'format',
  traceId: 'trace_id',
  category: 'category',
};

/** COPY text of the records the encoder accepted, one line each, in input order. */
interface PostgresEncodedRecords extends EncodedRecords {
  chunks: Buffer[];
  /** Input index of each line. */
  indexes: number[];
  days: Set<number>;
}

class PostgresRecordEncoder implements RecordEncoder {
  readonly #rejected = new Map<number, string>();
  readonly #indexes: number[] = [];
  readonly #days = new Set<number>();
  readonly #lines = new CopyLines();
  readonly #newest: number;
  readonly #oldest: number;
  #size = 0;

  constructor(
    now: number,
    private readonly retentionDays: number,
  ) {
    this.#newest = now + MAX_FUTURE_MS;
    this.#oldest = now - retentionDays * DAY_MS;
  }

  add(record: LogRecord): void {
    const i = this.#size++;
    const ts = record.timestamp;
    if (ts > this.#newest) {
      this.#rejected.set(i, `timestamp ${iso(ts)} is more than a day in the future`);
    } else if (ts < this.#oldest) {
      this.#rejected.set(
        i,
        `timestamp ${iso(ts)} is older than the retention of ${this.retentionDays} days`,
      );
    } else {
      this.#lines.add(record);
      this.#indexes.push(i);
      this.#days.add(Math.floor(ts / DAY_MS));
    }
  }

  finish(): PostgresEncodedRecords {
    // Bytes, not strings: the record objects die as soon as they are added. Line boundaries are
    // found again only if COPY fails on data.
    return {
      size: this.#size,
      rejected: this.#rejected,
      chunks: this.#lines.finish(),
      indexes: this.#indexes,
      days: this.#days,
    };
  }
}

/** Where each line of each batch starts (and the last one ends): escaped COPY text has no raw LF. */
function lineOffsets(payloads: readonly Buffer[]): number[][] {
  return payloads.map((payload) => {
    const offsets = [0];
    for (let at = payload.indexOf(10); at !== -1; at = payload.indexOf(10, at + 1))
      offsets.push(at + 1);
    return offsets;
  });
}

/** The bytes of `rows`, taking each run of consecutive lines of one batch in one piece. */
function rowBytes(
  payloads: readonly Buffer[],
  offsets: readonly number[][],
  rows: readonly Row[],
): Buffer[] {
  const parts: Buffer[] = [];
  let i = 0;
  while (i < rows.length) {
    const { batch, k } = rows[i] as Row;
    let n = 1;
    while (rows[i + n]?.batch === batch && rows[i + n]?.k === k + n) n++;
    const starts = offsets[batch] as number[];
    parts.push((payloads[batch] as Buffer).subarray(starts[k], starts[k + n]));
    i += n;
  }
  return parts;
}

/** One encoded line: batch number and position within it. */
interface Row {
  batch: number;
  k: number;
}

/** SQLSTATE classes caused by a row's content (data exception, integrity, program limit). */
function isDataError(err: unknown): boolean {
  const code = (err as { code?: unknown }).code;
  return (
    typeof code === 'string' &&
    (code.startsWith('22') || code.startsWith('23') || code.startsWith('54'))
  );
}

function partitionName(day: number): string {
  return `logs_p${iso(day * DAY_MS)
    .slice(0, 10)
    .replace(/-/g, '')}`;
}

function dayOfPartition(name: string): number | null {
  const m = /^logs_p(\d{4})(\d{2})(\d{2})$/.exec(name);
  return m ? Math.floor(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) / DAY_MS) : null;
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}
