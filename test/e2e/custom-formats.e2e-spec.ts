import { Client } from 'pg';

import { MetricsService } from 'src/common/metrics/metrics.service';
import { CustomFormatCatalog } from 'src/modules/formats/custom/custom-format-catalog.service';
import { MAX_FORMATS_PER_TENANT } from 'src/modules/formats/custom/custom-formats.service';
import { TenantConfigBus } from 'src/common/config-bus/tenant-config.bus';
import { RedactionService } from 'src/modules/formats/redaction/redaction.service';

import { codeOf, createMember, login } from '../support/test-users';
import { type TestTenant, TestVigil } from '../support/test-vigil';
import { until } from '../support/until';

jest.setTimeout(60_000);

const TEST = `query ($kind: LogFormatKind!, $pattern: String!, $samples: [String!]!) {
  testLogFormat(kind: $kind, pattern: $pattern, samples: $samples) {
    sample matched captured
    record { timestamp level levelText message service host traceId spanId attributes }
  }
}`;
const FIELDS =
  'id name formatName kind pattern service dataset priority createdAt updatedAt createdBy updatedBy';
const CREATE = `mutation ($input: CreateLogFormatInput!) { createLogFormat(input: $input) { ${FIELDS} } }`;
const UPDATE = `mutation ($id: ID!, $input: UpdateLogFormatInput!) { updateLogFormat(id: $id, input: $input) { ${FIELDS} } }`;
const DELETE = `mutation ($id: ID!) { deleteLogFormat(id: $id) }`;
const LIST = `{ customLogFormats { ${FIELDS} } }`;
const POLICY = `{ redactionPolicy { rules isDefault updatedAt updatedBy } }`;
const SET_POLICY = `mutation ($rules: [RedactionRule!]!) { setRedactionPolicy(input: { rules: $rules }) { rules isDefault updatedAt updatedBy } }`;

const COMBINED =
  '203.0.113.9 - alice [26/Nov/2026:10:15:32 +0100] "POST /api/cart HTTP/1.1" 201 512 "https://shop.example.com/" "curl/8.4.0"';

type Format = { id: string; name: string; pattern: string; service: string | null };

describe('custom log formats and redaction policies over GraphQL', () => {
  let sut: TestVigil;
  let replica: TestVigil;
  let a: TestTenant;
  let b: TestTenant;
  let viewer: string;
  let editor: string;
  let owner: Client;

  beforeAll(async () => {
    sut = await TestVigil.start();
    a = await sut.createTenant('formats-a');
    b = await sut.createTenant('formats-b');
    await createMember(sut, a, 'viewer@example.com', 'viewer');
    await createMember(sut, a, 'editor@example.com', 'editor');
    viewer = (await login(sut, 'viewer@example.com', 'formats-a')).accessToken;
    editor = (await login(sut, 'editor@example.com', 'formats-a')).accessToken;
    replica = await sut.replica();
    owner = new Client({ connectionString: sut.databaseUrl });
    await owner.connect();
  });
  afterAll(async () => {
    await owner?.end();
    await replica?.close();
    await sut?.close();
  });

  describe('testLogFormat', () => {
    it('shows what each sample parses to, matched or not', async () => {
      const res = await sut.graphql(viewer, TEST, {
        kind: 'GROK',
        pattern: '^%{COMBINEDAPACHELOG}$',
        samples: [COMBINED, 'not an access log'],
      });
      expect(res.errors).toBeUndefined();
      expect(res.data?.testLogFormat).toEqual([
        {
          sample: COMBINED,
          matched: true,
          captured: expect.objectContaining({
            timestamp: '26/Nov/2026:10:15:32 +0100',
            'http.response.status_code': 201,
          }),
          record: {
            timestamp: '2026-11-26T09:15:32.000Z',
            level: null,
            levelText: null,
            message: COMBINED,
            service: null,
            host: null,
            traceId: null,
            spanId: null,
            attributes: {
              'source.address': '203.0.113.9',
              'user.name': 'alice',
              'http.request.method': 'POST',
              'url.original': '/api/cart',
              'http.version': '1.1',
              'http.response.status_code': 201,
              'http.response.body.bytes': 512,
              'http.request.referrer': 'https://shop.example.com/',
              'user_agent.original': 'curl/8.4.0',
            },
          },
        },
        { sample: 'not an access log', matched: false, captured: null, record: null },
      ]);
    });

    it('maps level, message, service and host from a named-group regex', async () => {
      const res = await sut.graphql(viewer, TEST, {
        kind: 'REGEX',
        pattern:
          '^(?P<time>\\S+) (?<severity>\\w+) (?<service>[\\w-]+)@(?<[host][name]>\\S+): (?<msg>.*)$',
        samples: ['2026-11-26T12:00:00Z warning checkout@node-7: stock low sku=42'],
      });
      expect(res.data?.testLogFormat).toEqual([
        expect.objectContaining({
          matched: true,
          record: expect.objectContaining({
            timestamp: '2026-11-26T12:00:00.000Z',
            level: 'warn',
            levelText: 'warning',
            message: 'stock low sku=42',
            service: 'checkout',
            host: 'node-7',
            attributes: {},
          }),
        }),
      ]);
    });

    it.each([
      ['GROK', '%{NOSUCHPATTERN:x}', /unknown grok pattern %\{NOSUCHPATTERN\}/],
      ['REGEX', '(?<a>[a-', /invalid regular expression: missing closing \]/],
      ['REGEX', '(\\w+) \\1', /backreferences/],
      ['REGEX', '(?=x)x', /lookahead/],
      ['GROK', '', /empty/],
    ])(
      'refuses a %s pattern %s with INVALID_PATTERN and the reason',
      async (kind, pattern, why) => {
        const res = await sut.graphql(viewer, TEST, { kind, pattern, samples: ['x'] });
        expect(codeOf(res)).toBe('INVALID_PATTERN');
        expect(res.errors?.[0]?.message).toMatch(why);
      },
    );

    it('answers a catastrophic pattern on a long sample at once, with the right result', async () => {
      const long = `${'a'.repeat(30_000)}!`;
      const res = await sut.graphql(viewer, TEST, {
        kind: 'REGEX',
        pattern: '(?<run>(a+)+)$',
        samples: [long, 'aaa'],
      });
      expect(res.errors).toBeUndefined();
      const results = res.data?.testLogFormat as Array<{ matched: boolean; captured: unknown }>;
      expect(results.map((r) => r.matched)).toEqual([false, true]);
      expect(results[1]?.captured).toEqual({ run: 'aaa' });
    });

    it('limits the number of samples', async () => {
      const res = await sut.graphql(viewer, TEST, {
        kind: 'GROK',
        pattern: '%{WORD:w}',
        samples: Array.from({ length: 51 }, () => 'x'),
      });
      expect(codeOf(res)).toBe('BAD_USER_INPUT');
      expect(res.errors?.[0]?.message).toMatch(/at most 50 samples/);
    });
  });

  describe('create, update, delete', () => {
    let format: Format;

    it('lets an editor create a format; it is audited and listed', async () => {
      const res = await sut.graphql<{ createLogFormat: Format }>(editor, CREATE, {
        input: {
          name: 'shop-access',
          kind: 'GROK',
          pattern: '^%{COMBINEDAPACHELOG}$',
          dataset: 'web',
        },
      });
      expect(res.errors).toBeUndefined();
      format = res.data!.createLogFormat;
      expect(format).toMatchObject({
        name: 'shop-access',
        formatName: 'custom-shop-access',
        kind: 'GROK',
        service: null,
        dataset: 'web',
        priority: 0,
        createdBy: 'user:editor@example.com',
      });
      const list = await sut.graphql<{ customLogFormats: Format[] }>(viewer, LIST);
      expect(list.data?.customLogFormats.map((f) => f.id)).toEqual([format.id]);
      const audit = await owner.query(
        `SELECT action, target_id FROM audit_log WHERE tenant_id = $1 AND action LIKE 'log_format.%'`,
        [a.id],
      );
      expect(audit.rows).toEqual([{ action: 'log_format.created', target_id: format.id }]);
    });

    it('refuses a viewer, an ingest key and a bad or duplicate definition', async () => {
      const input = { name: 'other', kind: 'GROK', pattern: '%{WORD:w}' };
      expect(codeOf(await sut.graphql(viewer, CREATE, { input }))).toBe('FORBIDDEN');
      expect(codeOf(await sut.graphql(a.ingestKey, LIST))).toBe('FORBIDDEN');
      expect(codeOf(await sut.graphql(viewer, DELETE, { id: format.id }))).toBe('FORBIDDEN');
      const bad = await sut.graphql(a.adminKey, CREATE, {
        input: { ...input, pattern: '%{WORD:w:bool}' },
      });
      expect(codeOf(bad)).toBe('INVALID_PATTERN');
      const dup = await sut.graphql(a.adminKey, CREATE, {
        input: { ...input, name: 'shop-access' },
      });
      expect(codeOf(dup)).toBe('BAD_USER_INPUT');
      expect(dup.errors?.[0]?.message).toMatch(/already exists/);
      const name = await sut.graphql(a.adminKey, CREATE, { input: { ...input, name: 'Bad Name' } });
      expect(name.errors?.[0]?.message).toMatch(/lower-case letters/);
    });

    it('updates only the fields given; a null pin removes it', async () => {
      const res = await sut.graphql<{ updateLogFormat: Format }>(editor, UPDATE, {
        id: format.id,
        input: { service: 'shop', dataset: null, priority: 5 },
      });
      expect(res.errors).toBeUndefined();
      expect(res.data?.updateLogFormat).toMatchObject({
        name: 'shop-access',
        pattern: '^%{COMBINEDAPACHELOG}$',
        service: 'shop',
        dataset: null,
        priority: 5,
      });
      const bad = await sut.graphql(editor, UPDATE, { id: format.id, input: { pattern: '(?!x)' } });
      expect(codeOf(bad)).toBe('INVALID_PATTERN');
      const missing = await sut.graphql(editor, UPDATE, {
        id: '00000000-0000-4000-8000-000000000000',
        input: { priority: 1 },
      });
      expect(codeOf(missing)).toBe('NOT_FOUND');
    });

    it('gives the pipeline compiled formats, pinned ones by service or dataset', async () => {
      const catalog = sut.vigil.app.get(CustomFormatCatalog);
      const formats = await catalog.formatsFor(a.id);
      expect(formats.map((f) => [f.name, f.family, f.kind])).toEqual([
        ['custom-shop-access', 'custom', 'line'],
      ]);
      const [shop] = formats;
      expect(shop?.detect(COMBINED)).toBe(true);
      expect(shop?.parse(COMBINED, { receivedAt: Date.now() })).toMatchObject({
        timestamp: Date.parse('2026-11-26T09:15:32Z'),
        attributes: { 'user.name': 'alice' },
      });
      expect(await catalog.pinnedFor(a.id, 'anything', 'shop')).toHaveLength(1);
      expect(await catalog.pinnedFor(a.id, 'web', 'billing')).toHaveLength(0);
    });

    it('keeps tenants apart: another tenant neither sees nor changes nor uses the format', async () => {
      expect((await sut.graphql(b.adminKey, LIST)).data?.customLogFormats).toEqual([]);
      const update = await sut.graphql(b.adminKey, UPDATE, {
        id: format.id,
        input: { priority: 9 },
      });
      expect(codeOf(update)).toBe('NOT_FOUND');
      expect((await sut.graphql(b.adminKey, DELETE, { id: format.id })).data).toEqual({
        deleteLogFormat: false,
      });
      expect(await sut.vigil.app.get(CustomFormatCatalog).formatsFor(b.id)).toEqual([]);
      // A name is unique per tenant only.
      const same = await sut.graphql(b.adminKey, CREATE, {
        input: { name: 'shop-access', kind: 'REGEX', pattern: '(?<w>\\w+)' },
      });
      expect(same.errors).toBeUndefined();
    });

    it('caps the number of formats per tenant', async () => {
      // Tenant b has one; fill it up to the cap, ten at a time.
      for (let i = 1; i < MAX_FORMATS_PER_TENANT; i += 10) {
        const batch = Array.from({ length: Math.min(10, MAX_FORMATS_PER_TENANT - i) }, (_, k) =>
          sut.graphql(b.adminKey, CREATE, {
            input: { name: `fill-${i + k}`, kind: 'GROK', pattern: '%{WORD:w}' },
          }),
        );
        for (const res of await Promise.all(batch)) expect(res.errors).toBeUndefined();
      }
      const over = await sut.graphql(b.adminKey, CREATE, {
        input: { name: 'one-too-many', kind: 'GROK', pattern: '%{WORD:w}' },
      });
      expect(codeOf(over)).toBe('BAD_USER_INPUT');
      expect(over.errors?.[0]?.message).toMatch(/at most 100 custom formats/);
      expect(await sut.vigil.app.get(CustomFormatCatalog).formatsFor(b.id)).toHaveLength(
        MAX_FORMATS_PER_TENANT,
      );
    });

    it('is protected by row-level security: without a tenant the app role sees no row', async () => {
      const tables = await owner.query(
        `SELECT relname, relrowsecurity AS rls, relforcerowsecurity AS forced FROM pg_class
          WHERE relname IN ('log_formats', 'redaction_policies') ORDER BY relname`,
      );
      expect(tables.rows).toEqual([
        { relname: 'log_formats', rls: true, forced: true },
        { relname: 'redaction_policies', rls: true, forced: true },
      ]);
      await owner.query('BEGIN');
      try {
        await owner.query('SET LOCAL ROLE vigil_app');
        const none = await owner.query('SELECT count(*)::int AS n FROM log_formats');
        expect(none.rows[0]).toEqual({ n: 0 });
        await owner.query(`SELECT set_config('vigil.tenant_id', $1, true)`, [b.id]);
        const own = await owner.query('SELECT DISTINCT tenant_id FROM log_formats');
        expect(own.rows).toEqual([{ tenant_id: b.id }]);
      } finally {
        await owner.query('ROLLBACK');
      }
    });

    it('reloads the catalog of another replica when a format changes', async () => {
      const bus = replica.vigil.app.get(TenantConfigBus);
      await until(async () => bus.listening, Boolean);
      const catalog = replica.vigil.app.get(CustomFormatCatalog);
      expect((await catalog.formatsFor(a.id)).map((f) => f.priority)).toEqual([5]);

      await sut.graphql(editor, UPDATE, { id: format.id, input: { priority: 7 } });
      // Cached entries live for minutes while the bus is up: only the message can do this.
      const reloaded = await until(
        async () => (await catalog.formatsFor(a.id)).map((f) => f.priority),
        (p) => p[0] === 7,
      );
      expect(reloaded).toEqual([7]);

      expect((await sut.graphql(editor, DELETE, { id: format.id })).data).toEqual({
        deleteLogFormat: true,
      });
      expect(
        await until(
          () => catalog.formatsFor(a.id),
          (f) => f.length === 0,
        ),
      ).toEqual([]);
      const audit = await owner.query(
        `SELECT action FROM audit_log WHERE tenant_id = $1 AND action LIKE 'log_format.%' ORDER BY at, id`,
        [a.id],
      );
      expect(audit.rows.map((r: { action: string }) => r.action)).toEqual([
        'log_format.created',
        'log_format.updated',
        'log_format.updated',
        'log_format.deleted',
      ]);
    });
  });

  describe('redaction policy', () => {
    it('starts with every rule but IP, and admins change it (read back, audited)', async () => {
      const initial = await sut.graphql(viewer, POLICY);
      expect(initial.data?.redactionPolicy).toEqual({
        rules: ['EMAIL', 'CREDIT_CARD', 'IBAN', 'BEARER_TOKEN', 'API_KEY', 'JWT', 'PASSWORD'],
        isDefault: true,
        updatedAt: null,
        updatedBy: null,
      });
      expect(codeOf(await sut.graphql(editor, SET_POLICY, { rules: ['EMAIL'] }))).toBe('FORBIDDEN');
      expect(codeOf(await sut.graphql(a.adminKey, SET_POLICY, { rules: ['PHONE'] }))).not.toBe(
        'OK',
      );

      const set = await sut.graphql(a.adminKey, SET_POLICY, { rules: ['IP', 'EMAIL', 'IP'] });
      expect(set.data?.setRedactionPolicy).toMatchObject({
        rules: ['EMAIL', 'IP'],
        isDefault: false,
        updatedBy: 'api_key:admin',
      });
      expect((await sut.graphql(viewer, POLICY)).data?.redactionPolicy).toMatchObject({
        rules: ['EMAIL', 'IP'],
        isDefault: false,
      });
      // Another tenant keeps its own (default) policy.
      expect((await sut.graphql(b.adminKey, POLICY)).data?.redactionPolicy).toMatchObject({
        isDefault: true,
      });
      const audit = await owner.query(
        `SELECT details FROM audit_log WHERE tenant_id = $1 AND action = 'redaction_policy.updated'`,
        [a.id],
      );
      expect(audit.rows).toEqual([
        {
          details: {
            before: ['EMAIL', 'CREDIT_CARD', 'IBAN', 'BEARER_TOKEN', 'API_KEY', 'JWT', 'PASSWORD'],
            after: ['EMAIL', 'IP'],
          },
        },
      ]);
    });

    it('rebuilds the redactor on another replica and counts redactions', async () => {
      const service = replica.vigil.app.get(RedactionService);
      const record = () => ({
        body: 'mail jane@example.com from 10.0.0.8 card 4111111111111111',
        attributes: {},
      });
      let redacted = record();
      (await service.redactorFor(a.id)).redactRecord(redacted);
      expect(redacted.body).toBe('mail <EMAIL> from <IP> card 4111111111111111');

      await sut.graphql(a.adminKey, SET_POLICY, { rules: ['CREDIT_CARD'] });
      const redactor = await until(
        () => service.redactorFor(a.id),
        (r) => r.rules.has('CREDIT_CARD'),
      );
      redacted = record();
      expect(redactor.redactRecord(redacted)).toBe(1);
      expect(redacted.body).toBe('mail jane@example.com from 10.0.0.8 card <CREDIT_CARD>');

      const metric = await replica.vigil.app
        .get(MetricsService)
        .registry.getSingleMetricAsString('vigil_redactions_total');
      expect(metric).toContain('vigil_redactions_total{kind="email"} 1');
      expect(metric).toContain('vigil_redactions_total{kind="ip"} 1');
      expect(metric).toContain('vigil_redactions_total{kind="credit_card"} 1');
    });
  });

  describe('in the ingest pipeline', () => {
    let c: TestTenant;
    const LOGS = `query ($q: String) { logs(filter: { query: $q }, first: 20) { edges { node { body format severityText service attributes } } } }`;
    type Node = {
      body: string;
      format: string;
      severityText: string;
      attributes: Record<string, unknown>;
    };
    const ingest = async (dataset: string, lines: string[]) => {
      const res = await fetch(`${sut.url}/api/v1/logs?dataset=${dataset}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${c.ingestKey}`, 'content-type': 'text/plain' },
        body: lines.join('\n'),
      });
      expect(res.status).toBe(200);
    };
    const find = async (q: string) =>
      (
        await sut.graphql<{ logs: { edges: Array<{ node: Node }> } }>(c.adminKey, LOGS, { q })
      ).data!.logs.edges.map((e) => e.node);

    beforeAll(async () => {
      c = await sut.createTenant('formats-c');
    });

    it("parses a dataset's lines with the custom format pinned to it, and only there", async () => {
      const created = await sut.graphql(c.adminKey, CREATE, {
        input: {
          name: 'billing',
          kind: 'REGEX',
          pattern: '^(?P<timestamp>\\S+) <(?P<level>\\w+)> order=(?P<order>\\d+) (?P<message>.*)$',
          dataset: 'billing',
        },
      });
      expect(created.errors).toBeUndefined();
      const line = (n: number) =>
        `2026-11-26T09:00:0${n}Z <ERROR> order=${n} pipeline-custom charge declined`;
      await ingest('billing', [line(1), line(2)]);
      await ingest('other', [line(3)]);
      const found = await find('"pipeline-custom charge declined"');
      expect(found.filter((n) => n.format === 'custom-billing')).toHaveLength(2);
      expect(found.find((n) => n.format === 'custom-billing')).toMatchObject({
        body: 'pipeline-custom charge declined',
        severityText: 'error',
      });
      expect(
        found
          .filter((n) => n.format === 'custom-billing')
          .map((n) => n.attributes.order)
          .sort(),
      ).toEqual(['1', '2']);
      // The pin is per dataset: elsewhere the line is detected as usual.
      expect(found.filter((n) => n.format !== 'custom-billing')).toHaveLength(1);
    });

    it("redacts what the tenant's policy names before anything is stored", async () => {
      await ingest('app', [
        'pipeline-pii mail from jane.doe@example.org paid with 4111 1111 1111 1111 token=abc123secret',
      ]);
      const [record] = await find('"pipeline-pii"');
      expect(record!.body).toBe(
        'pipeline-pii mail from <EMAIL> paid with <CREDIT_CARD> token=<PASSWORD>',
      );
      expect(await find('"jane.doe@example.org"')).toEqual([]);
      const stored = await owner.query(
        `SELECT count(*)::int AS n FROM logs WHERE tenant_id = $1 AND body LIKE '%jane.doe%'`,
        [c.id],
      );
      expect(stored.rows[0]).toEqual({ n: 0 });
    });
  });
});
