export const SCOPES = ['ingest', 'read', 'admin'] as const;
export type Scope = (typeof SCOPES)[number];

/** Who is calling: resolved from an API key, carried through every request. */
export interface Principal {
  tenantId: string;
  tenantSlug: string;
  keyId: string;
  scopes: ReadonlySet<Scope>;
}
