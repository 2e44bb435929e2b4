import type { AnomalyKind } from '../../ml/anomaly/detector';
import type { ChannelKind, ChannelTarget } from './channels/alert-channel';
import type { InhibitRule } from './engine/inhibition';
import type { OnCallRotation } from './engine/on-call';
import type { MaintenanceWindow, Silence } from './engine/silences';

/** Alert severities, most urgent first. */
export type AlertRuleSeverity = 'critical' | 'high' | 'warning' | 'info';

/** What a rule watches. */
export type AlertCondition =
  /** Anomalies (from the detection queue) of these kinds, at least this score, on these services. */
  | { kind: 'anomaly'; kinds?: AnomalyKind[]; minScore?: number; services?: string[] }
  /** The count of a log filter over a trailing window compared with a threshold. */
  | {
      kind: 'log_query';
      query: string;
      services?: string[];
      windowMs: number;
      op: '>' | '>=' | '<' | '<=';
      threshold: number;
    }
  /** A pattern appearing: a new pattern (by template text, or a pattern id) on these services. */
  | { kind: 'pattern'; patternId?: string; templateContains?: string; services?: string[] }
  /** A forecast crossing a threshold within a horizon (evaluated by the forecasting issue). */
  | {
      kind: 'forecast';
      service: string;
      metric: 'volume' | 'error_rate';
      op: '>' | '<';
      threshold: number;
      withinMs: number;
    };

/** Where a rule's alerts go and how they are grouped (Alertmanager route semantics). */
export interface AlertRoute {
  /** Channels notified for each group notification. */
  channelIds: string[];
  /** An escalation policy run for each new group (its levels notify their own channels). */
  policyId?: string;
  /** Labels that make a group; `['...']` groups by every label; `[]` one group per rule. */
  groupBy: string[];
  groupWaitMs: number;
  groupIntervalMs: number;
  repeatIntervalMs: number;
}

export interface AlertRuleRow {
  id: string;
  name: string;
  kind: AlertCondition['kind'];
  enabled: boolean;
  severity: AlertRuleSeverity;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  forMs: number;
  condition: AlertCondition;
  route: AlertRoute;
  /** 1 by default; lowered by "not useful" feedback (recorded now, used by the feedback issue). */
  weight: number;
  createdAt: Date;
  updatedAt: Date;
}

/** A channel as the API shows it: never its secrets. */
export interface AlertChannelRow {
  id: string;
  name: string;
  kind: ChannelKind;
  /** The non-secret settings (Slack channel name, SMTP host and recipients...). */
  settings: Record<string, unknown>;
  /** Which secret fields are set (names only). */
  secretFields: string[];
  allowPrivateNetwork: boolean;
  createdAt: Date;
  updatedAt: Date;
}

export interface EscalationLevel {
  channelIds: string[];
  /** Time before the next level is notified unless acknowledged, ms. */
  timeoutMs: number;
  /** Members paged at this level (by e-mail through `emailChannelId`). */
  userIds?: string[];
  /** The member of this rotation on call when the level is reached is paged too. */
  rotation?: OnCallRotation;
  /** The e-mail channel (server, sender) that reaches the level's people at their addresses. */
  emailChannelId?: string;
}

export interface EscalationPolicyRow {
  id: string;
  name: string;
  levels: EscalationLevel[];
  /** How many times the whole policy runs again after its last level. */
  repeat: number;
  createdAt: Date;
  updatedAt: Date;
}

/**
 * What the alerting engine reads of a tenant's configuration (implemented by the configuration
 * services, `config/`). Every method is scoped to one tenant.
 */
export abstract class AlertConfigPort {
  abstract enabledRules(tenantId: string): Promise<AlertRuleRow[]>;
  /** The channel's kind and target with its secrets opened; null when it no longer exists. */
  abstract channelTarget(
    tenantId: string,
    channelId: string,
  ): Promise<{ kind: ChannelKind; name: string; target: ChannelTarget } | null>;
  /** Silences not yet over (one-off; a mute-until-resolved one carries its fingerprint). */
  abstract activeSilences(tenantId: string, now: number): Promise<Silence[]>;
  /** Recurring maintenance windows still valid at `now`. */
  abstract maintenanceWindows(tenantId: string, now: number): Promise<MaintenanceWindow[]>;
  abstract inhibitRules(tenantId: string): Promise<InhibitRule[]>;
  abstract escalationPolicy(tenantId: string, id: string): Promise<EscalationPolicyRow | null>;
  /** The e-mail addresses of these members of the tenant (others, and disabled users, left out). */
  abstract memberEmails(tenantId: string, userIds: readonly string[]): Promise<string[]>;
}

/** What people do to alerts from outside GraphQL (Slack buttons, e-mail links); see engine. */
export abstract class AlertActionsPort {
  /** Acknowledges an alert (by fingerprint), a group (by group key) or an incident (by id). */
  abstract acknowledge(
    tenantId: string,
    target: { fingerprint: string } | { groupKey: string } | { incidentId: string },
    by: string,
    via: 'graphql' | 'slack' | 'email',
  ): Promise<number>;
  /** Records a verdict on an alert ("not useful" lowers its rule's weight). */
  abstract feedback(
    tenantId: string,
    fingerprint: string,
    verdict: 'useful' | 'not_useful',
    by: string,
    via: 'graphql' | 'slack' | 'email',
  ): Promise<void>;
}
