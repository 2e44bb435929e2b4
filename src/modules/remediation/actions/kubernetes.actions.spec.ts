import { FakeKubernetes } from '../../../../test/support/fake-kubernetes';

import {
  KubernetesActions,
  type KubernetesActionRequest,
  type KubernetesCluster,
  RESTARTED_AT_ANNOTATION,
} from './kubernetes.actions';

const TOKEN = 'sa-token-abc123';
const NOW = new Date('2030-05-06T07:08:09.010Z');

describe(KubernetesActions.name, () => {
  let fake: FakeKubernetes;
  let cluster: KubernetesCluster;
  let sut: KubernetesActions;

  beforeEach(async () => {
    fake = await FakeKubernetes.start();
    fake.requiredToken = TOKEN;
    fake.addDeployment({ namespace: 'prod', name: 'checkout', replicas: 3 });
    fake.addPod({ namespace: 'prod', name: 'checkout-7d9f-abcde' });
    fake.addNode({ name: 'node-1.eu-west' });
    cluster = { server: fake.url, token: TOKEN, skipTlsVerify: true };
    sut = new KubernetesActions({ now: () => NOW, timeoutMs: 10_000 });
  });

  afterEach(async () => {
    await fake.close();
  });

  it('restarts a deployment by setting the restartedAt annotation to now, with a strategic-merge patch', async () => {
    const result = await sut.run(cluster, {
      action: 'rollout_restart',
      namespace: 'prod',
      name: 'checkout',
    });

    expect(result).toMatchObject({
      ok: true,
      status: 200,
      message: 'deployment prod/checkout restarted',
      details: { restartedAt: '2030-05-06T07:08:09.010Z' },
    });
    const spec = fake.deployment('prod', 'checkout')?.spec as {
      replicas: number;
      template: { metadata: { annotations: Record<string, string>; labels: unknown } };
    };
    expect(spec.template.metadata.annotations).toEqual({
      [RESTARTED_AT_ANNOTATION]: '2030-05-06T07:08:09.010Z',
    });
    expect(spec.template.metadata.labels).toEqual({ app: 'checkout' });
    expect(spec.replicas).toBe(3);
    expect(fake.requests).toHaveLength(1);
    expect(fake.requests[0]).toMatchObject({
      method: 'PATCH',
      path: '/apis/apps/v1/namespaces/prod/deployments/checkout',
      contentType: 'application/strategic-merge-patch+json',
      body: {
        spec: {
          template: { metadata: { annotations: { [RESTARTED_AT_ANNOTATION]: NOW.toISOString() } } },
        },
      },
    });
  });

  it('scales through the scale subresource with a merge patch', async () => {
    const result = await sut.run(cluster, {
      action: 'scale',
      namespace: 'prod',
      name: 'checkout',
      replicas: 5,
    });

    expect(result).toEqual({
      ok: true,
      status: 200,
      message: 'deployment prod/checkout scaled to 5',
      details: { replicas: 5, previousReplicas: 3 },
    });
    expect((fake.deployment('prod', 'checkout')?.spec as { replicas: number }).replicas).toBe(5);
    expect(fake.requests[0]).toMatchObject({
      method: 'PATCH',
      path: '/apis/apps/v1/namespaces/prod/deployments/checkout/scale',
      contentType: 'application/merge-patch+json',
      body: { spec: { replicas: 5 } },
    });
  });

  it('scales to zero', async () => {
    const request = { action: 'scale', namespace: 'prod', name: 'checkout', replicas: 0 } as const;

    const result = await sut.run(cluster, request);

    expect(result.ok).toBe(true);
    expect((fake.deployment('prod', 'checkout')?.spec as { replicas: number }).replicas).toBe(0);
  });

  it('deletes a pod', async () => {
    const result = await sut.run(cluster, {
      action: 'delete_pod',
      namespace: 'prod',
      name: 'checkout-7d9f-abcde',
    });

    expect(result).toEqual({
      ok: true,
      status: 200,
      message: 'pod prod/checkout-7d9f-abcde deleted',
    });
    expect(fake.pod('prod', 'checkout-7d9f-abcde')).toBeUndefined();
    expect(fake.requests[0]).toMatchObject({
      method: 'DELETE',
      path: '/api/v1/namespaces/prod/pods/checkout-7d9f-abcde',
    });
  });

  it('cordons a node by setting spec.unschedulable', async () => {
    const result = await sut.run(cluster, { action: 'cordon_node', name: 'node-1.eu-west' });

    expect(result).toEqual({ ok: true, status: 200, message: 'node node-1.eu-west cordoned' });
    expect(fake.node('node-1.eu-west')?.spec).toEqual({ unschedulable: true });
    expect(fake.requests[0]).toMatchObject({
      method: 'PATCH',
      path: '/api/v1/nodes/node-1.eu-west',
      contentType: 'application/strategic-merge-patch+json',
      body: { spec: { unschedulable: true } },
    });
  });

  it('sends the token as a bearer credential on every call and never returns it', async () => {
    const requests: KubernetesActionRequest[] = [
      { action: 'rollout_restart', namespace: 'prod', name: 'checkout' },
      { action: 'scale', namespace: 'prod', name: 'checkout', replicas: 2 },
      { action: 'delete_pod', namespace: 'prod', name: 'checkout-7d9f-abcde' },
      { action: 'cordon_node', name: 'node-1.eu-west' },
    ];

    const results = [];
    for (const request of requests) results.push(await sut.run(cluster, request));

    expect(results.map((r) => r.ok)).toEqual([true, true, true, true]);
    expect(fake.requests.map((r) => r.authorization)).toEqual(
      Array<string>(4).fill(`Bearer ${TOKEN}`),
    );
    expect(JSON.stringify(results)).not.toContain(TOKEN);
  });

  it('maps 401 for a wrong token to a non-retryable failure without echoing the token', async () => {
    const result = await sut.run(
      { ...cluster, token: 'wrong-token' },
      { action: 'cordon_node', name: 'node-1.eu-west' },
    );

    expect(result).toMatchObject({ ok: false, status: 401, retryable: false });
    expect(result.message).toContain('rejected the credentials');
    expect(JSON.stringify(result)).not.toContain('wrong-token');
    expect(fake.node('node-1.eu-west')?.spec).toEqual({});
  });

  it('maps 404 to not found, not retryable', async () => {
    const result = await sut.run(cluster, {
      action: 'rollout_restart',
      namespace: 'prod',
      name: 'missing',
    });

    expect(result).toEqual({
      ok: false,
      status: 404,
      message: 'deployment prod/missing not found',
      details: { reason: 'NotFound', apiMessage: 'deployments.apps "missing" not found' },
      retryable: false,
    });
  });

  it('maps 409 to a retryable conflict and succeeds on the next attempt', async () => {
    fake.failNext(1, 409, 'the object has been modified');
    const request = { action: 'scale', namespace: 'prod', name: 'checkout', replicas: 4 } as const;

    const first = await sut.run(cluster, request);
    const second = await sut.run(cluster, request);

    expect(first).toMatchObject({
      ok: false,
      status: 409,
      retryable: true,
      details: { reason: 'Conflict' },
    });
    expect(second).toMatchObject({ ok: true, details: { replicas: 4 } });
  });

  it('maps 500 and 429 to retryable failures', async () => {
    fake.failNext(1, 500, 'etcdserver: request timed out');
    fake.failNext(1, 429, 'too many requests');
    const request = {
      action: 'delete_pod',
      namespace: 'prod',
      name: 'checkout-7d9f-abcde',
    } as const;

    const first = await sut.run(cluster, request);
    const second = await sut.run(cluster, request);

    expect(first).toEqual({
      ok: false,
      status: 500,
      message:
        'pod prod/checkout-7d9f-abcde: API server error (500): etcdserver: request timed out',
      details: { reason: 'InternalError', apiMessage: 'etcdserver: request timed out' },
      retryable: true,
    });
    expect(second).toMatchObject({ ok: false, status: 429, retryable: true });
    expect(fake.pod('prod', 'checkout-7d9f-abcde')).toBeDefined();
  });

  it('maps 403 to a non-retryable permission failure with the server message', async () => {
    fake.failNext(1, 403, 'nodes "node-1.eu-west" is forbidden: User "vigil" cannot patch nodes');

    const result = await sut.run(cluster, { action: 'cordon_node', name: 'node-1.eu-west' });

    expect(result).toMatchObject({ ok: false, status: 403, retryable: false });
    expect(result.message).toBe(
      'node node-1.eu-west: forbidden, the credentials lack permission (403): ' +
        'nodes "node-1.eu-west" is forbidden: User "vigil" cannot patch nodes',
    );
  });

  it('reports an unreachable API server as retryable without a status', async () => {
    const url = fake.url;
    await fake.close();

    const result = await sut.run(
      { ...cluster, server: url },
      { action: 'cordon_node', name: 'node-1.eu-west' },
    );

    expect(result).toMatchObject({ ok: false, retryable: true });
    expect(result.status).toBeUndefined();
    expect(result.message).toContain('unreachable');
  });

  it('gives up on an API server that never answers, as retryable with an unknown outcome', async () => {
    fake.stallNext(1);
    const impatient = new KubernetesActions({ now: () => NOW, timeoutMs: 50 });

    const result = await impatient.run(cluster, { action: 'cordon_node', name: 'node-1.eu-west' });

    expect(result).toEqual({
      ok: false,
      message: 'node node-1.eu-west: no answer within 50 ms; the action may have been applied',
      retryable: true,
    });
    expect(fake.requests).toHaveLength(1);
  });

  it.each<[string, KubernetesActionRequest]>([
    ['an upper-case name', { action: 'rollout_restart', namespace: 'prod', name: 'Checkout' }],
    ['an underscore', { action: 'delete_pod', namespace: 'prod', name: 'pod_1' }],
    ['a path in the name', { action: 'delete_pod', namespace: 'prod', name: '../nodes/x' }],
    ['an empty name', { action: 'cordon_node', name: '' }],
    ['a trailing dash', { action: 'cordon_node', name: 'node-' }],
    ['a 254-character name', { action: 'cordon_node', name: 'a'.repeat(254) }],
    ['a dotted namespace', { action: 'rollout_restart', namespace: 'prod.eu', name: 'checkout' }],
    ['a 64-character namespace', { action: 'delete_pod', namespace: 'n'.repeat(64), name: 'p' }],
    ['negative replicas', { action: 'scale', namespace: 'prod', name: 'checkout', replicas: -1 }],
    ['1001 replicas', { action: 'scale', namespace: 'prod', name: 'checkout', replicas: 1001 }],
    [
      'fractional replicas',
      { action: 'scale', namespace: 'prod', name: 'checkout', replicas: 1.5 },
    ],
    [
      'NaN replicas',
      { action: 'scale', namespace: 'prod', name: 'checkout', replicas: Number.NaN },
    ],
    [
      'replicas as a string',
      { action: 'scale', namespace: 'prod', name: 'checkout', replicas: '3' as unknown as number },
    ],
    [
      'an unknown action',
      { action: 'drain_node', name: 'n1' } as unknown as KubernetesActionRequest,
    ],
  ])('refuses %s without any request', async (_, request) => {
    const result = await sut.run(cluster, request);

    expect(result).toMatchObject({ ok: false, retryable: false });
    expect(result.status).toBeUndefined();
    expect(fake.requests).toHaveLength(0);
  });

  it('accepts the limits: a 253-character name, 63-character namespace and 1000 replicas', async () => {
    const name = `${'a'.repeat(63)}.${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(61)}`;
    fake.addDeployment({ namespace: 'n'.repeat(63), name, replicas: 1 });

    const result = await sut.run(cluster, {
      action: 'scale',
      namespace: 'n'.repeat(63),
      name,
      replicas: 1000,
    });

    expect(name).toHaveLength(253);
    expect(result).toMatchObject({ ok: true, details: { replicas: 1000 } });
  });

  it('refuses plain http without skipTlsVerify, and a malformed server, before any request', async () => {
    const request = { action: 'cordon_node', name: 'node-1.eu-west' } as const;

    const plain = await sut.run({ server: fake.url, token: TOKEN }, request);
    const malformed = await sut.run({ server: 'not a url', token: TOKEN }, request);

    expect(plain).toMatchObject({ ok: false, retryable: false });
    expect(plain.message).toContain('https://');
    expect(malformed).toMatchObject({ ok: false, retryable: false });
    expect(fake.requests).toHaveLength(0);
  });
});
