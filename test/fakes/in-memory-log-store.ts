import type { SubjectMatcher } from 'src/common/privacy/subject-matcher';
import { type LogRecord, storedCategory } from 'src/modules/logs/log-record';
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
} from 'src/modules/logs/log-store.port';
import { assertStatsParam, paramNumber } from 'src/modules/logs/param-number';
import { compileQueryMatcher } from 'src/modules/logs/query/query-matcher';
import { eraseFromRecord, type SubjectErasure } from 'src/modules/logs/subject-erasure';

/**
 * A LogStore in memory, for unit tests. It passes the same contract suite as the real adapters
 * (test/contracts/log-store.contract.ts), so tests written against it hold for them too.
 */
export class InMemoryLogStore extends LogStore {
  readonly records: LogRecord[] = [];
  /** Set to make the next appends fail as if the store were down. */
  failWith: Error | null = null;
  /** Records whose body contains this text are refused, as a store refuses a bad row. */
  rejectBodiesContaining: string | null = null;
  appendCalls: number[] = [];
  #pendingAppends: Array<() => void> | null = null;

  /** Holds appends until `release()`; lets tests observe queued work. */
  hold(): void {
    this.#pendingAppends = [];
  }

  release(): void {
    const pending = this.#pendingAppends ?? [];
    this.#pendingAppends = null;
    for (const resume of pending) resume();
  }

  encoder(): RecordEncoder {
    const records: LogRecord[] = [];
    const rejected = new Map<number, string>();
    const newest = Date.now() + 86_400_000;
    return {
      add(record) {
        // As the Postgres store does.
        if (record.timestamp > newest)
          rejected.set(records.length, 'timestamp is more than a day in the future');
        records.push(record);
      },
      finish: (): InMemoryEncoded => ({ size: records.length, rejected, records }),
    };
  }

  async appendEncoded(batches: readonly EncodedRecords[]): Promise<Array<Map<number, string>>> {
    const encoded = batches as readonly InMemoryEncoded[];
    this.appendCalls.push(encoded.reduce((n, b) => n + b.size, 0));
    if (this.#pendingAppends) await new Promise<void>((r) => this.#pendingAppends?.push(r));
    if (this.failWith) throw this.failWith;
    return encoded.map((batch) => {
      const rejected = new Map(batch.rejected);
      batch.records.forEach((r, i) => {
        if (rejected.has(i)) return;
        if (this.rejectBodiesContaining !== null && r.body.includes(this.rejectBodiesContaining)) {
          rejected.set(i, 'refused by the in-memory store');
        } else {
          // As the real stores keep the category (records without one stay the objects given).
          const plain = r.category === undefined && r.categoryConfidence === undefined;
          this.records.push(plain ? r : { ...r, ...storedCategory(r) });
        }
      });
      return rejected;
    });
  }

  async search(filter: LogFilterSpec, first: number, after?: LogCursor): Promise<LogPage> {
    const rows = this.matching(filter)
      .sort(newestFirst)
      .filter(
        (r) =>
          !after ||
          r.timestamp < after.timestamp ||
          (r.timestamp === after.timestamp && r.id < after.id),
      );
    return { records: rows.slice(0, first), hasMore: rows.length > first };
  }

  async count(filter: LogFilterSpec): Promise<number> {
    return this.matching(filter).length;
  }

  async histogram(filter: LogFilterSpec, intervalMs: number): Promise<HistogramPoint[]> {
    const counts = new Map<number, number>();
    for (const r of this.matching(filter)) {
      const start = Math.floor(r.timestamp / intervalMs) * intervalMs;
      counts.set(start, (counts.get(start) ?? 0) + 1);
    }
    return [...counts].sort((a, b) => a[0] - b[0]).map(([start, count]) => ({ start, count }));
  }

  async paramStats(
    filter: LogFilterSpec,
    intervalMs: number,
    index: number,
  ): Promise<ParamStatsPoint[]> {
    assertStatsParam(index);
    const buckets = new Map<number, number[]>();
    for (const r of this.matching(filter)) {
      const value = paramNumber(r.patternParams?.[index] ?? '');
      if (value === null) continue;
      const start = Math.floor(r.timestamp / intervalMs) * intervalMs;
      const values = buckets.get(start);
      if (values) values.push(value);
      else buckets.set(start, [value]);
    }
    return [...buckets]
      .sort((a, b) => a[0] - b[0])
      .map(([start, values]) => ({
        start,
        count: values.length,
        mean: values.reduce((sum, v) => sum + v, 0) / values.length,
        min: values.reduce((a, b) => Math.min(a, b)),
        max: values.reduce((a, b) => Math.max(a, b)),
      }));
  }

  async facets(filter: LogFilterSpec, field: FacetField, size: number): Promise<FacetCount[]> {
    const counts = new Map<string, number>();
    for (const r of this.matching(filter)) {
      const value = facetValue(r, field);
      if (value) counts.set(value, (counts.get(value) ?? 0) + 1);
    }
    return [...counts]
      .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
      .slice(0, size)
      .map(([value, count]) => ({ value, count }));
  }

  async maintain(retention: ReadonlyMap<string, number | null>, now: number): Promise<void> {
    for (let i = this.records.length - 1; i >= 0; i--) {
      const r = this.records[i] as LogRecord;
      const days = retention.get(r.tenantId) ?? 7;
      if (r.timestamp < now - days * 86_400_000) this.records.splice(i, 1);
    }
  }

  async *exportTenant(tenantId: string, pageSize = 1000): AsyncIterable<LogRecord[]> {
    const rows = this.records
      .filter((r) => r.tenantId === tenantId)
      .sort((a, b) => -newestFirst(a, b))
      .map((r) => structuredClone(r));
    for (let i = 0; i < rows.length; i += pageSize) yield rows.slice(i, i + pageSize);
  }

  async eraseTenant(tenantId: string): Promise<number> {
    const before = this.records.length;
    const kept = this.records.filter((r) => r.tenantId !== tenantId);
    this.records.splice(0, this.records.length, ...kept);
    return before - kept.length;
  }

  async eraseSubject(tenantId: string, matcher: SubjectMatcher): Promise<SubjectErasure> {
    const total: SubjectErasure = { records: 0, fields: 0 };
    for (let i = 0; i < this.records.length; i++) {
      const r = this.records[i] as LogRecord;
      if (r.tenantId !== tenantId) continue;
      const erased = eraseFromRecord(r, matcher);
      if (!erased) continue;
      this.records[i] = { ...r, body: erased.body, attributes: erased.attributes };
      if (erased.patternParams !== null) this.records[i]!.patternParams = erased.patternParams;
      total.records++;
      total.fields += erased.fields;
    }
    return total;
  }

  async ping(): Promise<void> {
    if (this.failWith) throw this.failWith;
  }

  async close(): Promise<void> {}

  private matching(filter: LogFilterSpec): LogRecord[] {
    const matches = compileQueryMatcher(filter.query);
    return this.records.filter(
      (r) =>
        r.tenantId === filter.tenantId &&
        (filter.from === undefined || r.timestamp >= filter.from) &&
        (filter.to === undefined || r.timestamp < filter.to) &&
        (!filter.services?.length || filter.services.includes(r.service)) &&
        (!filter.levels?.length || filter.levels.includes(r.severityText)) &&
        (!filter.traceId || r.traceId === filter.traceId) &&
        (!filter.patternIds?.length || filter.patternIds.includes(r.patternId ?? '')) &&
        matches(r),
    );
  }
}

interface InMemoryEncoded extends EncodedRecords {
  records: LogRecord[];
}

function newestFirst(a: LogRecord, b: LogRecord): number {
  return b.timestamp - a.timestamp || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0);
}

function facetValue(r: LogRecord, field: FacetField): string | null {
  if (field.kind === 'attribute') {
    const v = r.attributes[field.key];
    return v === undefined || v === null ? null : typeof v === 'string' ? v : JSON.stringify(v);
  }
  switch (field.name) {
    case 'service':
      return r.service;
    case 'level':
      return r.severityText;
    case 'host':
      return r.host;
    case 'dataset':
      return r.dataset;
    case 'format':
      return r.format;
    case 'traceId':
      return r.traceId;
    case 'category':
      return r.category ?? null;
  }
}
