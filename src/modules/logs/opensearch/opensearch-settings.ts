/** How the OpenSearch log store lays out, writes and retries; every field has a default. */
export interface OpenSearchStoreSettings {
  /** Data streams are `<prefix>-<tenant>` and `<prefix>-shared`; templates and policies follow. */
  prefix: string;
  /** Tenants that get a data stream of their own; tenants beyond it share `<prefix>-shared`. */
  dedicatedTenantLimit: number;
  /** Retention of tenants without a setting of their own (days). */
  defaultRetentionDays: number;
  /**
   * Write and read with `routing` = tenant id, so that a tenant's records sit on one shard of the
   * shared stream. Turning it off later is safe (reads then ask every shard); turning it on over
   * records written without it is not.
   */
  routeByTenant: boolean;
  /** Primary shards of a dedicated (per-tenant) backing index. */
  dedicatedShards: number;
  /** Primary shards of a shared backing index. */
  sharedShards: number;
  replicas: number;
  /** A backing index rolls over at this age or primary shard size, whichever comes first. */
  rolloverAge: string;
  rolloverPrimaryShardSize: string;
  /**
   * Longest value (characters) the keyword fields index; longer ones are kept in `_source` but
   * not found. 8191 is the most that stays under Lucene's 32766-byte term limit in any UTF-8.
   */
  keywordIgnoreAbove: number;
  /** The same for `message.keyword`, the exact-match copy of short messages. */
  messageKeywordIgnoreAbove: number;
  /** `index.mapping.total_fields.limit`: bounds the attribute fields one backing index may grow. */
  totalFieldsLimit: number;
  /** A bulk request carries at most this many bytes and documents. */
  bulkMaxBytes: number;
  bulkMaxDocuments: number;
  /** `refresh` of bulk requests: `false` leaves visibility to `index.refresh_interval`. */
  bulkRefresh: 'false' | 'wait_for';
  /** Attempts of one request (or of the items OpenSearch refused with 429/5xx), the first included. */
  maxAttempts: number;
  /** Backoff before retry n (0-based) is uniform in [0, min(cap, base * 2^n)] ("full jitter"). */
  backoffBaseMs: number;
  backoffCapMs: number;
  /** How often a long delete/update task is polled, and how long it may take. */
  taskPollMs: number;
  taskTimeoutMs: number;
  /** Point-in-time lifetime between two pages of one listing. */
  pitKeepAlive: string;
}

export const DEFAULT_OPENSEARCH_SETTINGS: OpenSearchStoreSettings = {
  prefix: 'logs-vigil',
  dedicatedTenantLimit: 100,
  defaultRetentionDays: 7,
  routeByTenant: true,
  dedicatedShards: 1,
  sharedShards: 3,
  replicas: 1,
  rolloverAge: '1d',
  rolloverPrimaryShardSize: '30gb',
  keywordIgnoreAbove: 8191,
  messageKeywordIgnoreAbove: 1024,
  totalFieldsLimit: 2000,
  bulkMaxBytes: 5 * 1024 * 1024,
  bulkMaxDocuments: 5000,
  bulkRefresh: 'false',
  maxAttempts: 6,
  backoffBaseMs: 100,
  backoffCapMs: 10_000,
  taskPollMs: 500,
  taskTimeoutMs: 60 * 60 * 1000,
  pitKeepAlive: '2m',
};

/** Time and randomness of retries and polling, injected so that tests never wait. */
export interface OpenSearchClock {
  sleep(ms: number): Promise<void>;
  /** Uniform in [0, 1). */
  random(): number;
  now(): number;
}

export const SYSTEM_CLOCK: OpenSearchClock = {
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  random: () => Math.random(),
  now: () => Date.now(),
};

// Index names are lower case and refuse `\/*?"<>| ,#:`; tenants are UUIDs, but check anyway:
// a tenant id is spliced into index names and paths.
const TENANT_ID = /^[a-z0-9][a-z0-9_-]{0,99}$/;
const PREFIX = /^[a-z0-9][a-z0-9_-]{0,59}$/;

export function assertTenantId(tenantId: string): void {
  if (!TENANT_ID.test(tenantId)) {
    throw new RangeError(`tenant id ${JSON.stringify(tenantId)} cannot name an OpenSearch index`);
  }
}

export function assertPrefix(prefix: string): void {
  if (!PREFIX.test(prefix) || prefix.endsWith('-shared')) {
    throw new RangeError(`index prefix ${JSON.stringify(prefix)} is not a valid index name prefix`);
  }
}

/** Names of everything the store creates in the cluster, derived from the prefix. */
export class OpenSearchNames {
  constructor(readonly prefix: string) {
    assertPrefix(prefix);
  }

  get sharedStream(): string {
    return `${this.prefix}-shared`;
  }

  dedicatedStream(tenantId: string): string {
    assertTenantId(tenantId);
    return `${this.prefix}-${tenantId}`;
  }

  /** Every data stream of the store, as an index expression. */
  get allStreams(): string {
    return `${this.prefix}-*`;
  }

  /** The tenant id of a dedicated stream's name, or null for the shared one and strangers. */
  tenantOfStream(name: string): string | null {
    if (!name.startsWith(`${this.prefix}-`) || name === this.sharedStream) return null;
    const tenant = name.slice(this.prefix.length + 1);
    return TENANT_ID.test(tenant) ? tenant : null;
  }

  get indexTemplate(): string {
    return `${this.prefix}-template`;
  }

  get settingsComponent(): string {
    return `${this.prefix}-settings`;
  }

  get mappingsComponent(): string {
    return `${this.prefix}-mappings`;
  }

  get defaultPolicy(): string {
    return `${this.prefix}-retention`;
  }

  tenantPolicy(tenantId: string): string {
    assertTenantId(tenantId);
    return `${this.prefix}-retention-${tenantId}`;
  }
}
