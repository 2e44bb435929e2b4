import { useState } from 'react';

import { useSession } from '../api/session';
import { time } from '../ui/status';
import { useQuery } from '../ui/use-query';
import {
  asText,
  fromLocalInput,
  list,
  localInput,
  num,
  DangerButton,
  SettingsSection,
} from './settings-kit';

export interface Channel {
  id: string;
  name: string;
  kind: string;
  settings: Record<string, unknown>;
  secretFields: string[];
  allowPrivateNetwork: boolean;
}
export const CHANNEL_LIST =
  'alertChannels { id name kind settings secretFields allowPrivateNetwork }';

interface ChannelDraft {
  name: string;
  kind: string;
  target: string;
  allowPrivateNetwork: boolean;
  host: string;
  port: string;
  from: string;
  to: string;
}

/**
 * Each kind, by its AlertChannelKind name: its input field, its one secret (a URL or a key; left
 * empty on edit, the stored one stays) and how a draft becomes the kind's input.
 */
const KINDS: Record<
  string,
  { field: string; text: string; target: string | null; input: (d: ChannelDraft) => object }
> = {
  WEBHOOK: {
    field: 'webhook',
    text: 'Webhook',
    target: 'URL',
    input: (d) => ({ url: d.target || null }),
  },
  SLACK: {
    field: 'slack',
    text: 'Slack (incoming webhook)',
    target: 'Webhook URL',
    input: (d) => ({ webhookUrl: d.target || null }),
  },
  TEAMS: {
    field: 'teams',
    text: 'Microsoft Teams',
    target: 'Webhook URL',
    input: (d) => ({ webhookUrl: d.target || null }),
  },
  PAGERDUTY: {
    field: 'pagerduty',
    text: 'PagerDuty',
    target: 'Routing key',
    input: (d) => ({ routingKey: d.target || null }),
  },
  OPSGENIE: {
    field: 'opsgenie',
    text: 'Opsgenie',
    target: 'API key',
    input: (d) => ({ apiKey: d.target || null }),
  },
  EMAIL: {
    field: 'email',
    text: 'E-mail',
    target: null,
    input: (d) => ({ host: d.host, port: num(d.port), from: d.from, to: list(d.to) }),
  },
};

function channelInput(d: ChannelDraft) {
  const kind = KINDS[d.kind];
  if (!kind) throw new Error(`The console cannot edit channels of kind ${d.kind}.`);
  return { name: d.name, allowPrivateNetwork: d.allowPrivateNetwork, [kind.field]: kind.input(d) };
}

/** Channels: create, edit (secrets stay unless retyped), delete, and "send test" with its outcome. */
export function ChannelsSettings() {
  const { call } = useSession();
  const q = useQuery<{ alertChannels: Channel[] }>(`query { ${CHANNEL_LIST} }`);
  const sendTest = async (c: Channel) => {
    const { testAlertChannel: t } = await call<{
      testAlertChannel: { ok: boolean; status: number | null; error: string | null };
    }>(`mutation ($id: ID!) { testAlertChannel(id: $id) { ok status error code } }`, { id: c.id });
    if (!t.ok) throw new Error(`Test to ${c.name} failed: ${t.error ?? `answer ${t.status}`}`);
    return `Test sent to ${c.name}${t.status ? ` (answer ${t.status})` : ''}.`;
  };
  return (
    <SettingsSection
      title="Channels"
      list={{ ...q, items: q.data?.alertChannels }}
      reload={q.reload}
      keyOf={(c) => c.id}
      render={(c) => (
        <>
          <strong>{c.name}</strong> <span className="badge">{KINDS[c.kind]?.text ?? c.kind}</span>
          {c.allowPrivateNetwork && <span className="muted"> · private network allowed</span>}
        </>
      )}
      actions={(c, run) => (
        <>
          <button onClick={() => run(() => sendTest(c))}>Send test</button>
          <DangerButton
            label="Delete"
            run={run}
            mutation={`mutation ($id: ID!) { deleteAlertChannel(id: $id) }`}
            id={c.id}
            done={`Channel ${c.name} deleted.`}
          />
        </>
      )}
      form={{
        blank: () => ({
          name: '',
          kind: 'WEBHOOK',
          target: '',
          allowPrivateNetwork: false,
          host: '',
          port: '587',
          from: '',
          to: '',
        }),
        fields: (f, d, editing) => (
          <>
            {f.text('name', 'Name', { required: true })}
            {!editing &&
              f.select(
                'kind',
                'Kind',
                Object.entries(KINDS).map(([k, v]) => [k, v.text]),
              )}
            {KINDS[d.kind]?.target &&
              f.text('target', KINDS[d.kind]?.target ?? '', {
                hint: editing ? 'Leave empty to keep the stored one.' : undefined,
              })}
            {d.kind === 'EMAIL' && (
              <>
                {f.text('host', 'SMTP host')}
                {f.text('port', 'Port', { type: 'number' })}
                {f.text('from', 'From')}
                {f.text('to', 'To (comma-separated)')}
              </>
            )}
            {f.check('allowPrivateNetwork', 'Allow private network')}
          </>
        ),
        createLabel: 'Create channel',
        create: async (d) => {
          const r = await call<{ createAlertChannel: { signingSecret: string | null } }>(
            `mutation ($input: CreateAlertChannelInput!) { createAlertChannel(input: $input) { channel { id } signingSecret } }`,
            { input: channelInput(d) },
          );
          const secret = r.createAlertChannel.signingSecret;
          return secret ? (
            <>
              Channel {d.name} created. Its signing secret, shown this once: <code>{secret}</code>
            </>
          ) : (
            `Channel ${d.name} created.`
          );
        },
        edit: {
          toDraft: (c) => ({
            name: c.name,
            kind: c.kind,
            target: '',
            allowPrivateNetwork: c.allowPrivateNetwork,
            host: asText(c.settings.host),
            port: asText(c.settings.port),
            from: asText(c.settings.from),
            to: asText(c.settings.to),
          }),
          save: async (c, d) => {
            const input = channelInput({ ...d, kind: c.kind });
            await call(
              `mutation ($id: ID!, $input: UpdateAlertChannelInput!) { updateAlertChannel(id: $id, input: $input) { id } }`,
              { id: c.id, input },
            );
            return `Channel ${d.name} saved.`;
          },
        },
      }}
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
  weekly: { days: number[]; start: string; end: string } | null;
}

/** Silences: matchers, a start and an end, a comment; expire one early. */
export function SilencesSettings() {
  const { call } = useSession();
  const [expired, setExpired] = useState(false);
  const q = useQuery<{ alertSilences: Silence[] }>(
    `query ($expired: Boolean!) { alertSilences(includeExpired: $expired) {
      id matchers comment startsAt endsAt createdBy weekly { days start end } } }`,
    { expired },
  );
  const now = Date.now();
  return (
    <SettingsSection
      title="Silences"
      list={{ ...q, items: q.data?.alertSilences }}
      reload={q.reload}
      toolbar={
        <label className="check">
          <input type="checkbox" checked={expired} onChange={(e) => setExpired(e.target.checked)} />{' '}
          Show expired silences too
        </label>
      }
      keyOf={(s) => s.id}
      render={(s) => (
        <>
          <code>{s.matchers}</code> {s.comment}{' '}
          <span className="muted">
            {s.weekly
              ? `weekly ${s.weekly.start}–${s.weekly.end} UTC`
              : `${time(s.startsAt)} to ${time(s.endsAt)}`}{' '}
            · by {s.createdBy}
            {Date.parse(s.endsAt) <= now ? ' · expired' : ''}
          </span>
        </>
      )}
      actions={(s, run) =>
        Date.parse(s.endsAt) > now && (
          <DangerButton
            label="Expire"
            run={run}
            mutation={`mutation ($id: ID!) { expireAlertSilence(id: $id) { id } }`}
            id={s.id}
            done={'Silence expired.'}
          />
        )
      }
      form={{
        blank: () => ({
          matchers: '',
          comment: '',
          startsAt: localInput(Date.now()),
          endsAt: localInput(Date.now() + 2 * 3_600_000),
        }),
        fields: (f) => (
          <>
            {f.text('matchers', 'Matchers', { placeholder: 'service="api", env!="dev"' })}
            {f.text('startsAt', 'Starts', { type: 'datetime-local' })}
            {f.text('endsAt', 'Ends', { type: 'datetime-local' })}
            {f.text('comment', 'Comment')}
          </>
        ),
        createLabel: 'Create silence',
        create: async (d) => {
          await call(
            `mutation ($input: CreateAlertSilenceInput!) { createAlertSilence(input: $input) { id } }`,
            {
              input: {
                matchers: d.matchers,
                comment: d.comment,
                startsAt: fromLocalInput(d.startsAt),
                endsAt: fromLocalInput(d.endsAt),
              },
            },
          );
          return `Silence on ${d.matchers} created.`;
        },
      }}
    />
  );
}
