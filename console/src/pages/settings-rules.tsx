import { useSession } from '../api/session';
import { useQuery } from '../ui/use-query';
import { type Channel, CHANNEL_LIST } from './settings-alerting';
import { asText, DangerButton, list, namesOf, num, SettingsSection } from './settings-kit';

interface Rule {
  id: string;
  name: string;
  severity: string;
  enabled: boolean;
  condition: Record<string, unknown> & { kind: string };
  route: {
    channelIds: string[];
    policyId: string | null;
    groupBy: string[];
    groupWaitSeconds: number;
  };
}

interface RuleDraft {
  name: string;
  severity: string;
  kind: string;
  detectorKinds: string;
  minScore: string;
  services: string;
  query: string;
  windowSeconds: string;
  op: string;
  threshold: string;
  patternId: string;
  templateContains: string;
  service: string;
  metric: string;
  withinSeconds: string;
  channelIds: string[];
  policyId: string;
  groupBy: string;
  groupWaitSeconds: string;
}

type ConditionKey = Exclude<keyof RuleDraft, 'name' | 'severity' | 'kind' | 'channelIds'>;
type FieldKind = 'text' | 'number' | 'list' | 'op' | 'metric';

const OPS = [
  ['GT', '>'],
  ['GTE', '≥'],
  ['LT', '<'],
  ['LTE', '≤'],
] as const;
const SEVERITIES = ['CRITICAL', 'HIGH', 'WARNING', 'INFO'].map((s) => [s, s] as const);

/** The fields of each condition kind, as the API's AlertConditionInput names them. */
const CONDITIONS: Record<
  string,
  { text: string; fields: Array<[ConditionKey, string, FieldKind]> }
> = {
  ANOMALY: {
    text: 'Anomaly',
    fields: [
      ['detectorKinds', 'Detectors (comma-separated; empty = all)', 'list'],
      ['minScore', 'Minimum score (0–1)', 'number'],
      ['services', 'Services (comma-separated; empty = all)', 'list'],
    ],
  },
  LOG_QUERY: {
    text: 'Log search count',
    fields: [
      ['query', 'Search', 'text'],
      ['windowSeconds', 'Window (seconds)', 'number'],
      ['op', 'Comparison', 'op'],
      ['threshold', 'Threshold (records)', 'number'],
      ['services', 'Services (comma-separated; empty = all)', 'list'],
    ],
  },
  PATTERN: {
    text: 'Pattern',
    fields: [
      ['patternId', 'Pattern id', 'text'],
      ['templateContains', 'Template contains', 'text'],
      ['services', 'Services (comma-separated; empty = all)', 'list'],
    ],
  },
  FORECAST: {
    text: 'Forecast',
    fields: [
      ['service', 'Service', 'text'],
      ['metric', 'Metric', 'metric'],
      ['op', 'Comparison', 'op'],
      ['threshold', 'Threshold', 'number'],
      ['withinSeconds', 'Within (seconds)', 'number'],
    ],
  },
};

const BLANK_RULE: RuleDraft = {
  name: '',
  severity: 'HIGH',
  kind: 'ANOMALY',
  detectorKinds: '',
  minScore: '',
  services: '',
  query: '',
  windowSeconds: '300',
  op: 'GT',
  threshold: '',
  patternId: '',
  templateContains: '',
  service: '',
  metric: 'error_rate',
  withinSeconds: '3600',
  channelIds: [],
  policyId: '',
  groupBy: 'service',
  groupWaitSeconds: '',
};

function ruleInput(d: RuleDraft) {
  const condition: Record<string, unknown> = { kind: d.kind };
  for (const [key, , kind] of CONDITIONS[d.kind]?.fields ?? []) {
    const text = d[key];
    const value = kind === 'number' ? num(text) : kind === 'list' ? list(text) : text || null;
    if (value !== null && !(Array.isArray(value) && value.length === 0)) condition[key] = value;
  }
  return {
    name: d.name,
    severity: d.severity,
    condition,
    route: {
      channelIds: d.channelIds,
      policyId: d.policyId || null,
      groupBy: list(d.groupBy),
      groupWaitSeconds: num(d.groupWaitSeconds),
    },
  };
}

function ruleDraft(r: Rule): RuleDraft {
  const draft: RuleDraft = {
    ...BLANK_RULE,
    name: r.name,
    severity: r.severity,
    kind: r.condition.kind,
  };
  for (const [key] of CONDITIONS[r.condition.kind]?.fields ?? []) {
    const v = r.condition[key];
    if (v !== null && v !== undefined) draft[key] = asText(v);
  }
  return {
    ...draft,
    channelIds: r.route.channelIds,
    policyId: r.route.policyId ?? '',
    groupBy: r.route.groupBy.join(', '),
    groupWaitSeconds: String(r.route.groupWaitSeconds),
  };
}

const UPDATE_RULE = `mutation ($id: ID!, $input: UpdateAlertRuleInput!) { updateAlertRule(id: $id, input: $input) { id } }`;

/** Alert rules: a condition of any kind routed to channels or a policy; edit, disable, delete. */
export function RulesSettings() {
  const { call } = useSession();
  const q = useQuery<{
    alertRules: Rule[];
    alertChannels: Channel[];
    escalationPolicies: Array<{ id: string; name: string }>;
  }>(
    `query { alertRules { id name severity enabled
      condition { kind detectorKinds minScore services query windowSeconds op threshold patternId
        templateContains service metric withinSeconds }
      route { channelIds policyId groupBy groupWaitSeconds } }
      ${CHANNEL_LIST} escalationPolicies { id name } }`,
  );
  const channels = q.data?.alertChannels ?? [];
  const policies = q.data?.escalationPolicies ?? [];
  return (
    <SettingsSection
      title="Alert rules"
      list={{ ...q, items: q.data?.alertRules }}
      reload={q.reload}
      keyOf={(r) => r.id}
      render={(r) => (
        <>
          <strong>{r.name}</strong> <span className="badge">{r.severity}</span>{' '}
          <span className="badge">{CONDITIONS[r.condition.kind]?.text ?? r.condition.kind}</span>{' '}
          <span className="muted">
            to {namesOf(r.route.channelIds, channels) || 'no channel'}
            {r.route.policyId ? ` · policy ${namesOf([r.route.policyId], policies)}` : ''}
            {r.enabled ? '' : ' · disabled'}
          </span>
        </>
      )}
      actions={(r, run) => (
        <>
          <button
            onClick={() =>
              run(async () => {
                await call(UPDATE_RULE, { id: r.id, input: { enabled: !r.enabled } });
                return `Rule ${r.name} ${r.enabled ? 'disabled' : 'enabled'}.`;
              })
            }
          >
            {r.enabled ? 'Disable' : 'Enable'}
          </button>
          <DangerButton
            label="Delete"
            run={run}
            mutation={`mutation ($id: ID!) { deleteAlertRule(id: $id) }`}
            id={r.id}
            done={`Rule ${r.name} deleted.`}
          />
        </>
      )}
      form={{
        blank: () => BLANK_RULE,
        fields: (f, d) => (
          <>
            {f.text('name', 'Name', { required: true })}
            {f.select('severity', 'Severity', SEVERITIES)}
            {f.select(
              'kind',
              'Condition',
              Object.entries(CONDITIONS).map(([k, c]) => [k, c.text]),
            )}
            {CONDITIONS[d.kind]?.fields.map(([key, label, kind]) =>
              kind === 'op'
                ? f.select(key, label, OPS)
                : kind === 'metric'
                  ? f.select(key, label, [
                      ['volume', 'Volume'],
                      ['error_rate', 'Error rate (0–1)'],
                    ])
                  : f.text(key, label, kind === 'number' ? { type: 'number' } : {}),
            )}
            {f.many(
              'channelIds',
              'Channels',
              channels.map((c) => [c.id, c.name]),
            )}
            {f.select('policyId', 'Escalation policy', [
              ['', 'None'],
              ...policies.map((p) => [p.id, p.name] as const),
            ])}
            {f.text('groupBy', 'Group by labels (comma-separated)')}
            {f.text('groupWaitSeconds', 'Group wait (seconds)', { type: 'number' })}
          </>
        ),
        createLabel: 'Create rule',
        create: async (d) => {
          await call(
            `mutation ($input: CreateAlertRuleInput!) { createAlertRule(input: $input) { id } }`,
            { input: ruleInput(d) },
          );
          return `Rule ${d.name} created.`;
        },
        edit: {
          toDraft: ruleDraft,
          save: async (r, d) => {
            await call(UPDATE_RULE, { id: r.id, input: ruleInput(d) });
            return `Rule ${d.name} saved.`;
          },
        },
      }}
    />
  );
}
