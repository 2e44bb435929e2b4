import {
  ApiException,
  AppsV1Api,
  CoreV1Api,
  KubeConfig,
  Observable,
  PatchStrategy,
  type RequestContext,
  type ResponseContext,
} from '@kubernetes/client-node';

/**
 * Where and as whom to act. The executor resolves a runbook step's `cluster` name to this; it is
 * built into an in-memory KubeConfig, so no kubeconfig file or environment variable is read.
 */
export interface KubernetesCluster {
  /** `https://…`; plain `http://` only together with `skipTlsVerify` (the client refuses it otherwise). */
  server: string;
  /** A bearer token (usually a service account's). Never logged nor returned. */
  token?: string;
  /** Base64 of the PEM CA bundle that signed the API server's certificate. */
  caData?: string;
  skipTlsVerify?: boolean;
}

/** One Kubernetes action, as a runbook `kubernetes` step asks for it once its templates are bound. */
export type KubernetesActionRequest =
  | { action: 'rollout_restart'; namespace: string; name: string }
  | { action: 'scale'; namespace: string; name: string; replicas: number }
  | { action: 'delete_pod'; namespace: string; name: string }
  | { action: 'cordon_node'; name: string };

/**
 * What happened. API errors are results, not exceptions, so the executor decides on retries from
 * `retryable` alone: conflicts, throttling, server errors, timeouts and network failures are
 * retryable; not found, refused credentials and invalid input are not.
 */
export interface KubernetesActionResult {
  ok: boolean;
  /** The HTTP status, when the API server answered. */
  status?: number;
  /** One line for the run log, e.g. `deployment prod/checkout restarted`. */
  message: string;
  details?: Record<string, unknown>;
  retryable?: boolean;
}

/** Bounds for a scale request; larger counts are a typo or a template bug, not a remediation. */
export const MAX_REPLICAS = 1_000;

/** Per-call limit when the caller gives none; a healthy API server answers these in milliseconds. */
export const DEFAULT_KUBERNETES_TIMEOUT_MS = 30_000;

/** The annotation `kubectl rollout restart` sets; changing it rolls the pod template. */
export const RESTARTED_AT_ANNOTATION = 'kubectl.kubernetes.io/restartedAt';

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

type PatchType = (typeof PatchStrategy)[keyof typeof PatchStrategy];
type CallOptions = Parameters<AppsV1Api['patchNamespacedDeployment']>[1];

/** How results name the object acted on, e.g. `deployment prod/checkout`. */
interface Target {
  label: string;
}

/**
 * Performs one Kubernetes action through the official client, the way kubectl would: a
 * strategic-merge patch of the pod template annotation for `rollout restart`, a merge patch of the
 * deployment's `scale` subresource, a pod DELETE, and a strategic-merge patch of
 * `spec.unschedulable` for `cordon`. Inputs are checked before any request; every outcome,
 * including API and network errors, comes back as a `KubernetesActionResult`.
 */
export class KubernetesActions {
  readonly #timeoutMs: number;
  readonly #now: () => Date;

  constructor(options: { timeoutMs?: number; now?: () => Date } = {}) {
    const timeoutMs = options.timeoutMs ?? DEFAULT_KUBERNETES_TIMEOUT_MS;
    if (!(Number.isInteger(timeoutMs) && timeoutMs > 0)) {
      throw new RangeError(`timeoutMs must be a positive integer, got ${timeoutMs}`);
    }
    this.#timeoutMs = timeoutMs;
    this.#now = options.now ?? (() => new Date());
  }

  async run(
    cluster: KubernetesCluster,
    request: KubernetesActionRequest,
  ): Promise<KubernetesActionResult> {
    const invalid = validateCluster(cluster) ?? validateRequest(request);
    if (invalid) return { ok: false, message: invalid, retryable: false };
    const target = targetOf(request);
    try {
      return await this.#perform(buildConfig(cluster), request, target);
    } catch (error) {
      return this.#failure(error, target);
    }
  }

  async #perform(
    config: KubeConfig,
    request: KubernetesActionRequest,
    target: Target,
  ): Promise<KubernetesActionResult> {
    switch (request.action) {
      case 'rollout_restart': {
        const restartedAt = this.#now().toISOString();
        const body = {
          spec: {
            template: { metadata: { annotations: { [RESTARTED_AT_ANNOTATION]: restartedAt } } },
          },
        };
        const deployment = await config
          .makeApiClient(AppsV1Api)
          .patchNamespacedDeployment(
            { namespace: request.namespace, name: request.name, body },
            this.#options(PatchStrategy.StrategicMergePatch),
          );
        return {
          ok: true,
          status: 200,
          message: `${target.label} restarted`,
          details: { restartedAt, generation: deployment.metadata?.generation },
        };
      }
      case 'scale': {
        const scale = await config.makeApiClient(AppsV1Api).patchNamespacedDeploymentScale(
          {
            namespace: request.namespace,
            name: request.name,
            body: { spec: { replicas: request.replicas } },
          },
          this.#options(PatchStrategy.MergePatch),
        );
        return {
          ok: true,
          status: 200,
          message: `${target.label} scaled to ${request.replicas}`,
          details: { replicas: scale.spec?.replicas, previousReplicas: scale.status?.replicas },
        };
      }
      case 'delete_pod': {
        await config
          .makeApiClient(CoreV1Api)
          .deleteNamespacedPod(
            { namespace: request.namespace, name: request.name },
            this.#options(undefined),
          );
        return { ok: true, status: 200, message: `${target.label} deleted` };
      }
      case 'cordon_node': {
        await config
          .makeApiClient(CoreV1Api)
          .patchNode(
            { name: request.name, body: { spec: { unschedulable: true } } },
            this.#options(PatchStrategy.StrategicMergePatch),
          );
        return { ok: true, status: 200, message: `${target.label} cordoned` };
      }
    }
  }

  /**
   * Per-call middleware: the generated client labels every PATCH `application/json-patch+json`
   * unless told otherwise, and has no timeout of its own, so both are set here.
   */
  #options(patchType: PatchType | undefined): CallOptions {
    const signal = AbortSignal.timeout(this.#timeoutMs);
    return {
      middleware: [
        {
          pre: (context: RequestContext) => {
            if (patchType) context.setHeaderParam('Content-Type', patchType);
            context.setSignal(signal);
            return new Observable(Promise.resolve(context));
          },
          post: (response: ResponseContext) => new Observable(Promise.resolve(response)),
        },
      ],
      middlewareMergeStrategy: 'append',
    };
  }

  #failure(error: unknown, target: Target): KubernetesActionResult {
    if (error instanceof ApiException) return apiFailure(error as ApiException<unknown>, target);
    const name = error instanceof Error ? error.name : '';
    if (name === 'AbortError' || name === 'TimeoutError') {
      return {
        ok: false,
        message: `${target.label}: no answer within ${this.#timeoutMs} ms; the action may have been applied`,
        retryable: true,
      };
    }
    if (name === 'FetchError') {
      return {
        ok: false,
        message: `${target.label}: API server unreachable (${(error as Error).message})`,
        retryable: true,
      };
    }
    return {
      ok: false,
      message: `${target.label}: ${error instanceof Error ? error.message : String(error)}`,
      retryable: false,
    };
  }
}

function apiFailure(error: ApiException<unknown>, target: Target): KubernetesActionResult {
  const status = error.code;
  const body = parseStatus(error.body);
  const details: Record<string, unknown> = {};
  if (body.reason) details.reason = body.reason;
  if (body.message) details.apiMessage = body.message;
  const retryAfter = error.headers['retry-after'];
  if (retryAfter) details.retryAfterSeconds = Number(retryAfter);
  const suffix = body.message ? `: ${body.message}` : '';
  const fail = (message: string, retryable: boolean): KubernetesActionResult => ({
    ok: false,
    status,
    message,
    details,
    retryable,
  });
  if (status === 404) return fail(`${target.label} not found`, false);
  if (status === 401) {
    return fail(`${target.label}: the API server rejected the credentials (401)${suffix}`, false);
  }
  if (status === 403) {
    return fail(
      `${target.label}: forbidden, the credentials lack permission (403)${suffix}`,
      false,
    );
  }
  if (status === 409) return fail(`${target.label}: conflict (409)${suffix}`, true);
  if (status === 429)
    return fail(`${target.label}: throttled by the API server (429)${suffix}`, true);
  if (status >= 500) return fail(`${target.label}: API server error (${status})${suffix}`, true);
  return fail(`${target.label}: rejected by the API server (${status})${suffix}`, false);
}

/** The client hands error bodies over as raw text; Kubernetes sends a `Status` object. */
function parseStatus(body: unknown): { reason?: string; message?: string } {
  let value = body;
  if (typeof body === 'string') {
    try {
      value = JSON.parse(body) as unknown;
    } catch {
      return {};
    }
  }
  if (typeof value !== 'object' || value === null) return {};
  const { reason, message } = value as Record<string, unknown>;
  return {
    ...(typeof reason === 'string' ? { reason } : {}),
    ...(typeof message === 'string' ? { message } : {}),
  };
}

function buildConfig(cluster: KubernetesCluster): KubeConfig {
  const config = new KubeConfig();
  config.loadFromClusterAndUser(
    {
      name: 'vigil-target',
      server: cluster.server,
      skipTLSVerify: cluster.skipTlsVerify === true,
      ...(cluster.caData ? { caData: cluster.caData } : {}),
    },
    { name: 'vigil-remediation', ...(cluster.token ? { token: cluster.token } : {}) },
  );
  return config;
}

function validateCluster(cluster: KubernetesCluster): string | undefined {
  let url: URL;
  try {
    url = new URL(cluster.server);
  } catch {
    return 'cluster server is not a URL';
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && cluster.skipTlsVerify)) {
    return `cluster server must be https:// (plain http:// only with skipTlsVerify), got ${url.protocol}//`;
  }
  if (cluster.token !== undefined && !/^[\x21-\x7e]+$/.test(cluster.token)) {
    return 'cluster token must be non-empty printable ASCII without spaces';
  }
  return undefined;
}

function validateRequest(request: KubernetesActionRequest): string | undefined {
  switch (request.action) {
    case 'rollout_restart':
    case 'delete_pod':
      return checkNamespace(request.namespace) ?? checkName(request.name);
    case 'scale':
      return (
        checkNamespace(request.namespace) ??
        checkName(request.name) ??
        checkReplicas(request.replicas)
      );
    case 'cordon_node':
      return checkName(request.name);
    default:
      return `unknown Kubernetes action ${JSON.stringify((request as { action: unknown }).action)}`;
  }
}

/** Namespaces are RFC 1123 labels: lower-case alphanumerics and '-', at most 63 characters. */
function checkNamespace(namespace: unknown): string | undefined {
  if (typeof namespace === 'string' && namespace.length <= 63 && DNS_LABEL.test(namespace)) {
    return undefined;
  }
  return `invalid namespace ${JSON.stringify(namespace)}: must be an RFC 1123 label (a-z, 0-9, '-', at most 63)`;
}

/** Deployment, pod and node names are RFC 1123 subdomains: labels joined by '.', at most 253. */
function checkName(name: unknown): string | undefined {
  if (typeof name === 'string' && name.length <= 253 && DNS_SUBDOMAIN.test(name)) {
    return undefined;
  }
  return `invalid name ${JSON.stringify(name)}: must be an RFC 1123 subdomain (a-z, 0-9, '-', '.', at most 253)`;
}

function checkReplicas(replicas: unknown): string | undefined {
  if (
    Number.isInteger(replicas) &&
    (replicas as number) >= 0 &&
    (replicas as number) <= MAX_REPLICAS
  ) {
    return undefined;
  }
  return `invalid replicas ${String(replicas)}: must be an integer from 0 to ${MAX_REPLICAS}`;
}

function targetOf(request: KubernetesActionRequest): Target {
  switch (request.action) {
    case 'rollout_restart':
    case 'scale':
      return { label: `deployment ${request.namespace}/${request.name}` };
    case 'delete_pod':
      return { label: `pod ${request.namespace}/${request.name}` };
    case 'cordon_node':
      return { label: `node ${request.name}` };
  }
}
