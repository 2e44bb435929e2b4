import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';

import { Client } from 'pg';

import { displayPrefix, generateApiKey, hashApiKey } from 'src/modules/tenancy/api-key.codec';
import { AuditService } from 'src/modules/audit/audit.service';

import { codeOf, COUNT_LOGS, createMember, login } from '../support/test-users';
import { ndjson, type TestTenant, TestVigil } from '../support/test-vigil';

interface Job {
  id: string;
  kind: string;
  status: string;
  requestedBy: string;
  downloadPath: string | null;
  report: {
    counts: Array<{ name: string; count: number }>;
    errors: string[];
    bytes: number | null;
  } | null;
}

const JOB_FIELDS = `id kind status requestedBy downloadPath report { counts { name count } errors bytes }`;

describe('GDPR: export, erasure, retention', () => {
  let sut: TestVigil;
  let exportDir: string;
  let db: Client;
  let a: TestTenant;
  let b: TestTenant;
  let aReadKey: string;

  beforeAll(async () => {
    exportDir = await mkdtemp(join(tmpdir(), 'vigil-export-test-'));
    sut = await TestVigil.start({ EXPORT_DIR: exportDir });
    db = new Client({ connectionString: sut.databaseUrl });
    await db.connect();
    a = await sut.createTenant('gdpr-a');
    b = await sut.createTenant('gdpr-b');
    aReadKey = await addKey(a.id, ['read']);
    // Tables a later module might add, one referencing the other (emptied child first, whatever their names), one column a credential.
    await db.query(`CREATE TABLE boards (id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      tenant_id uuid NOT NULL REFERENCES tenants(id), name text NOT NULL, api_token text)`);
    await db.query(`CREATE TABLE cards (tenant_id uuid NOT NULL,
      board_id uuid NOT NULL REFERENCES boards(id), label text NOT NULL)`);
    for (const t of [a, b]) {
      await db.query(
        `WITH w AS (INSERT INTO boards (tenant_id, name, api_token) VALUES ($1, $2, 'tok-secret') RETURNING id)
         INSERT INTO cards (tenant_id, board_id, label) SELECT $1, id, $2 FROM w`,
        [t.id, `board of ${t.slug}`],
      );
    }
    // These tenants keep personal data in their logs (redaction off), which is what GDPR jobs are for.
    for (const t of [a, b]) {
      const off = await sut.graphql(
        t.adminKey,
        `mutation { setRedactionPolicy(input: { rules: [] }) { rules } }`,
      );
      expect(off.errors).toBeUndefined();
    }
    await ingest(a, [
      { message: 'login ok for alice@example.com from 10.9.8.7', service: 'auth' },
      {
        message: 'profile viewed',
        service: 'web',
        user: { id: 'u-4711', email: 'Alice@Example.com' },
      },
      {
        message: 'order placed by bob@example.com',
        service: 'shop',
        client: { ip: '10.9.8.7' },
        // The same address as the request names it, spelled out the long way.
        peer: '2001:DB8:0:0:0:0:0:7',
      },
      { message: 'marker-a-only', service: 'web' },
    ]);
    await ingest(b, [
      { message: 'tenant b also knows alice@example.com', service: 'auth' },
      { message: 'marker-b-only', service: 'web', user: { id: 'u-4711' } },
    ]);
  });
  afterAll(async () => {
    await db.end();
    await sut.close();
    await rm(exportDir, { recursive: true, force: true });
  });

  async function ingest(t: TestTenant, docs: object[]): Promise<void> {
    const res = await fetch(`${sut.esUrl}/_bulk?refresh=true`, {
      method: 'POST',
      headers: { authorization: `Bearer ${t.ingestKey}`, 'content-type': 'application/x-ndjson' },
      body: ndjson(docs.flatMap((d) => [{ create: { _index: 'app' } }, d])),
    });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { errors: boolean }).errors).toBe(false);
  }

  async function addKey(tenantId: string, scopes: string[]): Promise<string> {
    const key = generateApiKey();
    await db.query(
      `INSERT INTO api_keys (tenant_id, name, key_prefix, key_hash, scopes) VALUES ($1, $2, $3, $4, $5)`,
      [tenantId, `${scopes.join('-')}-key`, displayPrefix(key), hashApiKey(key), scopes],
    );
    return key;
  }

  async function mutate(
    key: string,
    query: string,
    variables: Record<string, unknown> = {},
  ): Promise<Job> {
    const res = await sut.graphql<Record<string, Job>>(key, query, variables);
    expect(res.errors).toBeUndefined();
    return Object.values(res.data ?? {})[0] as Job;
  }

  /** Polls the job (through GraphQL) until it has run. */
  async function finished(key: string, id: string): Promise<Job> {
    for (let i = 0; i < 300; i++) {
      const res = await sut.graphql<{ privacyJob: Job | null }>(
        key,
        `query ($id: ID!) { privacyJob(id: $id) { ${JOB_FIELDS} } }`,
        { id },
      );
      const job = res.data?.privacyJob;
      if (job && (job.status === 'done' || job.status === 'failed')) return job;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`job ${id} did not finish`);
  }

  const counts = (job: Job): Record<string, number> =>
    Object.fromEntries((job.report?.counts ?? []).map((c) => [c.name, c.count]));

  async function totalCount(key: string, query: string): Promise<number> {
    const res = await sut.graphql<{ logs: { totalCount: number } }>(
      key,
      `query ($q: String) { logs(filter: { query: $q }) { totalCount } }`,
      { q: query },
    );
    return res.data?.logs.totalCount ?? -1;
  }

  it('exports a tenant as gzip NDJSON that only its own admins can download', async () => {
    const queued = await mutate(a.adminKey, `mutation { exportTenant { ${JOB_FIELDS} } }`);
    expect(queued).toMatchObject({ kind: 'export', status: 'queued', downloadPath: null });
    const job = await finished(a.adminKey, queued.id);
    expect(job.status).toBe('done');
    expect(job.downloadPath).toBe(`/api/v1/exports/${job.id}`);
    expect(counts(job)).toMatchObject({
      tenants: 1,
      api_keys: 3,
      boards: 1,
      cards: 1,
      'logs.records': 4,
    });
    expect(job.report?.bytes).toBeGreaterThan(0);

    const res = await fetch(`${sut.url}${job.downloadPath}`, {
      headers: { authorization: `Bearer ${a.adminKey}` },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/gzip');
    expect(res.headers.get('content-disposition')).toContain('vigil-export-gdpr-a-');
    const text = gunzipSync(Buffer.from(await res.arrayBuffer())).toString('utf8');
    const lines = text
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { type: string; row: Record<string, unknown> });
    expect(lines[0]).toMatchObject({
      type: 'export',
      row: { format: 'vigil-export/1', tenantId: a.id },
    });
    expect(lines.filter((l) => l.type === 'tenants').map((l) => l.row.slug)).toEqual(['gdpr-a']);
    const keys = lines.filter((l) => l.type === 'api_keys').map((l) => l.row);
    expect(keys).toHaveLength(3);
    for (const key of keys) {
      expect(key.tenant_id).toBe(a.id);
      expect(key).not.toHaveProperty('key_hash');
    }
    const logs = lines.filter((l) => l.type === 'logs').map((l) => l.row);
    expect(logs.map((l) => l.body).sort()).toEqual([
      'login ok for alice@example.com from 10.9.8.7',
      'marker-a-only',
      'order placed by bob@example.com',
      'profile viewed',
    ]);
    expect(logs.every((l) => l.tenantId === a.id)).toBe(true);
    expect(lines.filter((l) => l.type === 'boards').map((l) => l.row)).toEqual([
      { id: expect.any(String), tenant_id: a.id, name: 'board of gdpr-a' },
    ]);
    expect(text).not.toContain('tok-secret');
    expect(text).not.toContain('marker-b-only');
    expect(text).not.toContain(b.id);

    // Another tenant's admin, a read-only key and no key at all get nothing.
    const other = await fetch(`${sut.url}${job.downloadPath}`, {
      headers: { authorization: `Bearer ${b.adminKey}` },
    });
    expect(other.status).toBe(404);
    const reader = await fetch(`${sut.url}${job.downloadPath}`, {
      headers: { authorization: `Bearer ${aReadKey}` },
    });
    expect(reader.status).toBe(403);
    expect((await fetch(`${sut.url}${job.downloadPath}`)).status).toBe(401);
    const missing = await fetch(`${sut.url}/api/v1/exports/not-a-job`, {
      headers: { authorization: `Bearer ${a.adminKey}` },
    });
    expect(missing.status).toBe(404);

    // B sees neither the job nor its list entry.
    const seenByB = await sut.graphql<{ privacyJob: Job | null; privacyJobs: Job[] }>(
      b.adminKey,
      `query ($id: ID!) { privacyJob(id: $id) { id } privacyJobs { id } }`,
      { id: job.id },
    );
    expect(seenByB.data).toEqual({ privacyJob: null, privacyJobs: [] });
  });

  it('erases a data subject from bodies and attributes, keeping records and other tenants', async () => {
    // Alice is also a member of tenant A: her membership and account go; Bob's stay.
    await createMember(sut, a, 'alice@example.com', 'viewer');
    await createMember(sut, a, 'bob@example.com', 'viewer');
    const beforeA = await totalCount(a.adminKey, '');
    // The subject in the audit log too: a sign-in of theirs, from their address.
    await sut.vigil.app
      .get(AuditService)
      .record(
        { kind: 'user', tenantId: a.id, id: 'u-4711', label: 'alice@example.com' },
        'auth.login',
        {
          ip: '10.9.8.7',
        },
      );
    // A runbook run she started, approved and whose parameter names her.
    await mutate(a.adminKey, `mutation ($d: JSON!) { saveRunbook(definition: $d) { id } }`, {
      d: {
        id: 'notify-owner',
        name: 'Notify the owner',
        version: 1,
        trigger: { kind: 'manual' },
        steps: [{ id: 'ok', kind: 'approval', roles: ['viewer'], timeoutSeconds: 60 }],
      },
    });
    await db.query(
      `INSERT INTO runbook_runs (tenant_id, id, runbook_id, version, status, trigger, params, started_by)
       VALUES ($1, '00000000-0000-4000-8000-000000004711', 'notify-owner', 1, 'succeeded',
               '{"kind":"manual","by":"alice@example.com"}', '{"owner":"alice@example.com"}',
               'alice@example.com')`,
      [a.id],
    );
    await db.query(
      `INSERT INTO runbook_run_steps (tenant_id, run_id, index, step_id, kind, status, decided_by, output)
       VALUES ($1, '00000000-0000-4000-8000-000000004711', 0, 'ok', 'approval', 'succeeded',
               'alice@example.com', '{"decision":"approved","by":"alice@example.com"}')`,
      [a.id],
    );
    const queued = await mutate(
      a.adminKey,
      `mutation ($ids: SubjectIdentifiers!) { eraseSubject(identifiers: $ids) { ${JOB_FIELDS} } }`,
      {
        ids: {
          emails: ['ALICE@example.com'],
          userIds: ['u-4711'],
          ips: ['10.9.8.7', '2001:db8::7'],
        },
      },
    );
    const stored = await db.query<{ params: unknown }>(
      'SELECT params FROM privacy_jobs WHERE id = $1',
      [queued.id],
    );
    expect(JSON.stringify(stored.rows[0]?.params)).not.toMatch(/alice|u-4711|10\.9\.8\.7/i);

    const job = await finished(a.adminKey, queued.id);
    expect(job.status).toBe('done');
    // Record 1: body (2 hits). Record 2: user.id and user.email. Record 3: client.ip and peer.
    expect(counts(job)).toMatchObject({
      'logs.records': 3,
      'logs.fields': 5,
      memberships: 1,
      users: 1,
    });
    const people = await db.query<{ email: string }>(
      `SELECT email FROM users WHERE email IN ('alice@example.com', 'bob@example.com')`,
    );
    expect(people.rows.map((r) => r.email)).toEqual(['bob@example.com']);
    expect(counts(job)).toMatchObject({
      'runbook_runs.subjects': 1,
      'runbook_run_steps.subjects': 1,
    });
    const runs = await db.query(
      `SELECT r.started_by, r.params, s.decided_by, s.output FROM runbook_runs r
         JOIN runbook_run_steps s ON s.tenant_id = r.tenant_id AND s.run_id = r.id
        WHERE r.tenant_id = $1`,
      [a.id],
    );
    expect(JSON.stringify(runs.rows)).not.toMatch(/alice/i);
    expect(runs.rows[0]).toMatchObject({ started_by: '[erased]', decided_by: '[erased]' });
    expect(counts(job)['audit_log.entries']).toBeGreaterThanOrEqual(1);
    const audit = await db.query(
      'SELECT actor_label, ip::text, details FROM audit_log WHERE tenant_id = $1',
      [a.id],
    );
    expect(JSON.stringify(audit.rows)).not.toMatch(/alice@example\.com|10\.9\.8\.7/i);

    expect(await totalCount(a.adminKey, '')).toBe(beforeA);
    const res = await sut.graphql<{
      logs: { edges: Array<{ node: { body: string; attributes: Record<string, unknown> } }> };
    }>(a.adminKey, `{ logs(filter: {}, first: 50) { edges { node { body attributes } } } }`);
    const nodes = res.data!.logs.edges.map((e) => e.node);
    const dump = JSON.stringify(nodes);
    expect(dump).not.toMatch(/alice@example\.com|u-4711|10\.9\.8\.7|2001:db8/i);
    expect(nodes.map((n) => n.body)).toContain('login ok for [erased] from [erased]');
    expect(nodes.find((n) => n.body === 'profile viewed')?.attributes).toMatchObject({
      'user.id': '[erased]',
      'user.email': '[erased]',
    });
    expect(dump).toContain('order placed by bob@example.com');
    expect(await totalCount(a.adminKey, '"alice@example.com"')).toBe(0);

    // Tenant B keeps its copy of the same identifiers.
    expect(await totalCount(b.adminKey, '"alice@example.com"')).toBe(1);
    expect(await totalCount(b.adminKey, 'user.id:u-4711')).toBe(1);

    const finishedRow = await db.query<{ params: unknown }>(
      'SELECT params FROM privacy_jobs WHERE id = $1',
      [job.id],
    );
    expect(finishedRow.rows[0]?.params).toEqual({
      identifierCounts: { emails: 1, userIds: 1, ips: 2, values: 0 },
    });
  });

  it('refuses bad identifiers with a clear error and queues nothing', async () => {
    const before = await db.query('SELECT 1 FROM privacy_jobs');
    const res = await sut.graphql(
      a.adminKey,
      `mutation { eraseSubject(identifiers: { emails: ["nope"], values: ["ab"] }) { id } }`,
    );
    expect(res.errors?.[0]).toMatchObject({
      message: expect.stringMatching(
        /emails\[0\] is not an e-mail address; values\[0\] must be at least 3/,
      ),
      extensions: { code: 'BAD_USER_INPUT' },
    });
    expect((await db.query('SELECT 1 FROM privacy_jobs')).rowCount).toBe(before.rowCount);
  });

  it('refuses exports, erasures, job lists and retention changes to keys without admin', async () => {
    const ops = [
      `mutation { exportTenant { id } }`,
      `mutation { eraseSubject(identifiers: { emails: ["x@y.z"] }) { id } }`,
      `mutation { eraseTenant(confirm: "gdpr-a") { id } }`,
      `mutation { setRetention(days: 3) { days } }`,
      `{ privacyJobs { id } }`,
    ];
    for (const key of [aReadKey, a.ingestKey]) {
      for (const op of ops) {
        const res = await sut.graphql(key, op);
        expect(res.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
      }
    }
    // An admin API key is not an owner: erasing the tenant is for owners only.
    const admin = await sut.graphql(
      a.adminKey,
      `mutation { eraseTenant(confirm: "gdpr-a") { id } }`,
    );
    expect(admin.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  it('sets retention and expires job records, archives and old audit entries past it', async () => {
    const bad = await sut.graphql(a.adminKey, `mutation { setRetention(days: 0) { days } }`);
    expect(bad.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const old = await db.query<{ id: string }>(
      `INSERT INTO privacy_jobs (tenant_id, kind, requested_by, requested_at, status, report)
       VALUES ($1, 'export', 'api_key:x', now() - interval '40 days', 'done', '{"counts":{},"errors":[]}')
       RETURNING id`,
      [a.id],
    );
    // Audit entries live AUDIT_RETENTION_DAYS (400 by default), whatever the tenant's retention.
    const audited = await db.query<{ id: string }>(
      `INSERT INTO audit_log (id, tenant_id, at, actor_kind, action)
       VALUES (gen_random_uuid(), $1, now() - interval '401 days', 'system', 'test.ancient'),
              (gen_random_uuid(), $1, now() - interval '399 days', 'system', 'test.old')
       RETURNING id`,
      [a.id],
    );
    const res = await sut.graphql<{ setRetention: unknown }>(
      a.adminKey,
      `mutation { setRetention(days: 30) { days defaultDays effectiveDays } }`,
    );
    const auditLeft = await db.query<{ action: string }>(
      'SELECT action FROM audit_log WHERE id = ANY($1)',
      [audited.rows.map((r) => r.id)],
    );
    expect(auditLeft.rows.map((r) => r.action)).toEqual(['test.old']);
    expect(res.data?.setRetention).toEqual({ days: 30, defaultDays: 7, effectiveDays: 30 });
    const left = await db.query('SELECT 1 FROM privacy_jobs WHERE id = $1', [old.rows[0]?.id]);
    expect(left.rowCount).toBe(0);
    const read = await sut.graphql<{ retention: unknown }>(
      aReadKey,
      `{ retention { days effectiveDays } }`,
    );
    expect(read.data?.retention).toEqual({ days: 30, effectiveDays: 30 });
  });

  it('erases a whole tenant for its owner: rows, logs, exports, keys and accounts gone, others intact', async () => {
    // Real people: an owner (and Bob) who belong here alone, and an editor also in tenant B.
    await createMember(sut, a, 'owner-a@example.com', 'owner');
    await createMember(sut, a, 'both@example.com', 'editor');
    await createMember(sut, b, 'both@example.com', 'viewer');
    const session = await login(sut, 'owner-a@example.com', 'gdpr-a');
    const ERASE = `mutation ($c: String!) { eraseTenant(confirm: $c) { ${JOB_FIELDS} } }`;

    const notOwner = await sut.graphql(a.adminKey, ERASE, { c: 'gdpr-a' });
    expect(notOwner.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const mismatch = await sut.graphql(session.accessToken, ERASE, { c: 'gdpr-b' });
    expect(mismatch.errors?.[0]?.message).toMatch(/confirm/i);
    expect(await totalCount(a.adminKey, '')).toBe(4); // a working key, cached

    // The audit log is append-only; erasing a tenant is one of the deliberate ways to empty it.
    await sut.vigil.app
      .get(AuditService)
      .record(
        { kind: 'user', tenantId: a.id, id: session.user.id, label: 'owner-a@example.com' },
        'secret.set',
        { target: { kind: 'secret', id: 'smtp.password' } },
      );

    const job = await mutate(session.accessToken, ERASE, { c: 'gdpr-a' });
    let row:
      { status: string; report: { counts: Record<string, number>; errors: string[] } } | undefined;
    for (let i = 0; i < 300 && !(row && ['done', 'failed'].includes(row.status)); i++) {
      await new Promise((r) => setTimeout(r, 100));
      row = (await db.query('SELECT status, report FROM privacy_jobs WHERE id = $1', [job.id]))
        .rows[0] as typeof row;
    }
    expect(row?.status).toBe('done');
    expect(row?.report.counts).toMatchObject({
      'logs.records': 4,
      api_keys: 3,
      tenants: 1,
      privacy_jobs: 2,
      'redis.keys': 0,
      memberships: 3,
      users: 2,
    });

    expect(row?.report.counts).toMatchObject({ boards: 1, cards: 1 });
    expect(row?.report.counts.audit_log).toBeGreaterThanOrEqual(1);
    for (const table of ['logs', 'api_keys', 'boards', 'cards', 'audit_log']) {
      const left = await db.query(`SELECT 1 FROM ${table} WHERE tenant_id = $1`, [a.id]);
      expect(left.rowCount).toBe(0);
    }
    expect((await db.query('SELECT 1 FROM tenants WHERE id = $1', [a.id])).rowCount).toBe(0);
    const jobs = await db.query<{ id: string }>(
      'SELECT id FROM privacy_jobs WHERE tenant_id = $1',
      [a.id],
    );
    expect(jobs.rows.map((r) => r.id)).toEqual([job.id]);
    expect(await readdir(exportDir)).not.toContain(a.id);

    // The keys stop working at once, everywhere they are used.
    const gql = await sut.graphql(a.adminKey, `{ logs(filter: {}) { totalCount } }`);
    expect(gql.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    const bulk = await fetch(`${sut.esUrl}/_bulk`, {
      method: 'POST',
      headers: { authorization: `Bearer ${a.ingestKey}`, 'content-type': 'application/x-ndjson' },
      body: ndjson([{ create: { _index: 'x' } }, { message: 'after erasure' }]),
    });
    expect(bulk.status).toBe(401);
    // The owner's account went with the tenant (its session too); the shared member stays in B.
    expect(codeOf(await sut.graphql(session.accessToken, COUNT_LOGS))).toBe('UNAUTHENTICATED');
    const accounts = await db.query<{ email: string }>(
      `SELECT email FROM users WHERE email IN ('owner-a@example.com', 'both@example.com')`,
    );
    expect(accounts.rows.map((r) => r.email)).toEqual(['both@example.com']);
    await expect(login(sut, 'both@example.com', 'gdpr-b')).resolves.toMatchObject({
      role: 'viewer',
    });

    // Tenant B is untouched.
    expect(await totalCount(b.adminKey, '')).toBe(2);
    expect(await totalCount(b.adminKey, '"alice@example.com"')).toBe(1);
    expect((await db.query('SELECT 1 FROM cards WHERE tenant_id = $1', [b.id])).rowCount).toBe(1);
    expect((await db.query('SELECT 1 FROM api_keys WHERE tenant_id = $1', [b.id])).rowCount).toBe(
      2,
    );
  });
});
