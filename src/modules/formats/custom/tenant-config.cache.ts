import type {
  ConfigChangeListener,
  ConfigTopic,
} from '../../../common/config-bus/tenant-config.bus';

/** What the cache needs of TenantConfigBus. */
export interface ConfigChangeSource {
  readonly listening: boolean;
  listen(topic: ConfigTopic, listener: ConfigChangeListener): () => void;
}

export interface TenantConfigCacheOptions {
  /** How long an entry is trusted while the bus is disconnected (changes may be missed). */
  untrustedTtlMs?: number;
  /** How long an entry is kept at most, bus or not (a safety net for a lost message). */
  maxAgeMs?: number;
  /** Tenants kept; the oldest entry goes first. */
  maxTenants?: number;
}

interface Entry<T> {
  value: Promise<T>;
  loadedAt: number;
}

/**
 * A per-tenant cache of something built from the tenant's configuration (compiled formats, a
 * redactor), dropped on every replica when the configuration changes (TenantConfigBus). Loads
 * are shared by concurrent callers; a failed load is not cached.
 */
export class TenantConfigCache<T> {
  readonly #entries = new Map<string, Entry<T>>();
  readonly #untrustedTtlMs: number;
  readonly #maxAgeMs: number;
  readonly #maxTenants: number;

  constructor(
    private readonly bus: ConfigChangeSource,
    topic: ConfigTopic,
    private readonly load: (tenantId: string) => Promise<T>,
    options: TenantConfigCacheOptions = {},
    private readonly now: () => number = Date.now,
  ) {
    this.#untrustedTtlMs = options.untrustedTtlMs ?? 5_000;
    this.#maxAgeMs = options.maxAgeMs ?? 10 * 60_000;
    this.#maxTenants = options.maxTenants ?? 10_000;
    bus.listen(topic, {
      changed: (tenantId) => this.invalidate(tenantId),
      resync: () => this.clear(),
    });
  }

  get(tenantId: string): Promise<T> {
    const entry = this.#entries.get(tenantId);
    if (entry && this.fresh(entry)) return entry.value;
    if (entry) this.#entries.delete(tenantId);
    if (this.#entries.size >= this.#maxTenants) {
      const oldest = this.#entries.keys().next().value;
      if (oldest !== undefined) this.#entries.delete(oldest);
    }
    const value = this.load(tenantId);
    const created: Entry<T> = { value, loadedAt: this.now() };
    this.#entries.set(tenantId, created);
    value.catch(() => {
      if (this.#entries.get(tenantId) === created) this.#entries.delete(tenantId);
    });
    return value;
  }

  invalidate(tenantId: string): void {
    this.#entries.delete(tenantId);
  }

  clear(): void {
    this.#entries.clear();
  }

  private fresh(entry: Entry<T>): boolean {
    const age = this.now() - entry.loadedAt;
    return age < (this.bus.listening ? this.#maxAgeMs : this.#untrustedTtlMs);
  }
}
