import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import { restartRunbook } from 'src/modules/remediation/runbook/runbook.fixtures';

import { type TestTenant, TestVigil } from '../support/test-vigil';
import { until } from '../support/until';

jest.setTimeout(90_000);

const SAVE = `mutation ($d: JSON!) { saveRunbook(definition: $d) { id name version trigger } }`;
const DRY_RUN = `mutation ($id: String!, $fp: ID) {
  dryRunRunbook(id: $id, alertFingerprint: $fp) { ok parameterErrors { parameter message } plan }
}`;

/** The specs' restart runbook, with the annotation Vigil's alerts carry (`explanation`). */
function runbook(): ReturnType<typeof restartRunbook> {
  return JSON.parse(
    JSON.stringify(restartRunbook()).replace(
      'alert.annotations.summary',
      'alert.annotations.explanation',
    ),
  ) as ReturnType<typeof restartRunbook>;
}

interface Plan {
  ok: boolean;
  steps: Array<{ id: string; action?: Record<string, unknown>; error?: string }>;
}

describe('runbooks: versions, validation with paths, dry runs that call nothing', () => {
  let sut: TestVigil;
  let tenant: TestTenant;
  let receiver: Server;
  const calls: string[] = [];

  beforeAll(async () => {
    sut = await TestVigil.start();
    tenant = await sut.createTenant('runbooks-a');
    receiver = createServer((req, res) => {
      calls.push(req.url ?? '');
      req.resume();
      req.on('end', () => res.writeHead(200).end('{}'));
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
    await gql(
      'mutation { updateDetectionSettings(input: { learningHours: 0, detectors: [NEW_PATTERN] }) { learningHours } }',
    );
    const channel = await gql<{ createAlertChannel: { channel: { id: string } } }>(
      'mutation ($i: CreateAlertChannelInput!) { createAlertChannel(input: $i) { channel { id } } }',
      { i: { name: 'hook', allowPrivateNetwork: true, webhook: { url } } },
    );
    await gql('mutation ($i: CreateAlertRuleInput!) { createAlertRule(input: $i) { id } }', {
      i: {
        name: 'Errors',
        severity: 'HIGH',
        condition: { kind: 'ANOMALY', detectorKinds: ['new_pattern'] },
        route: { channelIds: [channel.createAlertChannel.channel.id], groupBy: ['service'] },
      },
    });
  });
  afterAll(async () => {
    receiver?.close();
    await sut?.close();
  });

  async function gql<T>(query: string, variables: Record<string, unknown> = {}): Promise<T> {
    const res = await sut.graphql<T>(tenant.adminKey, query, variables);
    expect(res.errors).toBeUndefined();
    return res.data as T;
  }
  /** An error line on `service`, and the alert it raises. */
  const alertOn = async (service: string, message: string) => {
    const res = await fetch(`${sut.url}/api/v1/logs`, {
      method: 'POST',
      headers: { authorization: `Bearer ${tenant.ingestKey}`, 'content-type': 'application/json' },
      body: JSON.stringify([
        { '@timestamp': new Date().toISOString(), level: 'error', service, message },
      ]),
    });
    expect(res.status).toBe(200);
    const alerts = await until(
      () =>
        gql<{ alerts: Array<{ fingerprint: string; labels: Record<string, string> }> }>(
          '{ alerts { fingerprint labels } }',
        ),
      (a) => a.alerts.some((x) => x.labels.service === service),
      15_000,
    );
    return alerts.alerts.find((x) => x.labels.service === service)!.fingerprint;
  };

  it('saves each change as a new version and keeps the earlier ones', async () => {
    const first = await gql<{ saveRunbook: { id: string; version: number; trigger: unknown } }>(
      SAVE,
      { d: runbook() },
    );
    expect(first.saveRunbook).toMatchObject({
      id: 'restart-on-errors',
      version: 1,
      trigger: { kind: 'alert', ruleId: 'rule-errors' },
    });
    const second = await gql<{ saveRunbook: { version: number; name: string } }>(SAVE, {
      d: { ...runbook(), name: 'Restart a noisy deployment' },
    });
    expect(second.saveRunbook).toMatchObject({ version: 2, name: 'Restart a noisy deployment' });
    const versions = await gql<{
      runbookVersions: Array<{ version: number; definition: { name: string; version: number } }>;
    }>('{ runbookVersions(id: "restart-on-errors") { version definition } }');
    expect(
      versions.runbookVersions.map((v) => [v.version, v.definition.version, v.definition.name]),
    ).toEqual([
      [2, 2, 'Restart a noisy deployment'],
      [1, 1, 'Restart a deployment that floods errors'],
    ]);
  });

  it('refuses an invalid runbook with every problem and its path, and saves nothing', async () => {
    const validate = async (d: unknown) =>
      (
        await gql<{
          validateRunbook: { ok: boolean; errors: Array<{ path: string; message: string }> };
        }>('query ($d: JSON!) { validateRunbook(definition: $d) { ok errors { path message } } }', {
          d,
        })
      ).validateRunbook;
    // A schema problem…
    const bad = runbook();
    (bad.steps[1] as unknown as Record<string, unknown>).action = 'reboot_everything';
    const schema = await validate(bad);
    expect(schema.ok).toBe(false);
    expect(schema.errors.map((e) => e.path)).toContain('/steps/1/action');
    // …and one only the semantic checks see: a jump to a step that does not exist.
    const dangling = runbook();
    (dangling.steps[2] as unknown as Record<string, unknown>).on_failure = 'nowhere';
    const semantic = await validate(dangling);
    expect(semantic.errors.map((e) => e.path)).toEqual(['/steps/2/on_failure']);
    expect(semantic.errors[0]!.message).toContain('nowhere');

    const res = await sut.graphql(tenant.adminKey, SAVE, { d: { ...bad, id: 'broken' } });
    expect(res.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(res.errors?.[0]?.message).toContain('/steps/1/action');
    const list = await gql<{ runbooks: Array<{ id: string }> }>('{ runbooks { id } }');
    expect(list.runbooks.map((r) => r.id)).toEqual(['restart-on-errors']);
  });

  it('dry-runs from a real alert: every call resolved, secrets masked, nothing called', async () => {
    const fp = await alertOn('checkout', 'Checkout worker crashed: heap exhausted at 2.1 GiB');
    const before = calls.length;
    const dry = await gql<{ dryRunRunbook: { ok: boolean; plan: Plan } }>(DRY_RUN, {
      id: 'restart-on-errors',
      fp,
    });
    expect(dry.dryRunRunbook.ok).toBe(true);
    const steps = Object.fromEntries(dry.dryRunRunbook.plan.steps.map((s) => [s.id, s.action]));
    expect(steps.restart).toMatchObject({
      kind: 'kubernetes',
      action: 'rollout_restart',
      namespace: 'prod',
      name: 'checkout',
    });
    expect(steps.page).toMatchObject({ kind: 'http', method: 'POST' });
    expect(String(steps.page!.url)).toMatch(
      /^https:\/\/pager\.example\/v1\/incidents\/checkout\?run=/,
    );
    expect(steps.page!.headers).toEqual({ Authorization: 'Bearer ***' });
    expect(calls.length).toBe(before); // nothing was called (the webhook receiver saw nothing new)
  });

  it('stops before any step when a value taken from the logs fails its allowlist', async () => {
    const fp = await alertOn('checkout; rm -rf /', 'Injected service name tries its luck');
    const dry = await gql<{
      dryRunRunbook: {
        ok: boolean;
        parameterErrors: Array<{ parameter: string; message: string }>;
        plan: Plan | null;
      };
    }>(DRY_RUN, { id: 'restart-on-errors', fp });
    expect(dry.dryRunRunbook.ok).toBe(false);
    expect(dry.dryRunRunbook.plan).toBeNull();
    expect(dry.dryRunRunbook.parameterErrors.map((e) => e.parameter)).toEqual(['service']);
    const audit = await gql<{ auditLog: { edges: Array<{ node: { action: string } }> } }>(
      '{ auditLog(first: 20) { edges { node { action } } } }',
    );
    const actions = audit.auditLog.edges.map((e) => e.node.action);
    expect(actions.filter((a) => a === 'runbook.dry_run')).toHaveLength(2);
    expect(actions.filter((a) => a === 'runbook.saved')).toHaveLength(2);
  });
});
