/** What an API key may be granted. */
export const SCOPES = ['ingest', 'read', 'admin'] as const;
export type Scope = (typeof SCOPES)[number];

/** A user's role in one tenant, most powerful first. */
export const ROLES = ['owner', 'admin', 'editor', 'viewer'] as const;
export type Role = (typeof ROLES)[number];

/**
 * What a caller may do. API key scopes and user roles both resolve to these, and every resolver
 * field and HTTP route declares the ones it needs (`@Authorize`, route `config.permissions`).
 * - `ingest`: send logs; `read`: query logs and everything derived from them;
 * - `write`: change configuration (rules, channels, runbooks, feedback);
 * - `admin`: manage users, keys, secrets, retention, exports and erasures, read the audit log;
 * - `owner`: what only an owner may do (transfer ownership, delete the tenant).
 */
export const PERMISSIONS = ['ingest', 'read', 'write', 'admin', 'owner'] as const;
export type Permission = (typeof PERMISSIONS)[number];

export const ROLE_PERMISSIONS: Readonly<Record<Role, readonly Permission[]>> = {
  viewer: ['read'],
  editor: ['read', 'write'],
  admin: ['ingest', 'read', 'write', 'admin'],
  owner: ['ingest', 'read', 'write', 'admin', 'owner'],
};

export const SCOPE_PERMISSIONS: Readonly<Record<Scope, readonly Permission[]>> = {
  ingest: ['ingest'],
  read: ['read'],
  admin: ['write', 'admin'],
};

export function permissionsOfScopes(scopes: Iterable<Scope>): Set<Permission> {
  const out = new Set<Permission>();
  for (const scope of scopes) for (const p of SCOPE_PERMISSIONS[scope]) out.add(p);
  return out;
}

export function permissionsOfRole(role: Role): Set<Permission> {
  return new Set(ROLE_PERMISSIONS[role]);
}

/** Who is calling, in which tenant: resolved from an API key or a user's access token. */
export interface Principal {
  /** Always from the credential; never from a request body, index name or document field. */
  tenantId: string;
  tenantSlug: string;
  kind: 'api_key' | 'user';
  /** The API key's id or the user's id. */
  subjectId: string;
  /** The key's name or the user's e-mail, for the audit log. */
  label: string;
  /** The user's role in this tenant; null for API keys. */
  role: Role | null;
  permissions: ReadonlySet<Permission>;
  /** When the credential stops being valid (API key expiry, token `exp`); absent if never. */
  expiresAt?: Date | null;
}
