import { type TestTenant, TestVigil } from '../support/test-vigil';

interface AuditEdge {
  cursor: string;
  node: {
    action: string;
    actor: { kind: string; id: string | null; label: string | null };
    target: { kind: string; id: string | null } | null;
    ip: string | null;
    userAgent: string | null;
    details: Record<string, unknown>;
  };
}
interface AuditLogData {
  auditLog: { edges: AuditEdge[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } };
}

const AUDIT_LOG = `query ($filter: AuditFilter, $first: Int, $after: String) {
  auditLog(filter: $filter, first: $first, after: $after) {
    edges { cursor node { action actor { kind id label } target { kind id } ip userAgent details } }
    pageInfo { hasNextPage endCursor }
  }
}`;

describe('audit log over GraphQL', () => {
  let sut: TestVigil;
  let a: TestTenant;
  let b: TestTenant;

  async function post<T>(
    key: string,
    query: string,
    variables: Record<string, unknown> = {},
    headers: Record<string, string> = {},
  ) {
    const res = await fetch(`${sut.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${key}`, ...headers },
      body: JSON.stringify({ query, variables }),
    });
    return (await res.json()) as {
      data?: T;
      errors?: Array<{ message: string; extensions?: { code?: string } }>;
    };
  }

  beforeAll(async () => {
    sut = await TestVigil.start();
    a = await sut.createTenant('audit-a');
    b = await sut.createTenant('audit-b');
    const headers = { 'user-agent': 'audit-test/1.0', 'x-forwarded-for': '203.0.113.9' };
    for (const name of ['smtp.password', 'channel:1:token', 'oidc.client_secret']) {
      const set = await post(
        a.adminKey,
        `mutation ($name: String!, $value: SecretValue!) { setSecret(name: $name, value: $value) { name } }`,
        { name, value: `value of ${name}` },
        headers,
      );
      expect(set.errors).toBeUndefined();
    }
    const del = await post<{ deleteSecret: boolean }>(
      a.adminKey,
      `mutation { deleteSecret(name: "channel:1:token") }`,
      {},
      headers,
    );
    expect(del).toEqual({ data: { deleteSecret: true } });
    await post(b.adminKey, `mutation { setSecret(name: "b.only", value: "bee") { name } }`);
  });
  afterAll(() => sut.close());

  it('records who, from where and what for each secret set and delete, newest first', async () => {
    const res = await post<AuditLogData>(a.adminKey, AUDIT_LOG);
    expect(res.errors).toBeUndefined();
    const nodes = res.data!.auditLog.edges.map((e) => e.node);
    expect(nodes.map((n) => `${n.action} ${n.target?.id}`)).toEqual([
      'secret.deleted channel:1:token',
      'secret.set oidc.client_secret',
      'secret.set channel:1:token',
      'secret.set smtp.password',
    ]);
    for (const n of nodes) {
      expect(n.actor).toEqual({ kind: 'api_key', id: expect.any(String), label: 'admin' });
      expect(n.target?.kind).toBe('secret');
      expect(n.userAgent).toBe('audit-test/1.0');
      // Fastify is not told to trust a proxy, so X-Forwarded-For is ignored: the peer address is kept.
      expect(n.ip).toMatch(/^(::ffff:)?127\.0\.0\.1$/);
    }
    expect(nodes[3]!.details).toEqual({ name: 'smtp.password', created: true, sealedWith: 'dev' });
    expect(JSON.stringify(res)).not.toContain('value of');
  });

  it('shows another tenant’s admin only that tenant’s entries', async () => {
    const res = await post<AuditLogData>(b.adminKey, AUDIT_LOG);
    expect(res.data!.auditLog.edges.map((e) => `${e.node.action} ${e.node.target?.id}`)).toEqual([
      'secret.set b.only',
    ]);
  });

  it('refuses callers without the admin permission', async () => {
    const res = await post<AuditLogData>(a.ingestKey, AUDIT_LOG);
    expect(res.data).toBeNull();
    expect(res.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const anonymous = await sut.graphql(null, AUDIT_LOG);
    expect(anonymous.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('pages with cursors and filters by action, prefix, target and actor', async () => {
    const seen: string[] = [];
    let after: string | null = null;
    let pages = 0;
    do {
      const res: { data?: AuditLogData } = await post<AuditLogData>(a.adminKey, AUDIT_LOG, {
        first: 3,
        after,
      });
      const page = res.data!.auditLog;
      seen.push(...page.edges.map((e) => e.node.action));
      after = page.pageInfo.hasNextPage ? page.pageInfo.endCursor : null;
      pages++;
    } while (after !== null && pages < 10);
    expect(pages).toBe(2);
    expect(seen).toEqual(['secret.deleted', 'secret.set', 'secret.set', 'secret.set']);

    const count = async (filter: Record<string, unknown>) =>
      (await post<AuditLogData>(a.adminKey, AUDIT_LOG, { filter })).data!.auditLog.edges.length;
    expect(await count({ actions: ['secret.deleted'] })).toBe(1);
    expect(await count({ actions: ['secret.*'] })).toBe(4);
    expect(await count({ actions: ['auth.*'] })).toBe(0);
    expect(await count({ targetKind: 'secret', targetId: 'smtp.password' })).toBe(1);
    expect(await count({ to: new Date(Date.now() - 3_600_000).toISOString() })).toBe(0);
    const first = (await post<AuditLogData>(a.adminKey, AUDIT_LOG)).data!.auditLog.edges[0]!;
    expect(await count({ actorId: first.node.actor.id })).toBe(4);
    expect(await count({ actorId: 'someone-else' })).toBe(0);
  });

  it('answers bad arguments with BAD_USER_INPUT', async () => {
    for (const variables of [
      { first: 0 },
      { first: 501 },
      { after: 'not-a-cursor' },
      { filter: { actions: ['DROP TABLE'] } },
      { filter: { from: '2026-01-02T00:00:00Z', to: '2026-01-01T00:00:00Z' } },
    ]) {
      const res = await post<AuditLogData>(a.adminKey, AUDIT_LOG, variables);
      expect(res.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    }
  });

  it('does not let a cursor from one tenant reveal another tenant’s entries', async () => {
    const page = (await post<AuditLogData>(a.adminKey, AUDIT_LOG, { first: 1 })).data!.auditLog;
    const res = await post<AuditLogData>(b.adminKey, AUDIT_LOG, { after: page.pageInfo.endCursor });
    const actions = res.data!.auditLog.edges.map((e) => e.node.target?.id);
    expect(actions.every((id) => id === 'b.only')).toBe(true);
  });
});
