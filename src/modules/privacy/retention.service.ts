import {
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';

import { AppConfig } from '../../config/app-config';
import { AuditService } from '../audit/audit.service';
import { LogRetentionService } from '../logs/log-retention.service';
import { PatternsService } from '../patterns/patterns.service';
import type { Principal } from '../tenancy/principal';
import { TenancyService } from '../tenancy/tenancy.service';
import { ExportFiles } from './export-files';
import { PrivacyJobRepository } from './privacy-job.repository';
import { PrivacyError } from './privacy.errors';

const EVERY_MS = 60 * 60 * 1000;
const DAY_MS = 86_400_000;
const MAX_DAYS = 3650;

export interface Retention {
  days: number | null;
  defaultDays: number;
  effectiveDays: number;
}

/**
 * Per-tenant retention: the setting, and the privacy module's share of the retention pass (job
 * records, export archives and hourly pattern counts older than the tenant's retention, audit
 * entries older than AUDIT_RETENTION_DAYS; the log store runs its own).
 */
@Injectable()
export class RetentionService implements OnApplicationBootstrap, OnApplicationShutdown {
  readonly #logger = new Logger(RetentionService.name);
  #timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly tenancy: TenancyService,
    private readonly logRetention: LogRetentionService,
    private readonly jobs: PrivacyJobRepository,
    private readonly files: ExportFiles,
    private readonly config: AppConfig,
    private readonly auditLog: AuditService,
    private readonly patterns: PatternsService,
  ) {}

  async get(principal: Principal): Promise<Retention> {
    const days = await this.tenancy.retentionOf(principal.tenantId);
    const defaultDays = this.config.defaultRetentionDays;
    return { days, defaultDays, effectiveDays: days ?? defaultDays };
  }

  /** Sets the retention (null = the default) and applies it at once. */
  async set(principal: Principal, days: number | null): Promise<Retention> {
    if (days !== null && (!Number.isInteger(days) || days < 1 || days > MAX_DAYS)) {
      throw new PrivacyError(
        'INVALID_RETENTION',
        `days must be a whole number from 1 to ${MAX_DAYS}, or null for the default`,
      );
    }
    await this.tenancy.setRetention(principal.tenantId, days);
    this.audit(principal, days);
    const now = Date.now();
    await this.logRetention.runOnce(now);
    await this.runOnce(now);
    return this.get(principal);
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.runOnce(Date.now());
    this.#timer = setInterval(() => {
      this.runOnce(Date.now()).catch((err: unknown) =>
        this.#logger.error(`privacy retention failed: ${String(err)}`),
      );
    }, EVERY_MS);
    this.#timer.unref();
  }

  onApplicationShutdown(): void {
    if (this.#timer) clearInterval(this.#timer);
  }

  /**
   * Deletes finished jobs and their archives past their tenant's retention (erased tenants: the
   * default), and audit entries past the audit retention. Returns how many jobs went.
   */
  async runOnce(now: number): Promise<number> {
    await this.auditLog.deleteOlderThan(new Date(now - this.config.auditRetentionDays * DAY_MS));
    const retention = await this.tenancy.retentionByTenant();
    await this.patterns.expireCounts(
      now,
      (tenantId) => retention.get(tenantId) ?? this.config.defaultRetentionDays,
    );
    let removed = 0;
    for (const tenantId of await this.jobs.tenantsWithJobs()) {
      const days = retention.get(tenantId) ?? this.config.defaultRetentionDays;
      const expired = await this.jobs.deleteFinishedBefore(tenantId, new Date(now - days * DAY_MS));
      for (const job of expired) {
        if (job.kind === 'export') await this.files.remove(tenantId, job.id);
      }
      removed += expired.length;
    }
    return removed;
  }

  /** The audit log's call site for retention changes. */
  private audit(principal: Principal, days: number | null): void {
    this.auditLog
      .record(principal, 'retention.changed', {
        target: { kind: 'tenant', id: principal.tenantId },
        details: { retentionDays: days },
      })
      .catch((err: unknown) => {
        this.#logger.error(`could not record a retention change in the audit log: ${String(err)}`);
      });
  }
}
