import { conditionPaths, parseCondition } from './conditions';
import { checkParameterPattern, checkParameterValue } from './parameters';
import { RunbookLanguageError } from './runbook.errors';
import {
  DEFAULT_STEP_TIMEOUT_SECONDS,
  type FailureAction,
  type RunbookDefinition,
  type RunbookParameter,
  type RunbookStep,
} from './runbook.types';
import { templateReferences, unquotedJsonReferences } from './templates';

/** A semantic problem, in the same shape as a schema error. */
export interface SemanticError {
  path: string;
  message: string;
}

/**
 * Which roots a templated field may read. `target` fields choose what is acted on (URLs, headers,
 * Kubernetes objects, verify targets): only validated parameters, the run and (where a credential
 * belongs) secrets. `data` fields (bodies, payloads) may also carry alert, anomaly and earlier step
 * data, JSON-encoded. `message` fields are read by people: everything but secrets.
 */
type FieldRole = 'target' | 'target+secrets' | 'data' | 'message';

const RUN_FIELDS = new Set(['id', 'runbookId', 'version', 'startedAt']);
const ALERT_MAPS = new Set(['labels', 'annotations']);
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const CRON_FIELD = /^(\*|\d{1,2}(-\d{1,2})?)(\/\d{1,2})?(,(\*|\d{1,2}(-\d{1,2})?)(\/\d{1,2})?)*$/;
const MAX_RUN_SECONDS = 24 * 3_600;

/** Everything `validateRunbook` checks beyond the schema; the input already matches the schema. */
export function checkRunbookSemantics(runbook: RunbookDefinition): SemanticError[] {
  const errors: SemanticError[] = [];
  const params = checkParameters(runbook.parameters ?? [], errors);
  const secrets = new Set(runbook.secrets ?? []);
  if (runbook.trigger.kind === 'schedule' && 'cron' in runbook.trigger) {
    const bad = runbook.trigger.cron.split(' ').find((f) => !CRON_FIELD.test(f));
    if (bad !== undefined) {
      errors.push({ path: '/trigger/cron', message: `field '${bad}' is not numeric cron syntax` });
    }
  }

  const index = new Map<string, number>();
  runbook.steps.forEach((step, i) => {
    if (index.has(step.id)) {
      errors.push({
        path: `/steps/${i}/id`,
        message: `duplicates the id of step ${index.get(step.id)}`,
      });
    } else index.set(step.id, i);
  });

  let worstCaseSeconds = 0;
  runbook.steps.forEach((step, i) => {
    const at = `/steps/${i}`;
    const earlier = new Set(runbook.steps.slice(0, i).map((s) => s.id));
    const ctx: RefContext = { params, secrets, earlier };
    checkJump(step.on_failure, 'on_failure', i, at, index, errors);
    if (step.when !== undefined) checkCondition(step.when, `${at}/when`, ctx, errors);
    checkStep(step, at, ctx, errors);
    if (step.kind === 'approval') {
      checkJump(step.on_timeout, 'on_timeout', i, at, index, errors);
      checkJump(step.on_refusal, 'on_refusal', i, at, index, errors);
    } else {
      const once =
        step.kind === 'wait'
          ? step.durationSeconds
          : (step.timeoutSeconds ?? DEFAULT_STEP_TIMEOUT_SECONDS);
      const retries = step.retries;
      worstCaseSeconds +=
        once * (1 + (retries?.max ?? 0)) + (retries?.backoffSeconds ?? 0) * (retries?.max ?? 0);
    }
  });
  if (worstCaseSeconds > MAX_RUN_SECONDS) {
    errors.push({
      path: '/steps',
      message: `worst-case duration without approvals is ${worstCaseSeconds} s, above ${MAX_RUN_SECONDS} s`,
    });
  }
  return errors;
}

interface RefContext {
  params: ReadonlySet<string>;
  secrets: ReadonlySet<string>;
  earlier: ReadonlySet<string>;
}

function checkParameters(defs: readonly RunbookParameter[], errors: SemanticError[]): Set<string> {
  const names = new Set<string>();
  defs.forEach((def, i) => {
    const at = `/parameters/${i}`;
    if (names.has(def.name))
      errors.push({ path: `${at}/name`, message: `duplicates parameter '${def.name}'` });
    names.add(def.name);
    const numeric = def.type === 'integer' || def.type === 'number';
    const textual = def.type === 'string' || def.type === 'enum';
    if (def.type === 'enum' && def.allowed === undefined) {
      errors.push({ path: `${at}/allowed`, message: 'is required for an enum parameter' });
    }
    if (!numeric && (def.min !== undefined || def.max !== undefined)) {
      errors.push({
        path: `${at}/${def.min !== undefined ? 'min' : 'max'}`,
        message: `does not apply to type ${def.type}`,
      });
    }
    if (def.min !== undefined && def.max !== undefined && def.min > def.max) {
      errors.push({ path: `${at}/min`, message: 'is greater than max' });
    }
    if (!textual && (def.pattern !== undefined || def.maxLength !== undefined)) {
      errors.push({
        path: `${at}/${def.pattern !== undefined ? 'pattern' : 'maxLength'}`,
        message: `does not apply to type ${def.type}`,
      });
    }
    if (def.type === 'boolean' && def.allowed !== undefined) {
      errors.push({ path: `${at}/allowed`, message: 'does not apply to type boolean' });
    }
    def.allowed?.forEach((value, j) => {
      if (typeof value !== (numeric ? 'number' : 'string')) {
        errors.push({
          path: `${at}/allowed/${j}`,
          message: `must be a ${numeric ? 'number' : 'string'} for type ${def.type}`,
        });
      }
    });
    if (def.pattern !== undefined) {
      const problem = checkParameterPattern(def.pattern);
      if (problem !== null) errors.push({ path: `${at}/pattern`, message: problem });
    }
    if (def.default !== undefined) {
      const checked = checkParameterValue(def, def.default);
      if (!checked.ok) errors.push({ path: `${at}/default`, message: checked.message });
    }
  });
  return names;
}

function checkJump(
  action: FailureAction | undefined,
  field: string,
  i: number,
  at: string,
  index: ReadonlyMap<string, number>,
  errors: SemanticError[],
): void {
  if (action === undefined || action === 'stop' || action === 'continue') return;
  const target = index.get(action);
  if (target === undefined) {
    errors.push({ path: `${at}/${field}`, message: `names no step: '${action}'` });
  } else if (target <= i) {
    errors.push({
      path: `${at}/${field}`,
      message: `jumps back to '${action}' (step ${target}), which would loop; jumps must go forward`,
    });
  }
}

function checkStep(step: RunbookStep, at: string, ctx: RefContext, errors: SemanticError[]): void {
  const tpl = (text: string | undefined, field: string, role: FieldRole): void => {
    if (text !== undefined) checkTemplate(text, `${at}/${field}`, role, ctx, errors);
  };
  const headers = (h: Record<string, string> | undefined): void => {
    for (const [name, value] of Object.entries(h ?? {}))
      tpl(value, `headers/${name}`, 'target+secrets');
  };
  switch (step.kind) {
    case 'http':
      tpl(step.url, 'url', 'target+secrets');
      headers(step.headers);
      if (step.body !== undefined) {
        if (step.method === 'GET' || step.method === 'HEAD') {
          errors.push({ path: `${at}/body`, message: `a ${step.method} request has no body` });
        }
        tpl(step.body, 'body', 'data');
        if ((step.bodyEncoding ?? 'json') === 'json')
          checkJsonTemplate(step.body, `${at}/body`, errors);
      }
      return;
    case 'webhook':
      tpl(step.url, 'url', 'target+secrets');
      headers(step.headers);
      tpl(step.payload, 'payload', 'data');
      if (step.payload !== undefined) checkJsonTemplate(step.payload, `${at}/payload`, errors);
      return;
    case 'kubernetes': {
      tpl(step.name, 'name', 'target');
      tpl(step.namespace, 'namespace', 'target');
      if (typeof step.replicas === 'string') tpl(step.replicas, 'replicas', 'target');
      const node = step.action === 'cordon_node';
      if (node && step.namespace !== undefined) {
        errors.push({ path: `${at}/namespace`, message: 'a node has no namespace' });
      }
      if (!node && step.namespace === undefined) {
        errors.push({ path: `${at}/namespace`, message: `is required for ${step.action}` });
      }
      if (step.action === 'scale' && step.replicas === undefined) {
        errors.push({ path: `${at}/replicas`, message: 'is required for scale' });
      }
      if (step.action !== 'scale' && step.replicas !== undefined) {
        errors.push({ path: `${at}/replicas`, message: `does not apply to ${step.action}` });
      }
      if (!step.name.includes('{{') && !DNS_SUBDOMAIN.test(step.name)) {
        errors.push({ path: `${at}/name`, message: 'is not a valid Kubernetes name (RFC 1123)' });
      }
      if (
        step.namespace !== undefined &&
        !step.namespace.includes('{{') &&
        !(DNS_LABEL.test(step.namespace) && step.namespace.length <= 63)
      ) {
        errors.push({
          path: `${at}/namespace`,
          message: 'is not a valid Kubernetes namespace (RFC 1123 label)',
        });
      }
      return;
    }
    case 'verify': {
      const check = step.check;
      if (check.source === 'logs') {
        if (check.query.includes('{{')) {
          errors.push({
            path: `${at}/check/query`,
            message: 'is literal text; narrow it with service or host instead of templates',
          });
        }
        tpl(check.service, 'check/service', 'target');
        tpl(check.host, 'check/host', 'target');
      } else {
        tpl(check.service, 'check/service', 'target');
      }
      const allowed = check.source === 'anomaly' ? ['count', 'open'] : ['count'];
      checkCondition(step.condition, `${at}/condition`, ctx, errors, allowed);
      return;
    }
    case 'notify':
      tpl(step.message, 'message', 'message');
      return;
    case 'approval':
      tpl(step.message, 'message', 'message');
      return;
    case 'wait':
      return;
  }
}

function checkTemplate(
  text: string,
  path: string,
  role: FieldRole,
  ctx: RefContext,
  errors: SemanticError[],
): void {
  let refs: string[][];
  try {
    refs = templateReferences(text);
  } catch (err) {
    if (err instanceof RunbookLanguageError) {
      errors.push({ path, message: err.message });
      return;
    }
    throw err;
  }
  for (const ref of refs) {
    const problem = referenceProblem(ref, role, ctx);
    if (problem !== null) errors.push({ path, message: `{{ ${ref.join('.')} }}: ${problem}` });
  }
}

function referenceProblem(
  ref: readonly string[],
  role: FieldRole | 'condition',
  ctx: RefContext,
): string | null {
  const [root, first, ...rest] = ref;
  const target = role === 'target' || role === 'target+secrets';
  switch (root) {
    case 'params':
      if (ref.length !== 2) return 'write params.NAME';
      return ctx.params.has(first!) ? null : `parameter '${first}' is not declared`;
    case 'secrets':
      if (role !== 'target+secrets' && role !== 'data')
        return 'secrets may appear only in urls, headers and bodies';
      if (ref.length !== 2) return 'write secrets.NAME';
      return ctx.secrets.has(first!) ? null : `secret '${first}' is not declared in secrets`;
    case 'run':
      return ref.length === 2 && RUN_FIELDS.has(first!)
        ? null
        : `run has only ${[...RUN_FIELDS].join(', ')}`;
    case 'alert':
      if (target) return 'alert data is not validated; bind it to a parameter first';
      return ref.length === 3 && ALERT_MAPS.has(first!)
        ? null
        : 'write alert.labels.NAME or alert.annotations.NAME';
    case 'anomaly':
      if (target) return 'anomaly data is not validated; bind it to a parameter first';
      return ref.length === 2 ? null : 'write anomaly.FIELD';
    case 'steps':
      if (target) return 'step outputs are not validated; bind them to a parameter first';
      if (first === undefined || !ctx.earlier.has(first))
        return `'${first}' is not an earlier step`;
      return rest.length > 0 ? null : `write steps.${first}.status or steps.${first}.output.FIELD`;
    default:
      return `unknown root '${root}' (params, secrets, run, alert, anomaly, steps)`;
  }
}

function checkCondition(
  text: string,
  path: string,
  ctx: RefContext,
  errors: SemanticError[],
  onlyRoots?: readonly string[],
): void {
  let paths: string[][];
  try {
    paths = conditionPaths(parseCondition(text));
  } catch (err) {
    if (err instanceof RunbookLanguageError) {
      errors.push({ path, message: err.message });
      return;
    }
    throw err;
  }
  for (const ref of paths) {
    const problem =
      onlyRoots !== undefined
        ? ref.length === 1 && onlyRoots.includes(ref[0]!)
          ? null
          : `a verify condition reads only ${onlyRoots.join(', ')}`
        : referenceProblem(ref, 'condition', ctx);
    if (problem !== null) errors.push({ path, message: `'${ref.join('.')}': ${problem}` });
  }
}

/** A JSON template must quote every reference and be valid JSON once they are filled in. */
function checkJsonTemplate(text: string, path: string, errors: SemanticError[]): void {
  const unquoted = unquotedJsonReferences(text);
  if (unquoted.length > 0) {
    errors.push({
      path,
      message: `the reference at offset ${unquoted[0]} must sit inside a JSON string`,
    });
    return;
  }
  try {
    JSON.parse(text.replace(/\{\{[^}]*\}\}/g, 'x'));
  } catch {
    errors.push({ path, message: 'is not valid JSON' });
  }
}
