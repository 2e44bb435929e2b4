import type { LogCursor, LogFilterSpec } from '../log-store.port';
import { FIELDS } from './opensearch-documents';
import { type DslQuery, translateQueryToDsl } from './opensearch-query.translator';
import { assertTenantId, type OpenSearchNames } from './opensearch-settings';

/** One HTTP request to OpenSearch, as the transport sends it. */
export interface OpenSearchRequest {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  path: string;
  querystring?: Record<string, string | number | boolean>;
  body?: object;
  /** NDJSON, sent as it is. */
  bulkBody?: Buffer;
}

export type SortOrder = 'asc' | 'desc';

/** What a tenant-scoped search asks for besides its filter. */
export interface SearchParts {
  size: number;
  sort?: SortOrder;
  after?: LogCursor;
  source?: string[] | false;
  aggs?: Record<string, unknown>;
}

/** A painless script run on each document of an update-by-query. */
export interface UpdateScript {
  source: string;
  params: Record<string, unknown>;
}

const enc = encodeURIComponent;

/**
 * The one place that builds requests against log data. Every search, count, point in time,
 * delete and update goes through a `TenantScope`, which cannot build one without the tenant's
 * streams as the target, the tenant as routing and a `vigil.tenant_id` term in the filter. The
 * other requests touch templates, policies, streams and tasks, not documents.
 */
export class OpenSearchRequests {
  /** `routeByTenant`: documents are written, and read, with `routing` = tenant id. */
  constructor(
    readonly names: OpenSearchNames,
    private readonly routeByTenant = true,
  ) {}

  forTenant(tenantId: string): TenantScope {
    return new TenantScope(this.names, tenantId, this.routeByTenant);
  }

  /** The bulk action line of one record; `stream` is the tenant's dedicated or the shared one. */
  createAction(tenantId: string, id: string, dedicated: boolean): string {
    assertTenantId(tenantId);
    const index = dedicated ? this.names.dedicatedStream(tenantId) : this.names.sharedStream;
    const create = this.routeByTenant
      ? { _index: index, _id: id, routing: tenantId }
      : { _index: index, _id: id };
    return JSON.stringify({ create });
  }

  bulk(ndjson: Buffer, refresh: 'false' | 'wait_for'): OpenSearchRequest {
    return { method: 'POST', path: '/_bulk', querystring: { refresh }, bulkBody: ndjson };
  }

  putComponentTemplate(name: string, body: object): OpenSearchRequest {
    return { method: 'PUT', path: `/_component_template/${enc(name)}`, body };
  }

  putIndexTemplate(name: string, body: object): OpenSearchRequest {
    return { method: 'PUT', path: `/_index_template/${enc(name)}`, body };
  }

  createSharedStream(): OpenSearchRequest {
    return { method: 'PUT', path: `/_data_stream/${enc(this.names.sharedStream)}` };
  }

  listStreams(): OpenSearchRequest {
    return { method: 'GET', path: `/_data_stream/${enc(this.names.allStreams)}` };
  }

  deleteDedicatedStream(tenantId: string): OpenSearchRequest {
    return {
      method: 'DELETE',
      path: `/_data_stream/${enc(this.names.dedicatedStream(tenantId))}`,
    };
  }

  getPolicy(policyId: string): OpenSearchRequest {
    return { method: 'GET', path: `/_plugins/_ism/policies/${enc(policyId)}` };
  }

  /** Creates a policy, or replaces the version read at `seqNo`/`primaryTerm`. */
  putPolicy(
    policyId: string,
    body: object,
    version?: { seqNo: number; primaryTerm: number },
  ): OpenSearchRequest {
    return {
      method: 'PUT',
      path: `/_plugins/_ism/policies/${enc(policyId)}`,
      querystring: version
        ? { if_seq_no: version.seqNo, if_primary_term: version.primaryTerm }
        : {},
      body,
    };
  }

  deletePolicy(policyId: string): OpenSearchRequest {
    return { method: 'DELETE', path: `/_plugins/_ism/policies/${enc(policyId)}` };
  }

  /** Moves the backing indices ISM manages already onto the policy's new version. */
  changePolicy(indexPattern: string, policyId: string): OpenSearchRequest {
    return {
      method: 'POST',
      path: `/_plugins/_ism/change_policy/${enc(indexPattern)}`,
      body: { policy_id: policyId },
    };
  }

  getTask(taskId: string): OpenSearchRequest {
    return { method: 'GET', path: `/_tasks/${enc(taskId)}` };
  }

  deletePit(pitId: string): OpenSearchRequest {
    return { method: 'DELETE', path: '/_search/point_in_time', body: { pit_id: [pitId] } };
  }

  /**
   * Deletes the records of `tenantIds` older than `before` (epoch ms) from every stream: the
   * retention cut that ISM, which deletes whole backing indices, leaves to the record. The
   * tenant terms are as mandatory here as in a `TenantScope`.
   */
  retentionDelete(tenantIds: readonly string[], before: number): OpenSearchRequest {
    if (tenantIds.length === 0) throw new RangeError('a retention delete needs its tenants');
    tenantIds.forEach(assertTenantId);
    return {
      method: 'POST',
      path: `/${enc(this.names.allStreams)}/_delete_by_query`,
      querystring: { ...TASK_PARAMS, allow_no_indices: true },
      body: {
        query: {
          bool: {
            filter: [
              { terms: { [FIELDS.tenant]: [...tenantIds] } },
              { range: { [FIELDS.timestamp]: { lt: before, format: 'epoch_millis' } } },
            ],
          },
        },
      },
    };
  }
}

/** Delete and update by query run as tasks; the caller polls `_tasks`. */
const TASK_PARAMS = {
  wait_for_completion: false,
  refresh: true,
  conflicts: 'proceed',
  slices: 'auto',
} as const;

/** Requests over one tenant's records; see `OpenSearchRequests`. */
export class TenantScope {
  readonly targets: string;

  readonly #routing: { routing?: string };

  constructor(
    private readonly names: OpenSearchNames,
    readonly tenantId: string,
    routeByTenant: boolean,
  ) {
    assertTenantId(tenantId);
    this.#routing = routeByTenant ? { routing: tenantId } : {};
    // Wildcards, so that a tenant without a stream of its own (or a store before its first
    // write) reads nothing instead of failing: an expression matching no index is allowed.
    // Tenant ids have one length (UUIDs); the tenant term keeps any other match out anyway.
    this.targets = [names.sharedStream, names.dedicatedStream(tenantId)]
      .map((name) => `${enc(name)}*`)
      .join(',');
  }

  /**
   * The filter clauses of a read: the tenant term first, always; `also` are further clauses a
   * read needs besides the spec (they come last).
   */
  filter(
    spec: Omit<LogFilterSpec, 'tenantId'> & { tenantId?: string },
    also: readonly DslQuery[] = [],
  ): DslQuery {
    if (spec.tenantId !== undefined && spec.tenantId !== this.tenantId) {
      throw new RangeError('a filter of another tenant cannot be used in this scope');
    }
    const clauses: DslQuery[] = [];
    if (spec.from !== undefined || spec.to !== undefined) {
      const range: Record<string, unknown> = { format: 'epoch_millis' };
      if (spec.from !== undefined) range.gte = spec.from;
      if (spec.to !== undefined) range.lt = spec.to;
      clauses.push({ range: { [FIELDS.timestamp]: range } });
    }
    if (spec.services?.length) clauses.push({ terms: { [FIELDS.service]: [...spec.services] } });
    if (spec.levels?.length) clauses.push({ terms: { [FIELDS.level]: [...spec.levels] } });
    if (spec.traceId) clauses.push({ term: { [FIELDS.traceId]: { value: spec.traceId } } });
    if (spec.patternIds?.length) {
      clauses.push({ terms: { [FIELDS.patternId]: [...spec.patternIds] } });
    }
    if (spec.query.kind !== 'all') clauses.push(translateQueryToDsl(spec.query));
    clauses.push(...also);
    return this.scoped(clauses);
  }

  /** Every record of the tenant. */
  all(): DslQuery {
    return this.scoped([]);
  }

  /** Exactly these records of the tenant. */
  ids(ids: readonly string[]): DslQuery {
    return this.scoped([{ ids: { values: [...ids] } }]);
  }

  search(query: DslQuery, parts: SearchParts): OpenSearchRequest {
    this.assertScoped(query);
    return {
      method: 'POST',
      path: `/${this.targets}/_search`,
      querystring: { ...this.#routing, allow_no_indices: true, ignore_unavailable: true },
      body: { ...searchBody(parts), query },
    };
  }

  /** A page through a point in time opened by `openPit` of this scope (PIT searches name no index). */
  searchPit(
    pitId: string,
    keepAlive: string,
    query: DslQuery,
    parts: SearchParts,
  ): OpenSearchRequest {
    this.assertScoped(query);
    return {
      method: 'POST',
      path: '/_search',
      body: { ...searchBody(parts), query, pit: { id: pitId, keep_alive: keepAlive } },
    };
  }

  openPit(keepAlive: string): OpenSearchRequest {
    return {
      method: 'POST',
      path: `/${this.targets}/_search/point_in_time`,
      querystring: { keep_alive: keepAlive, ...this.#routing, expand_wildcards: 'open' },
    };
  }

  count(query: DslQuery): OpenSearchRequest {
    this.assertScoped(query);
    return {
      method: 'POST',
      path: `/${this.targets}/_count`,
      querystring: { ...this.#routing, allow_no_indices: true, ignore_unavailable: true },
      body: { query },
    };
  }

  deleteByQuery(query: DslQuery): OpenSearchRequest {
    this.assertScoped(query);
    return {
      method: 'POST',
      path: `/${this.targets}/_delete_by_query`,
      querystring: { ...TASK_PARAMS, ...this.#routing, allow_no_indices: true },
      body: { query },
    };
  }

  updateByQuery(query: DslQuery, script: UpdateScript): OpenSearchRequest {
    this.assertScoped(query);
    return {
      method: 'POST',
      path: `/${this.targets}/_update_by_query`,
      querystring: { ...TASK_PARAMS, ...this.#routing, allow_no_indices: true },
      body: { query, script: { lang: 'painless', ...script } },
    };
  }

  private scoped(clauses: DslQuery[]): DslQuery {
    return {
      bool: { filter: [{ term: { [FIELDS.tenant]: { value: this.tenantId } } }, ...clauses] },
    };
  }

  /** Queries reach the builders only from `filter`, `all` and `ids`; anything else is a bug. */
  private assertScoped(query: DslQuery): void {
    const filter = (query.bool as { filter?: unknown[] } | undefined)?.filter;
    const first = filter?.[0] as { term?: Record<string, { value?: unknown }> } | undefined;
    if (first?.term?.[FIELDS.tenant]?.value !== this.tenantId) {
      throw new Error('refusing to build a log request without the tenant filter');
    }
  }
}

function searchBody(parts: SearchParts): Record<string, unknown> {
  const order = parts.sort ?? 'desc';
  const body: Record<string, unknown> = {
    size: parts.size,
    track_total_hits: false,
    sort: [{ [FIELDS.timestamp]: { order } }, { [FIELDS.id]: { order } }],
  };
  if (parts.after) body.search_after = [parts.after.timestamp, parts.after.id];
  if (parts.source !== undefined) body._source = parts.source;
  if (parts.aggs) body.aggs = parts.aggs;
  return body;
}
