import { Injectable, Logger } from '@nestjs/common';

import { CustomLineFormat } from './custom-line-format';
import { PatternCompileError } from './grok-compiler';
import { LogFormatRepository } from './log-format.repository';
import { TenantConfigBus } from '../../../common/config-bus/tenant-config.bus';
import { TenantConfigCache } from './tenant-config.cache';

/**
 * A tenant's custom formats, compiled, for the ingest pipeline. Cached per tenant in memory and
 * dropped on every replica when a format is created, changed or deleted (TenantConfigBus).
 *
 * - `formatsFor(tenantId)`: every custom format of the tenant, highest priority first (then by
 *   name): offer them to stream detection before the built-in formats.
 * - `pinnedFor(tenantId, dataset, service)`: those pinned to this dataset and/or service, in the
 *   same order: try them first, before any detection, for a record of that stream.
 *
 * Both resolve from memory once loaded; `LineFormat.detect`/`parse` of the result never throw.
 */
@Injectable()
export class CustomFormatCatalog {
  readonly #logger = new Logger(CustomFormatCatalog.name);
  readonly #cache: TenantConfigCache<readonly CustomLineFormat[]>;

  constructor(
    private readonly repository: LogFormatRepository,
    private readonly bus: TenantConfigBus,
  ) {
    this.#cache = new TenantConfigCache(bus, 'log_formats', (tenantId) => this.load(tenantId));
  }

  formatsFor(tenantId: string): Promise<readonly CustomLineFormat[]> {
    return this.#cache.get(tenantId);
  }

  async pinnedFor(
    tenantId: string,
    dataset: string,
    service: string,
  ): Promise<readonly CustomLineFormat[]> {
    return (await this.formatsFor(tenantId)).filter((f) => f.pinnedTo(dataset, service));
  }

  /** Call after a change to the tenant's formats has committed: every replica reloads them. */
  changed(tenantId: string): Promise<void> {
    return this.bus.publish('log_formats', tenantId);
  }

  private async load(tenantId: string): Promise<readonly CustomLineFormat[]> {
    const formats: CustomLineFormat[] = [];
    for (const row of await this.repository.list(tenantId)) {
      try {
        formats.push(CustomLineFormat.compile(row));
      } catch (err) {
        // Saved patterns compiled when saved; one that no longer does (a library change) is
        // skipped rather than failing the tenant's ingest.
        if (!(err instanceof PatternCompileError)) throw err;
        this.#logger.warn(
          `custom format "${row.name}" of tenant ${tenantId} skipped: ${err.message}`,
        );
      }
    }
    // The repository orders by priority then name; keep it explicit for the contract.
    formats.sort((a, b) => b.priority - a.priority || a.name.localeCompare(b.name));
    return Object.freeze(formats);
  }
}
