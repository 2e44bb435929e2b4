import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, In, LessThan, Not } from 'typeorm';

import { type PrivacyJobParams, PrivacyJobEntity } from './privacy-job.entity';
import type { PrivacyJobKind, PrivacyJobReport } from './privacy.jobs';

/** The only file of the privacy module that touches TypeORM; every read is tenant-scoped. */
@Injectable()
export class PrivacyJobRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  private get repo() {
    return this.db.getRepository(PrivacyJobEntity);
  }

  async insert(
    tenantId: string,
    kind: PrivacyJobKind,
    requestedBy: string,
    params: PrivacyJobParams = {},
  ): Promise<PrivacyJobEntity> {
    return this.repo.save(this.repo.create({ tenantId, kind, requestedBy, params }));
  }

  find(tenantId: string, id: string): Promise<PrivacyJobEntity | null> {
    return this.repo.findOneBy({ tenantId, id });
  }

  list(tenantId: string, first: number): Promise<PrivacyJobEntity[]> {
    return this.repo.find({ where: { tenantId }, order: { requestedAt: 'DESC' }, take: first });
  }

  async setParams(tenantId: string, id: string, params: PrivacyJobParams): Promise<void> {
    await this.repo.update({ tenantId, id }, { params });
  }

  async markRunning(tenantId: string, id: string): Promise<void> {
    await this.repo.update({ tenantId, id }, { status: 'running', startedAt: new Date() });
  }

  async markQueued(tenantId: string, id: string, report: PrivacyJobReport): Promise<void> {
    await this.repo.update({ tenantId, id }, { status: 'queued', report });
  }

  async finish(
    tenantId: string,
    id: string,
    status: 'done' | 'failed',
    report: PrivacyJobReport,
    params: PrivacyJobParams,
  ): Promise<void> {
    await this.repo.update({ tenantId, id }, { status, report, params, finishedAt: new Date() });
  }

  /** Deletes the tenant's jobs except those of the given kinds; returns the ids deleted. */
  async deleteAllExcept(tenantId: string, keepKinds: PrivacyJobKind[]): Promise<string[]> {
    const rows = await this.repo.find({
      select: { id: true },
      where: { tenantId, kind: Not(In(keepKinds)) },
    });
    if (rows.length > 0) await this.repo.delete({ tenantId, id: In(rows.map((r) => r.id)) });
    return rows.map((r) => r.id);
  }

  /** Finished jobs of one tenant requested before `before`; running and queued ones stay. */
  async deleteFinishedBefore(tenantId: string, before: Date): Promise<PrivacyJobEntity[]> {
    const rows = await this.repo.find({
      where: { tenantId, requestedAt: LessThan(before), status: In(['done', 'failed']) },
    });
    if (rows.length > 0) await this.repo.delete({ tenantId, id: In(rows.map((r) => r.id)) });
    return rows;
  }

  /** Tenants that have jobs, including tenants that no longer exist. */
  async tenantsWithJobs(): Promise<string[]> {
    const rows = await this.repo
      .createQueryBuilder('j')
      .select('DISTINCT j.tenant_id', 'tenantId')
      .getRawMany<{ tenantId: string }>();
    return rows.map((r) => r.tenantId);
  }
}
