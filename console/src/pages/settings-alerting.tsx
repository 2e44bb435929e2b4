import { useState } from 'react';

import { time } from '../ui/status';
import { useMutation, useQuery } from '../ui/use-query';
import { DangerButton, NameField, SettingsSection } from './settings-kit';

interface Channel {
  id: string;
  name: string;
  kind: string;
  allowPrivateNetwork: boolean;
}
const CHANNEL_LIST = 'alertChannels { id name kind allowPrivateNetwork }';
const CHANNELS = `query { ${CHANNEL_LIST} }`;

/** Channels, with "send test". */
export function ChannelsSettings() {
  const q = useQuery<{ alertChannels: Channel[] }>(CHANNELS);
  const create = useMutation<{ createAlertChannel: { signingSecret: string | null } }>(
    `mutation ($input: CreateAlertChannelInput!) { createAlertChannel(input: $input) { channel { id } signingSecret } }`,
  );
  const del = useMutation(`mutation ($id: ID!) { deleteAlertChannel(id: $id) }`);
  const test = useMutation<{
    testAlertChannel: { ok: boolean; status: number | null; error: string | null };
  }>(`mutation ($id: ID!) { testAlertChannel(id: $id) { ok status error code } }`);
  const [name, setName] = useState('');
  const [kind, setKind] = useState<'webhook' | 'slack'>('webhook');
  const [url, setUrl] = useState('');
  const [privateNet, setPrivateNet] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);
  return (
    <SettingsSection
      title="Channels"
      loading={q.loading}
      error={q.error}
      items={q.data?.alertChannels}
      keyOf={(c) => c.id}
      render={(c) => (
        <>
          <strong>{c.name}</strong> <span className="badge">{c.kind}</span>
        </>
      )}
      actions={(c) => (
        <>
          <button
            onClick={() =>
              void test.run({ id: c.id }).then((r) => {
                const t = r?.testAlertChannel;
                if (t)
                  setNotice(
                    t.ok
                      ? `Test sent to ${c.name}${t.status ? ` (HTTP ${t.status})` : ''}.`
                      : `Test to ${c.name} failed: ${t.error ?? `HTTP ${t.status}`}`,
                  );
              })
            }
          >
            Send test
          </button>
          <DangerButton label="Delete" run={() => del.run({ id: c.id })} reload={q.reload} />
        </>
      )}
      form={
        <>
          <NameField value={name} onChange={setName} />
          <label>
            Kind
            <select value={kind} onChange={(e) => setKind(e.target.value as 'webhook' | 'slack')}>
              <option value="webhook">Webhook</option>
              <option value="slack">Slack (incoming webhook)</option>
            </select>
          </label>
          <label>
            URL
            <input required type="url" value={url} onChange={(e) => setUrl(e.target.value)} />
          </label>
          <label className="check">
            <input
              type="checkbox"
              checked={privateNet}
              onChange={(e) => setPrivateNet(e.target.checked)}
            />{' '}
            Allow private network
          </label>
        </>
      }
      createLabel="Create channel"
      onCreate={() =>
        void create
          .run({
            input: {
              name,
              allowPrivateNetwork: privateNet,
              ...(kind === 'webhook' ? { webhook: { url } } : { slack: { webhookUrl: url } }),
            },
          })
          .then((r) => {
            if (!r) return;
            setNotice(
              r.createAlertChannel.signingSecret
                ? `Signing secret (shown once): ${r.createAlertChannel.signingSecret}`
                : 'Channel created.',
            );
            q.reload();
          })
      }
      busy={create.busy}
      actionError={create.error ?? del.error ?? test.error}
      notice={
        notice && (
          <p className="status ok" role="status">
            {notice}
          </p>
        )
      }
    />
  );
}

interface Rule {
  id: string;
  name: string;
  severity: string;
  enabled: boolean;
  condition: { kind: string; detectorKinds: string[] | null; minScore: number | null };
  route: { channelIds: string[]; policyId: string | null };
}

/** Alert rules on anomalies, routed to channels. */
export function RulesSettings() {
  const q = useQuery<{ alertRules: Rule[]; alertChannels: Channel[] }>(
    `query { alertRules { id name severity enabled condition { kind detectorKinds minScore } route { channelIds policyId } } ${CHANNEL_LIST} }`,
  );
  const create = useMutation(
    `mutation ($input: CreateAlertRuleInput!) { createAlertRule(input: $input) { id } }`,
  );
  const del = useMutation(`mutation ($id: ID!) { deleteAlertRule(id: $id) }`);
  const [name, setName] = useState('');
  const [severity, setSeverity] = useState('HIGH');
  const [detectors, setDetectors] = useState('');
  const [minScore, setMinScore] = useState('');
  const [channelId, setChannelId] = useState('');
  const channels = q.data?.alertChannels ?? [];
  return (
    <SettingsSection
      title="Alert rules"
      loading={q.loading}
      error={q.error}
      items={q.data?.alertRules}
      keyOf={(r) => r.id}
      render={(r) => (
        <>
          <strong>{r.name}</strong> <span className="badge">{r.severity}</span>{' '}
          <span className="badge">{r.condition.kind}</span>{' '}
          <span className="muted">
            {r.condition.detectorKinds?.join(', ') ?? 'any detector'}
            {r.condition.minScore !== null ? ` · score ≥ ${r.condition.minScore}` : ''} · to{' '}
            {r.route.channelIds
              .map((id) => channels.find((c) => c.id === id)?.name ?? id)
              .join(', ') || 'a policy'}
            {r.enabled ? '' : ' · disabled'}
          </span>
        </>
      )}
      actions={(r) => (
        <DangerButton label="Delete" run={() => del.run({ id: r.id })} reload={q.reload} />
      )}
      form={
        <>
          <NameField value={name} onChange={setName} />
          <label>
            Severity
            <select value={severity} onChange={(e) => setSeverity(e.target.value)}>
              {['CRITICAL', 'HIGH', 'WARNING', 'INFO'].map((s) => (
                <option key={s}>{s}</option>
              ))}
            </select>
          </label>
          <label>
            Detectors (comma-separated, e.g. new_pattern; empty = all)
            <input value={detectors} onChange={(e) => setDetectors(e.target.value)} />
          </label>
          <label>
            Minimum score (0–1)
            <input
              type="number"
              min={0}
              max={1}
              step={0.05}
              value={minScore}
              onChange={(e) => setMinScore(e.target.value)}
            />
          </label>
          <label>
            Channel
            <select required value={channelId} onChange={(e) => setChannelId(e.target.value)}>
              <option value="">Choose a channel</option>
              {channels.map((c) => (
                <option key={c.id} value={c.id}>
                  {c.name}
                </option>
              ))}
            </select>
          </label>
        </>
      }
      createLabel="Create rule"
      onCreate={() => {
        const kinds = detectors
          .split(',')
          .map((d) => d.trim())
          .filter(Boolean);
        void create
          .run({
            input: {
              name,
              severity,
              condition: {
                kind: 'ANOMALY',
                ...(kinds.length ? { detectorKinds: kinds } : {}),
                ...(minScore ? { minScore: Number(minScore) } : {}),
              },
              route: { channelIds: [channelId], groupBy: ['service'], groupWaitSeconds: 1 },
            },
          })
          .then((ok) => ok && q.reload());
      }}
      busy={create.busy}
      actionError={create.error ?? del.error}
    />
  );
}

interface Silence {
  id: string;
  matchers: string;
  comment: string;
  startsAt: string;
  endsAt: string;
  createdBy: string;
}

/** Silences: matchers for a number of hours. */
export function SilencesSettings() {
  const q = useQuery<{ alertSilences: Silence[] }>(
    `query { alertSilences { id matchers comment startsAt endsAt createdBy } }`,
  );
  const create = useMutation(
    `mutation ($input: CreateAlertSilenceInput!) { createAlertSilence(input: $input) { id } }`,
  );
  const expire = useMutation(`mutation ($id: ID!) { expireAlertSilence(id: $id) { id } }`);
  const [matchers, setMatchers] = useState('');
  const [comment, setComment] = useState('');
  const [hours, setHours] = useState(2);
  return (
    <SettingsSection
      title="Silences"
      loading={q.loading}
      error={q.error}
      items={q.data?.alertSilences}
      keyOf={(s) => s.id}
      render={(s) => (
        <>
          <code>{s.matchers}</code> {s.comment}{' '}
          <span className="muted">
            until {time(s.endsAt)} · by {s.createdBy}
          </span>
        </>
      )}
      actions={(s) => (
        <DangerButton label="Expire" run={() => expire.run({ id: s.id })} reload={q.reload} />
      )}
      form={
        <>
          <label>
            Matchers
            <input
              required
              placeholder='service="api", env!="dev"'
              value={matchers}
              onChange={(e) => setMatchers(e.target.value)}
            />
          </label>
          <label>
            Comment
            <input required value={comment} onChange={(e) => setComment(e.target.value)} />
          </label>
          <label>
            Hours
            <input
              type="number"
              min={1}
              value={hours}
              onChange={(e) => setHours(Number(e.target.value))}
            />
          </label>
        </>
      }
      createLabel="Create silence"
      onCreate={() =>
        void create
          .run({
            input: {
              matchers,
              comment,
              endsAt: new Date(Date.now() + hours * 3_600_000).toISOString(),
            },
          })
          .then((ok) => ok && q.reload())
      }
      busy={create.busy}
      actionError={create.error ?? expire.error}
    />
  );
}

interface Policy {
  id: string;
  name: string;
  repeat: number;
  levels: Array<{ timeoutSeconds: number; channelIds: string[] }>;
}

/** Escalation policies: one level (a channel and a timeout) from this form. */
export function EscalationSettings() {
  const q = useQuery<{ escalationPolicies: Policy[]; alertChannels: Channel[] }>(
    `query { escalationPolicies { id name repeat levels { timeoutSeconds channelIds } } ${CHANNEL_LIST} }`,
  );
  const create = useMutation(
    `mutation ($input: CreateEscalationPolicyInput!) { createEscalationPolicy(input: $input) { id } }`,
  );
  const del = useMutation(`mutation ($id: ID!) { deleteEscalationPolicy(id: $id) }`);
  const [name, setName] = useState('');
  const [channelId, setChannelId] = useState('');
  const [timeout, setTimeoutS] = useState(300);
  const channels = q.data?.alertChannels ?? [];
  return (
    <SettingsSection
      title="Escalation policies"
      loading={q.loading}
      error={q.error}
      items={q.data?.escalationPolicies}
      keyOf={(p) => p.id}
      render={(p) => (
        <>
          <strong>{p.name}</strong>{' '}
          <span className="muted">
            {p.levels.length} level(s), first after {p.levels[0]?.timeoutSeconds ?? 0} s · repeat{' '}
            {p.repeat}
          </span>
        </>
      )}
      actions={(p) => (
        <DangerButton label="Delete" run={() => del.run({ id: p.id })} reload={q.reload} />
      )}
      form={
        <>
          <NameField value={name} onChange={setName} />
          <label>
            Channel
            <select required value={channelId} onChange={(e) => setChannelId(e.target.value)}>
              <option value="">Choose a channel</option>
              {channels.map((c) => (
                <option key={c.id} value={c.id}>
                  {c.name}
                </option>
              ))}
            </select>
          </label>
          <label>
            Escalate after (seconds)
            <input
              type="number"
              min={30}
              value={timeout}
              onChange={(e) => setTimeoutS(Number(e.target.value))}
            />
          </label>
        </>
      }
      createLabel="Create policy"
      onCreate={() =>
        void create
          .run({ input: { name, levels: [{ channelIds: [channelId], timeoutSeconds: timeout }] } })
          .then((ok) => ok && q.reload())
      }
      busy={create.busy}
      actionError={create.error ?? del.error}
    />
  );
}
