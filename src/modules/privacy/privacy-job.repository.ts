import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager, In, LessThan, Not, type Repository } from 'typeorm';

import { enterTenant } from '../../common/database/tenant-db';

import { type PrivacyJobParams, PrivacyJobEntity } from './privacy-job.entity';
import type { PrivacyJobKind, PrivacyJobReport } from './privacy.jobs';

/**
 * The only file of the privacy module that touches TypeORM. Every method but `tenantsWithJobs`
 * runs as `vigil_app` inside its tenant, so row-level security bounds it.
 */
@Injectable()
export class PrivacyJobRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  private inTenant<T>(
    tenantId: string,
    work: (repo: Repository<PrivacyJobEntity>) => Promise<T>,
  ): Promise<T> {
    return this.db.transaction(async (manager: EntityManager) => {
      await enterTenant(manager, tenantId);
      return work(manager.getRepository(PrivacyJobEntity));
    });
  }

  async insert(
    tenantId: string,
    kind: PrivacyJobKind,
    requestedBy: string,
    params: PrivacyJobParams = {},
  ): Promise<PrivacyJobEntity> {
    return this.inTenant(tenantId, (repo) =>
      repo.save(repo.create({ tenantId, kind, requestedBy, params })),
    );
  }

  find(tenantId: string, id: string): Promise<PrivacyJobEntity | null> {
    return this.inTenant(tenantId, (repo) => repo.findOneBy({ tenantId, id }));
  }

  list(tenantId: string, first: number): Promise<PrivacyJobEntity[]> {
    return this.inTenant(tenantId, (repo) =>
      repo.find({ where: { tenantId }, order: { requestedAt: 'DESC' }, take: first }),
    );
  }

  async setParams(tenantId: string, id: string, params: PrivacyJobParams): Promise<void> {
    await this.inTenant(tenantId, (repo) => repo.update({ tenantId, id }, { params }));
  }

  async markRunning(tenantId: string, id: string): Promise<void> {
    await this.inTenant(tenantId, (repo) =>
      repo.update({ tenantId, id }, { status: 'running', startedAt: new Date() }),
    );
  }

  async markQueued(tenantId: string, id: string, report: PrivacyJobReport): Promise<void> {
    await this.inTenant(tenantId, (repo) =>
      repo.update({ tenantId, id }, { status: 'queued', report }),
    );
  }

  async finish(
    tenantId: string,
    id: string,
    status: 'done' | 'failed',
    report: PrivacyJobReport,
    params: PrivacyJobParams,
  ): Promise<void> {
    await this.inTenant(tenantId, (repo) =>
      repo.update({ tenantId, id }, { status, report, params, finishedAt: new Date() }),
    );
  }

  /** Deletes the tenant's jobs except those of the given kinds; returns the ids deleted. */
  async deleteAllExcept(tenantId: string, keepKinds: PrivacyJobKind[]): Promise<string[]> {
    return this.inTenant(tenantId, async (repo) => {
      const rows = await repo.find({
        select: { id: true },
        where: { tenantId, kind: Not(In(keepKinds)) },
      });
      if (rows.length > 0) await repo.delete({ tenantId, id: In(rows.map((r) => r.id)) });
      return rows.map((r) => r.id);
    });
  }

  /** Finished jobs of one tenant requested before `before`; running and queued ones stay. */
  async deleteFinishedBefore(tenantId: string, before: Date): Promise<PrivacyJobEntity[]> {
    return this.inTenant(tenantId, async (repo) => {
      const rows = await repo.find({
        where: { tenantId, requestedAt: LessThan(before), status: In(['done', 'failed']) },
      });
      if (rows.length > 0) await repo.delete({ tenantId, id: In(rows.map((r) => r.id)) });
      return rows;
    });
  }

  /** Tenants that have jobs, including tenants that no longer exist. */
  async tenantsWithJobs(): Promise<string[]> {
    const rows = await this.db
      .getRepository(PrivacyJobEntity)
      .createQueryBuilder('j')
      .select('DISTINCT j.tenant_id', 'tenantId')
      .getRawMany<{ tenantId: string }>();
    return rows.map((r) => r.tenantId);
  }
}
