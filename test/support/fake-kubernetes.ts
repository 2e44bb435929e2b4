import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A request as the fake received it. */
export interface SeenKubernetesRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  contentType: string | undefined;
  authorization: string | undefined;
  /** Parsed JSON, the raw text when it is not JSON, or undefined when empty. */
  body: unknown;
}

type Json = Record<string, unknown>;

interface PlannedFailure {
  remaining: number;
  status: number;
  reason: string;
  message: string;
}

/** The `reason` the API server pairs with each status code (metav1.StatusReason). */
const REASONS: Readonly<Record<number, string>> = {
  400: 'BadRequest',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'NotFound',
  405: 'MethodNotAllowed',
  409: 'Conflict',
  415: 'UnsupportedMediaType',
  422: 'Invalid',
  429: 'TooManyRequests',
  500: 'InternalError',
  503: 'ServiceUnavailable',
  504: 'Timeout',
};

/** The two patch types whose semantics coincide for the fields these actions touch. */
const MERGE_PATCH_TYPES = new Set([
  'application/merge-patch+json',
  'application/strategic-merge-patch+json',
]);

const DEPLOYMENT = /^\/apis\/apps\/v1\/namespaces\/([^/]+)\/deployments\/([^/]+)(\/scale)?$/;
const POD = /^\/api\/v1\/namespaces\/([^/]+)\/pods\/([^/]+)$/;
const NODE = /^\/api\/v1\/nodes\/([^/]+)$/;

/**
 * An HTTP server on 127.0.0.1 that answers the REST paths `KubernetesActions` calls (deployment
 * and scale PATCH, pod DELETE, node PATCH) the way kube-apiserver documents them: objects with
 * `apiVersion`/`kind`/`metadata`, and `Status` objects (`code`, `reason`, `message`) for
 * errors. Objects live in memory; merge and strategic-merge patches are applied with RFC 7386
 * semantics, which is what strategic merge does for the scalar and map fields involved. It is not
 * Kubernetes: it checks what the client sends and how answers are handled.
 */
export class FakeKubernetes {
  readonly requests: SeenKubernetesRequest[] = [];
  /** When set, requests without `Authorization: Bearer <token>` get 401. */
  requiredToken: string | undefined;
  readonly #objects = new Map<string, Json>();
  readonly #failures: PlannedFailure[] = [];
  #stalls = 0;
  #server: Server | null = null;
  #resourceVersion = 1000;

  /** Starts a fake on an ephemeral loopback port. */
  static async start(): Promise<FakeKubernetes> {
    const fake = new FakeKubernetes();
    const server = createServer((req, res) => {
      void fake.#handle(req, res);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    fake.#server = server;
    return fake;
  }

  /** `http://127.0.0.1:<port>`. */
  get url(): string {
    const address = this.#server?.address() as AddressInfo | null;
    if (!address) throw new Error('fake Kubernetes is not listening');
    return `http://127.0.0.1:${address.port}`;
  }

  async close(): Promise<void> {
    const server = this.#server;
    this.#server = null;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve, reject) =>
      server.close((error) => (error ? reject(error) : resolve())),
    );
  }

  /** The next `count` requests get a `Status` error with this code instead of their answer. */
  failNext(count: number, status: number, message = `injected failure ${status}`): void {
    this.#failures.push({
      remaining: count,
      status,
      reason: REASONS[status] ?? 'Unknown',
      message,
    });
  }

  /** The next `count` requests are recorded and never answered (until `close`). */
  stallNext(count: number): void {
    this.#stalls += count;
  }

  addDeployment(input: {
    namespace: string;
    name: string;
    replicas: number;
    annotations?: Record<string, string>;
  }): void {
    this.#objects.set(deploymentKey(input.namespace, input.name), {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: this.#metadata(input.name, input.namespace),
      spec: {
        replicas: input.replicas,
        selector: { matchLabels: { app: input.name } },
        template: {
          metadata: { labels: { app: input.name }, annotations: { ...input.annotations } },
          spec: { containers: [{ name: input.name, image: `${input.name}:1` }] },
        },
      },
      status: { replicas: input.replicas },
    });
  }

  addPod(input: { namespace: string; name: string }): void {
    this.#objects.set(podKey(input.namespace, input.name), {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: this.#metadata(input.name, input.namespace),
      spec: { containers: [{ name: 'main', image: 'main:1' }] },
      status: { phase: 'Running' },
    });
  }

  addNode(input: { name: string; unschedulable?: boolean }): void {
    const spec: Json = input.unschedulable ? { unschedulable: true } : {};
    this.#objects.set(nodeKey(input.name), {
      apiVersion: 'v1',
      kind: 'Node',
      metadata: this.#metadata(input.name),
      spec,
    });
  }

  /** The stored deployment, or undefined. */
  deployment(namespace: string, name: string): Json | undefined {
    return this.#objects.get(deploymentKey(namespace, name));
  }

  pod(namespace: string, name: string): Json | undefined {
    return this.#objects.get(podKey(namespace, name));
  }

  node(name: string): Json | undefined {
    return this.#objects.get(nodeKey(name));
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://fake');
    const text = await readBody(req);
    const seen: SeenKubernetesRequest = {
      method: req.method ?? 'GET',
      path: url.pathname,
      query: url.searchParams,
      contentType: req.headers['content-type'],
      authorization: req.headers.authorization,
      body: parseBody(text),
    };
    this.requests.push(seen);

    if (this.requiredToken !== undefined && seen.authorization !== `Bearer ${this.requiredToken}`) {
      send(res, 401, statusObject(401, 'Unauthorized', 'Unauthorized'));
      return;
    }
    if (this.#stalls > 0) {
      this.#stalls--;
      return;
    }
    const failure = this.#failures[0];
    if (failure) {
      if (--failure.remaining <= 0) this.#failures.shift();
      send(res, failure.status, statusObject(failure.status, failure.reason, failure.message));
      return;
    }
    const [status, body] = this.#route(seen);
    send(res, status, body);
  }

  #route(req: SeenKubernetesRequest): [number, Json] {
    const deployment = DEPLOYMENT.exec(req.path);
    if (deployment) {
      const [, namespace = '', name = '', scale] = deployment;
      if (req.method !== 'PATCH') return methodNotAllowed(req.method);
      return scale
        ? this.#patchScale(req, namespace, name)
        : this.#patch(req, deploymentKey(namespace, name), 'deployments.apps', name);
    }
    const pod = POD.exec(req.path);
    if (pod) {
      const [, namespace = '', name = ''] = pod;
      if (req.method !== 'DELETE') return methodNotAllowed(req.method);
      return this.#deletePod(namespace, name);
    }
    const node = NODE.exec(req.path);
    if (node) {
      const [, name = ''] = node;
      if (req.method !== 'PATCH') return methodNotAllowed(req.method);
      return this.#patch(req, nodeKey(name), 'nodes', name);
    }
    return [404, statusObject(404, 'NotFound', 'the server could not find the requested resource')];
  }

  #patch(req: SeenKubernetesRequest, key: string, resource: string, name: string): [number, Json] {
    const current = this.#objects.get(key);
    if (!current) return notFound(resource, name);
    const rejected = checkPatch(req);
    if (rejected) return rejected;
    const next = mergePatch(current, req.body) as Json;
    const invalid = validateReplicas(next);
    if (invalid) return invalid;
    this.#bump(next);
    this.#objects.set(key, next);
    return [200, next];
  }

  #patchScale(req: SeenKubernetesRequest, namespace: string, name: string): [number, Json] {
    const key = deploymentKey(namespace, name);
    const current = this.#objects.get(key);
    if (!current) return notFound('deployments.apps', name);
    const rejected = checkPatch(req);
    if (rejected) return rejected;
    const scale = mergePatch({ spec: { replicas: replicasOf(current) } }, req.body) as Json;
    const next = mergePatch(current, { spec: { replicas: (scale.spec as Json).replicas } }) as Json;
    const invalid = validateReplicas(next);
    if (invalid) return invalid;
    this.#bump(next);
    this.#objects.set(key, next);
    return [
      200,
      {
        apiVersion: 'autoscaling/v1',
        kind: 'Scale',
        metadata: { name, namespace, resourceVersion: (next.metadata as Json).resourceVersion },
        spec: { replicas: replicasOf(next) },
        status: { replicas: replicasOf(current), selector: `app=${name}` },
      },
    ];
  }

  #deletePod(namespace: string, name: string): [number, Json] {
    const key = podKey(namespace, name);
    const current = this.#objects.get(key);
    if (!current) return notFound('pods', name);
    this.#objects.delete(key);
    const metadata = {
      ...(current.metadata as Json),
      deletionTimestamp: new Date(0).toISOString(),
    };
    return [200, { ...current, metadata }];
  }

  #metadata(name: string, namespace?: string): Json {
    return {
      name,
      ...(namespace === undefined ? {} : { namespace }),
      uid: `uid-${++this.#resourceVersion}`,
      resourceVersion: String(this.#resourceVersion),
    };
  }

  #bump(object: Json): void {
    object.metadata = {
      ...(object.metadata as Json),
      resourceVersion: String(++this.#resourceVersion),
    };
  }
}

/** RFC 7386 JSON merge patch: objects merge recursively, null deletes, anything else replaces. */
export function mergePatch(target: unknown, patch: unknown): unknown {
  if (!isObject(patch)) return patch;
  const result: Json = isObject(target) ? { ...target } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete result[key];
    else result[key] = mergePatch(result[key], value);
  }
  return result;
}

function checkPatch(req: SeenKubernetesRequest): [number, Json] | undefined {
  const mediaType = req.contentType?.split(';')[0]?.trim();
  if (!mediaType || !MERGE_PATCH_TYPES.has(mediaType)) {
    return [
      415,
      statusObject(415, 'UnsupportedMediaType', `the body of the request was in an unknown format`),
    ];
  }
  if (!isObject(req.body)) {
    return [400, statusObject(400, 'BadRequest', 'the patch must be a JSON object')];
  }
  return undefined;
}

function validateReplicas(object: Json): [number, Json] | undefined {
  if (object.kind !== 'Deployment') return undefined;
  const replicas = replicasOf(object);
  if (Number.isInteger(replicas) && replicas >= 0) return undefined;
  return [422, statusObject(422, 'Invalid', `spec.replicas: Invalid value: ${String(replicas)}`)];
}

function replicasOf(deployment: Json): number {
  return (deployment.spec as Json | undefined)?.replicas as number;
}

function notFound(resource: string, name: string): [number, Json] {
  return [404, statusObject(404, 'NotFound', `${resource} "${name}" not found`)];
}

function methodNotAllowed(method: string): [number, Json] {
  return [405, statusObject(405, 'MethodNotAllowed', `${method} is not supported here`)];
}

function statusObject(code: number, reason: string, message: string): Json {
  return {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message,
    reason,
    code,
  };
}

function send(res: ServerResponse, status: number, body: Json): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function parseBody(text: string): unknown {
  if (text === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function deploymentKey(namespace: string, name: string): string {
  return `deployment/${namespace}/${name}`;
}

function podKey(namespace: string, name: string): string {
  return `pod/${namespace}/${name}`;
}

function nodeKey(name: string): string {
  return `node/${name}`;
}
