import { TemplateMiner, type TemplateMatch, type TemplateMinerOptions } from './template-miner';

export type TemplateMinerSetOptions = Omit<TemplateMinerOptions, 'tenant' | 'service'>;

/**
 * One {@link TemplateMiner} per tenant and service, created on first use with shared options.
 * Each tree has its own cap (`maxPatterns`) and eviction; the set tracks which trees changed since
 * they were last checkpointed ({@link takeDirty}) so a caller persists only those.
 *
 * @example
 *   const miners = new TemplateMinerSet({ maxPatterns: 2000 });
 *   const { patternId, parameters } = miners.add('acme', 'api', 'GET /users/42 took 12ms');
 *   for (const key of miners.takeDirty()) save(key, miners.get(key.tenant, key.service)!.toState());
 */
export class TemplateMinerSet {
  readonly #miners = new Map<string, TemplateMiner>();
  readonly #dirty = new Set<string>();

  constructor(private readonly options: TemplateMinerSetOptions = {}) {}

  add(tenant: string, service: string, line: string): TemplateMatch {
    const k = key(tenant, service);
    this.#dirty.add(k);
    return this.miner(tenant, service).add(line);
  }

  match(tenant: string, service: string, line: string): TemplateMatch | undefined {
    return this.#miners.get(key(tenant, service))?.match(line);
  }

  /** The tree of a key, created empty when absent. Marks it dirty: the caller may change it. */
  miner(tenant: string, service: string): TemplateMiner {
    const k = key(tenant, service);
    let miner = this.#miners.get(k);
    if (!miner) {
      miner = new TemplateMiner({ ...this.options, tenant, service });
      this.#miners.set(k, miner);
    }
    this.#dirty.add(k);
    return miner;
  }

  get(tenant: string, service: string): TemplateMiner | undefined {
    return this.#miners.get(key(tenant, service));
  }

  /** Installs a tree restored from a checkpoint; its tenant/service come from the snapshot. */
  restore(state: unknown): TemplateMiner {
    const miner = TemplateMiner.fromState(state);
    const { tenant, service } = miner.options;
    this.#miners.set(key(tenant, service), miner);
    return miner;
  }

  delete(tenant: string, service: string): boolean {
    const k = key(tenant, service);
    this.#dirty.delete(k);
    return this.#miners.delete(k);
  }

  /** Keys changed since the last call, and clears the set. */
  takeDirty(): Array<{ tenant: string; service: string }> {
    const out = [...this.#dirty].map(split);
    this.#dirty.clear();
    return out;
  }

  /** Pattern counts per tree, for metrics (e.g. a `vigil_template_patterns{tenant,service}` gauge). */
  counts(): Array<{
    tenant: string;
    service: string;
    patterns: number;
    userPatterns: number;
    lines: number;
    evictions: number;
  }> {
    return [...this.#miners].map(([k, m]) => ({ ...split(k), ...m.stats }));
  }

  get size(): number {
    return this.#miners.size;
  }
}

function key(tenant: string, service: string): string {
  return `${tenant}\u0000${service}`;
}

function split(k: string): { tenant: string; service: string } {
  const i = k.indexOf('\u0000');
  return { tenant: k.slice(0, i), service: k.slice(i + 1) };
}
