import { Injectable } from '@nestjs/common';

import type { RequestOrigin } from '../../../common/auth/request-context';
import { MetricsService } from '../../../common/metrics/metrics.service';
import { actorOf } from '../../audit/audit-actor';
import { AuditService } from '../../audit/audit.service';
import type { Principal } from '../../tenancy/principal';
import { TenantConfigBus } from '../../../common/config-bus/tenant-config.bus';
import { TenantConfigCache } from '../custom/tenant-config.cache';
import { RedactionPolicyRepository } from './redaction-policy.repository';
import { DEFAULT_REDACTION_RULES, REDACTION_RULES, type RedactionRule } from './redaction-rules';
import { RedactionError } from './redaction.errors';
import { type RedactableRecord, Redactor } from './redactor';

export interface RedactionPolicy {
  /** The rules on, in REDACTION_RULES order. */
  rules: RedactionRule[];
  /** True when the tenant never set a policy (the defaults apply: all but IP). */
  isDefault: boolean;
  updatedAt: Date | null;
  updatedBy: string | null;
}

/**
 * Per-tenant PII redaction. The ingest pipeline calls `redactorFor(tenantId)` once per batch and
 * `redactor.redactRecord(record)` on every record before it is stored or learned from; each
 * replacement counts in `vigil_redactions_total{kind}`. Redactors are cached per tenant and
 * rebuilt on every replica when the policy changes.
 */
@Injectable()
export class RedactionService {
  readonly #cache: TenantConfigCache<Redactor>;

  constructor(
    private readonly repository: RedactionPolicyRepository,
    private readonly audit: AuditService,
    private readonly bus: TenantConfigBus,
    private readonly metrics: MetricsService,
  ) {
    this.#cache = new TenantConfigCache(bus, 'redaction_policy', async (tenantId) => {
      const policy = await this.policyFor(tenantId);
      return new Redactor(policy.rules, (rule, n) =>
        this.metrics.redactions.inc({ kind: rule.toLowerCase() }, n),
      );
    });
  }

  /** The tenant's redactor (its policy's rules); resolves from memory once loaded. */
  redactorFor(tenantId: string): Promise<Redactor> {
    return this.#cache.get(tenantId);
  }

  /** Redacts a batch of one tenant's records in place; returns how many values were replaced. */
  async redactAll(tenantId: string, records: Iterable<RedactableRecord>): Promise<number> {
    const redactor = await this.redactorFor(tenantId);
    let replaced = 0;
    for (const record of records) replaced += redactor.redactRecord(record);
    return replaced;
  }

  policyFor(tenantId: string): Promise<RedactionPolicy> {
    return this.repository.transaction(tenantId, async (tx) =>
      policyOf(await this.repository.find(tx)),
    );
  }

  async setPolicy(
    principal: Principal,
    rules: readonly string[],
    origin: RequestOrigin,
  ): Promise<RedactionPolicy> {
    const wanted = new Set<RedactionRule>();
    for (const rule of rules) {
      if (!(REDACTION_RULES as readonly string[]).includes(rule)) {
        throw new RedactionError(
          'INVALID_POLICY',
          `unknown redaction rule "${rule.slice(0, 40)}" (known: ${REDACTION_RULES.join(', ')})`,
        );
      }
      wanted.add(rule as RedactionRule);
    }
    const ordered = REDACTION_RULES.filter((r) => wanted.has(r));
    const actor = actorOf(principal);
    const policy = await this.repository.transaction(principal.tenantId, async (tx) => {
      const before = policyOf(await this.repository.find(tx));
      const row = await this.repository.upsert(
        tx,
        ordered,
        `${actor.kind}:${actor.label ?? actor.id ?? 'unknown'}`,
      );
      await this.audit.record(principal, 'redaction_policy.updated', {
        target: { kind: 'redaction_policy', id: principal.tenantId },
        details: { before: before.rules, after: row.rules },
        ...origin,
        tx,
      });
      return policyOf(row);
    });
    await this.bus.publish('redaction_policy', principal.tenantId);
    return policy;
  }
}

function policyOf(
  row: { rules: RedactionRule[]; updatedAt: Date; updatedBy: string } | null,
): RedactionPolicy {
  if (row === null) {
    return {
      rules: [...DEFAULT_REDACTION_RULES],
      isDefault: true,
      updatedAt: null,
      updatedBy: null,
    };
  }
  return {
    rules: REDACTION_RULES.filter((r) => row.rules.includes(r)),
    isDefault: false,
    updatedAt: row.updatedAt,
    updatedBy: row.updatedBy,
  };
}
