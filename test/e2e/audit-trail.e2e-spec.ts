import { createMember, login, PASSWORD } from '../support/test-users';
import { type TestTenant, TestVigil } from '../support/test-vigil';

interface Entry {
  action: string;
  actor: { kind: string; id: string | null };
  target: { kind: string | null; id: string | null } | null;
  details: Record<string, unknown> | null;
}

/**
 * The security events of the other modules land in the audit log: sign-in (and a failed one),
 * API key changes and retention changes, each with who did it and to what.
 */
describe('audit trail across modules', () => {
  let sut: TestVigil;
  let tenant: TestTenant;

  beforeAll(async () => {
    sut = await TestVigil.start();
    tenant = await sut.createTenant('trail');
    await createMember(sut, tenant, 'ada@example.com', 'admin');
  });
  afterAll(() => sut.close());

  /** The entries with these actions, once at least `atLeast` are there (or after 5 s). */
  async function entries(actions: string[], atLeast = 1): Promise<Entry[]> {
    for (let attempt = 0; ; attempt++) {
      const res = await sut.graphql<{ auditLog: { edges: Array<{ node: Entry }> } }>(
        tenant.adminKey,
        `query($a: [String!]) { auditLog(filter: { actions: $a }, first: 50) {
           edges { node { action actor { kind id } target { kind id } details } } } }`,
        { a: actions },
      );
      expect(res.errors).toBeUndefined();
      const found = res.data!.auditLog.edges.map((e) => e.node);
      // Identity events are recorded without holding up the sign-in itself.
      if (found.length >= atLeast || attempt >= 50) return found;
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  it('records a sign-in and a failed one, never with the password', async () => {
    const session = await login(sut, 'ada@example.com', 'trail');
    await sut.graphql(
      null,
      `mutation { login(email: "ada@example.com", password: "wrong password!", tenant: "trail") { accessToken } }`,
    );
    const logins = await entries(['auth.login']);
    expect(logins).toEqual([
      expect.objectContaining({ actor: { kind: 'user', id: session.user.id } }),
    ]);
    const failed = await entries(['auth.login_failed']);
    expect(failed.length).toBeGreaterThanOrEqual(1);
    expect(JSON.stringify([...logins, ...failed])).not.toContain(PASSWORD);
  });

  it('records API key creation and revocation, never with the secret', async () => {
    const created = await sut.graphql<{ createApiKey: { key: { id: string }; secret: string } }>(
      tenant.adminKey,
      `mutation { createApiKey(name: "shipper", scopes: [INGEST]) { key { id } secret } }`,
    );
    expect(created.errors).toBeUndefined();
    const { key, secret } = created.data!.createApiKey;
    await sut.graphql(tenant.adminKey, `mutation($id: ID!) { revokeApiKey(id: $id) { id } }`, {
      id: key.id,
    });
    const changes = await entries(['api_key.*'], 2);
    expect(changes.map((e) => [e.action, e.target?.id])).toEqual(
      expect.arrayContaining([
        ['api_key.created', key.id],
        ['api_key.revoked', key.id],
      ]),
    );
    expect(JSON.stringify(changes)).not.toContain(secret);
  });

  it('records a retention change with its new value', async () => {
    const res = await sut.graphql(tenant.adminKey, `mutation { setRetention(days: 3) { days } }`);
    expect(res.errors).toBeUndefined();
    const [change] = await entries(['retention.changed']);
    expect(change?.details).toEqual({ retentionDays: 3 });
  });
});
