import { restartRunbook } from './runbook.fixtures';
import { type RunbookStep } from './runbook.types';
import { validateRunbook } from './validate-runbook';

function withSteps(...steps: unknown[]): unknown {
  return { ...restartRunbook(), steps };
}

function errorsOf(input: unknown): Array<{ path: string; message: string }> {
  const result = validateRunbook(input);
  if (result.ok) throw new Error('expected errors');
  return result.errors;
}

describe('validateRunbook', () => {
  it('accepts the restart runbook', () => {
    const result = validateRunbook(restartRunbook());
    expect(result.ok).toBe(true);
  });

  it('turns schema errors into exact paths with plain messages', () => {
    const doc = restartRunbook() as unknown as Record<string, unknown>;
    const steps = doc.steps as Array<Record<string, unknown>>;
    delete steps[4]!.url;
    steps[1]!.action = 'exec';
    steps[2]!.shell = 'rm -rf /';
    (doc.trigger as Record<string, unknown>).kind = 'cron';
    expect(errorsOf(doc)).toEqual(
      expect.arrayContaining([
        { path: '/steps/4/url', message: 'is required' },
        {
          path: '/steps/1/action',
          message: 'must be one of "rollout_restart", "scale", "delete_pod", "cordon_node"',
        },
        { path: '/steps/2/shell', message: 'is not allowed here' },
        {
          path: '/trigger/kind',
          message: 'must be one of alert, anomaly, incident, schedule, manual',
        },
      ]),
    );
  });

  it('names an unknown step kind and a schedule with both cron and period', () => {
    expect(errorsOf(withSteps({ id: 'x', kind: 'shell', command: 'ls' }))).toEqual([
      {
        path: '/steps/0/kind',
        message: 'must be one of http, kubernetes, webhook, wait, verify, notify, approval',
      },
    ]);
    const doc = {
      ...restartRunbook(),
      trigger: { kind: 'schedule', cron: '*/5 * * * *', everyMinutes: 5 },
    };
    expect(errorsOf(doc)).toEqual([
      { path: '/trigger', message: 'a schedule needs exactly one of cron or everyMinutes' },
    ]);
  });

  it('enforces limits on steps, parameters and timeouts', () => {
    const many = Array.from({ length: 51 }, (_, i) => ({
      id: `w${i}`,
      kind: 'wait',
      durationSeconds: 1,
    }));
    expect(errorsOf(withSteps(...many))).toEqual([
      { path: '/steps', message: 'must NOT have more than 50 items' },
    ]);
    expect(
      errorsOf(withSteps({ id: 'w', kind: 'wait', durationSeconds: 1, timeoutSeconds: 7200 })),
    ).toEqual([{ path: '/steps/0/timeoutSeconds', message: 'must be <= 3600' }]);
    const params = Array.from({ length: 21 }, (_, i) => ({ name: `p${i}`, type: 'string' }));
    expect(errorsOf({ ...restartRunbook(), parameters: params })[0]).toEqual({
      path: '/parameters',
      message: 'must NOT have more than 20 items',
    });
  });

  it('refuses duplicate ids, reserved ids, unknown and backward on_failure targets', () => {
    const wait = (id: string, on_failure?: string): RunbookStep => ({
      id,
      kind: 'wait',
      durationSeconds: 1,
      ...(on_failure !== undefined ? { on_failure } : {}),
    });
    expect(errorsOf(withSteps(wait('a'), wait('a')))).toEqual([
      { path: '/steps/1/id', message: 'duplicates the id of step 0' },
    ]);
    expect(errorsOf(withSteps(wait('stop')))).toEqual([
      { path: '/steps/0/id', message: "'stop' and 'continue' are reserved and cannot be step ids" },
    ]);
    expect(errorsOf(withSteps(wait('a', 'b'), wait('b', 'a')))).toEqual([
      {
        path: '/steps/1/on_failure',
        message: "jumps back to 'a' (step 0), which would loop; jumps must go forward",
      },
    ]);
    expect(errorsOf(withSteps(wait('a', 'a')))[0]!.path).toBe('/steps/0/on_failure');
    expect(errorsOf(withSteps(wait('a', 'zzz')))).toEqual([
      { path: '/steps/0/on_failure', message: "names no step: 'zzz'" },
    ]);
  });

  it('checks template references against declared parameters, secrets and known roots', () => {
    const http = (url: string, extra: Record<string, unknown> = {}) => ({
      id: 'h',
      kind: 'http',
      method: 'POST',
      url,
      ...extra,
    });
    expect(errorsOf(withSteps(http('https://x/{{ params.nope }}')))).toEqual([
      { path: '/steps/0/url', message: "{{ params.nope }}: parameter 'nope' is not declared" },
    ]);
    expect(errorsOf(withSteps(http('https://x/{{ alert.labels.service }}')))).toEqual([
      {
        path: '/steps/0/url',
        message:
          '{{ alert.labels.service }}: alert data is not validated; bind it to a parameter first',
      },
    ]);
    expect(
      errorsOf(withSteps(http('https://x/', { headers: { 'X-Token': '{{ secrets.OTHER }}' } }))),
    ).toEqual([
      {
        path: '/steps/0/headers/X-Token',
        message: "{{ secrets.OTHER }}: secret 'OTHER' is not declared in secrets",
      },
    ]);
    expect(
      errorsOf(
        withSteps({
          id: 'n',
          kind: 'notify',
          channel: 'c',
          message: 'token {{ secrets.PAGER_TOKEN }}',
        }),
      ),
    ).toEqual([
      {
        path: '/steps/0/message',
        message: '{{ secrets.PAGER_TOKEN }}: secrets may appear only in urls, headers and bodies',
      },
    ]);
    expect(errorsOf(withSteps(http('https://x/{{ process.env.HOME }}')))[0]!.message).toMatch(
      /unknown root 'process'/,
    );
  });

  it('requires JSON bodies to quote references and to parse', () => {
    const body = (text: string) =>
      withSteps({ id: 'h', kind: 'http', method: 'POST', url: 'https://x/', body: text });
    expect(errorsOf(body('{"n": {{ params.service }}}'))).toEqual([
      { path: '/steps/0/body', message: 'the reference at offset 6 must sit inside a JSON string' },
    ]);
    expect(errorsOf(body('{"n": "{{ params.service }}"'))).toEqual([
      { path: '/steps/0/body', message: 'is not valid JSON' },
    ]);
  });

  it('checks kubernetes fields per action and conditions per step', () => {
    const k8s = (extra: Record<string, unknown>) => ({
      id: 'k',
      kind: 'kubernetes',
      name: 'api',
      ...extra,
    });
    expect(errorsOf(withSteps(k8s({ action: 'scale', namespace: 'prod' })))).toEqual([
      { path: '/steps/0/replicas', message: 'is required for scale' },
    ]);
    expect(errorsOf(withSteps(k8s({ action: 'cordon_node', namespace: 'prod' })))).toEqual([
      { path: '/steps/0/namespace', message: 'a node has no namespace' },
    ]);
    expect(errorsOf(withSteps(k8s({ action: 'delete_pod', namespace: 'Prod_1' })))).toEqual([
      {
        path: '/steps/0/namespace',
        message: 'is not a valid Kubernetes namespace (RFC 1123 label)',
      },
    ]);
    expect(
      errorsOf(
        withSteps(
          { id: 'w', kind: 'wait', durationSeconds: 1, when: "steps.later.status == 'ok'" },
          { id: 'later', kind: 'wait', durationSeconds: 1 },
        ),
      ),
    ).toEqual([
      { path: '/steps/0/when', message: "'steps.later.status': 'later' is not an earlier step" },
    ]);
    expect(
      errorsOf(
        withSteps({
          id: 'v',
          kind: 'verify',
          check: { source: 'logs', query: 'level:error' },
          windowSeconds: 60,
          condition: 'count = 0',
        }),
      )[0]!.path,
    ).toBe('/steps/0/condition');
  });

  it('checks parameter declarations: enum allowlist, unsafe pattern, bad default', () => {
    const doc = {
      ...restartRunbook(),
      parameters: [
        { name: 'a', type: 'enum' },
        { name: 'b', type: 'string', pattern: '(x)\\1' },
        { name: 'c', type: 'integer', min: 1, max: 5, default: 9 },
      ],
      steps: [{ id: 'w', kind: 'wait', durationSeconds: 1 }],
    };
    expect(errorsOf(doc)).toEqual([
      { path: '/parameters/0/allowed', message: 'is required for an enum parameter' },
      { path: '/parameters/1/pattern', message: 'pattern uses a backreference' },
      { path: '/parameters/2/default', message: '9 is above the maximum 5' },
    ]);
  });
});

describe('validateRunbook with YAML text', () => {
  const yaml = `
id: restart-api
name: Restart the API
version: 1
trigger: { kind: manual }
parameters:
  - name: service
    type: enum
    allowed: [api, web]
    required: true
steps:
  - id: restart
    kind: kubernetes
    action: rollout_restart
    namespace: prod
    name: "{{ params.service }}"
`;

  it('reads a runbook written as YAML', () => {
    const result = validateRunbook(yaml);
    expect(result.ok && result.runbook.steps[0]).toMatchObject({
      kind: 'kubernetes',
      name: '{{ params.service }}',
    });
  });

  it('reports a syntax error with its line, and schema errors with their paths', () => {
    const broken = validateRunbook('id: x\nsteps: [\n  - a: 1\n');
    expect(broken.ok).toBe(false);
    expect(!broken.ok && broken.errors[0]!.message).toMatch(/^YAML line \d+ column \d+: /);
    const invalid = validateRunbook(yaml.replace('kind: manual', 'kind: hourly'));
    expect(!invalid.ok && invalid.errors).toEqual([
      { path: '/trigger/kind', message: expect.stringMatching(/must be one of/) },
    ]);
  });

  it('refuses alias bombs and duplicate keys', () => {
    const bomb = ['a: &a [x, x, x, x, x, x, x, x, x, x]']
      .concat(
        Array.from({ length: 8 }, (_, i) => {
          const prev = i === 0 ? 'a' : `l${i - 1}`;
          return `l${i}: &l${i} [*${prev}, *${prev}, *${prev}, *${prev}, *${prev}, *${prev}, *${prev}, *${prev}, *${prev}, *${prev}]`;
        }),
      )
      .join('\n');
    const result = validateRunbook(bomb);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.errors[0]!.message).toMatch(/YAML/);
    expect(validateRunbook('id: a\nid: b\n').ok).toBe(false);
  });
});
