import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';

import { ApiKeyEntity } from './api-key.entity';
import type { Scope } from './principal';
import { TenantEntity } from './tenant.entity';

/** The only file of the tenancy module that touches TypeORM. */
@Injectable()
export class TenantRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  findBySlug(slug: string): Promise<TenantEntity | null> {
    return this.db.getRepository(TenantEntity).findOneBy({ slug });
  }

  findById(id: string): Promise<TenantEntity | null> {
    return this.db.getRepository(TenantEntity).findOneBy({ id });
  }

  list(): Promise<TenantEntity[]> {
    return this.db.getRepository(TenantEntity).find({ order: { createdAt: 'ASC' } });
  }

  /** Runs `work` in a transaction holding a cluster-wide lock, so replicas never race on it. */
  async inLockedTransaction<T>(lockName: string, work: (tx: TenancyTx) => Promise<T>): Promise<T> {
    return this.db.transaction(async (manager) => {
      await manager.query('SELECT pg_advisory_xact_lock(hashtext($1))', [lockName]);
      return work(new TenancyTx(manager));
    });
  }

  async setRetention(tenantId: string, retentionDays: number | null): Promise<void> {
    await this.db.getRepository(TenantEntity).update({ id: tenantId }, { retentionDays });
  }

  /** Per-tenant retention (days), for the log store's retention job. */
  async retentionByTenant(): Promise<Map<string, number | null>> {
    const rows = await this.db
      .getRepository(TenantEntity)
      .find({ select: { id: true, retentionDays: true } });
    return new Map(rows.map((t) => [t.id, t.retentionDays]));
  }
}

/** Writes inside one transaction. */
export class TenancyTx {
  constructor(private readonly manager: EntityManager) {}

  async countTenants(): Promise<number> {
    return this.manager.getRepository(TenantEntity).count();
  }

  findBySlug(slug: string): Promise<TenantEntity | null> {
    return this.manager.getRepository(TenantEntity).findOneBy({ slug });
  }

  insertTenant(slug: string, name: string, retentionDays: number | null): Promise<TenantEntity> {
    const repo = this.manager.getRepository(TenantEntity);
    return repo.save(repo.create({ slug, name, retentionDays }));
  }

  insertKey(
    tenantId: string,
    name: string,
    keyPrefix: string,
    keyHash: Buffer,
    scopes: Scope[],
  ): Promise<ApiKeyEntity> {
    const repo = this.manager.getRepository(ApiKeyEntity);
    return repo.save(repo.create({ tenantId, name, keyPrefix, keyHash, scopes }));
  }
}
