import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';

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

/** The api_keys table. Every method but the credential lookup is scoped to one tenant. */
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
    return this.db
      .getRepository(ApiKeyEntity)
      .find({ where: { tenantId }, order: { createdAt: 'DESC', id: 'ASC' } });
  }

  insert(key: NewKey): Promise<ApiKeyEntity> {
    const repo = this.db.getRepository(ApiKeyEntity);
    return repo.save(repo.create(key));
  }

  /** Runs `work` in a transaction; the key it locks stays locked until the end. */
  inTransaction<T>(work: (tx: ApiKeyTx) => Promise<T>): Promise<T> {
    return this.db.transaction((manager) => work(new ApiKeyTx(manager)));
  }
}

/** Key changes inside one transaction. */
export class ApiKeyTx {
  constructor(private readonly manager: EntityManager) {}

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
