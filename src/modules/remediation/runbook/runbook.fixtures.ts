import { type RunbookDefinition } from './runbook.types';

/**
 * A restart runbook used by the specs: the deployment comes from an alert label and must be on an
 * allowlist; the run restarts it, verifies the errors stopped and tells the team.
 */
export function restartRunbook(): RunbookDefinition {
  return {
    $schema: 'https://vigil.dev/schemas/runbook-v1.json',
    id: 'restart-on-errors',
    name: 'Restart a deployment that floods errors',
    version: 3,
    trigger: { kind: 'alert', ruleId: 'rule-errors' },
    parameters: [
      {
        name: 'service',
        type: 'enum',
        from: 'alert.labels.service',
        allowed: ['checkout', 'payments'],
        required: true,
      },
      { name: 'namespace', type: 'string', pattern: '[a-z][a-z0-9-]{0,30}', default: 'prod' },
    ],
    secrets: ['PAGER_TOKEN'],
    steps: [
      {
        id: 'ask',
        kind: 'approval',
        roles: ['admin'],
        timeoutSeconds: 900,
        message: 'Restart {{ params.service }}? Severity {{ alert.labels.severity }}',
        on_timeout: 'stop',
      },
      {
        id: 'restart',
        kind: 'kubernetes',
        action: 'rollout_restart',
        namespace: '{{ params.namespace }}',
        name: '{{ params.service }}',
        on_failure: 'page',
      },
      {
        id: 'check',
        kind: 'verify',
        check: { source: 'logs', query: 'level:error', service: '{{ params.service }}' },
        windowSeconds: 300,
        condition: 'count == 0',
        timeoutSeconds: 600,
        on_failure: 'page',
      },
      {
        id: 'done',
        kind: 'notify',
        channel: 'slack-sre',
        message: 'Restarted {{ params.service }} (run {{ run.id }})',
        when: "steps.check.status == 'succeeded'",
        on_failure: 'continue',
      },
      {
        id: 'page',
        kind: 'http',
        method: 'POST',
        url: 'https://pager.example/v1/incidents/{{ params.service }}?run={{ run.id }}',
        headers: { Authorization: 'Bearer {{ secrets.PAGER_TOKEN }}' },
        body: '{"service":"{{ params.service }}","summary":"{{ alert.annotations.summary }}"}',
        when: "steps.check.status != 'succeeded'",
      },
    ],
  };
}
