import { MembershipService } from 'src/modules/tenancy/membership.service';
import type { Role } from 'src/modules/tenancy/principal';

import type { TestTenant, TestVigil } from './test-vigil';

export const PASSWORD = 'correct horse battery staple';

export interface TestSession {
  accessToken: string;
  refreshToken: string;
  expiresAt: string;
  role: Role;
  user: { id: string; email: string };
  tenant: { id: string; slug: string };
}

export const SESSION_FIELDS =
  'accessToken refreshToken expiresAt role user { id email } tenant { id slug }';

/** A member with a password, created as the CLI does (no e-mail needed). */
export async function createMember(
  sut: TestVigil,
  tenant: TestTenant,
  email: string,
  role: Role,
  password = PASSWORD,
): Promise<void> {
  await sut.vigil.app
    .get(MembershipService)
    .createMember({ id: tenant.id, slug: tenant.slug }, email, role, password);
}

export async function login(
  sut: TestVigil,
  email: string,
  tenant: string | null,
  password = PASSWORD,
): Promise<TestSession> {
  const res = await sut.graphql<{ login: TestSession }>(
    null,
    `mutation($e: String!, $p: String!, $t: String) { login(email: $e, password: $p, tenant: $t) { ${SESSION_FIELDS} } }`,
    { e: email, p: password, t: tenant },
  );
  if (!res.data) throw new Error(`login failed: ${JSON.stringify(res.errors)}`);
  return res.data.login;
}

/** The `extensions.code` of the first error, or 'OK'. */
export function codeOf(res: { errors?: Array<{ extensions?: Record<string, unknown> }> }): string {
  return res.errors ? String(res.errors[0]?.extensions?.code) : 'OK';
}

export const COUNT_LOGS = `{ logs(filter: {}, first: 0) { totalCount } }`;
