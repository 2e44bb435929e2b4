import { type ReactNode } from 'react';

import { useSession } from '../api/session';
import { time } from '../ui/status';
import { useQuery } from '../ui/use-query';
import { DangerButton, fromLocalInput, SettingsSection } from './settings-kit';

interface Key {
  id: string;
  name: string;
  prefix: string;
  scopes: string[];
  createdAt: string;
  lastUsedAt: string | null;
  expiresAt: string | null;
  revokedAt: string | null;
}

const SCOPES = [
  ['READ', 'Read'],
  ['INGEST', 'Ingest'],
  ['ADMIN', 'Admin'],
] as const;

/** A new key's secret: the one time it can be seen. */
function Secret(props: { what: ReactNode; secret: string }) {
  return (
    <>
      {props.what} Copy its secret now, it is not shown again:{' '}
      <code className="secret">{props.secret}</code>
    </>
  );
}

/** API keys: create (the secret is shown once), rotate, revoke. */
export function ApiKeysSettings() {
  const { call } = useSession();
  const q = useQuery<{ apiKeys: Key[] }>(
    `query { apiKeys { id name prefix scopes createdAt lastUsedAt expiresAt revokedAt } }`,
  );
  const now = Date.now();
  return (
    <SettingsSection
      title="API keys"
      list={{ ...q, items: q.data?.apiKeys }}
      reload={q.reload}
      keyOf={(k) => k.id}
      render={(k) => (
        <>
          <strong>{k.name}</strong> <code>{k.prefix}…</code>{' '}
          {k.scopes.map((s) => (
            <span key={s} className="badge">
              {s}
            </span>
          ))}{' '}
          <span className="muted">
            created {time(k.createdAt)} · last used {time(k.lastUsedAt)}
            {k.expiresAt ? ` · expires ${time(k.expiresAt)}` : ''}
            {k.revokedAt ? ` · revoked ${time(k.revokedAt)}` : ''}
          </span>
        </>
      )}
      actions={(k, run) =>
        !k.revokedAt &&
        !(k.expiresAt && Date.parse(k.expiresAt) <= now) && (
          <>
            <button
              onClick={() =>
                run(async () => {
                  const r = await call<{ rotateApiKey: { secret: string } }>(
                    `mutation ($id: ID!) { rotateApiKey(id: $id, overlapMinutes: 60) { secret } }`,
                    { id: k.id },
                  );
                  return (
                    <Secret
                      what={`Key ${k.name} rotated; the old one works for another hour.`}
                      secret={r.rotateApiKey.secret}
                    />
                  );
                })
              }
            >
              Rotate
            </button>
            <DangerButton
              label="Revoke"
              run={run}
              mutation={`mutation ($id: ID!) { revokeApiKey(id: $id) { id } }`}
              id={k.id}
              done={`Key ${k.name} revoked.`}
            />
          </>
        )
      }
      form={{
        blank: () => ({ name: '', scopes: ['READ'], expiresAt: '' }),
        fields: (f) => (
          <>
            {f.text('name', 'Name', { required: true })}
            {f.many('scopes', 'Scopes', SCOPES)}
            {f.text('expiresAt', 'Expires (optional)', { type: 'datetime-local' })}
          </>
        ),
        createLabel: 'Create API key',
        create: async (d) => {
          const r = await call<{ createApiKey: { secret: string } }>(
            `mutation ($name: String!, $scopes: [ApiKeyScope!]!, $expiresAt: DateTime) {
              createApiKey(name: $name, scopes: $scopes, expiresAt: $expiresAt) { secret } }`,
            { name: d.name, scopes: d.scopes, expiresAt: fromLocalInput(d.expiresAt) },
          );
          return <Secret what={`Key ${d.name} created.`} secret={r.createApiKey.secret} />;
        },
      }}
    />
  );
}

interface MemberRow {
  role: string;
  since: string;
  user: { id: string; email: string };
}

const ROLES = ['viewer', 'editor', 'admin', 'owner'].map((r) => [r, r] as const);

/** Members: invite by e-mail, change a role, remove. */
export function UsersSettings() {
  const { call, session } = useSession();
  const q = useQuery<{ users: MemberRow[] }>(`query { users { role since user { id email } } }`);
  return (
    <SettingsSection
      title="Users"
      list={{ ...q, items: q.data?.users }}
      reload={q.reload}
      keyOf={(m) => m.user.id}
      render={(m) => (
        <>
          <strong>{m.user.email}</strong> <span className="badge">{m.role}</span>{' '}
          <span className="muted">since {time(m.since)}</span>
          {m.user.email === session.email && <span className="muted"> · you</span>}
        </>
      )}
      actions={(m, run) => (
        <>
          <label className="inline-label">
            Role of {m.user.email}
            <select
              value={m.role}
              onChange={(e) => {
                const role = e.target.value;
                run(async () => {
                  await call(
                    `mutation ($id: ID!, $role: Role!) { changeRole(userId: $id, role: $role) { role } }`,
                    { id: m.user.id, role },
                  );
                  return `${m.user.email} is now ${role}.`;
                });
              }}
            >
              {ROLES.map(([r]) => (
                <option key={r}>{r}</option>
              ))}
            </select>
          </label>
          <DangerButton
            label="Remove"
            run={run}
            mutation={`mutation ($id: ID!) { removeMember(userId: $id) }`}
            id={m.user.id}
            done={`${m.user.email} removed.`}
          />
        </>
      )}
      form={{
        blank: () => ({ email: '', role: 'viewer' }),
        fields: (f) => (
          <>
            {f.text('email', 'E-mail', { required: true, type: 'email' })}
            {f.select('role', 'Role', ROLES)}
          </>
        ),
        createLabel: 'Invite user',
        create: async (d) => {
          const r = await call<{ inviteUser: { joined: boolean } }>(
            `mutation ($email: String!, $role: Role!) { inviteUser(email: $email, role: $role) { joined } }`,
            d,
          );
          return r.inviteUser.joined ? `${d.email} joined.` : `Invitation sent to ${d.email}.`;
        },
      }}
    />
  );
}
