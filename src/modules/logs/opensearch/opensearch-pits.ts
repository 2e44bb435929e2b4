import { Logger } from '@nestjs/common';

import type { LogCursor } from '../log-store.port';
import type { DslQuery } from './opensearch-query.translator';
import type { OpenSearchRequests, SearchParts, TenantScope } from './opensearch-requests';
import type { OpenSearchStoreSettings } from './opensearch-settings';
import type { OpenSearchTransport } from './opensearch-transport';

/** Points in time kept open for `logs` listings being paged through. */
const MAX_OPEN_PITS = 256;

export interface SearchHit {
  _id: string;
  _source?: unknown;
  sort?: [number, string];
}

export interface SearchResponse {
  pit_id?: string;
  hits?: { hits?: SearchHit[] };
  aggregations?: Record<string, { buckets?: Array<{ key: number | string; doc_count: number }> }>;
}

/** Reads through points in time: `logs` listings page by page, and whole-tenant scans. */
export class OpenSearchPits {
  readonly #logger = new Logger(OpenSearchPits.name);
  /** Open points in time of `logs` listings, by tenant and query, oldest first. */
  readonly #open = new Map<string, string>();

  constructor(
    private readonly transport: OpenSearchTransport,
    private readonly requests: OpenSearchRequests,
    private readonly settings: OpenSearchStoreSettings,
  ) {}

  /**
   * A `logs` page. The first page opens a point in time, later pages of the same listing reuse
   * it while this replica has it, so that the listing reads one snapshot; search_after on
   * (timestamp, id) alone keeps pages without gaps or duplicates when it does not.
   */
  async page(
    scope: TenantScope,
    query: DslQuery,
    parts: SearchParts,
    firstPage: boolean,
  ): Promise<SearchHit[]> {
    const key = `${scope.tenantId}\u0000${JSON.stringify(query)}`;
    let pitId = this.#open.get(key);
    if (firstPage || pitId === undefined) {
      if (pitId !== undefined) void this.close(pitId);
      pitId = await this.openFor(scope);
    }
    this.#open.delete(key);
    const { status, body } = await this.transport.sendWithStatus<SearchResponse>(
      scope.searchPit(pitId, this.settings.pitKeepAlive, query, parts),
      [404],
    );
    if (status === 404) {
      // The point in time expired between two pages: read the live data instead.
      const response = await this.transport.send<SearchResponse>(scope.search(query, parts));
      return response.hits?.hits ?? [];
    }
    this.#open.set(key, body.pit_id ?? pitId);
    while (this.#open.size > MAX_OPEN_PITS) {
      const [oldestKey, oldest] = this.#open.entries().next().value as [string, string];
      this.#open.delete(oldestKey);
      void this.close(oldest);
    }
    return body.hits?.hits ?? [];
  }

  /** All of the tenant's records, oldest first, a page at a time, through one point in time. */
  async *scan(scope: TenantScope, pageSize: number, source: string[]): AsyncGenerator<SearchHit[]> {
    const pitId = await this.openFor(scope);
    try {
      let after: LogCursor | undefined;
      for (;;) {
        const response = await this.transport.send<SearchResponse>(
          scope.searchPit(pitId, this.settings.pitKeepAlive, scope.all(), {
            size: pageSize,
            sort: 'asc',
            after,
            source,
          }),
        );
        const hits = response.hits?.hits ?? [];
        if (hits.length === 0) return;
        yield hits;
        const last = (hits[hits.length - 1] as SearchHit).sort;
        if (!last || hits.length < pageSize) return;
        after = { timestamp: last[0], id: last[1] };
      }
    } finally {
      await this.close(pitId);
    }
  }

  async closeAll(): Promise<void> {
    const ids = [...this.#open.values()];
    this.#open.clear();
    await Promise.all(ids.map((id) => this.close(id)));
  }

  private async openFor(scope: TenantScope): Promise<string> {
    const { pit_id: id } = await this.transport.send<{ pit_id: string }>(
      scope.openPit(this.settings.pitKeepAlive),
    );
    return id;
  }

  private async close(pitId: string): Promise<void> {
    try {
      await this.transport.send(this.requests.deletePit(pitId), [404]);
    } catch (err) {
      // It expires on its own after keep_alive.
      this.#logger.warn(`closing a point in time failed: ${String(err)}`);
    }
  }
}
