import { type Client } from 'graphql-ws';
import { createContext, type ReactNode, useContext, useEffect, useMemo, useState } from 'react';

import { gql, wsClient } from './client';

/** Who is signed in: a token (access token or API key) and what `me` said about it. */
export interface Session {
  token: string;
  role: string;
  email: string | null;
  tenant: string;
}

interface SessionApi {
  session: Session;
  ws: Client;
  /** `gql` with this session's token. */
  call: <T>(query: string, variables?: Record<string, unknown>) => Promise<T>;
  signOut: () => void;
}

const KEY = 'vigil.session';
const Ctx = createContext<SessionApi | null>(null);

/** The stored session of this tab (sessionStorage: gone when the tab closes). */
export function storedSession(): Session | null {
  try {
    const raw = sessionStorage.getItem(KEY);
    return raw ? (JSON.parse(raw) as Session) : null;
  } catch {
    return null;
  }
}

export function storeSession(session: Session | null): void {
  if (session) sessionStorage.setItem(KEY, JSON.stringify(session));
  else sessionStorage.removeItem(KEY);
}

const SESSION_FIELDS = 'accessToken role user { email } tenant { slug }';

/** Signs in with the `login` mutation; the access token becomes the session's token. */
export async function signIn(email: string, password: string, tenant: string): Promise<Session> {
  const { login } = await gql<{
    login: { accessToken: string; role: string; user: { email: string }; tenant: { slug: string } };
  }>(
    null,
    `mutation ($e: String!, $p: String!, $t: String) { login(email: $e, password: $p, tenant: $t) { ${SESSION_FIELDS} } }`,
    { e: email, p: password, t: tenant || null },
  );
  return {
    token: login.accessToken,
    role: login.role,
    email: login.user.email,
    tenant: login.tenant.slug,
  };
}

/**
 * Checks a pasted API key: it must read logs. `me` is for users only, so an admin key is told apart
 * by whether it may list API keys.
 */
export async function sessionForKey(key: string): Promise<Session> {
  await gql(key, '{ logs(filter: {}, first: 0) { totalCount } }');
  const admin = await gql(key, '{ apiKeys { id } }').then(
    () => true,
    () => false,
  );
  return { token: key, role: admin ? 'admin' : 'viewer', email: null, tenant: '' };
}

export function SessionProvider(props: {
  session: Session;
  onSignOut: () => void;
  children: ReactNode;
}) {
  const { session, onSignOut } = props;
  const [ws] = useState(() => wsClient(session.token));
  useEffect(() => () => void ws.dispose(), [ws]);
  const api = useMemo<SessionApi>(
    () => ({
      session,
      ws,
      call: (query, variables) => gql(session.token, query, variables),
      signOut: onSignOut,
    }),
    [session, ws, onSignOut],
  );
  return <Ctx.Provider value={api}>{props.children}</Ctx.Provider>;
}

export function useSession(): SessionApi {
  const api = useContext(Ctx);
  if (!api) throw new Error('useSession outside SessionProvider');
  return api;
}

/** Admins and owners see Settings; the API decides anyway. */
export function isAdmin(session: Session): boolean {
  return session.role === 'admin' || session.role === 'owner';
}
