import { Injectable, type OnModuleInit } from '@nestjs/common';

import { AppConfig } from '../../config/app-config';
import { verifyAccessToken } from './access-token';
import { permissionsOfRole, type Principal } from './principal';
import { RevocationBus } from './revocation-bus';
import { SigningKeyService } from './signing-key.service';
import { UserRepository } from './user.repository';

/** How long a replica trusts what it read about a session (revocations also clear it at once). */
const SESSION_TTL_MS = 10_000;
const MAX_CACHE_ENTRIES = 10_000;

interface CacheEntry {
  userId: string;
  principal: Principal | null;
  expiresAt: number;
}

/**
 * Access tokens to user principals. The signature proves who the user was; each request also
 * checks, from a short cache, that the user is not disabled, is still a member of the tenant
 * (with the role they have now, not the one in the token) and that the session was not logged
 * out. Logout, removal, role changes and password resets publish on the RevocationBus, so every
 * replica drops its cache at once.
 */
@Injectable()
export class UserPrincipalService implements OnModuleInit {
  readonly #cache = new Map<string, CacheEntry>();

  constructor(
    private readonly config: AppConfig,
    private readonly keys: SigningKeyService,
    private readonly users: UserRepository,
    private readonly bus: RevocationBus,
  ) {}

  onModuleInit(): void {
    this.bus.listen({
      revoked: (r) => {
        if (r.kind !== 'user') return;
        for (const [key, entry] of this.#cache) if (entry.userId === r.id) this.#cache.delete(key);
      },
      resync: () => this.#cache.clear(),
    });
  }

  async authenticate(token: string): Promise<Principal | null> {
    const claims = await verifyAccessToken(token, this.keys.resolver, this.config.identity);
    if (!claims) return null;
    const cacheKey = `${claims.sid}:${claims.sub}:${claims.tid}`;
    const now = Date.now();
    const cached = this.#cache.get(cacheKey);
    if (cached && cached.expiresAt > now) return cached.principal;

    const state = await this.users.sessionState(claims.sid, claims.sub, claims.tid);
    const principal: Principal | null =
      state && state.active && !state.disabled && state.role
        ? {
            tenantId: claims.tid,
            tenantSlug: state.tenantSlug,
            kind: 'user',
            subjectId: claims.sub,
            label: state.email,
            role: state.role,
            permissions: permissionsOfRole(state.role),
          }
        : null;
    if (this.#cache.size >= MAX_CACHE_ENTRIES) this.#cache.clear();
    this.#cache.set(cacheKey, { userId: claims.sub, principal, expiresAt: now + SESSION_TTL_MS });
    return principal;
  }
}
