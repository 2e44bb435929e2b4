import { DEFAULT_RUNBOOK_LIMITS, type RunbookDefinition } from '../runbook/runbook.types';
import type { RemediationSettings } from './remediation-settings.service';
import { limitsOf, mayApprove } from './run-executor.service';
import { targetOf } from './step-actions';

const settings = (limits: Partial<RemediationSettings['limits']> = {}): RemediationSettings => ({
  enabled: true,
  haltedBy: null,
  maxRunsPerHour: 30,
  limits: { ...DEFAULT_RUNBOOK_LIMITS, ...limits },
  allowPrivateNetwork: false,
  clusters: {},
});
const runbook = (limits?: RunbookDefinition['limits']): RunbookDefinition => ({
  id: 'r',
  name: 'r',
  version: 1,
  trigger: { kind: 'manual' },
  ...(limits ? { limits } : {}),
  steps: [{ id: 'w', kind: 'wait', durationSeconds: 1 }],
});

describe('mayApprove', () => {
  it('accepts the listed role and more powerful ones, never API keys', () => {
    expect(mayApprove('admin', ['admin'])).toBe(true);
    expect(mayApprove('owner', ['admin'])).toBe(true);
    expect(mayApprove('editor', ['admin'])).toBe(false);
    expect(mayApprove('viewer', ['editor', 'viewer'])).toBe(true);
    expect(mayApprove(null, ['viewer'])).toBe(false);
    expect(mayApprove('owner', ['sre'])).toBe(false);
  });
});

describe('limitsOf', () => {
  it('lets a runbook tighten the tenant limits but never loosen them', () => {
    expect(limitsOf(runbook(), settings())).toEqual(DEFAULT_RUNBOOK_LIMITS);
    expect(limitsOf(runbook({ maxTargets: 2, maxRunsPerHour: 50 }), settings())).toMatchObject({
      maxTargets: 2,
      maxRunsPerHour: DEFAULT_RUNBOOK_LIMITS.maxRunsPerHour,
    });
    expect(
      limitsOf(
        runbook({ maxActionsPerTargetPerHour: 9 }),
        settings({ maxActionsPerTargetPerHour: 1 }),
      ),
    ).toMatchObject({ maxActionsPerTargetPerHour: 1 });
    expect(limitsOf(runbook({ loopWindowSeconds: 600 }), settings()).loopWindowSeconds).toBe(600);
  });
});

describe('targetOf', () => {
  it('names Kubernetes objects and written HTTP endpoints; reads touch nothing', () => {
    expect(
      targetOf({ kind: 'kubernetes', action: 'rollout_restart', namespace: 'prod', name: 'api' }),
    ).toBe('kubernetes:default/deployment/prod/api');
    expect(targetOf({ kind: 'kubernetes', action: 'cordon_node', cluster: 'eu', name: 'n1' })).toBe(
      'kubernetes:eu/node/n1',
    );
    expect(
      targetOf({ kind: 'kubernetes', action: 'delete_pod', namespace: 'prod', name: 'api-7f' }),
    ).toBe('kubernetes:default/pod/prod/api-7f');
    expect(
      targetOf({
        kind: 'http',
        method: 'POST',
        url: 'https://x.example/v1/restart?id=3',
        headers: {},
      }),
    ).toBe('http:https://x.example/v1/restart');
    expect(
      targetOf({ kind: 'http', method: 'GET', url: 'https://x.example/health', headers: {} }),
    ).toBeNull();
    expect(targetOf({ kind: 'wait', durationSeconds: 5 })).toBeNull();
  });
});
