import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';

import { enterTenant } from '../../common/database/tenant-db';

import { ApiKeyEntity } from './api-key.entity';
import type { Scope } from './principal';
import { TenantEntity } from './tenant.entity';

export interface KeyLookup {
  key: ApiKeyEntity;
  tenant: TenantEntity;
}

export interface NewKey {
  tenantId: string;
  name: string;
  keyPrefix: string;
  keyHash: Buffer;
  scopes: Scope[];
  expiresAt: Date | null;
}

/**
 * The api_keys table. The credential lookup and the last-used stamp run as the owner (a key is
 * found before its tenant is known); everything else runs as `vigil_app` inside its tenant, so
 * row-level security bounds it whatever the WHERE clause says.
 */
@Injectable()
export class ApiKeyRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** The key with this hash if it is neither revoked nor expired, with its tenant. */
  async findActiveByHash(hash: Buffer): Promise<KeyLookup | null> {
    const key = await this.db
      .getRepository(ApiKeyEntity)
      .createQueryBuilder('k')
      .where('k.key_hash = :hash AND k.revoked_at IS NULL', { hash })
      .andWhere('(k.expires_at IS NULL OR k.expires_at > now())')
      .getOne();
    if (!key) return null;
    const tenant = await this.db.getRepository(TenantEntity).findOneBy({ id: key.tenantId });
    return tenant ? { key, tenant } : null;
  }

  /** Records a use; skipped when another replica recorded one in the last half minute. */
  async touch(keyId: string, at: Date): Promise<void> {
    await this.db.query(
      `UPDATE api_keys SET last_used_at = $2
        WHERE id = $1 AND (last_used_at IS NULL OR last_used_at < $2::timestamptz - interval '30 seconds')`,
      [keyId, at],
    );
  }

  list(tenantId: string): Promise<ApiKeyEntity[]> {
    return this.inTransaction(tenantId, (tx) => tx.list(tenantId));
  }

  insert(key: NewKey): Promise<ApiKeyEntity> {
    return this.inTransaction(key.tenantId, (tx) => tx.insert(key));
  }

  /** Runs `work` in a transaction inside the tenant; the key it locks stays locked until the end. */
  inTransaction<T>(tenantId: string, work: (tx: ApiKeyTx) => Promise<T>): Promise<T> {
    return this.db.transaction(async (manager) => {
      await enterTenant(manager, tenantId);
      return work(new ApiKeyTx(manager));
    });
  }
}

/** Key changes inside one transaction. */
export class ApiKeyTx {
  constructor(private readonly manager: EntityManager) {}

  list(tenantId: string): Promise<ApiKeyEntity[]> {
    return this.manager
      .getRepository(ApiKeyEntity)
      .find({ where: { tenantId }, order: { createdAt: 'DESC', id: 'ASC' } });
  }

  findForUpdate(tenantId: string, id: string): Promise<ApiKeyEntity | null> {
    return this.manager
      .getRepository(ApiKeyEntity)
      .createQueryBuilder('k')
      .setLock('pessimistic_write')
      .where('k.id = :id AND k.tenant_id = :tenantId', { id, tenantId })
      .getOne();
  }

  insert(key: NewKey): Promise<ApiKeyEntity> {
    const repo = this.manager.getRepository(ApiKeyEntity);
    return repo.save(repo.create(key));
  }

  save(key: ApiKeyEntity): Promise<ApiKeyEntity> {
    return this.manager.getRepository(ApiKeyEntity).save(key);
  }
}
