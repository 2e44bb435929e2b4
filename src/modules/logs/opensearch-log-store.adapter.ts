import { Logger } from '@nestjs/common';
import type { Client } from '@opensearch-project/opensearch';

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
import {
  histogramAggregation,
  type ParamStatsBucket,
  paramStatsRequest,
} from './opensearch/opensearch-aggregations';
import {
  BulkWriter,
  type OpenSearchEncodedRecords,
  OpenSearchRecordEncoder,
} from './opensearch/opensearch-bulk';
import {
  attributeField,
  bodyLexemes,
  FIELDS,
  fromSource,
  indexedAttributes,
  indexedParamNumbers,
  indexedParams,
  RECORD_SOURCE_FIELDS,
} from './opensearch/opensearch-documents';
import type { DslQuery } from './opensearch/opensearch-query.translator';
import { OpenSearchRequests, type SearchParts } from './opensearch/opensearch-requests';
import { OpenSearchPits, type SearchResponse } from './opensearch/opensearch-pits';
import { OpenSearchRetention } from './opensearch/opensearch-retention';
import {
  DEFAULT_OPENSEARCH_SETTINGS,
  type OpenSearchClock,
  OpenSearchNames,
  type OpenSearchStoreSettings,
  SYSTEM_CLOCK,
} from './opensearch/opensearch-settings';
import {
  indexTemplates,
  mappingsComponent,
  settingsComponent,
} from './opensearch/opensearch-templates';
import { OpenSearchTransport } from './opensearch/opensearch-transport';
import { eraseFromRecord, type SubjectErasure } from './subject-erasure';

/** Records read and rewritten at a time by a subject erasure. */
const ERASE_PAGE = 500;

const UPDATE_ERASED = `
def c = params.changes.get(ctx._id);
if (c == null) {
  ctx.op = 'noop';
} else {
  ctx._source.message = c.message;
  ctx._source.attributes = c.attributes;
  ctx._source.vigil.attr = c.attr;
  ctx._source.vigil.lexemes = c.lexemes;
  if (c.pattern_params != null) {
    ctx._source.vigil.pattern_params = c.pattern_params;
    ctx._source.vigil.param = c.param;
    if (c.param_num != null) { ctx._source.vigil.param_num = c.param_num; }
  }
}`;

export interface OpenSearchLogStoreOptions {
  settings?: Partial<OpenSearchStoreSettings>;
  clock?: OpenSearchClock;
}

/**
 * Logs in OpenSearch data streams: a stream per tenant up to `dedicatedTenantLimit` tenants, one
 * shared stream (routed by tenant) for the rest. Every request over documents is built by a
 * `TenantScope` (opensearch/opensearch-requests.ts), which cannot leave out the tenant filter.
 * The README's "Switching the log store to OpenSearch" explains the layout.
 */
export class OpenSearchLogStore extends LogStore {
  readonly #logger = new Logger(OpenSearchLogStore.name);
  readonly #settings: OpenSearchStoreSettings;
  readonly #clock: OpenSearchClock;
  readonly #names: OpenSearchNames;
  readonly #requests: OpenSearchRequests;
  readonly #transport: OpenSearchTransport;
  readonly #bulk: BulkWriter;
  readonly #retention: OpenSearchRetention;
  /** Tenants that write to a stream of their own. */
  readonly #dedicated = new Set<string>();
  readonly #pits: OpenSearchPits;
  #ready: Promise<void> | null = null;
  #maxRetentionDays: number;

  constructor(
    private readonly client: Client,
    options: OpenSearchLogStoreOptions = {},
  ) {
    super();
    this.#settings = { ...DEFAULT_OPENSEARCH_SETTINGS, ...options.settings };
    this.#clock = options.clock ?? SYSTEM_CLOCK;
    this.#names = new OpenSearchNames(this.#settings.prefix);
    this.#requests = new OpenSearchRequests(this.#names, this.#settings.routeByTenant);
    this.#transport = new OpenSearchTransport(client, this.#settings, this.#clock);
    this.#bulk = new BulkWriter(this.#transport, this.#requests, this.#settings);
    this.#retention = new OpenSearchRetention(
      this.#transport,
      this.#requests,
      this.#names,
      this.#settings,
    );
    this.#pits = new OpenSearchPits(this.#transport, this.#requests, this.#settings);
    this.#maxRetentionDays = this.#settings.defaultRetentionDays;
  }

  /**
   * Puts the component and index templates and the default policies, creates the shared stream
   * and learns which tenants have a stream of their own. Idempotent: every step replaces or
   * accepts what is there already.
   */
  async bootstrap(): Promise<void> {
    const s = this.#settings;
    const r = this.#requests;
    await this.#transport.send(
      r.putComponentTemplate(this.#names.settingsComponent, settingsComponent(s)),
    );
    await this.#transport.send(
      r.putComponentTemplate(this.#names.mappingsComponent, mappingsComponent(s)),
    );
    for (const template of indexTemplates(this.#names, s)) {
      await this.#transport.send(r.putIndexTemplate(template.name, template.body));
    }
    await this.#retention.syncPolicies(new Map(), new Set());
    // 400 resource_already_exists_exception: another replica (or an earlier start) made it.
    await this.#transport.send(r.createSharedStream(), [400]);
    await this.loadDedicated();
  }

  encoder(): RecordEncoder {
    return new OpenSearchRecordEncoder({
      requests: this.#requests,
      now: this.#clock.now(),
      maxRetentionDays: this.#maxRetentionDays,
      maxItemBytes: this.#settings.bulkMaxBytes,
      dedicated: (tenantId) => this.isDedicated(tenantId),
    });
  }

  async appendEncoded(batches: readonly EncodedRecords[]): Promise<Array<Map<number, string>>> {
    await this.ready();
    return this.#bulk.write(batches as readonly OpenSearchEncodedRecords[]);
  }

  async search(filter: LogFilterSpec, first: number, after?: LogCursor): Promise<LogPage> {
    await this.ready();
    const scope = this.#requests.forTenant(filter.tenantId);
    const query = scope.filter(filter);
    const parts: SearchParts = { size: first + 1, after, source: RECORD_SOURCE_FIELDS };
    const hits = await this.#pits.page(scope, query, parts, after === undefined);
    const hasMore = hits.length > first;
    return { records: hits.slice(0, first).map((h) => fromSource(h._source)), hasMore };
  }

  async count(filter: LogFilterSpec): Promise<number> {
    await this.ready();
    const scope = this.#requests.forTenant(filter.tenantId);
    const { count } = await this.#transport.send<{ count: number }>(
      scope.count(scope.filter(filter)),
    );
    return count;
  }

  async histogram(filter: LogFilterSpec, intervalMs: number): Promise<HistogramPoint[]> {
    const buckets = await this.aggregate(filter, histogramAggregation(intervalMs));
    return buckets.map((b) => ({ start: Number(b.key), count: b.doc_count }));
  }

  /**
   * Stats of the parameter's double field (opensearch-documents.ts `FIELDS.paramNumbers`), which
   * documents carry since it was added: records indexed before have no numbers to aggregate.
   */
  async paramStats(
    filter: LogFilterSpec,
    intervalMs: number,
    index: number,
  ): Promise<ParamStatsPoint[]> {
    const { also, aggregation } = paramStatsRequest(intervalMs, index);
    const buckets = (await this.aggregate(filter, aggregation, also)) as ParamStatsBucket[];
    return buckets.flatMap(({ key, value }) =>
      value && value.count > 0 && value.avg !== null && value.min !== null && value.max !== null
        ? [
            {
              start: Number(key),
              count: value.count,
              mean: value.avg,
              min: value.min,
              max: value.max,
            },
          ]
        : [],
    );
  }

  async facets(filter: LogFilterSpec, field: FacetField, size: number): Promise<FacetCount[]> {
    const buckets = await this.aggregate(filter, {
      terms: {
        field: field.kind === 'attribute' ? attributeField(field.key) : FACET_FIELDS[field.name],
        size,
        // More candidates per shard than asked, so that counts of a routed tenant are exact.
        shard_size: Math.max(100, size * 5),
        exclude: [''],
        // Ties by value, as the Postgres store orders them.
        order: [{ _count: 'desc' }, { _key: 'asc' }],
      },
    });
    return buckets.map((b) => ({ value: String(b.key), count: b.doc_count }));
  }

  async maintain(retention: ReadonlyMap<string, number | null>, now: number): Promise<void> {
    await this.ready();
    let maxDays = this.#settings.defaultRetentionDays;
    for (const days of retention.values()) maxDays = Math.max(maxDays, days ?? maxDays);
    this.#maxRetentionDays = maxDays;
    await this.loadDedicated();
    await this.#retention.syncPolicies(retention, this.#dedicated);
    const deleted = await this.#retention.enforce(retention, now);
    if (deleted > 0) this.#logger.log(`retention deleted ${deleted} log records`);
  }

  async *exportTenant(tenantId: string, pageSize = 1000): AsyncIterable<LogRecord[]> {
    await this.ready();
    const scope = this.#requests.forTenant(tenantId);
    for await (const hits of this.#pits.scan(scope, pageSize, RECORD_SOURCE_FIELDS)) {
      yield hits.map((h) => fromSource(h._source));
    }
  }

  async eraseTenant(tenantId: string): Promise<number> {
    await this.ready();
    const scope = this.#requests.forTenant(tenantId);
    const { task } = await this.#transport.send<{ task: string }>(scope.deleteByQuery(scope.all()));
    const result = await this.#transport.waitForTask(task, this.#requests.getTask(task));
    // The emptied stream of its own and its policy go too; 404 when it never had them.
    await this.#transport.send(this.#requests.deleteDedicatedStream(tenantId), [404]);
    await this.#retention.removeTenantPolicy(tenantId);
    this.#dedicated.delete(tenantId);
    return result.deleted ?? 0;
  }

  /**
   * Walks the tenant's records through a point in time, erases the subject in memory with the
   * same `SubjectMatcher` the Postgres store uses, and rewrites the changed records with an
   * update-by-query task per page (ids query, new values as script parameters).
   */
  async eraseSubject(tenantId: string, matcher: SubjectMatcher): Promise<SubjectErasure> {
    const total: SubjectErasure = { records: 0, fields: 0 };
    if (matcher.terms.length === 0) return total;
    await this.ready();
    const scope = this.#requests.forTenant(tenantId);
    let changes = new Map<string, unknown>();
    let bytes = 0;
    const flush = async (): Promise<void> => {
      const ids = [...changes.keys()];
      if (ids.length === 0) return;
      const request = scope.updateByQuery(scope.ids(ids), {
        source: UPDATE_ERASED,
        // fromEntries defines own properties, whatever the id.
        params: { changes: Object.fromEntries(changes) },
      });
      changes = new Map();
      bytes = 0;
      const { task } = await this.#transport.send<{ task: string }>(request);
      const result = await this.#transport.waitForTask(task, this.#requests.getTask(task));
      if ((result.updated ?? 0) !== ids.length) {
        this.#logger.warn(`subject erasure updated ${result.updated} of ${ids.length} records`);
      }
    };
    const fields = ['message', 'attributes', 'vigil.pattern_params'];
    for await (const hits of this.#pits.scan(scope, ERASE_PAGE, fields)) {
      for (const hit of hits) {
        const source = (hit._source ?? {}) as {
          message?: string;
          attributes?: Record<string, unknown>;
          vigil?: { pattern_params?: string[] };
        };
        const erased = eraseFromRecord(
          {
            body: source.message ?? '',
            attributes: source.attributes ?? {},
            patternParams: source.vigil?.pattern_params ?? null,
          },
          matcher,
        );
        if (!erased) continue;
        // The parameters are pieces of the body: rewritten with it, in _source and in the
        // fields indexed from them (which an update rebuilds from what the script sets).
        const params = erased.patternParams;
        const change = {
          message: erased.body,
          attributes: erased.attributes,
          attr: indexedAttributes(erased.attributes),
          lexemes: bodyLexemes(erased.body),
          pattern_params: params,
          param: params === null ? null : indexedParams(params),
          param_num: params === null ? null : indexedParamNumbers(params),
        };
        const size = Buffer.byteLength(JSON.stringify(change));
        // One update request carries its records' new values: keep it within a bulk's size.
        if (bytes > 0 && bytes + size > this.#settings.bulkMaxBytes) await flush();
        changes.set(hit._id, change);
        bytes += size;
        total.records++;
        total.fields += erased.fields;
      }
      await flush();
    }
    return total;
  }

  async ping(): Promise<void> {
    await this.#transport.send({ method: 'GET', path: '/' });
  }

  async close(): Promise<void> {
    await this.#pits.closeAll();
    await this.client.close();
  }

  /** Tenants with a stream of their own stay so; a new tenant gets one while there is room. */
  private isDedicated(tenantId: string): boolean {
    if (this.#dedicated.has(tenantId)) return true;
    if (this.#dedicated.size >= this.#settings.dedicatedTenantLimit) return false;
    this.#dedicated.add(tenantId);
    return true;
  }

  private async loadDedicated(): Promise<void> {
    const { data_streams: streams = [] } = await this.#transport.send<{
      data_streams?: Array<{ name: string }>;
    }>(this.#requests.listStreams(), [404]);
    for (const { name } of streams) {
      const tenant = this.#names.tenantOfStream(name);
      if (tenant) this.#dedicated.add(tenant);
    }
  }

  private ready(): Promise<void> {
    this.#ready ??= this.bootstrap().catch((err: unknown) => {
      this.#ready = null;
      throw err;
    });
    return this.#ready;
  }

  private async aggregate(
    filter: LogFilterSpec,
    aggregation: Record<string, unknown>,
    also: readonly DslQuery[] = [],
  ): Promise<Array<{ key: number | string; doc_count: number }>> {
    await this.ready();
    const scope = this.#requests.forTenant(filter.tenantId);
    const response = await this.#transport.send<SearchResponse>(
      scope.search(scope.filter(filter, also), { size: 0, aggs: { result: aggregation } }),
    );
    return response.aggregations?.result?.buckets ?? [];
  }
}

const FACET_FIELDS: Record<Extract<FacetField, { kind: 'column' }>['name'], string> = {
  service: FIELDS.service,
  level: FIELDS.level,
  host: FIELDS.host,
  dataset: FIELDS.dataset,
  format: FIELDS.format,
  traceId: FIELDS.traceId,
  category: FIELDS.category,
};
