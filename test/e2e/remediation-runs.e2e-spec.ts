import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';

import { Client } from 'pg';

import { RunTriggersService } from 'src/modules/remediation/runs/run-triggers.service';

import { FakeKubernetes } from '../support/fake-kubernetes';
import { LoopbackReceiver } from '../support/loopback-receiver';
import { RUN_FIELDS, type RunView } from '../support/runbook-runs';
import { type TestTenant, TestVigil } from '../support/test-vigil';
import { createMember, login } from '../support/test-users';
import { until } from '../support/until';

jest.setTimeout(120_000);

const run_ = promisify(execFile);
const CLI = join(__dirname, '..', '..', 'dist', 'src', 'cli.js');

const SAVE = `mutation ($d: JSON!) { saveRunbook(definition: $d) { id version } }`;
const START = `mutation ($id: String!, $input: JSON, $dry: Boolean) {
  startRunbook(id: $id, input: $input, dryRun: $dry) { run { ${RUN_FIELDS} } dryRun { ok plan } }
}`;
const RUN = `query ($id: ID!) { runbookRun(id: $id) { ${RUN_FIELDS} } }`;
const APPROVE = `mutation ($run: ID!, $step: String!, $ok: Boolean) {
  approveRunbookStep(runId: $run, stepId: $step, approve: $ok) { status }
}`;

describe('runbook runs: execution, approvals, safety rails, restarts', () => {
  let sut: TestVigil;
  let tenant: TestTenant;
  let k8s: FakeKubernetes;
  let api: LoopbackReceiver;
  let admin: string;
  let viewer: string;

  beforeAll(async () => {
    sut = await TestVigil.start();
    tenant = await sut.createTenant('runs-a');
    k8s = await FakeKubernetes.start();
    k8s.addDeployment({ namespace: 'prod', name: 'checkout', replicas: 2 });
    for (const name of ['payments', 'orders', 'billing', 'search']) {
      k8s.addDeployment({ namespace: 'prod', name, replicas: 2 });
    }
    api = await LoopbackReceiver.start();
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
    await api?.close();
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
    (await gql<{ startRunbook: { run: RunView } }>(START, { id, input })).startRunbook.run;
  const run = async (id: string) => (await gql<{ runbookRun: RunView }>(RUN, { id })).runbookRun;
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
    const call = api.calls.find((c) => c.path === '/deploys/checkout');
    expect(call).toMatchObject({
      method: 'POST',
      authorization: 'Bearer s3cret-token',
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

  it('deletes a failing pod, cordons its node, and dispatches a GitHub Actions workflow', async () => {
    k8s.addPod({ namespace: 'prod', name: 'checkout-7f9c-x2' });
    k8s.addNode({ name: 'node-3' });
    await save({
      id: 'evict',
      name: 'Evict a pod and dispatch a workflow',
      version: 1,
      trigger: { kind: 'manual' },
      secrets: ['API_TOKEN'],
      parameters: [
        { name: 'pod', type: 'string', pattern: '[a-z0-9-]{1,63}', required: true },
        { name: 'node', type: 'string', pattern: 'node-[0-9]{1,3}', required: true },
      ],
      steps: [
        {
          id: 'delete',
          kind: 'kubernetes',
          action: 'delete_pod',
          namespace: 'prod',
          name: '{{ params.pod }}',
        },
        { id: 'cordon', kind: 'kubernetes', action: 'cordon_node', name: '{{ params.node }}' },
        {
          id: 'dispatch',
          kind: 'webhook',
          url: `${api.url}/repos/acme/infra/actions/workflows/drain.yml/dispatches`,
          headers: {
            authorization: 'Bearer {{ secrets.API_TOKEN }}',
            accept: 'application/vnd.github+json',
          },
          payload: '{"ref":"main","inputs":{"node":"{{ params.node }}","run":"{{ run.id }}"}}',
        },
      ],
    });
    const r = await start('evict', { pod: 'checkout-7f9c-x2', node: 'node-3' });
    const done = await settled(r.id);
    expect(done.status).toBe('succeeded');
    expect(k8s.pod('prod', 'checkout-7f9c-x2')).toBeUndefined();
    expect((k8s.node('node-3') as { spec: { unschedulable?: boolean } }).spec.unschedulable).toBe(
      true,
    );
    const dispatch = api.calls.find((c) => c.path.endsWith('/drain.yml/dispatches'));
    expect(dispatch?.authorization).toBe('Bearer s3cret-token');
    expect(JSON.parse(dispatch!.body)).toEqual({
      ref: 'main',
      inputs: { node: 'node-3', run: r.id },
    });
  });

  it('stops a run whose parameter fails validation before any call, and a dry run calls nothing', async () => {
    const before = { k8s: k8s.requests.length, api: api.calls.length };
    const res = await sut.graphql(tenant.adminKey, START, {
      id: 'restart',
      input: { service: 'checkout; kubectl delete ns prod' },
    });
    expect(res.errors?.[0]?.message).toMatch(/parameters did not validate.*service/);
    expect(res.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT' });
    const dry = await gql<{
      startRunbook: {
        run: null;
        dryRun: { ok: boolean; plan: { steps: Array<{ action: Record<string, unknown> }> } };
      };
    }>(START, { id: 'restart', input: { service: 'payments' }, dry: true });
    expect(dry.startRunbook.run).toBeNull();
    expect(dry.startRunbook.dryRun.ok).toBe(true);
    expect(dry.startRunbook.dryRun.plan.steps[2]!.action).toMatchObject({
      url: `${api.url}/deploys/payments`,
      headers: { authorization: 'Bearer ***' },
    });
    expect({ k8s: k8s.requests.length, api: api.calls.length }).toEqual(before);
    const none = await gql<{ runbookRuns: RunView[] }>(
      `{ runbookRuns(filter: { runbookId: "restart" }) { id } }`,
    );
    expect(none.runbookRuns).toHaveLength(1); // only the first test's run
  });

  describe('approvals', () => {
    beforeAll(async () => {
      await save({
        id: 'approve-then-call',
        name: 'Ask, then call',
        version: 1,
        trigger: { kind: 'manual' },
        steps: [
          { id: 'ask', kind: 'approval', roles: ['admin'], timeoutSeconds: 5, message: 'May I?' },
          { id: 'call', kind: 'http', method: 'POST', url: `${api.url}/approved` },
        ],
      });
    });
    const waiting = (id: string) => settled(id, ['waiting']);
    const calledApproved = () => api.calls.filter((c) => c.path === '/approved').length;

    it('goes on when a member with the role approves', async () => {
      const r = await start('approve-then-call');
      await waiting(r.id);
      const before = calledApproved();
      const approved = await sut.graphql(admin, APPROVE, { run: r.id, step: 'ask', ok: true });
      expect(approved.errors).toBeUndefined();
      const done = await settled(r.id);
      expect(done.status).toBe('succeeded');
      expect(done.steps[0]).toMatchObject({ status: 'succeeded', decidedBy: 'admin@example.com' });
      expect(calledApproved()).toBe(before + 1);
    });

    it('refuses viewers and API keys, and stops on a refusal', async () => {
      const r = await start('approve-then-call');
      await waiting(r.id);
      const byViewer = await sut.graphql(viewer, APPROVE, { run: r.id, step: 'ask', ok: true });
      expect(byViewer.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN' });
      expect(byViewer.errors?.[0]?.message).toMatch(/needs the role admin/);
      const byKey = await sut.graphql(tenant.adminKey, APPROVE, {
        run: r.id,
        step: 'ask',
        ok: true,
      });
      expect(byKey.errors?.[0]?.message).toMatch(/given by people/);
      const before = calledApproved();
      await gql(APPROVE, { run: r.id, step: 'ask', ok: false }, admin);
      const done = await settled(r.id);
      expect(done.status).toBe('failed');
      expect(done.reason).toMatch(/refused by admin@example.com/);
      expect(done.steps.map((s) => s.status)).toEqual(['failed', 'skipped']);
      expect(calledApproved()).toBe(before);
      const again = await sut.graphql(admin, APPROVE, { run: r.id, step: 'ask', ok: true });
      expect(again.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT' });
    });

    it('times out when nobody answers', async () => {
      const r = await start('approve-then-call');
      const done = await settled(r.id, ['failed']);
      expect(done.steps[0]).toMatchObject({ status: 'failed', error: 'no decision within 5 s' });
      expect(done.steps[0]!.output).toMatchObject({ decision: 'timed_out' });
    });
  });

  describe('safety rails', () => {
    it('limits actions per target per hour and the blast radius of a run', async () => {
      await save({
        id: 'restart-limited',
        name: 'Restart (limited)',
        version: 1,
        trigger: { kind: 'manual' },
        limits: { maxActionsPerTargetPerHour: 2, maxTargets: 1 },
        parameters: [
          { name: 'other', type: 'enum', allowed: ['billing', 'search'], default: 'billing' },
        ],
        steps: [
          {
            id: 'orders',
            kind: 'kubernetes',
            action: 'rollout_restart',
            namespace: 'prod',
            name: 'orders',
          },
          {
            id: 'other',
            kind: 'kubernetes',
            action: 'rollout_restart',
            namespace: 'prod',
            name: '{{ params.other }}',
            on_failure: 'continue',
          },
        ],
      });
      const outcomes: RunView[] = [];
      for (let i = 0; i < 3; i++) outcomes.push(await settled((await start('restart-limited')).id));
      // Each run may touch one target: the second restart is beyond the blast radius.
      for (const r of outcomes.slice(0, 2)) {
        expect(r.steps[1]).toMatchObject({
          status: 'failed',
          error: expect.stringMatching(/blast radius/),
        });
      }
      expect(outcomes.slice(0, 2).map((r) => r.status)).toEqual(['succeeded', 'succeeded']);
      expect(outcomes[2]!.status).toBe('failed');
      expect(outcomes[2]!.steps[1]!.status).toBe('skipped');
      expect(outcomes[2]!.steps[0]!.error).toMatch(
        /rate limit: kubernetes:default\/deployment\/prod\/orders was acted on 2 times/,
      );
      const restarts = k8s.requests.filter(
        (q) => q.method === 'PATCH' && q.path.endsWith('/deployments/orders'),
      );
      expect(restarts).toHaveLength(2);
      expect(k8s.requests.some((q) => q.path.endsWith('/deployments/billing'))).toBe(false);
    });

    it('limits runs per hour', async () => {
      // Written as YAML, as people keep runbooks in their repositories.
      const saved = await gql<{ saveRunbook: { id: string; version: number } }>(SAVE, {
        d: [
          'id: twice-an-hour',
          'name: Twice an hour',
          'version: 1',
          'trigger: { kind: manual }',
          'limits: { maxRunsPerHour: 2 }',
          'steps:',
          '  - id: ping',
          '    kind: http',
          '    method: GET',
          `    url: ${api.url}/ping`,
        ].join('\n'),
      });
      expect(saved.saveRunbook).toEqual({ id: 'twice-an-hour', version: 1 });
      await start('twice-an-hour');
      await start('twice-an-hour');
      const third = await sut.graphql(tenant.adminKey, START, { id: 'twice-an-hour' });
      expect(third.errors?.[0]?.extensions).toMatchObject({ code: 'RATE_LIMITED' });
    });

    it('halts on the tenant kill switch and on the global one', async () => {
      await save({
        id: 'slow',
        name: 'Slow',
        version: 1,
        trigger: { kind: 'manual' },
        steps: [
          { id: 'pause', kind: 'wait', durationSeconds: 2 },
          { id: 'after', kind: 'http', method: 'POST', url: `${api.url}/after-pause` },
        ],
      });
      const r = await start('slow');
      await settled(r.id, ['waiting']);
      await gql(`mutation { setRemediationEnabled(enabled: false) { enabled haltedBy } }`);
      const done = await settled(r.id, ['cancelled']);
      expect(done.reason).toMatch(/halted for this tenant/);
      expect(api.calls.some((c) => c.path === '/after-pause')).toBe(false);
      const refused = await sut.graphql(tenant.adminKey, START, { id: 'slow' });
      expect(refused.errors?.[0]?.extensions).toMatchObject({ code: 'HALTED' });
      await gql(`mutation { setRemediationEnabled(enabled: true) { enabled } }`);

      // The installation-wide switch, from the operator's CLI.
      if (!existsSync(CLI)) throw new Error(`build first: ${CLI} is missing (npm test builds it)`);
      const env = { ...process.env, DATABASE_URL: sut.databaseUrl, REDIS_PREFIX: sut.redisPrefix };
      const vigil = (...args: string[]) => run_(process.execPath, [CLI, ...args], { env });
      expect((await vigil('remediation', 'halt')).stdout).toMatch(
        /halted for the whole installation/,
      );
      try {
        const settings = await gql<{ remediationSettings: { globallyHalted: boolean } }>(
          `{ remediationSettings { globallyHalted } }`,
        );
        expect(settings.remediationSettings.globallyHalted).toBe(true);
        const global = await sut.graphql(tenant.adminKey, START, { id: 'slow' });
        expect(global.errors?.[0]?.message).toMatch(/halted for the whole installation/);
      } finally {
        expect((await vigil('remediation', 'resume')).stdout).toMatch(/resumed/);
      }
      expect((await vigil('remediation', 'status')).stdout).toMatch(/running/);
    });

    it('cancels a waiting run on request, and deletes a runbook only once its runs ended', async () => {
      const r = await start('slow');
      await settled(r.id, ['waiting']);
      const early = await sut.graphql(tenant.adminKey, `mutation { deleteRunbook(id: "slow") }`);
      expect(early.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT' });
      await gql(`mutation ($id: ID!) { cancelRunbookRun(runId: $id) { id } }`, { id: r.id });
      const done = await settled(r.id, ['cancelled']);
      expect(done.reason).toMatch(/cancelled by/);
      expect(done.steps.map((s) => s.status)).toEqual(['cancelled', 'skipped']);
      expect(await gql(`mutation { deleteRunbook(id: "slow") }`)).toEqual({ deleteRunbook: true });
      expect(
        await gql(
          `{ runbook(id: "slow") { id } runbookRuns(filter: { runbookId: "slow" }) { id } }`,
        ),
      ).toEqual({ runbook: null, runbookRuns: [] });
      expect(await gql(`mutation { deleteRunbook(id: "slow") }`)).toEqual({ deleteRunbook: false });
    });
  });

  describe('restarts', () => {
    beforeAll(async () => {
      await save({
        id: 'two-calls',
        name: 'Call, wait, call',
        version: 1,
        trigger: { kind: 'manual' },
        parameters: [{ name: 'tag', type: 'string', pattern: '[a-z0-9]{1,20}', required: true }],
        steps: [
          { id: 'first', kind: 'http', method: 'POST', url: `${api.url}/first/{{ params.tag }}` },
          { id: 'pause', kind: 'wait', durationSeconds: 2 },
          { id: 'second', kind: 'http', method: 'POST', url: `${api.url}/second/{{ params.tag }}` },
        ],
      });
    });
    const calls = (path: string) => api.calls.filter((c) => c.path === path).length;

    it('resumes a run on another process after the one that started it stops', async () => {
      const replica = await sut.replica();
      let closed = false;
      try {
        const res = await replica.graphql<{ startRunbook: { run: RunView } }>(
          tenant.adminKey,
          START,
          {
            id: 'two-calls',
            input: { tag: 'resume' },
          },
        );
        expect(res.errors).toBeUndefined();
        const id = res.data!.startRunbook.run.id;
        await settled(id, ['waiting']);
        await replica.close();
        closed = true;
        const done = await settled(id);
        expect(done.status).toBe('succeeded');
        expect([calls('/first/resume'), calls('/second/resume')]).toEqual([1, 1]);
      } finally {
        if (!closed) await replica.close();
      }
    });

    it('never repeats a non-idempotent step interrupted mid-call, and repeats an idempotent one', async () => {
      const db = new Client({ connectionString: sut.databaseUrl });
      await db.connect();
      try {
        // As a crash would leave it: `second` began (attempt 1) but its outcome was never written.
        const interrupt = async (id: string) => {
          await settled(id, ['waiting']);
          await db.query(
            `UPDATE runbook_run_steps SET status = CASE index WHEN 1 THEN 'succeeded' ELSE 'running' END,
                    attempts = CASE index WHEN 2 THEN 1 ELSE attempts END, resume_at = NULL
              WHERE run_id = $1 AND index IN (1, 2)`,
            [id],
          );
          await db.query(`UPDATE runbook_runs SET current_step = 2 WHERE id = $1`, [id]);
        };
        const a = await start('two-calls', { tag: 'unsafe' });
        await interrupt(a.id);
        const failed = await settled(a.id);
        expect(failed.status).toBe('failed');
        expect(failed.steps[2]!.error).toMatch(/not repeated because the step is not idempotent/);
        expect(calls('/second/unsafe')).toBe(0);

        const def = await gql<{
          runbook: { definition: { steps: Array<Record<string, unknown>> } };
        }>(`{ runbook(id: "two-calls") { definition } }`);
        const steps = def.runbook.definition.steps;
        steps[2] = { ...steps[2], idempotent: true };
        await save({ ...def.runbook.definition, steps });
        const b = await start('two-calls', { tag: 'safe' });
        await interrupt(b.id);
        const done = await settled(b.id);
        expect(done.status).toBe('succeeded');
        expect(done.steps[2]!.attempts).toBe(2);
        expect(calls('/second/safe')).toBe(1);
      } finally {
        await db.end();
      }
    });
  });

  describe('triggers', () => {
    const runsOf = async (runbookId: string) =>
      (
        await gql<{ runbookRuns: Array<RunView & { trigger: Record<string, unknown> }> }>(
          `query ($id: String) { runbookRuns(filter: { runbookId: $id }) { ${RUN_FIELDS} trigger } }`,
          { id: runbookId },
        )
      ).runbookRuns;

    it('starts runbooks when an anomaly of their kind opens and when an incident opens', async () => {
      await gql(
        'mutation { updateDetectionSettings(input: { learningHours: 0, detectors: [NEW_PATTERN] }) { learningHours } }',
      );
      const channel = await gql<{ createAlertChannel: { channel: { id: string } } }>(
        'mutation ($i: CreateAlertChannelInput!) { createAlertChannel(input: $i) { channel { id } } }',
        { i: { name: 'hook', allowPrivateNetwork: true, webhook: { url: `${api.url}/hook` } } },
      );
      await gql('mutation ($i: CreateAlertRuleInput!) { createAlertRule(input: $i) { id } }', {
        i: {
          name: 'New errors',
          severity: 'HIGH',
          condition: { kind: 'ANOMALY', detectorKinds: ['new_pattern'] },
          route: { channelIds: [channel.createAlertChannel.channel.id], groupBy: ['service'] },
        },
      });
      await save({
        id: 'on-anomaly',
        name: 'On a new pattern in inventory',
        version: 1,
        trigger: { kind: 'anomaly', anomalyKind: 'new_pattern', service: 'inventory' },
        parameters: [
          { name: 'service', type: 'enum', from: 'anomaly.service', allowed: ['inventory'] },
          // The triggering line's pattern parameter, checked like any input.
          { name: 'sku', type: 'integer', from: 'pattern.param.0', min: 1, max: 99999 },
        ],
        steps: [
          {
            id: 'look',
            kind: 'http',
            method: 'GET',
            url: `${api.url}/anomaly/{{ params.service }}/{{ params.sku }}`,
          },
        ],
      });
      await save({
        id: 'on-incident',
        name: 'On a high incident',
        version: 1,
        trigger: { kind: 'incident', severity: 'high' },
        steps: [{ id: 'open', kind: 'http', method: 'POST', url: `${api.url}/incident` }],
      });
      const shipped = await fetch(`${sut.url}/api/v1/logs`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${tenant.ingestKey}`,
          'content-type': 'application/json',
        },
        body: JSON.stringify([
          {
            '@timestamp': new Date().toISOString(),
            level: 'error',
            service: 'inventory',
            message: 'stock reservation failed for sku 4711: lock wait timeout exceeded',
          },
        ]),
      });
      expect(shipped.status).toBeLessThan(300);
      const fromAnomaly = await until(
        () => runsOf('on-anomaly'),
        (r) => r[0]?.status === 'succeeded',
        30_000,
        200,
      );
      expect(fromAnomaly).toHaveLength(1);
      expect(fromAnomaly[0]!.trigger).toMatchObject({
        kind: 'anomaly',
        service: 'inventory',
        anomalyKind: 'new_pattern',
      });
      expect(fromAnomaly[0]!.params).toEqual({ service: 'inventory', sku: 4711 });
      const fromIncident = await until(
        () => runsOf('on-incident'),
        (r) => r[0]?.status === 'succeeded',
        30_000,
        200,
      );
      expect(fromIncident).toHaveLength(1);
      expect(fromIncident[0]!.trigger).toMatchObject({ kind: 'incident' });
      expect(api.calls.filter((c) => c.path === '/anomaly/inventory/4711')).toHaveLength(1);
      expect(api.calls.filter((c) => c.path === '/incident')).toHaveLength(1);
    });

    it('starts scheduled runbooks once per due slot', async () => {
      await save({
        id: 'hourly-check',
        name: 'At minute 30',
        version: 1,
        trigger: { kind: 'schedule', cron: '30 * * * *' },
        steps: [{ id: 'ping', kind: 'http', method: 'GET', url: `${api.url}/scheduled` }],
      });
      const triggers = sut.vigil.app.get(RunTriggersService);
      await triggers.schedule(new Date('2026-11-26T10:29:00Z'));
      await triggers.schedule(new Date('2026-11-26T10:30:00Z'));
      await triggers.schedule(new Date('2026-11-26T10:30:20Z')); // the same slot
      const runs = await until(
        () => runsOf('hourly-check'),
        (r) => r.length === 1 && r[0]!.status === 'succeeded',
        10_000,
      );
      expect(runs).toHaveLength(1);
      expect(runs[0]!.trigger).toEqual({ kind: 'schedule', slot: '2026-11-26T10:30:00.000Z' });
    });
  });

  it('pages runs newest first with cursors', async () => {
    const PAGE = `query ($after: String) { runbookRuns(first: 3, after: $after) { id cursor createdAt } }`;
    type Page = { runbookRuns: Array<{ id: string; cursor: string; createdAt: string }> };
    const all = (
      await gql<{ runbookRuns: Array<{ id: string }> }>(`{ runbookRuns(first: 200) { id } }`)
    ).runbookRuns.map((r) => r.id);
    const seen: string[] = [];
    let after: string | null = null;
    for (;;) {
      const page: Page = await gql<Page>(PAGE, { after });
      seen.push(...page.runbookRuns.map((r) => r.id));
      if (page.runbookRuns.length < 3) break;
      after = page.runbookRuns.at(-1)!.cursor;
    }
    expect(seen).toEqual(all);
    expect(all.length).toBeGreaterThan(6);
    const bad = await sut.graphql(tenant.adminKey, PAGE, { after: 'not-a-cursor' });
    expect(bad.errors?.[0]?.message).toBe('invalid cursor');
  });
});
