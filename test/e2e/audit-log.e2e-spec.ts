import { Client } from 'pg';
import { DataSource } from 'typeorm';

import { inTenantTransaction } from 'src/common/database/tenant-transaction';
import { systemActor } from 'src/modules/audit/audit-actor';
import { AuditService } from 'src/modules/audit/audit.service';

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

// Apps start in a few seconds, more on a busy machine.
jest.setTimeout(60_000);

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

  describe('AuditService', () => {
    let c: TestTenant;
    let audit: AuditService;
    const alice = (tenantId: string) => ({
      kind: 'user' as const,
      tenantId,
      id: '0b7c6a1e-1111-4c2b-9a11-000000000001',
      label: 'alice@example.com',
    });

    beforeAll(async () => {
      c = await sut.createTenant('audit-c');
      audit = sut.vigil.app.get(AuditService);
    });

    it('redacts secret-looking details, drops an invalid address and refuses bad action names', async () => {
      await audit.record(alice(c.id), 'channel.updated', {
        target: { kind: 'channel', id: 'ch-1' },
        details: {
          before: { url: 'https://hooks.local/x', token: 'tok-old' },
          after: { url: 'https://hooks.local/y', token: 'tok-new', smtpPassword: 'pw' },
        },
        ip: 'not-an-ip',
        userAgent: 'u'.repeat(2000),
      });
      const [entry] = (await audit.page(c.id, {}, 1, null)).entries;
      expect(entry).toMatchObject({
        action: 'channel.updated',
        actorKind: 'user',
        actorLabel: 'alice@example.com',
        ip: null,
        targetKind: 'channel',
        targetId: 'ch-1',
        details: {
          before: { url: 'https://hooks.local/x', token: '[REDACTED]' },
          after: { url: 'https://hooks.local/y', token: '[REDACTED]', smtpPassword: '[REDACTED]' },
        },
      });
      expect(entry!.userAgent).toHaveLength(500);
      await expect(audit.record(alice(c.id), 'Changed channel')).rejects.toMatchObject({
        code: 'INVALID_ACTION',
      });
    });

    it('keeps entries without a tenant away from every tenant', async () => {
      await audit.record(
        { kind: 'user', tenantId: null, id: null, label: 'nobody@example.com' },
        'auth.login_failed',
        { ip: '198.51.100.7', details: { reason: 'unknown e-mail', password: 'guess' } },
      );
      const owner = new Client({ connectionString: sut.databaseUrl });
      await owner.connect();
      try {
        const rows = await owner.query<{ details: unknown; ip: string }>(
          `SELECT details, host(ip) AS ip FROM audit_log WHERE tenant_id IS NULL`,
        );
        expect(rows.rows).toEqual([
          { details: { reason: 'unknown e-mail', password: '[REDACTED]' }, ip: '198.51.100.7' },
        ]);
      } finally {
        await owner.end();
      }
      for (const t of [a, b, c]) {
        const page = await audit.page(t.id, { actions: ['auth.*'] }, 50, null);
        expect(page.entries).toEqual([]);
      }
    });

    it('records inside a caller’s tenant transaction, and only that tenant’s', async () => {
      const db = sut.vigil.app.get(DataSource);
      await expect(
        inTenantTransaction(db, c.id, async (tx) => {
          await audit.record(alice(c.id), 'rule.updated', { tx });
          throw new Error('the change failed');
        }),
      ).rejects.toThrow('the change failed');
      expect(await audit.page(c.id, { actions: ['rule.updated'] }, 5, null)).toMatchObject({
        entries: [],
      });
      await expect(
        inTenantTransaction(db, b.id, (tx) => audit.record(alice(c.id), 'rule.updated', { tx })),
      ).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    });

    it('erases a data subject and applies retention, the only ways past the append-only trigger', async () => {
      const d = await sut.createTenant('audit-d');
      await audit.record(alice(d.id), 'auth.login', { ip: '192.0.2.1', userAgent: 'curl' });
      await audit.record(systemActor(d.id, 'cli'), 'member.invited', {
        target: { kind: 'user', id: 'alice@example.com' },
        details: { email: 'alice@example.com', role: 'viewer' },
      });
      await audit.record(systemActor(d.id, 'cli'), 'secret.set', { target: { kind: 'secret' } });

      expect(await audit.eraseSubject(d.id, { email: 'Alice@Example.com' })).toBe(2);
      const entries = (await audit.page(d.id, {}, 10, null)).entries;
      expect(JSON.stringify(entries)).not.toMatch(/alice@example\.com|192\.0\.2\.1|curl/i);
      // Sorted: entries made within one millisecond have no defined order.
      expect(entries.map((e) => e.action).sort()).toEqual([
        'auth.login',
        'member.invited',
        'secret.set',
      ]);
      await expect(audit.eraseSubject(d.id, {})).rejects.toMatchObject({
        code: 'INVALID_ARGUMENT',
      });

      expect(await audit.deleteOlderThan(new Date(Date.now() + 1000), d.id)).toBe(3);
      expect((await audit.page(d.id, {}, 10, null)).entries).toEqual([]);
      expect((await audit.page(c.id, {}, 10, null)).entries.length).toBeGreaterThan(0);
    });
  });
});
