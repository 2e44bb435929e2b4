import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';

import { inTenantTransaction } from '../../../common/database/tenant-transaction';
import { RedisService } from '../../../common/redis/redis.service';
import { RemediationError } from '../remediation.errors';
import { DEFAULT_RUNBOOK_LIMITS, type RunbookLimits } from '../runbook/runbook.types';

/** A Kubernetes cluster runbooks may act on; the token is read from the secrets store by name. */
export interface ClusterSettings {
  server: string;
  tokenSecret?: string;
  caData?: string;
  skipTlsVerify?: boolean;
}

/** A tenant's remediation settings. Limits cap what runbooks declare. */
export interface RemediationSettings {
  /** The tenant's kill switch: false stops every run at its next step and starts none. */
  enabled: boolean;
  haltedBy: string | null;
  /** Runs of all runbooks per hour. */
  maxRunsPerHour: number;
  limits: Required<RunbookLimits>;
  /** HTTP and webhook steps may call loopback and private addresses (self-hosted automation). */
  allowPrivateNetwork: boolean;
  clusters: Record<string, ClusterSettings>;
}

export type SettingsPatch = Partial<
  Omit<RemediationSettings, 'enabled' | 'haltedBy' | 'limits'>
> & {
  limits?: RunbookLimits;
};

const DEFAULTS: Omit<RemediationSettings, 'enabled' | 'haltedBy'> = {
  maxRunsPerHour: 30,
  limits: DEFAULT_RUNBOOK_LIMITS,
  allowPrivateNetwork: false,
  clusters: {},
};

/** The Redis key of the installation-wide kill switch (`vigil remediation halt`). */
export const GLOBAL_HALT_KEY = 'remediation:halted';

const CLUSTER_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;

/**
 * Per-tenant remediation settings and both kill switches: the tenant's (`enabled`) and the
 * installation's (a Redis key set by `vigil remediation halt`, or `REMEDIATION_HALTED=1`). The
 * executor asks before every step, so a halt takes effect within one step.
 */
@Injectable()
export class RemediationSettingsService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly redis: RedisService,
  ) {}

  async get(tenantId: string): Promise<RemediationSettings> {
    const [row] = await inTenantTransaction(this.db, tenantId, (tx) =>
      tx.query<{ enabled: boolean; halted_by: string | null; settings: SettingsPatch }>(
        `SELECT enabled, halted_by, settings FROM remediation_settings WHERE tenant_id = $1`,
        [tenantId],
      ),
    );
    const stored = row?.settings ?? {};
    return {
      ...DEFAULTS,
      ...stored,
      limits: { ...DEFAULTS.limits, ...stored.limits },
      enabled: row?.enabled ?? true,
      haltedBy: row?.halted_by ?? null,
    };
  }

  async update(tenantId: string, patch: SettingsPatch): Promise<RemediationSettings> {
    checkPatch(patch);
    const current = await this.get(tenantId);
    const next: SettingsPatch = {
      maxRunsPerHour: patch.maxRunsPerHour ?? current.maxRunsPerHour,
      limits: { ...current.limits, ...patch.limits },
      allowPrivateNetwork: patch.allowPrivateNetwork ?? current.allowPrivateNetwork,
      clusters: patch.clusters ?? current.clusters,
    };
    await inTenantTransaction(this.db, tenantId, (tx) =>
      tx.query(
        `INSERT INTO remediation_settings (tenant_id, settings) VALUES ($1, $2)
         ON CONFLICT (tenant_id) DO UPDATE SET settings = excluded.settings, updated_at = now()`,
        [tenantId, JSON.stringify(next)],
      ),
    );
    return this.get(tenantId);
  }

  /** The tenant's kill switch. */
  async setEnabled(tenantId: string, enabled: boolean, by: string): Promise<RemediationSettings> {
    await inTenantTransaction(this.db, tenantId, (tx) =>
      tx.query(
        `INSERT INTO remediation_settings (tenant_id, enabled, halted_by) VALUES ($1, $2, $3)
         ON CONFLICT (tenant_id) DO UPDATE
           SET enabled = excluded.enabled, halted_by = excluded.halted_by, updated_at = now()`,
        [tenantId, enabled, enabled ? null : by],
      ),
    );
    return this.get(tenantId);
  }

  /** Why nothing may run now for this tenant, or null (`settings` when already read). */
  async halted(tenantId: string, settings?: RemediationSettings): Promise<string | null> {
    if (await this.globallyHalted()) return 'remediation is halted for the whole installation';
    const s = settings ?? (await this.get(tenantId));
    return s.enabled
      ? null
      : `remediation is halted for this tenant by ${s.haltedBy ?? 'an admin'}`;
  }

  async globallyHalted(): Promise<boolean> {
    if (process.env.REMEDIATION_HALTED === '1') return true;
    return (await this.redis.client.get(this.redis.key(GLOBAL_HALT_KEY))) !== null;
  }

  async setGlobalHalt(halted: boolean, by: string): Promise<void> {
    const key = this.redis.key(GLOBAL_HALT_KEY);
    if (halted)
      await this.redis.client.set(key, JSON.stringify({ by, at: new Date().toISOString() }));
    else await this.redis.client.del(key);
  }
}

function checkPatch(patch: SettingsPatch): void {
  const bad = (message: string) => new RemediationError('INVALID_ARGUMENT', message);
  const positive = (name: string, v: number | undefined, max: number) => {
    if (v !== undefined && !(Number.isInteger(v) && v >= 1 && v <= max)) {
      throw bad(`${name} must be an integer from 1 to ${max}`);
    }
  };
  positive('maxRunsPerHour', patch.maxRunsPerHour, 10_000);
  positive('limits.maxRunsPerHour', patch.limits?.maxRunsPerHour, 1000);
  positive('limits.maxActionsPerTargetPerHour', patch.limits?.maxActionsPerTargetPerHour, 100);
  positive('limits.maxTargets', patch.limits?.maxTargets, 100);
  positive('limits.loopWindowSeconds', patch.limits?.loopWindowSeconds, 604_800);
  for (const [name, c] of Object.entries(patch.clusters ?? {})) {
    if (!CLUSTER_NAME.test(name)) throw bad(`cluster name "${name.slice(0, 80)}" is not valid`);
    let url: URL;
    try {
      url = new URL(c.server);
    } catch {
      throw bad(`cluster ${name}: server is not a URL`);
    }
    if (url.protocol !== 'https:' && !(url.protocol === 'http:' && c.skipTlsVerify)) {
      throw bad(`cluster ${name}: server must be https (http only with skipTlsVerify)`);
    }
  }
}
