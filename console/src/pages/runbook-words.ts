/** Runbooks and runs as the console reads them from GraphQL, and how they read in words. */

export interface RunbookParameter {
  name: string;
  type: 'string' | 'integer' | 'number' | 'boolean' | 'enum';
  description?: string;
  from?: string;
  required?: boolean;
  default?: string | number | boolean;
  pattern?: string;
  allowed?: Array<string | number>;
  min?: number;
  max?: number;
  maxLength?: number;
}

export interface RunbookDefinition {
  id: string;
  name: string;
  description?: string;
  parameters?: RunbookParameter[];
  steps?: Array<{ id: string; kind: string; name?: string }>;
}

export interface Runbook {
  id: string;
  name: string;
  version: number;
  trigger: Record<string, unknown> | null;
  definition: RunbookDefinition;
  updatedAt: string;
}

export interface RunStep {
  index: number;
  stepId: string;
  kind: string;
  status: string;
  attempts: number;
  action: Record<string, unknown> | null;
  output: Record<string, unknown> | null;
  error: string | null;
  decidedBy: string | null;
  deadline: string | null;
  startedAt: string | null;
  finishedAt: string | null;
}

export interface Run {
  id: string;
  runbookId: string;
  version: number;
  status: string;
  reason: string | null;
  trigger: Record<string, unknown> | null;
  alertFingerprint: string | null;
  params: Record<string, unknown>;
  verified: boolean;
  startedBy: string;
  currentStep: number;
  createdAt: string;
  updatedAt: string;
  finishedAt: string | null;
  steps: RunStep[];
}

export const RUNBOOK_FIELDS = 'id name version trigger definition updatedAt';
export const RUN_FIELDS = `id runbookId version status reason trigger alertFingerprint params verified
  startedBy currentStep createdAt updatedAt finishedAt
  steps { index stepId kind status attempts action output error decidedBy deadline startedAt finishedAt }`;

/** Statuses after which a run changes no more. */
export const FINISHED = new Set(['succeeded', 'failed', 'cancelled', 'skipped', 'ineffective']);

const str = (v: unknown): string => (typeof v === 'string' || typeof v === 'number' ? `${v}` : '');

/** What starts a runbook, as a sentence. */
export function triggerWords(trigger: Record<string, unknown> | null | undefined): string {
  switch (trigger?.kind) {
    case 'alert':
      return `When the alert rule ${str(trigger.ruleId)} fires`;
    case 'anomaly':
      return `When a ${str(trigger.anomalyKind)} anomaly is detected${
        trigger.service ? ` on ${str(trigger.service)}` : ''
      }`;
    case 'incident':
      return `When an incident opens${trigger.severity ? ` (severity ${str(trigger.severity)})` : ''}`;
    case 'schedule':
      return trigger.cron !== undefined
        ? `On the schedule “${str(trigger.cron)}”`
        : `Every ${str(trigger.everyMinutes)} minutes`;
    case 'manual':
      return 'Started by hand only';
    default:
      return 'Unknown trigger';
  }
}

/** What started one run, as a phrase. */
export function runTriggerWords(trigger: Record<string, unknown> | null | undefined): string {
  const by = trigger?.by ? ` by ${str(trigger.by)}` : '';
  switch (trigger?.kind) {
    case 'manual':
      return `started by hand${by}`;
    case undefined:
      return 'started';
    default:
      return `started by ${str(trigger?.kind)}${by}`;
  }
}

const seconds = (v: unknown) => `${str(v)} s`;

/** A resolved step action (secrets already `***`) as one line a person can check. */
export function actionWords(action: Record<string, unknown> | null | undefined): string {
  if (!action) return 'not resolved yet';
  switch (action.kind) {
    case 'http':
      return `${str(action.method)} ${str(action.url)}`;
    case 'webhook':
      return `POST ${str(action.url)}`;
    case 'kubernetes': {
      const where = [
        action.cluster && `cluster ${str(action.cluster)}`,
        action.namespace && `namespace ${str(action.namespace)}`,
      ]
        .filter(Boolean)
        .join(', ');
      const replicas = action.replicas !== undefined ? ` to ${str(action.replicas)} replicas` : '';
      return `Kubernetes ${str(action.action).replace(/_/g, ' ')} ${str(action.name)}${replicas}${where ? ` (${where})` : ''}`;
    }
    case 'wait':
      return `Wait ${seconds(action.durationSeconds)}`;
    case 'verify': {
      const check = (action.check ?? {}) as Record<string, unknown>;
      const what =
        check.source === 'logs'
          ? `records matching “${str(check.query)}”${check.service ? ` on ${str(check.service)}` : ''}`
          : `the anomaly state of ${str(check.service)}`;
      return `Check ${what} every ${seconds(action.pollSeconds)} until ${str(action.condition)}, for up to ${seconds(action.windowSeconds)}`;
    }
    case 'notify':
      return `Notify ${str(action.channel)}: ${str(action.message)}`;
    case 'approval': {
      const roles = Array.isArray(action.roles) ? action.roles.join(' or ') : '';
      return `Wait for approval by ${roles}${action.message ? `: “${str(action.message)}”` : ''} (refused → ${str(action.on_refusal)}, timed out → ${str(action.on_timeout)})`;
    }
    default:
      return JSON.stringify(action);
  }
}

/** The rest of an action worth showing below its line: headers, body, payload. */
export function actionDetails(action: Record<string, unknown> | null | undefined): string | null {
  if (!action) return null;
  const parts: string[] = [];
  const headers = action.headers as Record<string, string> | undefined;
  if (headers && Object.keys(headers).length > 0) {
    parts.push(...Object.entries(headers).map(([k, v]) => `${k}: ${v}`));
  }
  if (typeof action.body === 'string') parts.push(action.body);
  if (typeof action.payload === 'string') parts.push(action.payload);
  return parts.length > 0 ? parts.join('\n') : null;
}

/** Sentence for a run's status (the reason, when the API gave one, follows it). */
export function statusWords(run: Pick<Run, 'status' | 'verified'>): string {
  switch (run.status) {
    case 'queued':
      return 'Queued: it starts in a moment.';
    case 'running':
      return 'Running.';
    case 'waiting':
      return 'Waiting: for an approval, a wait step or a check.';
    case 'succeeded':
      return run.verified ? 'Succeeded, and a check confirmed the fix.' : 'Succeeded.';
    case 'failed':
      return 'Failed.';
    case 'cancelled':
      return 'Cancelled.';
    case 'skipped':
      return 'Skipped: it never started (a limit, the kill switch or loop detection stopped it).';
    case 'ineffective':
      return 'Ineffective: it succeeded, but its alert fired again.';
    default:
      return `${run.status}.`;
  }
}

const TOP_ORDER = [
  '$schema',
  'id',
  'name',
  'description',
  'version',
  'trigger',
  'parameters',
  'secrets',
  'limits',
  'steps',
];
const STEP_ORDER = ['id', 'name', 'kind'];

function withOrder(
  obj: Record<string, unknown>,
  order: readonly string[],
): Record<string, unknown> {
  const rank = (k: string) => (order.includes(k) ? order.indexOf(k) : order.length);
  return Object.fromEntries(Object.entries(obj).sort(([a], [b]) => rank(a) - rank(b)));
}

/**
 * A definition with its keys in the order people write them (the API stores them in its own):
 * id and name first, steps last, and each step's id, name and kind before its settings.
 */
export function readingOrder(definition: unknown): unknown {
  if (typeof definition !== 'object' || definition === null || Array.isArray(definition)) {
    return definition;
  }
  const def = withOrder(definition as Record<string, unknown>, TOP_ORDER);
  if (Array.isArray(def.steps)) {
    def.steps = def.steps.map((s: unknown) =>
      typeof s === 'object' && s !== null ? withOrder(s as Record<string, unknown>, STEP_ORDER) : s,
    );
  }
  if (Array.isArray(def.parameters)) {
    def.parameters = def.parameters.map((p: unknown) =>
      typeof p === 'object' && p !== null
        ? withOrder(p as Record<string, unknown>, ['name', 'type'])
        : p,
    );
  }
  return def;
}
