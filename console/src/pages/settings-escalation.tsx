import { useSession } from '../api/session';
import { useQuery } from '../ui/use-query';
import { type Channel, CHANNEL_LIST } from './settings-alerting';
import { DangerButton, fields, namesOf, num, SettingsSection } from './settings-kit';

interface Level {
  channelIds: string[];
  timeoutSeconds: string;
  /** Members and rotations this form does not edit: kept as they are. */
  people: Record<string, unknown>;
}
interface Policy {
  id: string;
  name: string;
  repeat: number;
  levels: Array<{
    timeoutSeconds: number;
    channelIds: string[];
    userIds: string[];
    emailChannelId: string | null;
    rotation: { userIds: string[]; shiftHours: number; startsAt: string } | null;
  }>;
}
interface PolicyDraft {
  name: string;
  repeat: string;
  levels: Level[];
}

const BLANK_LEVEL: Level = { channelIds: [], timeoutSeconds: '300', people: {} };

const policyInput = (d: PolicyDraft) => ({
  name: d.name,
  repeat: num(d.repeat),
  levels: d.levels.map((l) => ({
    ...l.people,
    channelIds: l.channelIds,
    timeoutSeconds: num(l.timeoutSeconds),
  })),
});

/** Escalation policies: levels of channels, each with its timeout, and how often to repeat. */
export function EscalationSettings() {
  const { call } = useSession();
  const q = useQuery<{ escalationPolicies: Policy[]; alertChannels: Channel[] }>(
    `query { escalationPolicies { id name repeat levels { timeoutSeconds channelIds userIds
      emailChannelId rotation { userIds shiftHours startsAt } } } ${CHANNEL_LIST} }`,
  );
  const channels = q.data?.alertChannels ?? [];
  const options = channels.map((c) => [c.id, c.name] as const);
  return (
    <SettingsSection
      title="Escalation policies"
      list={{ ...q, items: q.data?.escalationPolicies }}
      reload={q.reload}
      keyOf={(p) => p.id}
      render={(p) => (
        <>
          <strong>{p.name}</strong>{' '}
          <span className="muted">
            {p.levels
              .map(
                (l, i) =>
                  `level ${i + 1}: ${namesOf(l.channelIds, channels) || 'people'} for ${l.timeoutSeconds} s`,
              )
              .join(' → ')}{' '}
            · repeat {p.repeat}×
          </span>
        </>
      )}
      actions={(p, run) => (
        <DangerButton
          label="Delete"
          run={run}
          mutation={`mutation ($id: ID!) { deleteEscalationPolicy(id: $id) }`}
          id={p.id}
          done={`Policy ${p.name} deleted.`}
        />
      )}
      form={{
        blank: () => ({ name: '', repeat: '0', levels: [BLANK_LEVEL] }),
        fields: (f, d) => {
          const setLevels = (levels: Level[]) => f.set({ levels });
          return (
            <>
              {f.text('name', 'Name', { required: true })}
              {d.levels.map((level, i) => {
                const lf = fields(level, (patch) =>
                  setLevels(d.levels.map((l, j) => (j === i ? { ...l, ...patch } : l))),
                );
                return (
                  <fieldset key={i} className="escalation-level">
                    <legend>Level {i + 1}</legend>
                    {lf.many('channelIds', `Level ${i + 1} channels`, options)}
                    {lf.text('timeoutSeconds', `Level ${i + 1}: next level after (seconds)`, {
                      type: 'number',
                    })}
                    {d.levels.length > 1 && (
                      <button
                        type="button"
                        onClick={() => setLevels(d.levels.filter((_, j) => j !== i))}
                      >
                        Remove level {i + 1}
                      </button>
                    )}
                  </fieldset>
                );
              })}
              <button type="button" onClick={() => setLevels([...d.levels, BLANK_LEVEL])}>
                Add level
              </button>
              {f.text('repeat', 'Repeat (times after the last level)', { type: 'number' })}
            </>
          );
        },
        createLabel: 'Create policy',
        create: async (d) => {
          await call(
            `mutation ($input: CreateEscalationPolicyInput!) { createEscalationPolicy(input: $input) { id } }`,
            { input: policyInput(d) },
          );
          return `Policy ${d.name} created.`;
        },
        edit: {
          toDraft: (p) => ({
            name: p.name,
            repeat: String(p.repeat),
            levels: p.levels.map((l) => ({
              channelIds: l.channelIds,
              timeoutSeconds: String(l.timeoutSeconds),
              people: {
                userIds: l.userIds,
                emailChannelId: l.emailChannelId,
                rotation: l.rotation,
              },
            })),
          }),
          save: async (p, d) => {
            await call(
              `mutation ($id: ID!, $input: UpdateEscalationPolicyInput!) { updateEscalationPolicy(id: $id, input: $input) { id } }`,
              { id: p.id, input: policyInput(d) },
            );
            return `Policy ${d.name} saved.`;
          },
        },
      }}
    />
  );
}
