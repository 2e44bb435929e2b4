import { Injectable } from '@nestjs/common';

import { displayPrefix, generateApiKey, hashApiKey } from './api-key.codec';
import type { Scope } from './principal';
import type { TenantEntity } from './tenant.entity';
import { type TenancyTx, TenantRepository } from './tenant.repository';
import { TenancyError } from './tenancy.errors';

export interface IssuedKey {
  id: string;
  name: string;
  /** The secret itself: shown once, never stored. */
  key: string;
  scopes: Scope[];
}

export interface CreatedTenant {
  tenant: TenantEntity;
  keys: IssuedKey[];
}

const SLUG = /^[a-z0-9][a-z0-9_-]{0,62}$/;

/** The two keys every new tenant starts with: one for people and scripts, one for shippers. */
const STARTER_KEYS: ReadonlyArray<{ name: string; scopes: Scope[] }> = [
  { name: 'admin', scopes: ['ingest', 'read', 'admin'] },
  { name: 'ingest', scopes: ['ingest'] },
];

@Injectable()
export class TenancyService {
  constructor(private readonly tenants: TenantRepository) {}

  async createTenant(
    slug: string,
    options: { name?: string; retentionDays?: number } = {},
  ): Promise<CreatedTenant> {
    if (!SLUG.test(slug)) {
      throw new TenancyError(
        'INVALID_TENANT_SLUG',
        `tenant name "${slug}" must be 1-63 lower-case letters, digits, "-" or "_", starting with a letter or digit`,
      );
    }
    return this.tenants.inLockedTransaction('vigil:tenants', async (tx) => {
      if (await tx.findBySlug(slug)) {
        throw new TenancyError('TENANT_EXISTS', `tenant "${slug}" already exists`);
      }
      return this.insertWithKeys(tx, slug, options.name ?? slug, options.retentionDays ?? null);
    });
  }

  /**
   * On an empty database, creates the `default` tenant whose admin key is `bootstrapKey` (or a
   * generated one). Returns what was created, or null when tenants already exist.
   */
  async bootstrap(bootstrapKey: string | undefined): Promise<CreatedTenant | null> {
    return this.tenants.inLockedTransaction('vigil:tenants', async (tx) => {
      if ((await tx.countTenants()) > 0) return null;
      const tenant = await tx.insertTenant('default', 'default', null);
      const key = bootstrapKey ?? generateApiKey();
      const scopes: Scope[] = ['ingest', 'read', 'admin'];
      const row = await tx.insertKey(
        tenant.id,
        'bootstrap',
        displayPrefix(key),
        hashApiKey(key),
        scopes,
      );
      return { tenant, keys: [{ id: row.id, name: 'bootstrap', key, scopes }] };
    });
  }

  listTenants(): Promise<TenantEntity[]> {
    return this.tenants.list();
  }

  retentionByTenant(): Promise<Map<string, number | null>> {
    return this.tenants.retentionByTenant();
  }

  /** The tenant's own retention in days (null = the server default). */
  async retentionOf(tenantId: string): Promise<number | null> {
    return (await this.tenants.findById(tenantId))?.retentionDays ?? null;
  }

  /** Sets the tenant's retention in days (null = the server default); the caller validates it. */
  async setRetention(tenantId: string, days: number | null): Promise<void> {
    await this.tenants.setRetention(tenantId, days);
  }

  private async insertWithKeys(
    tx: TenancyTx,
    slug: string,
    name: string,
    retentionDays: number | null,
  ): Promise<CreatedTenant> {
    const tenant = await tx.insertTenant(slug, name, retentionDays);
    const keys: IssuedKey[] = [];
    for (const starter of STARTER_KEYS) {
      const key = generateApiKey();
      const row = await tx.insertKey(
        tenant.id,
        starter.name,
        displayPrefix(key),
        hashApiKey(key),
        starter.scopes,
      );
      keys.push({ id: row.id, name: starter.name, key, scopes: [...starter.scopes] });
    }
    return { tenant, keys };
  }
}
