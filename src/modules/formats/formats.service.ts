import { Inject, Injectable, Optional } from '@nestjs/common';

import { MetricsService } from '../../common/metrics/metrics.service';
import { FormatRegistry } from './format-registry';
import { FormatStream } from './format-stream';
import type { LogFormat } from './log-format';

/** A tenant's own format; one pinned to a dataset or service says so (custom formats do). */
export type TenantFormat = LogFormat & {
  /** Pinned formats apply only where `pinnedTo` says, before detection; the others everywhere. */
  readonly pinned?: boolean;
  pinnedTo?(dataset: string, service: string): boolean;
};

const NO_FORMATS: readonly TenantFormat[] = Object.freeze([]);

/** The same format, ranked above every other in its registry. */
function firstInLine(format: LogFormat): LogFormat {
  return Object.create(format, {
    priority: { value: Number.MAX_SAFE_INTEGER, enumerable: true },
  }) as LogFormat;
}

/** Streams kept at most; the least recently used one is forgotten (it only settles again). */
export const MAX_STREAMS = 10_000;

/** Optional provider: the registry every tenant starts from (default: the built-in formats). */
export const BASE_FORMAT_REGISTRY = Symbol('BASE_FORMAT_REGISTRY');

/** Identifies one source: a stream settles on its format independently of the others. */
export interface StreamKey {
  tenantId: string;
  endpoint: string;
  dataset: string;
  service?: string;
  /** The pinned format's name, when the caller chose one. */
  format?: string;
}

/**
 * Format detection state for the whole process: the registry (built-ins plus each tenant's own
 * formats) and a bounded LRU of per-source streams. Multiline state is not here: it belongs to
 * the input (a request, a connection) and lives in its LinePipeline.
 */
@Injectable()
export class FormatsService {
  /** The formats every tenant has (the built-ins, unless a test gives its own). */
  readonly builtIn: FormatRegistry;
  readonly #tenantRegistries = new Map<string, FormatRegistry>();
  readonly #tenantFormats = new Map<string, readonly TenantFormat[]>();
  readonly #streams = new Map<string, FormatStream>();

  constructor(
    private readonly metrics: MetricsService,
    @Optional() @Inject(BASE_FORMAT_REGISTRY) registry?: FormatRegistry,
  ) {
    this.builtIn = registry ?? FormatRegistry.builtIn();
  }

  /**
   * Keeps the tenant's own formats current, cheaply: the catalog hands out the same frozen list
   * until the formats change, so an unchanged list is one comparison.
   */
  useTenantFormats(tenantId: string, formats: readonly TenantFormat[]): void {
    const current = this.#tenantFormats.get(tenantId) ?? NO_FORMATS;
    if (current === formats || (current.length === 0 && formats.length === 0)) return;
    if (formats.length === 0) this.#tenantFormats.delete(tenantId);
    else this.#tenantFormats.set(tenantId, formats);
    this.setTenantFormats(
      tenantId,
      formats.filter((f) => f.pinned !== true),
    );
  }

  /** The registry a tenant's streams detect with. */
  registryFor(tenantId: string): FormatRegistry {
    return this.#tenantRegistries.get(tenantId) ?? this.builtIn;
  }

  /**
   * Replaces a tenant's own formats (custom grok formats, as LineFormats of family `custom`).
   * Its streams start over, so they may settle on the new formats.
   */
  setTenantFormats(tenantId: string, formats: readonly LogFormat[]): void {
    if (formats.length === 0) this.#tenantRegistries.delete(tenantId);
    else this.#tenantRegistries.set(tenantId, this.builtIn.withExtra(formats));
    const prefix = `${tenantId}\u0000`;
    for (const key of [...this.#streams.keys()]) {
      if (key.startsWith(prefix)) this.#streams.delete(key);
    }
    this.metrics.formatStreams.set(this.#streams.size);
  }

  /**
   * The stream of one source, created on first use. A pinned format name the registry does not
   * know returns null.
   */
  stream(key: StreamKey): FormatStream | null {
    const id = `${key.tenantId}\u0000${key.endpoint}\u0000${key.dataset}\u0000${key.service ?? ''}\u0000${key.format ?? ''}`;
    const found = this.#streams.get(id);
    if (found !== undefined) {
      // Re-inserting keeps the Map in least-recently-used order.
      this.#streams.delete(id);
      this.#streams.set(id, found);
      return found;
    }
    let registry = this.registryFor(key.tenantId);
    // A tenant's format pinned to this dataset or service is tried before anything else here.
    const pinnedHere = (this.#tenantFormats.get(key.tenantId) ?? NO_FORMATS).filter(
      (f) => f.pinnedTo?.(key.dataset, key.service ?? '') === true,
    );
    if (pinnedHere.length > 0 && key.format === undefined) {
      registry = registry.withExtra(pinnedHere.map(firstInLine));
    }
    let pinned: LogFormat | null = null;
    if (key.format !== undefined) {
      pinned = registry.byName(key.format) ?? null;
      if (pinned === null) return null;
    }
    const stream = new FormatStream(registry, pinned);
    this.#streams.set(id, stream);
    if (this.#streams.size > MAX_STREAMS) {
      const oldest = this.#streams.keys().next();
      if (oldest.done !== true) this.#streams.delete(oldest.value);
    }
    this.metrics.formatStreams.set(this.#streams.size);
    return stream;
  }

  /** How many streams are kept. */
  get streamCount(): number {
    return this.#streams.size;
  }

  /** Adds one batch's per-format record counts to the metrics. */
  countFormats(counts: ReadonlyMap<string, number>): void {
    for (const [format, n] of counts) this.metrics.formatLines.inc({ format }, n);
  }
}
