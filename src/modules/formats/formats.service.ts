import { Inject, Injectable, Optional } from '@nestjs/common';

import { MetricsService } from '../../common/metrics/metrics.service';
import { FormatRegistry } from './format-registry';
import { FormatStream } from './format-stream';
import type { LogFormat } from './log-format';

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
  readonly #streams = new Map<string, FormatStream>();

  constructor(
    private readonly metrics: MetricsService,
    @Optional() @Inject(BASE_FORMAT_REGISTRY) registry?: FormatRegistry,
  ) {
    this.builtIn = registry ?? FormatRegistry.builtIn();
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
    const registry = this.registryFor(key.tenantId);
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
