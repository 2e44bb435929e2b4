import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

import { inTenantTransaction, type TenantTx } from '../../../common/database/tenant-transaction';
import { AlertingError } from '../alerting.errors';
import type {
  AlertCondition,
  AlertRoute,
  AlertRuleRow,
  AlertRuleSeverity,
  EscalationLevel,
  EscalationPolicyRow,
} from '../alerting.types';
import type { ChannelKind } from '../channels/alert-channel';

/** A channel row as stored: settings in clear, secrets sealed. */
export interface StoredChannel {
  id: string;
  name: string;
  kind: ChannelKind;
  settings: Record<string, unknown>;
  secretSealed: string | null;
  allowPrivateNetwork: boolean;
  createdAt: Date;
  updatedAt: Date;
}

export type RuleValues = Omit<AlertRuleRow, 'id' | 'createdAt' | 'updatedAt' | 'weight'>;

export interface SilenceRow {
  id: string;
  matchers: string;
  startsAt: Date;
  endsAt: Date;
  muteUntilResolved: string | null;
  weekly: { days: number[]; start: string; end: string } | null;
  createdBy: string;
  comment: string;
  createdAt: Date;
}

export interface InhibitRuleRow {
  id: string;
  sourceMatchers: string;
  targetMatchers: string;
  equal: string[];
  createdAt: Date;
}

const UNIQUE_VIOLATION = '23505';
const CHANNEL_COLUMNS =
  'id, name, kind, settings, secret_sealed, allow_private_network, created_at, updated_at';
const RULE_COLUMNS =
  'id, name, kind, enabled, severity, labels, annotations, for_ms, condition, route, weight, created_at, updated_at';
const POLICY_COLUMNS = 'id, name, levels, repeat, created_at, updated_at';
const SILENCE_COLUMNS =
  'id, matchers, starts_at, ends_at, mute_until_resolved, weekly, created_by, comment, created_at';
const INHIBIT_COLUMNS = 'id, source_matchers, target_matchers, equal, created_at';

type Db = Record<string, never>;

/**
 * The only file of the alerting configuration that touches the database: channels, rules,
 * escalation policies, silences and inhibition rules. Every statement runs in a tenant
 * transaction (row-level security) and names its tenant too.
 */
@Injectable()
export class AlertConfigRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  transaction<T>(tenantId: string, work: (tx: TenantTx) => Promise<T>): Promise<T> {
    return inTenantTransaction(this.db, tenantId, work);
  }

  // Channels

  async listChannels(tx: TenantTx): Promise<StoredChannel[]> {
    const rows = await tx.query<Db>(
      `SELECT ${CHANNEL_COLUMNS} FROM alert_channels WHERE tenant_id = $1 ORDER BY name`,
      [tx.tenantId],
    );
    return rows.map(channelFromDb);
  }

  async findChannel(tx: TenantTx, id: string): Promise<StoredChannel | null> {
    const [row] = await tx.query<Db>(
      `SELECT ${CHANNEL_COLUMNS} FROM alert_channels WHERE tenant_id = $1 AND id = $2`,
      [tx.tenantId, id],
    );
    return row ? channelFromDb(row) : null;
  }

  /** The ids among `ids` that are channels of the tenant. */
  async existingChannels(tx: TenantTx, ids: readonly string[]): Promise<Map<string, ChannelKind>> {
    if (ids.length === 0) return new Map();
    const rows = await tx.query<{ id: string; kind: ChannelKind }>(
      'SELECT id, kind FROM alert_channels WHERE tenant_id = $1 AND id = ANY($2::uuid[])',
      [tx.tenantId, ids],
    );
    return new Map(rows.map((r) => [r.id, r.kind]));
  }

  async insertChannel(
    tx: TenantTx,
    c: Omit<StoredChannel, 'createdAt' | 'updatedAt'>,
  ): Promise<StoredChannel> {
    return uniqueName(c.name, async () => {
      const [row] = await tx.query<Db>(
        `INSERT INTO alert_channels (tenant_id, id, name, kind, settings, secret_sealed, allow_private_network)
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING ${CHANNEL_COLUMNS}`,
        [
          tx.tenantId,
          c.id,
          c.name,
          c.kind,
          JSON.stringify(c.settings),
          c.secretSealed,
          c.allowPrivateNetwork,
        ],
      );
      return channelFromDb(row!);
    });
  }

  async updateChannel(
    tx: TenantTx,
    c: Omit<StoredChannel, 'createdAt' | 'updatedAt' | 'kind'>,
  ): Promise<StoredChannel | null> {
    return uniqueName(c.name, async () => {
      const [row] = await tx.query<Db>(
        `UPDATE alert_channels
            SET name = $3, settings = $4, secret_sealed = $5, allow_private_network = $6, updated_at = now()
          WHERE tenant_id = $1 AND id = $2 RETURNING ${CHANNEL_COLUMNS}`,
        [
          tx.tenantId,
          c.id,
          c.name,
          JSON.stringify(c.settings),
          c.secretSealed,
          c.allowPrivateNetwork,
        ],
      );
      return row ? channelFromDb(row) : null;
    });
  }

  async deleteChannel(tx: TenantTx, id: string): Promise<StoredChannel | null> {
    const [row] = await tx.query<Db>(
      `DELETE FROM alert_channels WHERE tenant_id = $1 AND id = $2 RETURNING ${CHANNEL_COLUMNS}`,
      [tx.tenantId, id],
    );
    return row ? channelFromDb(row) : null;
  }

  /** Names of the rules and policies that send to the channel. */
  async channelUsers(tx: TenantTx, id: string): Promise<string[]> {
    const rows = await tx.query<{ name: string }>(
      `SELECT 'rule ' || name AS name FROM alert_rules
        WHERE tenant_id = $1 AND route->'channelIds' ? $2
       UNION ALL
       SELECT 'policy ' || name FROM escalation_policies
        WHERE tenant_id = $1 AND levels @> jsonb_build_array(jsonb_build_object('channelIds', jsonb_build_array($2::text)))`,
      [tx.tenantId, id],
    );
    return rows.map((r) => r.name);
  }

  // Rules

  async listRules(tx: TenantTx, enabledOnly = false): Promise<AlertRuleRow[]> {
    const rows = await tx.query<Db>(
      `SELECT ${RULE_COLUMNS} FROM alert_rules WHERE tenant_id = $1 ${enabledOnly ? 'AND enabled' : ''} ORDER BY name`,
      [tx.tenantId],
    );
    return rows.map(ruleFromDb);
  }

  async findRule(tx: TenantTx, id: string): Promise<AlertRuleRow | null> {
    const [row] = await tx.query<Db>(
      `SELECT ${RULE_COLUMNS} FROM alert_rules WHERE tenant_id = $1 AND id = $2`,
      [tx.tenantId, id],
    );
    return row ? ruleFromDb(row) : null;
  }

  async insertRule(tx: TenantTx, id: string, v: RuleValues): Promise<AlertRuleRow> {
    return uniqueName(v.name, async () => {
      const [row] = await tx.query<Db>(
        `INSERT INTO alert_rules (tenant_id, id, name, kind, enabled, severity, labels, annotations, for_ms, condition, route)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING ${RULE_COLUMNS}`,
        [tx.tenantId, id, ...ruleValues(v)],
      );
      return ruleFromDb(row!);
    });
  }

  async updateRule(tx: TenantTx, id: string, v: RuleValues): Promise<AlertRuleRow | null> {
    return uniqueName(v.name, async () => {
      const [row] = await tx.query<Db>(
        `UPDATE alert_rules
            SET name = $3, kind = $4, enabled = $5, severity = $6, labels = $7, annotations = $8,
                for_ms = $9, condition = $10, route = $11, updated_at = now()
          WHERE tenant_id = $1 AND id = $2 RETURNING ${RULE_COLUMNS}`,
        [tx.tenantId, id, ...ruleValues(v)],
      );
      return row ? ruleFromDb(row) : null;
    });
  }

  async deleteRule(tx: TenantTx, id: string): Promise<AlertRuleRow | null> {
    const [row] = await tx.query<Db>(
      `DELETE FROM alert_rules WHERE tenant_id = $1 AND id = $2 RETURNING ${RULE_COLUMNS}`,
      [tx.tenantId, id],
    );
    return row ? ruleFromDb(row) : null;
  }

  // Escalation policies

  async listPolicies(tx: TenantTx): Promise<EscalationPolicyRow[]> {
    const rows = await tx.query<Db>(
      `SELECT ${POLICY_COLUMNS} FROM escalation_policies WHERE tenant_id = $1 ORDER BY name`,
      [tx.tenantId],
    );
    return rows.map(policyFromDb);
  }

  async findPolicy(tx: TenantTx, id: string): Promise<EscalationPolicyRow | null> {
    const [row] = await tx.query<Db>(
      `SELECT ${POLICY_COLUMNS} FROM escalation_policies WHERE tenant_id = $1 AND id = $2`,
      [tx.tenantId, id],
    );
    return row ? policyFromDb(row) : null;
  }

  async insertPolicy(
    tx: TenantTx,
    id: string,
    v: { name: string; levels: EscalationLevel[]; repeat: number },
  ): Promise<EscalationPolicyRow> {
    return uniqueName(v.name, async () => {
      const [row] = await tx.query<Db>(
        `INSERT INTO escalation_policies (tenant_id, id, name, levels, repeat)
         VALUES ($1, $2, $3, $4, $5) RETURNING ${POLICY_COLUMNS}`,
        [tx.tenantId, id, v.name, JSON.stringify(v.levels), v.repeat],
      );
      return policyFromDb(row!);
    });
  }

  async updatePolicy(
    tx: TenantTx,
    id: string,
    v: { name: string; levels: EscalationLevel[]; repeat: number },
  ): Promise<EscalationPolicyRow | null> {
    return uniqueName(v.name, async () => {
      const [row] = await tx.query<Db>(
        `UPDATE escalation_policies SET name = $3, levels = $4, repeat = $5, updated_at = now()
          WHERE tenant_id = $1 AND id = $2 RETURNING ${POLICY_COLUMNS}`,
        [tx.tenantId, id, v.name, JSON.stringify(v.levels), v.repeat],
      );
      return row ? policyFromDb(row) : null;
    });
  }

  async deletePolicy(tx: TenantTx, id: string): Promise<EscalationPolicyRow | null> {
    const [row] = await tx.query<Db>(
      `DELETE FROM escalation_policies WHERE tenant_id = $1 AND id = $2 RETURNING ${POLICY_COLUMNS}`,
      [tx.tenantId, id],
    );
    return row ? policyFromDb(row) : null;
  }

  /** Names of the rules that run the policy. */
  async policyUsers(tx: TenantTx, id: string): Promise<string[]> {
    const rows = await tx.query<{ name: string }>(
      `SELECT name FROM alert_rules WHERE tenant_id = $1 AND route->>'policyId' = $2`,
      [tx.tenantId, id],
    );
    return rows.map((r) => r.name);
  }

  // Silences

  /** Silences (and windows) whose end is after `now`, or every one with `includeExpired`. */
  async listSilences(tx: TenantTx, now: Date | null): Promise<SilenceRow[]> {
    const rows = await tx.query<Db>(
      `SELECT ${SILENCE_COLUMNS} FROM alert_silences
        WHERE tenant_id = $1 AND ($2::timestamptz IS NULL OR ends_at > $2)
        ORDER BY starts_at DESC, id`,
      [tx.tenantId, now],
    );
    return rows.map(silenceFromDb);
  }

  async insertSilence(tx: TenantTx, s: Omit<SilenceRow, 'createdAt'>): Promise<SilenceRow> {
    const [row] = await tx.query<Db>(
      `INSERT INTO alert_silences (tenant_id, id, matchers, starts_at, ends_at, mute_until_resolved, weekly, created_by, comment)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING ${SILENCE_COLUMNS}`,
      [
        tx.tenantId,
        s.id,
        s.matchers,
        s.startsAt,
        s.endsAt,
        s.muteUntilResolved,
        s.weekly === null ? null : JSON.stringify(s.weekly),
        s.createdBy,
        s.comment,
      ],
    );
    return silenceFromDb(row!);
  }

  /**
   * Ends the silence now (a pending one gets a start just before, keeping ends > starts).
   * Null when there is none; an already expired one is returned unchanged.
   */
  async expireSilence(tx: TenantTx, id: string): Promise<SilenceRow | null> {
    const [row] = await tx.query<Db>(
      `UPDATE alert_silences
          SET starts_at = LEAST(starts_at, now() - interval '1 millisecond'),
              ends_at = LEAST(ends_at, now())
        WHERE tenant_id = $1 AND id = $2 RETURNING ${SILENCE_COLUMNS}`,
      [tx.tenantId, id],
    );
    return row ? silenceFromDb(row) : null;
  }

  // Inhibition rules

  async listInhibitRules(tx: TenantTx): Promise<InhibitRuleRow[]> {
    const rows = await tx.query<Db>(
      `SELECT ${INHIBIT_COLUMNS} FROM alert_inhibit_rules WHERE tenant_id = $1 ORDER BY created_at, id`,
      [tx.tenantId],
    );
    return rows.map(inhibitFromDb);
  }

  async insertInhibitRule(
    tx: TenantTx,
    r: Omit<InhibitRuleRow, 'createdAt'>,
  ): Promise<InhibitRuleRow> {
    const [row] = await tx.query<Db>(
      `INSERT INTO alert_inhibit_rules (tenant_id, id, source_matchers, target_matchers, equal)
       VALUES ($1, $2, $3, $4, $5) RETURNING ${INHIBIT_COLUMNS}`,
      [tx.tenantId, r.id, r.sourceMatchers, r.targetMatchers, r.equal],
    );
    return inhibitFromDb(row!);
  }

  async deleteInhibitRule(tx: TenantTx, id: string): Promise<InhibitRuleRow | null> {
    const [row] = await tx.query<Db>(
      `DELETE FROM alert_inhibit_rules WHERE tenant_id = $1 AND id = $2 RETURNING ${INHIBIT_COLUMNS}`,
      [tx.tenantId, id],
    );
    return row ? inhibitFromDb(row) : null;
  }
}

/** Runs a write; a unique violation (the name) becomes NAME_TAKEN. */
async function uniqueName<T>(name: string, write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (err) {
    if ((err as { code?: string }).code !== UNIQUE_VIOLATION) throw err;
    throw new AlertingError('NAME_TAKEN', `the name "${name}" is taken`, { cause: err });
  }
}

function ruleValues(v: RuleValues): unknown[] {
  return [
    v.name,
    v.kind,
    v.enabled,
    v.severity,
    JSON.stringify(v.labels),
    JSON.stringify(v.annotations),
    v.forMs,
    JSON.stringify(v.condition),
    JSON.stringify(v.route),
  ];
}

function channelFromDb(r: Record<string, unknown>): StoredChannel {
  return {
    id: r.id as string,
    name: r.name as string,
    kind: r.kind as ChannelKind,
    settings: r.settings as Record<string, unknown>,
    secretSealed: r.secret_sealed as string | null,
    allowPrivateNetwork: r.allow_private_network as boolean,
    createdAt: r.created_at as Date,
    updatedAt: r.updated_at as Date,
  };
}

function ruleFromDb(r: Record<string, unknown>): AlertRuleRow {
  return {
    id: r.id as string,
    name: r.name as string,
    kind: r.kind as AlertCondition['kind'],
    enabled: r.enabled as boolean,
    severity: r.severity as AlertRuleSeverity,
    labels: r.labels as Record<string, string>,
    annotations: r.annotations as Record<string, string>,
    forMs: r.for_ms as number,
    condition: r.condition as AlertCondition,
    route: r.route as AlertRoute,
    weight: r.weight as number,
    createdAt: r.created_at as Date,
    updatedAt: r.updated_at as Date,
  };
}

function policyFromDb(r: Record<string, unknown>): EscalationPolicyRow {
  return {
    id: r.id as string,
    name: r.name as string,
    levels: r.levels as EscalationLevel[],
    repeat: r.repeat as number,
    createdAt: r.created_at as Date,
    updatedAt: r.updated_at as Date,
  };
}

function silenceFromDb(r: Record<string, unknown>): SilenceRow {
  return {
    id: r.id as string,
    matchers: r.matchers as string,
    startsAt: r.starts_at as Date,
    endsAt: r.ends_at as Date,
    muteUntilResolved: r.mute_until_resolved as string | null,
    weekly: r.weekly as SilenceRow['weekly'],
    createdBy: r.created_by as string,
    comment: r.comment as string,
    createdAt: r.created_at as Date,
  };
}

function inhibitFromDb(r: Record<string, unknown>): InhibitRuleRow {
  return {
    id: r.id as string,
    sourceMatchers: r.source_matchers as string,
    targetMatchers: r.target_matchers as string,
    equal: r.equal as string[],
    createdAt: r.created_at as Date,
  };
}
