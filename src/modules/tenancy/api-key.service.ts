import { Injectable, Logger } from '@nestjs/common';

import { hashApiKey } from './api-key.codec';
import { ApiKeyRepository } from './api-key.repository';
import { permissionsOfScopes, type Principal } from './principal';
import { type Revocation, RevocationBus } from './revocation-bus';
import { UsageThrottle } from './usage-throttle';

interface CacheEntry {
  principal: Principal | null;
  expiresAt: number;
}

const POSITIVE_TTL_MS = 30_000;
const NEGATIVE_TTL_MS = 5_000;
const MAX_CACHE_ENTRIES = 10_000;
/** `last_used_at` is written at most this often per key and replica. */
const USAGE_WRITE_INTERVAL_MS = 60_000;

/**
 * Resolves API keys to principals. Lookups are cached briefly in memory so the ingest hot path
 * does not query Postgres per request. A revocation (or rotation) anywhere reaches every
 * replica's cache through the RevocationBus at once; a cached key is never trusted past its
 * expiry, nor while the bus is disconnected.
 */
@Injectable()
export class ApiKeyService {
  readonly #cache = new Map<string, CacheEntry>();
  readonly #logger = new Logger(ApiKeyService.name);
  readonly #usage = new UsageThrottle(USAGE_WRITE_INTERVAL_MS, MAX_CACHE_ENTRIES);
  /** Bumped by every invalidation, so a lookup that raced one does not cache what it read. */
  #generation = 0;

  constructor(
    private readonly keys: ApiKeyRepository,
    private readonly bus: RevocationBus,
  ) {
    // Registered in the constructor, before any consumer of ApiKeyService can listen: the
    // cache is dropped before anyone re-checks a credential.
    bus.listen({
      revoked: (revocation) => this.forget(revocation),
      resync: () => this.forgetAll(),
    });
  }

  async authenticate(rawKey: string): Promise<Principal | null> {
    const hash = hashApiKey(rawKey);
    const cacheKey = hash.toString('base64');
    const now = Date.now();
    const cached = this.#cache.get(cacheKey);
    if (cached && cached.expiresAt > now && (cached.principal === null || this.bus.listening)) {
      if (cached.principal) this.recordUse(cached.principal.subjectId, now);
      return cached.principal;
    }

    const generation = this.#generation;
    const found = await this.keys.findActiveByHash(hash);
    const principal: Principal | null = found
      ? {
          tenantId: found.tenant.id,
          tenantSlug: found.tenant.slug,
          kind: 'api_key',
          subjectId: found.key.id,
          label: found.key.name,
          role: null,
          permissions: permissionsOfScopes(found.key.scopes),
          expiresAt: found.key.expiresAt,
        }
      : null;
    if (generation === this.#generation) {
      if (this.#cache.size >= MAX_CACHE_ENTRIES) this.#cache.clear();
      const ttl = principal ? POSITIVE_TTL_MS : NEGATIVE_TTL_MS;
      const keyExpiry = principal?.expiresAt?.getTime() ?? Infinity;
      this.#cache.set(cacheKey, { principal, expiresAt: Math.min(now + ttl, keyExpiry) });
    }
    if (principal) this.recordUse(principal.subjectId, now);
    return principal;
  }

  /** Updates `last_used_at` in the background, at most once a minute per key. */
  private recordUse(keyId: string, now: number): void {
    if (!this.#usage.shouldRecord(keyId, now)) return;
    this.keys.touch(keyId, new Date(now)).catch((err: unknown) => {
      this.#logger.warn(`could not record key use: ${String(err)}`);
    });
  }

  private forget(revocation: Revocation): void {
    if (revocation.kind !== 'api_key') return;
    this.#generation++;
    for (const [cacheKey, entry] of this.#cache) {
      if (entry.principal?.subjectId === revocation.id) this.#cache.delete(cacheKey);
    }
  }

  private forgetAll(): void {
    this.#generation++;
    this.#cache.clear();
  }
}
