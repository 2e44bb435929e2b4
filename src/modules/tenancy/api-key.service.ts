import { Injectable, Logger } from '@nestjs/common';

import { hashApiKey } from './api-key.codec';
import { permissionsOfScopes, type Principal } from './principal';
import { TenantRepository } from './tenant.repository';

interface CacheEntry {
  principal: Principal | null;
  expiresAt: number;
}

const POSITIVE_TTL_MS = 30_000;
const NEGATIVE_TTL_MS = 5_000;
const MAX_CACHE_ENTRIES = 10_000;

/**
 * Resolves API keys to principals. Lookups are cached briefly in memory so the ingest hot path
 * does not query Postgres per request; a revoked key stops working within POSITIVE_TTL_MS.
 */
@Injectable()
export class ApiKeyService {
  readonly #cache = new Map<string, CacheEntry>();
  readonly #logger = new Logger(ApiKeyService.name);

  constructor(private readonly tenants: TenantRepository) {}

  async authenticate(rawKey: string): Promise<Principal | null> {
    const hash = hashApiKey(rawKey);
    const cacheKey = hash.toString('base64');
    const now = Date.now();
    const cached = this.#cache.get(cacheKey);
    if (cached && cached.expiresAt > now) return cached.principal;

    const found = await this.tenants.findActiveKeyByHash(hash);
    const principal: Principal | null = found
      ? {
          tenantId: found.tenant.id,
          tenantSlug: found.tenant.slug,
          kind: 'api_key',
          subjectId: found.key.id,
          label: found.key.name,
          role: null,
          permissions: permissionsOfScopes(found.key.scopes),
        }
      : null;
    if (this.#cache.size >= MAX_CACHE_ENTRIES) this.#cache.clear();
    this.#cache.set(cacheKey, {
      principal,
      expiresAt: now + (principal ? POSITIVE_TTL_MS : NEGATIVE_TTL_MS),
    });
    if (found) {
      this.tenants.touchKey(found.key.id).catch((err: unknown) => {
        this.#logger.warn(`could not record key use: ${String(err)}`);
      });
    }
    return principal;
  }

  /** Drops this replica's cached lookups of a tenant's keys (the tenant was erased). */
  forgetTenant(tenantId: string): void {
    for (const [key, entry] of this.#cache) {
      if (entry.principal?.tenantId === tenantId) this.#cache.delete(key);
    }
  }
}
