import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import { Client } from 'pg';

import { FakeKubernetes } from '../support/fake-kubernetes';
import { type TestTenant, TestVigil } from '../support/test-vigil';
import { createMember, login } from '../support/test-users';
import { until } from '../support/until';

jest.setTimeout(120_000);

const SAVE = `mutation ($d: JSON!) { saveRunbook(definition: $d) { id version } }`;
const RUN_FIELDS = `id runbookId status reason verified params startedBy
  steps { stepId kind status attempts action output error decidedBy }`;
const START = `mutation ($id: String!, $input: JSON, $dry: Boolean) {
  startRunbook(id: $id, input: $input, dryRun: $dry) { run { ${RUN_FIELDS} } dryRun { ok plan } }
}`;
const RUN = `query ($id: ID!) { runbookRun(id: $id) { ${RUN_FIELDS} } }`;
const APPROVE = `mutation ($run: ID!, $step: String!, $ok: Boolean) {
  approveRunbookStep(runId: $run, stepId: $step, approve: $ok) { status }
}`;

interface Step {
  stepId: string;
  kind: string;
  status: string;
  attempts: number;
  action: Record<string, unknown> | null;
  output: Record<string, unknown> | null;
  error: string | null;
  decidedBy: string | null;
}
interface Run {
  id: string;
  status: string;
  reason: string | null;
  verified: boolean;
  params: Record<string, unknown>;
  steps: Step[];
}

/** A loopback service standing in for infrastructure APIs: records every call. */
class Receiver {
  readonly calls: Array<{ method: string; url: string; body: string; auth: string | undefined }> =
    [];
  status = 200;
  private constructor(private readonly server: Server) {}

  static async start(): Promise<Receiver> {
    let self: Receiver | undefined;
    const server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        self!.calls.push({
          method: req.method ?? '',
          url: req.url ?? '',
          body,
          auth: req.headers.authorization,
        });
        res.writeHead(self!.status, { 'content-type': 'application/json' }).end('{"ok":true}');
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    self = new Receiver(server);
    return self;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  close(): void {
    this.server.close();
  }
}

describe('runbook runs: execution, approvals, safety rails, restarts', () => {
  let sut: TestVigil;
  let tenant: TestTenant;
  let k8s: FakeKubernetes;
  let api: Receiver;
  let admin: string;
  let viewer: string;

  beforeAll(async () => {
    sut = await TestVigil.start();
    tenant = await sut.createTenant('runs-a');
    k8s = await FakeKubernetes.start();
    k8s.addDeployment({ namespace: 'prod', name: 'checkout', replicas: 2 });
    k8s.addDeployment({ namespace: 'prod', name: 'payments', replicas: 2 });
    api = await Receiver.start();
    await createMember(sut, tenant, 'admin@example.com', 'admin');
    await createMember(sut, tenant, 'viewer@example.com', 'viewer');
    admin = (await login(sut, 'admin@example.com', 'runs-a')).accessToken;
    viewer = (await login(sut, 'viewer@example.com', 'runs-a')).accessToken;
    await gql(
      `mutation ($n: String!, $v: SecretValue!) { setSecret(name: $n, value: $v) { name } }`,
      {
        n: 'API_TOKEN',
        v: 's3cret-token',
      },
    );
    await gql(
      `mutation ($i: RemediationSettingsInput!) { updateRemediationSettings(input: $i) { enabled } }`,
      {
        i: {
          allowPrivateNetwork: true,
          clusters: { default: { server: k8s.url, skipTlsVerify: true } },
        },
      },
    );
  });
  afterAll(async () => {
    api?.close();
    await k8s?.close();
    await sut?.close();
  });

  async function gql<T>(
    query: string,
    variables: Record<string, unknown> = {},
    key = tenant.adminKey,
  ): Promise<T> {
    const res = await sut.graphql<T>(key, query, variables);
    expect(res.errors).toBeUndefined();
    return res.data as T;
  }
  const save = (d: Record<string, unknown>) => gql(SAVE, { d });
  const start = async (id: string, input: Record<string, unknown> = {}) =>
    (await gql<{ startRunbook: { run: Run } }>(START, { id, input })).startRunbook.run;
  const run = async (id: string) => (await gql<{ runbookRun: Run }>(RUN, { id })).runbookRun;
  const settled = (id: string, statuses = ['succeeded', 'failed', 'cancelled', 'skipped']) =>
    until(
      () => run(id),
      (r) => statuses.includes(r.status),
      30_000,
      100,
    );

  it('restarts and scales through the Kubernetes API, calls HTTP with a secret, and records it all', async () => {
    await save({
      id: 'restart',
      name: 'Restart and scale',
      version: 1,
      trigger: { kind: 'manual' },
      secrets: ['API_TOKEN'],
      parameters: [
        { name: 'service', type: 'enum', allowed: ['checkout', 'payments'], required: true },
      ],
      steps: [
        {
          id: 'restart',
          kind: 'kubernetes',
          action: 'rollout_restart',
          namespace: 'prod',
          name: '{{ params.service }}',
        },
        {
          id: 'scale',
          kind: 'kubernetes',
          action: 'scale',
          namespace: 'prod',
          name: '{{ params.service }}',
          replicas: 4,
        },
        {
          id: 'tell',
          kind: 'http',
          method: 'POST',
          url: `${api.url}/deploys/{{ params.service }}`,
          headers: { authorization: 'Bearer {{ secrets.API_TOKEN }}' },
          body: '{"restarted":"{{ params.service }}"}',
        },
      ],
    });
    const started = await start('restart', { service: 'checkout' });
    const done = await settled(started.id);
    expect(done.status).toBe('succeeded');
    expect(done.steps.map((s) => s.status)).toEqual(['succeeded', 'succeeded', 'succeeded']);
    const deployment = k8s.deployment('prod', 'checkout') as {
      spec: { replicas: number; template: { metadata: { annotations: Record<string, string> } } };
    };
    expect(deployment.spec.replicas).toBe(4);
    expect(
      deployment.spec.template.metadata.annotations['kubectl.kubernetes.io/restartedAt'],
    ).toBeDefined();
    const call = api.calls.find((c) => c.url === '/deploys/checkout');
    expect(call).toMatchObject({
      method: 'POST',
      auth: 'Bearer s3cret-token',
      body: '{"restarted":"checkout"}',
    });
    // The stored action masks the secret; the audit log has the run and each step.
    expect(JSON.stringify(done.steps[2]!.action)).not.toContain('s3cret-token');
    expect(done.steps[2]!.action).toMatchObject({ headers: { authorization: 'Bearer ***' } });
    const audit = await gql<{
      auditLog: {
        edges: Array<{ node: { action: string; target: { id: string | null } | null } }>;
      };
    }>(`{ auditLog(first: 200) { edges { node { action target { id } } } } }`);
    const mine = audit.auditLog.edges
      .map((e) => e.node)
      .filter((e) => e.target?.id === started.id)
      .map((e) => e.action);
    expect(mine).toEqual(
      expect.arrayContaining([
        'runbook.run_started',
        'runbook.step_finished',
        'runbook.run_finished',
      ]),
    );
  });
});
