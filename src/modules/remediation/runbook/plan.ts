import { evaluateCondition } from './conditions';
import { type BoundParameters } from './parameters';
import { RunbookLanguageError } from './runbook.errors';
import {
  DEFAULT_STEP_TIMEOUT_SECONDS,
  isIdempotent,
  type FailureAction,
  type HttpMethod,
  type KubernetesAction,
  type RunbookDefinition,
  type RunbookStep,
  type VerifyCheck,
} from './runbook.types';
import { resolveTemplate, type TemplateContext, type TemplateMode } from './templates';

/** What a plan is computed from; `params` must come from a successful `bindParameters`. */
export interface PlanContext {
  params: BoundParameters;
  run: { id: string; startedAt?: string };
  alert?: {
    labels?: Readonly<Record<string, string>>;
    annotations?: Readonly<Record<string, string>>;
  };
  anomaly?: Readonly<Record<string, string | number | boolean>>;
}

/** A step's action with every template resolved; secrets appear as `***`. */
export type PlannedAction =
  | {
      kind: 'http';
      method: HttpMethod;
      url: string;
      headers: Record<string, string>;
      body?: string;
    }
  | {
      kind: 'kubernetes';
      action: KubernetesAction;
      cluster?: string;
      namespace?: string;
      name: string;
      replicas?: number;
    }
  | {
      kind: 'webhook';
      method: 'POST';
      url: string;
      headers: Record<string, string>;
      payload?: string;
    }
  | { kind: 'wait'; durationSeconds: number }
  | {
      kind: 'verify';
      check: VerifyCheck;
      windowSeconds: number;
      condition: string;
      pollSeconds: number;
    }
  | { kind: 'notify'; channel: string; message: string }
  | {
      kind: 'approval';
      roles: string[];
      message?: string;
      on_timeout: FailureAction;
      on_refusal: FailureAction;
    };

/** One step of a plan. `error` means the step could not be resolved and the run must not start. */
export interface PlannedStep {
  index: number;
  id: string;
  name?: string;
  /** `unknown` when the condition reads the output of an earlier step, known only when run. */
  when?: { expression: string; result: boolean | 'unknown' };
  idempotent: boolean;
  timeoutSeconds: number;
  retries: { max: number; backoffSeconds: number };
  on_failure: FailureAction;
  action?: PlannedAction;
  error?: string;
}

export interface RunPlan {
  runbookId: string;
  version: number;
  runId: string;
  dryRun: true;
  /** False when any step has an error. */
  ok: boolean;
  steps: PlannedStep[];
}

export const MASK = '***';
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const CONTROL = /[\u0000-\u001f\u007f]/;
const DEFAULT_POLL_SECONDS = 30;

/** A value that cannot be used even though its template resolved. */
class UnsafeValueError extends Error {}

/**
 * Resolves what each step of a validated runbook would do, calling nothing: the dry-run view and
 * the audit record of a run's intent. Secrets are never read: every `{{ secrets.X }}` shows as
 * `***`. Resolved values are checked again where they land (a Kubernetes name must be RFC 1123, a
 * URL must parse as http(s), a header must hold no line break, a JSON body must parse), so an
 * injection attempt that slipped past a loose parameter still ends as a step error.
 *
 * @example
 *   const bound = bindParameters(runbook.parameters ?? [], { alert });
 *   if (bound.ok) planRun(runbook, { params: bound.values, run: { id: runId } }, { dryRun: true });
 */
export function planRun(
  runbook: RunbookDefinition,
  context: PlanContext,
  options: { dryRun: true },
): RunPlan {
  const templateContext = templateContextFor(runbook, context);
  const steps = runbook.steps.map((step, index) => planStep(step, index, templateContext));
  return {
    runbookId: runbook.id,
    version: runbook.version,
    runId: context.run.id,
    dryRun: options.dryRun,
    ok: steps.every((s) => s.error === undefined),
    steps,
  };
}

/**
 * What templates and conditions of a run read. Secrets are `***` unless `secrets` gives their
 * values (the executor, just before a call); `steps` holds the finished steps' status and output.
 */
export function templateContextFor(
  runbook: RunbookDefinition,
  context: PlanContext,
  secrets?: Readonly<Record<string, string>>,
  steps?: Readonly<Record<string, unknown>>,
): TemplateContext {
  return {
    params: context.params,
    secrets: Object.fromEntries(
      (runbook.secrets ?? []).map((name) => [name, secrets ? (secrets[name] ?? '') : MASK]),
    ),
    run: {
      id: context.run.id,
      runbookId: runbook.id,
      version: runbook.version,
      ...(context.run.startedAt !== undefined ? { startedAt: context.run.startedAt } : {}),
    },
    alert: { labels: context.alert?.labels ?? {}, annotations: context.alert?.annotations ?? {} },
    anomaly: context.anomaly ?? {},
    ...(steps ? { steps } : {}),
  };
}

/** Resolves one step against a context (see {@link planRun}); errors land in `error`. */
export function planStep(step: RunbookStep, index: number, ctx: TemplateContext): PlannedStep {
  const planned: PlannedStep = {
    index,
    id: step.id,
    ...(step.name !== undefined ? { name: step.name } : {}),
    idempotent: isIdempotent(step),
    timeoutSeconds: step.timeoutSeconds ?? DEFAULT_STEP_TIMEOUT_SECONDS,
    retries: step.retries ?? { max: 0, backoffSeconds: 0 },
    on_failure: step.on_failure ?? 'stop',
  };
  try {
    if (step.when !== undefined)
      planned.when = { expression: step.when, result: when(step.when, ctx) };
    planned.action = action(step, ctx);
  } catch (err) {
    if (!(err instanceof RunbookLanguageError) && !(err instanceof UnsafeValueError)) throw err;
    planned.error = err.message;
  }
  return planned;
}

function when(expression: string, ctx: TemplateContext): boolean | 'unknown' {
  try {
    return evaluateCondition(expression, ctx);
  } catch (err) {
    if (err instanceof RunbookLanguageError && err.path?.startsWith('steps.')) return 'unknown';
    throw err;
  }
}

function action(step: RunbookStep, ctx: TemplateContext): PlannedAction {
  const r = (text: string, mode: TemplateMode): string => resolveTemplate(text, ctx, mode);
  switch (step.kind) {
    case 'http': {
      const body =
        step.body === undefined
          ? undefined
          : r(step.body, step.bodyEncoding === 'text' ? 'text' : 'json');
      if (body !== undefined && step.bodyEncoding !== 'text') mustParseJson(body, 'body');
      return {
        kind: 'http',
        method: step.method,
        url: httpUrl(r(step.url, 'url')),
        headers: resolveHeaders(step.headers, r),
        ...(body !== undefined ? { body } : {}),
      };
    }
    case 'webhook': {
      const payload = step.payload === undefined ? undefined : r(step.payload, 'json');
      if (payload !== undefined) mustParseJson(payload, 'payload');
      return {
        kind: 'webhook',
        method: 'POST',
        url: httpUrl(r(step.url, 'url')),
        headers: resolveHeaders(step.headers, r),
        ...(payload !== undefined ? { payload } : {}),
      };
    }
    case 'kubernetes': {
      const name = r(step.name, 'text');
      if (!(DNS_SUBDOMAIN.test(name) && name.length <= 253)) {
        throw new UnsafeValueError(`name ${JSON.stringify(name)} is not a valid Kubernetes name`);
      }
      const namespace = step.namespace === undefined ? undefined : r(step.namespace, 'text');
      if (namespace !== undefined && !(DNS_LABEL.test(namespace) && namespace.length <= 63)) {
        throw new UnsafeValueError(
          `namespace ${JSON.stringify(namespace)} is not a valid Kubernetes namespace`,
        );
      }
      return {
        kind: 'kubernetes',
        action: step.action,
        ...(step.cluster !== undefined ? { cluster: step.cluster } : {}),
        ...(namespace !== undefined ? { namespace } : {}),
        name,
        ...(step.replicas !== undefined ? { replicas: replicas(step.replicas, r) } : {}),
      };
    }
    case 'wait':
      return { kind: 'wait', durationSeconds: step.durationSeconds };
    case 'verify': {
      const c = step.check;
      const check: VerifyCheck =
        c.source === 'logs'
          ? {
              source: 'logs',
              query: c.query,
              ...(c.service !== undefined
                ? { service: plainText(r(c.service, 'text'), 'service') }
                : {}),
              ...(c.host !== undefined ? { host: plainText(r(c.host, 'text'), 'host') } : {}),
            }
          : {
              source: 'anomaly',
              service: plainText(r(c.service, 'text'), 'service'),
              ...(c.anomalyKind !== undefined ? { anomalyKind: c.anomalyKind } : {}),
            };
      return {
        kind: 'verify',
        check,
        windowSeconds: step.windowSeconds,
        condition: step.condition,
        pollSeconds: step.pollSeconds ?? DEFAULT_POLL_SECONDS,
      };
    }
    case 'notify':
      return { kind: 'notify', channel: step.channel, message: r(step.message, 'text') };
    case 'approval':
      return {
        kind: 'approval',
        roles: [...step.roles],
        ...(step.message !== undefined ? { message: r(step.message, 'text') } : {}),
        on_timeout: step.on_timeout ?? 'stop',
        on_refusal: step.on_refusal ?? 'stop',
      };
  }
}

function httpUrl(text: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new UnsafeValueError(`url ${JSON.stringify(text)} does not parse`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new UnsafeValueError(`url ${JSON.stringify(text)} is not http(s)`);
  }
  return text;
}

function resolveHeaders(
  headers: Record<string, string> | undefined,
  r: (text: string, mode: TemplateMode) => string,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers ?? {}))
    out[name] = plainText(r(value, 'text'), `header ${name}`);
  return out;
}

function plainText(value: string, what: string): string {
  if (CONTROL.test(value)) throw new UnsafeValueError(`${what} contains control characters`);
  return value;
}

function replicas(value: number | string, r: (text: string, mode: TemplateMode) => string): number {
  const text = typeof value === 'number' ? String(value) : r(value, 'text');
  const n = Number(text);
  if (!/^\d{1,4}$/.test(text) || n > 1_000) {
    throw new UnsafeValueError(`replicas ${JSON.stringify(text)} is not an integer in 0..1000`);
  }
  return n;
}

function mustParseJson(text: string, what: string): void {
  try {
    JSON.parse(text);
  } catch {
    throw new UnsafeValueError(`${what} is not valid JSON once resolved`);
  }
}
