import { randomUUID } from 'node:crypto';

import { Injectable } from '@nestjs/common';

import { isUuid } from '../../../common/ids/uuid';
import type { RequestOrigin } from '../../../common/auth/request-context';
import type { TenantTx } from '../../../common/database/tenant-transaction';
import { AuditService } from '../../audit/audit.service';
import type { Principal } from '../../tenancy/principal';
import { AlertingError } from '../alerting.errors';
import { UserRepository } from '../../tenancy/user.repository';
import type {
  AlertRoute,
  AlertRuleRow,
  EscalationLevel,
  EscalationPolicyRow,
} from '../alerting.types';
import { AlertConfigRepository, type RuleValues } from './alert-config.repository';
import {
  ALERT_SEVERITIES,
  checkForSeconds,
  checkLabels,
  checkName,
  checkRepeat,
  type ConditionFields,
  invalid,
  type LevelFields,
  type RouteFields,
  toCondition,
  toLevels,
  toRoute,
} from './alert-config.validation';

export interface CreateRule {
  name: string;
  enabled?: boolean | null;
  severity: string;
  labels?: unknown;
  annotations?: unknown;
  forSeconds?: number | null;
  condition: ConditionFields;
  route: RouteFields;
}

/** Absent fields stay; `condition` and `route` are replaced whole. */
export type UpdateRule = Partial<CreateRule>;

export interface PolicyInput {
  name: string;
  levels: LevelFields[];
  repeat?: number | null;
}

/**
 * Alert rules (editors: `write`) and escalation policies (admins), validated into the engine's
 * types; every write is audited (`alert_rule.*`, `escalation_policy.*`). A rule's channels and
 * policy must exist in the tenant; a policy's channels too.
 */
@Injectable()
export class AlertRulesService {
  constructor(
    private readonly repository: AlertConfigRepository,
    private readonly audit: AuditService,
    private readonly users: UserRepository,
  ) {}

  listRules(tenantId: string): Promise<AlertRuleRow[]> {
    return this.repository.transaction(tenantId, (tx) => this.repository.listRules(tx));
  }

  enabledRules(tenantId: string): Promise<AlertRuleRow[]> {
    return this.repository.transaction(tenantId, (tx) => this.repository.listRules(tx, true));
  }

  async getRule(tenantId: string, id: string): Promise<AlertRuleRow | null> {
    if (!isUuid(id)) return null;
    return this.repository.transaction(tenantId, (tx) => this.repository.findRule(tx, id));
  }

  async createRule(
    principal: Principal,
    input: CreateRule,
    origin: RequestOrigin,
  ): Promise<AlertRuleRow> {
    const values = ruleValues(input);
    const id = randomUUID();
    return this.repository.transaction(principal.tenantId, async (tx) => {
      await this.checkRoute(tx, values.route);
      const row = await this.repository.insertRule(tx, id, values);
      await this.audit.record(principal, 'alert_rule.created', {
        target: { kind: 'alert_rule', id },
        details: { after: values },
        ...origin,
        tx,
      });
      return row;
    });
  }

  async updateRule(
    principal: Principal,
    id: string,
    input: UpdateRule,
    origin: RequestOrigin,
  ): Promise<AlertRuleRow> {
    if (!isUuid(id)) throw ruleNotFound(id);
    return this.repository.transaction(principal.tenantId, async (tx) => {
      const before = await this.repository.findRule(tx, id);
      if (before === null) throw ruleNotFound(id);
      const values = ruleValues({
        name: input.name ?? before.name,
        enabled: input.enabled ?? before.enabled,
        severity: input.severity ?? before.severity,
        labels: input.labels ?? before.labels,
        annotations: input.annotations ?? before.annotations,
        forSeconds: input.forSeconds ?? before.forMs / 1000,
        condition: input.condition ?? conditionFields(before),
        route: input.route ?? routeFields(before.route),
      });
      await this.checkRoute(tx, values.route);
      const row = await this.repository.updateRule(tx, id, values);
      if (row === null) throw ruleNotFound(id);
      await this.audit.record(principal, 'alert_rule.updated', {
        target: { kind: 'alert_rule', id },
        details: { before: auditRule(before), after: values },
        ...origin,
        tx,
      });
      return row;
    });
  }

  async deleteRule(principal: Principal, id: string, origin: RequestOrigin): Promise<boolean> {
    if (!isUuid(id)) return false;
    return this.repository.transaction(principal.tenantId, async (tx) => {
      const row = await this.repository.deleteRule(tx, id);
      if (row === null) return false;
      await this.audit.record(principal, 'alert_rule.deleted', {
        target: { kind: 'alert_rule', id },
        details: { before: auditRule(row) },
        ...origin,
        tx,
      });
      return true;
    });
  }

  listPolicies(tenantId: string): Promise<EscalationPolicyRow[]> {
    return this.repository.transaction(tenantId, (tx) => this.repository.listPolicies(tx));
  }

  async getPolicy(tenantId: string, id: string): Promise<EscalationPolicyRow | null> {
    if (!isUuid(id)) return null;
    return this.repository.transaction(tenantId, (tx) => this.repository.findPolicy(tx, id));
  }

  async createPolicy(
    principal: Principal,
    input: PolicyInput,
    origin: RequestOrigin,
  ): Promise<EscalationPolicyRow> {
    const values = policyValues(input);
    await this.checkPeople(principal.tenantId, values.levels);
    const id = randomUUID();
    return this.repository.transaction(principal.tenantId, async (tx) => {
      await this.checkLevelChannels(tx, values.levels);
      const row = await this.repository.insertPolicy(tx, id, values);
      await this.audit.record(principal, 'escalation_policy.created', {
        target: { kind: 'escalation_policy', id },
        details: { after: values },
        ...origin,
        tx,
      });
      return row;
    });
  }

  async updatePolicy(
    principal: Principal,
    id: string,
    input: Partial<PolicyInput>,
    origin: RequestOrigin,
  ): Promise<EscalationPolicyRow> {
    if (!isUuid(id)) throw policyNotFound(id);
    return this.repository.transaction(principal.tenantId, async (tx) => {
      const before = await this.repository.findPolicy(tx, id);
      if (before === null) throw policyNotFound(id);
      const values = policyValues({
        name: input.name ?? before.name,
        levels: input.levels ?? before.levels.map(levelFields),
        repeat: input.repeat ?? before.repeat,
      });
      await this.checkPeople(principal.tenantId, values.levels);
      await this.checkLevelChannels(tx, values.levels);
      const row = await this.repository.updatePolicy(tx, id, values);
      if (row === null) throw policyNotFound(id);
      await this.audit.record(principal, 'escalation_policy.updated', {
        target: { kind: 'escalation_policy', id },
        details: {
          before: { name: before.name, levels: before.levels, repeat: before.repeat },
          after: values,
        },
        ...origin,
        tx,
      });
      return row;
    });
  }

  /** False when there was none; IN_USE while a rule runs it. */
  async deletePolicy(principal: Principal, id: string, origin: RequestOrigin): Promise<boolean> {
    if (!isUuid(id)) return false;
    return this.repository.transaction(principal.tenantId, async (tx) => {
      const users = await this.repository.policyUsers(tx, id);
      if (users.length > 0) {
        throw new AlertingError(
          'IN_USE',
          `the policy is used by rule ${users.slice(0, 5).join(', ')}`,
        );
      }
      const row = await this.repository.deletePolicy(tx, id);
      if (row === null) return false;
      await this.audit.record(principal, 'escalation_policy.deleted', {
        target: { kind: 'escalation_policy', id },
        details: { before: { name: row.name, levels: row.levels, repeat: row.repeat } },
        ...origin,
        tx,
      });
      return true;
    });
  }

  private async checkRoute(tx: TenantTx, route: AlertRoute): Promise<void> {
    await this.checkChannels(tx, route.channelIds);
    if (
      route.policyId !== undefined &&
      (await this.repository.findPolicy(tx, route.policyId)) === null
    ) {
      throw invalid(`no escalation policy with id ${route.policyId}`);
    }
  }

  /** A level's channels exist; the one that reaches its people is an e-mail channel. */
  private async checkLevelChannels(tx: TenantTx, levels: readonly EscalationLevel[]) {
    await this.checkChannels(
      tx,
      levels.flatMap((l) => [...l.channelIds, ...(l.emailChannelId ? [l.emailChannelId] : [])]),
    );
    const kinds = await this.repository.existingChannels(
      tx,
      levels.flatMap((l) => (l.emailChannelId ? [l.emailChannelId] : [])),
    );
    for (const [id, kind] of kinds) {
      if (kind !== 'email') throw invalid(`emailChannelId ${id} is a ${kind} channel, not e-mail`);
    }
  }

  /** Everyone a level pages is a member of the tenant. */
  private async checkPeople(tenantId: string, levels: readonly EscalationLevel[]): Promise<void> {
    const wanted = new Set(
      levels.flatMap((l) => [...(l.userIds ?? []), ...(l.rotation?.userIds ?? [])]),
    );
    if (wanted.size === 0) return;
    const members = new Set((await this.users.members(tenantId)).map((m) => m.user.id));
    const stranger = [...wanted].find((id) => !members.has(id));
    if (stranger !== undefined) throw invalid(`no member with id ${stranger}`);
  }

  private async checkChannels(tx: TenantTx, ids: readonly string[]): Promise<void> {
    const existing = await this.repository.existingChannels(tx, [...new Set(ids)]);
    const missing = ids.find((id) => !existing.has(id));
    if (missing !== undefined) throw invalid(`no alert channel with id ${missing}`);
  }
}

function ruleValues(input: CreateRule): RuleValues {
  if (!(ALERT_SEVERITIES as readonly string[]).includes(input.severity)) {
    throw invalid(`severity must be one of ${ALERT_SEVERITIES.join(', ')}`);
  }
  const condition = toCondition(input.condition);
  return {
    name: checkName(input.name, 200),
    kind: condition.kind,
    enabled: input.enabled ?? true,
    severity: input.severity as RuleValues['severity'],
    labels: checkLabels('labels', input.labels),
    annotations: checkLabels('annotations', input.annotations),
    forMs: checkForSeconds(input.forSeconds),
    condition,
    route: toRoute(input.route),
  };
}

function policyValues(input: PolicyInput): Pick<EscalationPolicyRow, 'name' | 'levels' | 'repeat'> {
  return {
    name: checkName(input.name, 100),
    levels: toLevels(input.levels),
    repeat: checkRepeat(input.repeat),
  };
}

/** A stored level back in input form (for an update that leaves the levels unchanged). */
export function levelFields(l: EscalationLevel): LevelFields {
  return {
    channelIds: l.channelIds,
    timeoutSeconds: l.timeoutMs / 1000,
    userIds: l.userIds ?? null,
    rotation: l.rotation
      ? {
          userIds: l.rotation.userIds,
          shiftHours: l.rotation.shiftMs / 3_600_000,
          startsAt: new Date(l.rotation.startsAt),
        }
      : null,
    emailChannelId: l.emailChannelId ?? null,
  };
}

/** The stored condition back in input form (for an update that leaves it unchanged). */
export function conditionFields(rule: AlertRuleRow): ConditionFields {
  const c = rule.condition;
  switch (c.kind) {
    case 'anomaly':
      return { kind: c.kind, detectorKinds: c.kinds, minScore: c.minScore, services: c.services };
    case 'log_query':
      return { ...c, windowSeconds: c.windowMs / 1000 };
    case 'pattern':
      return c;
    case 'forecast':
      return { ...c, withinSeconds: c.withinMs / 1000 };
  }
}

export function routeFields(route: AlertRoute): RouteFields {
  return {
    channelIds: route.channelIds,
    policyId: route.policyId ?? null,
    groupBy: route.groupBy,
    groupWaitSeconds: route.groupWaitMs / 1000,
    groupIntervalSeconds: route.groupIntervalMs / 1000,
    repeatIntervalSeconds: route.repeatIntervalMs / 1000,
  };
}

function auditRule(row: AlertRuleRow): Record<string, unknown> {
  const { id: _id, createdAt: _c, updatedAt: _u, ...rest } = row;
  return rest;
}

function ruleNotFound(id: string): AlertingError {
  return new AlertingError('RULE_NOT_FOUND', `no alert rule with id "${id.slice(0, 80)}"`);
}

function policyNotFound(id: string): AlertingError {
  return new AlertingError('POLICY_NOT_FOUND', `no escalation policy with id "${id.slice(0, 80)}"`);
}
