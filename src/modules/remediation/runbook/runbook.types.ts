/**
 * The runbook definition language (issue 11): plain data, as written by a tenant in JSON and
 * checked by `runbook.schema.json` plus `validateRunbook`. Nothing here runs anything; the
 * executor module reads these types.
 */

/** Upper bounds the schema and the semantic checks enforce; exported so the executor agrees. */
export const RUNBOOK_LIMITS = {
  maxSteps: 50,
  maxParameters: 20,
  maxSecrets: 20,
  maxStepTimeoutSeconds: 3_600,
  maxApprovalTimeoutSeconds: 7 * 24 * 3_600,
  maxWaitSeconds: 3_600,
  maxRetries: 10,
  maxBackoffSeconds: 3_600,
  maxPatternLength: 200,
  maxStringLength: 1_024,
} as const;

/** A step without `timeoutSeconds` gets this much (approvals and waits have their own). */
export const DEFAULT_STEP_TIMEOUT_SECONDS = 300;

/** What starts a run. `schedule` takes a 5-field cron expression or a fixed period. */
export type RunbookTrigger =
  | { kind: 'alert'; ruleId: string }
  | { kind: 'anomaly'; anomalyKind: string; service?: string }
  | { kind: 'incident'; severity?: 'critical' | 'high' | 'medium' | 'low' }
  | { kind: 'schedule'; cron: string }
  | { kind: 'schedule'; everyMinutes: number }
  | { kind: 'manual' };

/** The declared type of a parameter; values are coerced to it before any step sees them. */
export type RunbookParameterType = 'string' | 'integer' | 'number' | 'boolean' | 'enum';

/**
 * Where a parameter's value comes from: an alert label or annotation, the anomaly's service, a
 * pattern parameter (0-based, as in the log store), or the run's explicit input.
 */
export type ParameterSource =
  | `alert.labels.${string}`
  | `alert.annotations.${string}`
  | 'anomaly.service'
  | `pattern.param.${number}`
  | `input.${string}`;

/** A bound parameter value. */
export type ParameterValue = string | number | boolean;

/**
 * One input of a runbook. Values taken from logs and alerts are untrusted, so a parameter
 * narrows them: `pattern` (RE2, whole value), `allowed` (an allowlist), `min`/`max` (numbers) and
 * `maxLength` (strings). An `enum` parameter must list its `allowed` values.
 */
export interface RunbookParameter {
  name: string;
  type: RunbookParameterType;
  description?: string;
  /** Defaults to `input.<name>`. */
  from?: ParameterSource;
  required?: boolean;
  default?: ParameterValue;
  pattern?: string;
  allowed?: Array<string | number>;
  min?: number;
  max?: number;
  maxLength?: number;
}

/** What to do when a step fails: stop the run, go on with the next step, or jump forward to a step id. */
export type FailureAction = 'stop' | 'continue' | (string & {});

/** Fields every step has. */
export interface StepCommon {
  /** Unique within the runbook; `[a-z][a-z0-9_-]*`, and never `stop` or `continue`. */
  id: string;
  name?: string;
  /** A condition (see `conditions.ts`); the step is skipped when it is false. */
  when?: string;
  retries?: { max: number; backoffSeconds: number };
  timeoutSeconds?: number;
  on_failure?: FailureAction;
  /**
   * Whether repeating the step is harmless. The executor never repeats a non-idempotent step that
   * may have started before a restart. Defaults: `wait` and `verify` true, everything else false.
   */
  idempotent?: boolean;
}

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'HEAD';

/** An HTTP call. `url` is URL-encoded per value; `body` is JSON-encoded unless `bodyEncoding` is `text`. */
export interface HttpStep extends StepCommon {
  kind: 'http';
  method: HttpMethod;
  url: string;
  headers?: Record<string, string>;
  body?: string;
  bodyEncoding?: 'json' | 'text';
  /** Statuses that count as success; default any 2xx. */
  expectStatus?: number[];
}

export type KubernetesAction = 'rollout_restart' | 'scale' | 'delete_pod' | 'cordon_node';

/**
 * A Kubernetes action on a configured cluster. `name` is a deployment (rollout_restart, scale), a
 * pod (delete_pod) or a node (cordon_node); `namespace` is required except for nodes.
 * `replicas` (scale only) is a number or a template resolving to an integer.
 */
export interface KubernetesStep extends StepCommon {
  kind: 'kubernetes';
  action: KubernetesAction;
  cluster?: string;
  namespace?: string;
  name: string;
  replicas?: number | string;
}

/** A POST to an external automation (Rundeck, StackStorm, GitHub `workflow_dispatch`). */
export interface WebhookStep extends StepCommon {
  kind: 'webhook';
  url: string;
  headers?: Record<string, string>;
  /** A JSON text; templates must sit inside JSON strings. */
  payload?: string;
}

export interface WaitStep extends StepCommon {
  kind: 'wait';
  durationSeconds: number;
}

/**
 * What a verify step polls. `logs` counts records matching a Vigil query (literal text, never
 * templated) narrowed by `service`/`host`; `anomaly` reads the anomaly state of a service. The
 * condition sees `count` (and, for anomalies, `open`).
 */
export type VerifyCheck =
  | { source: 'logs'; query: string; service?: string; host?: string }
  | { source: 'anomaly'; service: string; anomalyKind?: string };

export interface VerifyStep extends StepCommon {
  kind: 'verify';
  check: VerifyCheck;
  windowSeconds: number;
  /** E.g. `count == 0`, or `not open`. */
  condition: string;
  pollSeconds?: number;
}

export interface NotifyStep extends StepCommon {
  kind: 'notify';
  channel: string;
  message: string;
}

/** Pauses until someone holding one of `roles` approves; a timeout or a refusal takes its branch. */
export interface ApprovalStep extends StepCommon {
  kind: 'approval';
  /** Vigil roles; a more powerful role qualifies too (an owner may approve what needs an editor). */
  roles: Array<'owner' | 'admin' | 'editor' | 'viewer'>;
  /** Alert channels (id or name) that ask for the approval, with Approve/Refuse buttons or links. */
  channels?: string[];
  message?: string;
  timeoutSeconds: number;
  on_timeout?: FailureAction;
  on_refusal?: FailureAction;
}

export type RunbookStep =
  HttpStep | KubernetesStep | WebhookStep | WaitStep | VerifyStep | NotifyStep | ApprovalStep;

export type StepKind = RunbookStep['kind'];

/** One version of a tenant's runbook. */
export interface RunbookDefinition {
  $schema?: string;
  id: string;
  name: string;
  description?: string;
  version: number;
  trigger: RunbookTrigger;
  parameters?: RunbookParameter[];
  /** Names of the secrets the steps may reference as `{{ secrets.NAME }}`. */
  secrets?: string[];
  limits?: RunbookLimits;
  steps: RunbookStep[];
}

/** A runbook's own safety limits (defaults in `DEFAULT_RUNBOOK_LIMITS`). */
export interface RunbookLimits {
  maxRunsPerHour?: number;
  maxActionsPerTargetPerHour?: number;
  maxTargets?: number;
  loopWindowSeconds?: number;
}

export const DEFAULT_RUNBOOK_LIMITS: Required<RunbookLimits> = {
  maxRunsPerHour: 10,
  maxActionsPerTargetPerHour: 3,
  maxTargets: 5,
  loopWindowSeconds: 3_600,
};

/** A step's `idempotent` flag with its per-kind default applied. */
export function isIdempotent(step: RunbookStep): boolean {
  return step.idempotent ?? (step.kind === 'wait' || step.kind === 'verify');
}
