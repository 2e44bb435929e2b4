import { bindParameters } from './parameters';
import { planRun } from './plan';
import { restartRunbook } from './runbook.fixtures';
import { type RunbookDefinition } from './runbook.types';
import { validateRunbook } from './validate-runbook';

describe('planRun', () => {
  const alert = {
    labels: { service: 'checkout', severity: 'critical' },
    annotations: { summary: 'errors "spiking"' },
  };

  it('resolves every step of the restart runbook with secrets masked', () => {
    const runbook = restartRunbook();
    const bound = bindParameters(runbook.parameters ?? [], { alert });
    if (!bound.ok) throw new Error('bind failed');
    const plan = planRun(
      runbook,
      { params: bound.values, run: { id: 'r-1' }, alert },
      { dryRun: true },
    );
    expect(plan.ok).toBe(true);
    expect(plan.steps.map((s) => s.action)).toEqual([
      {
        kind: 'approval',
        roles: ['admin'],
        message: 'Restart checkout? Severity critical',
        on_timeout: 'stop',
        on_refusal: 'stop',
      },
      { kind: 'kubernetes', action: 'rollout_restart', namespace: 'prod', name: 'checkout' },
      {
        kind: 'verify',
        check: { source: 'logs', query: 'level:error', service: 'checkout' },
        windowSeconds: 300,
        condition: 'count == 0',
        pollSeconds: 30,
      },
      { kind: 'notify', channel: 'slack-sre', message: 'Restarted checkout (run r-1)' },
      {
        kind: 'http',
        method: 'POST',
        url: 'https://pager.example/v1/incidents/checkout?run=r-1',
        headers: { Authorization: 'Bearer ***' },
        body: '{"service":"checkout","summary":"errors \\"spiking\\""}',
      },
    ]);
    expect(plan.steps[3]!.when).toEqual({
      expression: "steps.check.status == 'succeeded'",
      result: 'unknown',
    });
    expect(plan.steps.map((s) => s.idempotent)).toEqual([false, false, true, false, false]);
  });

  it('stops an injection through a loose parameter at the step that would use it', () => {
    const runbook: RunbookDefinition = {
      ...restartRunbook(),
      parameters: [{ name: 'service', type: 'string', from: 'alert.labels.service' }],
      steps: [
        {
          id: 'restart',
          kind: 'kubernetes',
          action: 'rollout_restart',
          namespace: 'prod',
          name: '{{ params.service }}',
        },
        {
          id: 'call',
          kind: 'http',
          method: 'POST',
          url: 'https://x/restart/{{ params.service }}',
          body: '{"s":"{{ params.service }}"}',
        },
      ],
    };
    expect(validateRunbook(runbook).ok).toBe(true);
    const evil = 'svc; rm -rf /"}';
    const bound = bindParameters(runbook.parameters ?? [], {
      alert: { labels: { service: evil } },
    });
    if (!bound.ok) throw new Error('bind failed');
    const plan = planRun(runbook, { params: bound.values, run: { id: 'r-2' } }, { dryRun: true });
    expect(plan.ok).toBe(false);
    expect(plan.steps[0]!.error).toBe('name "svc; rm -rf /\\"}" is not a valid Kubernetes name');
    expect(plan.steps[1]!.action).toEqual({
      kind: 'http',
      method: 'POST',
      url: 'https://x/restart/svc%3B%20rm%20-rf%20%2F%22%7D',
      headers: {},
      body: '{"s":"svc; rm -rf /\\"}"}',
    });
  });

  it('reports a missing path and a false condition', () => {
    const runbook: RunbookDefinition = {
      ...restartRunbook(),
      parameters: [{ name: 'n', type: 'integer' }],
      steps: [
        {
          id: 's',
          kind: 'kubernetes',
          action: 'scale',
          namespace: 'prod',
          name: 'api',
          replicas: '{{ params.n }}',
          when: 'params.n > 0',
        },
      ],
    };
    expect(
      planRun(runbook, { params: {}, run: { id: 'r' } }, { dryRun: true }).steps[0]!.error,
    ).toBe("'params.n' is not defined");
    const zero = planRun(runbook, { params: { n: 0 }, run: { id: 'r' } }, { dryRun: true })
      .steps[0]!;
    expect(zero.when).toEqual({ expression: 'params.n > 0', result: false });
    expect(zero.action).toMatchObject({ replicas: 0 });
  });
});
