import { useState } from 'react';

import { time } from '../ui/status';
import { useMutation, useQuery } from '../ui/use-query';
import { DangerButton, NameField, SettingsSection } from './settings-kit';

interface Key {
  id: string;
  name: string;
  prefix: string;
  scopes: string[];
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

/** API keys: issue (the secret is shown once) and revoke. */
export function ApiKeysSettings() {
  const q = useQuery<{ apiKeys: Key[] }>(
    `query { apiKeys { id name prefix scopes createdAt lastUsedAt revokedAt } }`,
  );
  const create = useMutation<{ createApiKey: { secret: string } }>(
    `mutation ($name: String!, $scopes: [ApiKeyScope!]!) { createApiKey(name: $name, scopes: $scopes) { secret } }`,
  );
  const revoke = useMutation(`mutation ($id: ID!) { revokeApiKey(id: $id) { id } }`);
  const [name, setName] = useState('');
  const [scope, setScope] = useState('READ');
  const [secret, setSecret] = useState<string | null>(null);
  return (
    <SettingsSection
      title="API keys"
      loading={q.loading}
      error={q.error}
      items={q.data?.apiKeys}
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
            {k.revokedAt ? ` · revoked ${time(k.revokedAt)}` : ''}
          </span>
        </>
      )}
      actions={(k) =>
        !k.revokedAt && (
          <DangerButton label="Revoke" run={() => revoke.run({ id: k.id })} reload={q.reload} />
        )
      }
      form={
        <>
          <NameField value={name} onChange={setName} />
          <label>
            Scope
            <select value={scope} onChange={(e) => setScope(e.target.value)}>
              {['READ', 'INGEST', 'ADMIN'].map((s) => (
                <option key={s}>{s}</option>
              ))}
            </select>
          </label>
        </>
      }
      createLabel="Create API key"
      onCreate={() =>
        void create.run({ name, scopes: [scope] }).then((r) => {
          if (!r) return;
          setSecret(r.createApiKey.secret);
          q.reload();
        })
      }
      busy={create.busy}
      actionError={create.error ?? revoke.error}
      notice={
        secret && (
          <p className="status ok" role="status">
            New key (copy it now, it is not shown again): <code>{secret}</code>
          </p>
        )
      }
    />
  );
}

interface MemberRow {
  role: string;
  since: string;
  user: { id: string; email: string };
}

/** Members: invite by e-mail, remove. */
export function UsersSettings() {
  const q = useQuery<{ users: MemberRow[] }>(`query { users { role since user { id email } } }`);
  const invite = useMutation<{ inviteUser: { joined: boolean } }>(
    `mutation ($email: String!, $role: Role!) { inviteUser(email: $email, role: $role) { email joined role } }`,
  );
  const remove = useMutation(`mutation ($id: ID!) { removeMember(userId: $id) }`);
  const [email, setEmail] = useState('');
  const [role, setRole] = useState('viewer');
  const [notice, setNotice] = useState<string | null>(null);
  return (
    <SettingsSection
      title="Users"
      loading={q.loading}
      error={q.error}
      items={q.data?.users}
      keyOf={(m) => m.user.id}
      render={(m) => (
        <>
          <strong>{m.user.email}</strong> <span className="badge">{m.role}</span>{' '}
          <span className="muted">since {time(m.since)}</span>
        </>
      )}
      actions={(m) => (
        <DangerButton label="Remove" run={() => remove.run({ id: m.user.id })} reload={q.reload} />
      )}
      form={
        <>
          <label>
            E-mail
            <input required type="email" value={email} onChange={(e) => setEmail(e.target.value)} />
          </label>
          <label>
            Role
            <select value={role} onChange={(e) => setRole(e.target.value)}>
              {['viewer', 'editor', 'admin', 'owner'].map((r) => (
                <option key={r}>{r}</option>
              ))}
            </select>
          </label>
        </>
      }
      createLabel="Invite user"
      onCreate={() =>
        void invite.run({ email, role }).then((r) => {
          if (!r) return;
          setNotice(r.inviteUser.joined ? `${email} joined.` : `Invitation sent to ${email}.`);
          q.reload();
        })
      }
      busy={invite.busy}
      actionError={invite.error ?? remove.error}
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
