import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import { Client } from 'pg';

import { AlertConfigPort } from 'src/modules/alerting/alerting.types';
import { verifyWebhookSignature } from 'src/modules/alerting/channels/webhook.channel';

import { codeOf, createMember, login } from '../support/test-users';
import { type TestTenant, TestVigil } from '../support/test-vigil';

jest.setTimeout(60_000);

const CHANNEL = 'id name kind settings secretFields allowPrivateNetwork createdAt updatedAt';
const CREATE_CHANNEL = `mutation ($input: CreateAlertChannelInput!) { createAlertChannel(input: $input) { channel { ${CHANNEL} } signingSecret } }`;
const UPDATE_CHANNEL = `mutation ($id: ID!, $input: UpdateAlertChannelInput!) { updateAlertChannel(id: $id, input: $input) { ${CHANNEL} } }`;
const DELETE_CHANNEL = `mutation ($id: ID!) { deleteAlertChannel(id: $id) }`;
const TEST_CHANNEL = `mutation ($id: ID!) { testAlertChannel(id: $id) { ok status error code } }`;
const CHANNELS = `{ alertChannels { ${CHANNEL} } }`;
const GET_CHANNEL = `query ($id: ID!) { alertChannel(id: $id) { ${CHANNEL} } }`;

const RULE = `id name enabled severity labels annotations forSeconds weight
  condition { kind detectorKinds minScore services query windowSeconds op threshold patternId templateContains service metric withinSeconds }
  route { channelIds policyId groupBy groupWaitSeconds groupIntervalSeconds repeatIntervalSeconds }`;
const CREATE_RULE = `mutation ($input: CreateAlertRuleInput!) { createAlertRule(input: $input) { ${RULE} } }`;
const UPDATE_RULE = `mutation ($id: ID!, $input: UpdateAlertRuleInput!) { updateAlertRule(id: $id, input: $input) { ${RULE} } }`;
const DELETE_RULE = `mutation ($id: ID!) { deleteAlertRule(id: $id) }`;
const RULES = `{ alertRules { ${RULE} } }`;

const POLICY = 'id name repeat levels { channelIds timeoutSeconds }';
const CREATE_POLICY = `mutation ($input: CreateEscalationPolicyInput!) { createEscalationPolicy(input: $input) { ${POLICY} } }`;
const UPDATE_POLICY = `mutation ($id: ID!, $input: UpdateEscalationPolicyInput!) { updateEscalationPolicy(id: $id, input: $input) { ${POLICY} } }`;
const DELETE_POLICY = `mutation ($id: ID!) { deleteEscalationPolicy(id: $id) }`;

const SILENCE =
  'id matchers startsAt endsAt comment createdBy muteUntilResolvedFingerprint weekly { days start end }';
const CREATE_SILENCE = `mutation ($input: CreateAlertSilenceInput!) { createAlertSilence(input: $input) { ${SILENCE} } }`;
const EXPIRE_SILENCE = `mutation ($id: ID!) { expireAlertSilence(id: $id) { ${SILENCE} } }`;
const SILENCES = `query ($all: Boolean) { alertSilences(includeExpired: $all) { ${SILENCE} } }`;
const CREATE_INHIBIT = `mutation ($input: CreateAlertInhibitRuleInput!) { createAlertInhibitRule(input: $input) { id sourceMatchers targetMatchers equal } }`;
const DELETE_INHIBIT = `mutation ($id: ID!) { deleteAlertInhibitRule(id: $id) }`;

interface Received {
  headers: IncomingHttpHeaders;
  body: string;
}

type Channel = { id: string; secretFields: string[]; settings: Record<string, unknown> };

describe('alerting configuration over GraphQL', () => {
  let sut: TestVigil;
  let a: TestTenant;
  let b: TestTenant;
  let editor: string;
  let viewer: string;
  let owner: Client;
  let receiver: Server;
  let receiverUrl: string;
  const received: Received[] = [];

  beforeAll(async () => {
    receiver = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
        res.writeHead(200).end('ok');
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook?token=tok-in-url`;
    sut = await TestVigil.start({ RATE_LIMIT_ENABLED: 'false' });
    a = await sut.createTenant('alerts-a');
    b = await sut.createTenant('alerts-b');
    await createMember(sut, a, 'editor@alerts.example', 'editor');
    await createMember(sut, a, 'viewer@alerts.example', 'viewer');
    editor = (await login(sut, 'editor@alerts.example', 'alerts-a')).accessToken;
    viewer = (await login(sut, 'viewer@alerts.example', 'alerts-a')).accessToken;
    owner = new Client({ connectionString: sut.databaseUrl });
    await owner.connect();
  });
  afterAll(async () => {
    await owner?.end();
    await sut?.close();
    await new Promise((resolve) => receiver?.close(resolve));
  });

  async function webhookChannel(name: string, extra: Record<string, unknown> = {}) {
    const res = await sut.graphql<{
      createAlertChannel: { channel: Channel; signingSecret: string | null };
    }>(a.adminKey, CREATE_CHANNEL, {
      input: { name, allowPrivateNetwork: true, webhook: { url: receiverUrl }, ...extra },
    });
    expect(res.errors).toBeUndefined();
    return { ...res.data!.createAlertChannel, raw: JSON.stringify(res) };
  }

  describe('channels', () => {
    it('creates a webhook channel: the signing secret once, never the URL or secret again', async () => {
      const created = await webhookChannel('ops hook');
      expect(created.channel).toMatchObject({
        kind: 'WEBHOOK',
        settings: {},
        secretFields: ['secret', 'url'],
        allowPrivateNetwork: true,
      });
      const secret = created.signingSecret!;
      expect(secret.length).toBeGreaterThanOrEqual(32);
      expect(created.raw).not.toContain('tok-in-url');

      const listed = JSON.stringify(await sut.graphql(a.adminKey, CHANNELS));
      const one = JSON.stringify(
        await sut.graphql(viewer, GET_CHANNEL, { id: created.channel.id }),
      );
      const renamed = JSON.stringify(
        await sut.graphql(a.adminKey, UPDATE_CHANNEL, {
          id: created.channel.id,
          input: { name: 'ops hook 2' },
        }),
      );
      for (const text of [listed, one, renamed]) {
        expect(text).toContain(created.channel.id);
        expect(text).not.toContain(secret);
        expect(text).not.toContain('tok-in-url');
        expect(text).not.toContain('"signingSecret"');
      }
      const stored = await owner.query(
        `SELECT settings::text, secret_sealed FROM alert_channels WHERE id = $1`,
        [created.channel.id],
      );
      expect(stored.rows[0].settings).not.toContain('tok-in-url');
      expect(stored.rows[0].secret_sealed).not.toContain(secret);
    });

    it('delivers a signed test notice to a loopback receiver', async () => {
      const created = await webhookChannel('tested hook');
      received.length = 0;
      const res = await sut.graphql<{ testAlertChannel: { ok: boolean; status: number } }>(
        a.adminKey,
        TEST_CHANNEL,
        { id: created.channel.id },
      );
      expect(res.errors).toBeUndefined();
      expect(res.data?.testAlertChannel).toMatchObject({ ok: true, status: 200 });
      expect(received).toHaveLength(1);
      const { headers, body } = received[0]!;
      expect(
        verifyWebhookSignature(
          created.signingSecret!,
          String(headers['x-vigil-timestamp']),
          body,
          String(headers['x-vigil-signature']),
          new Date(),
        ),
      ).toBe(true);
      expect(JSON.parse(body)).toMatchObject({ version: '4', vigil: { tenantId: a.id } });
    });

    it('refuses loopback without allowPrivateNetwork, accepts it with', async () => {
      const refused = await sut.graphql(a.adminKey, CREATE_CHANNEL, {
        input: { name: 'ssrf', webhook: { url: 'http://127.0.0.1:9/x' } },
      });
      expect(codeOf(refused)).toBe('BAD_USER_INPUT');
      const metadata = await sut.graphql(a.adminKey, CREATE_CHANNEL, {
        input: { name: 'ssrf', slack: { webhookUrl: 'http://169.254.169.254/latest' } },
      });
      expect(codeOf(metadata)).toBe('BAD_USER_INPUT');
      const allowed = await sut.graphql(a.adminKey, CREATE_CHANNEL, {
        input: {
          name: 'ssrf',
          allowPrivateNetwork: true,
          webhook: { url: 'http://127.0.0.1:9/x', secret: 'a-secret-of-16-chars+' },
        },
      });
      expect(codeOf(allowed)).toBe('OK');
      expect(JSON.stringify(allowed)).not.toContain('a-secret-of-16-chars+');
      // Turning the permission off again is checked like a new URL.
      const id = (allowed.data as { createAlertChannel: { channel: Channel } }).createAlertChannel
        .channel.id;
      const off = await sut.graphql(a.adminKey, UPDATE_CHANNEL, {
        id,
        input: { allowPrivateNetwork: false },
      });
      expect(codeOf(off)).toBe('BAD_USER_INPUT');
    });

    it('keeps the secrets of every kind out of responses', async () => {
      const inputs = [
        { name: 'pd', pagerduty: { routingKey: 'R0UTINGKEY-SECRET' } },
        { name: 'slack', slack: { token: 'xoxb-SLACK-SECRET', channel: '#ops' } },
        {
          name: 'mail',
          email: {
            host: '203.0.113.5',
            port: 587,
            secure: false,
            user: 'alerts',
            password: 'SMTP-PASSWORD-SECRET',
            from: 'vigil@example.com',
            to: ['ops@example.com'],
          },
        },
      ];
      for (const input of inputs) {
        const res = await sut.graphql(a.adminKey, CREATE_CHANNEL, { input });
        expect(codeOf(res)).toBe('OK');
      }
      const text = JSON.stringify(await sut.graphql(a.adminKey, CHANNELS));
      for (const secret of ['R0UTINGKEY-SECRET', 'xoxb-SLACK-SECRET', 'SMTP-PASSWORD-SECRET']) {
        expect(text).not.toContain(secret);
      }
      expect(text).toContain('"secretFields":["password"]');
      expect(text).toContain('"channel":"#ops"');
      const port = sut.vigil.app.get(AlertConfigPort);
      const mail = await owner.query<{ id: string }>(
        `SELECT id FROM alert_channels WHERE name = 'mail'`,
      );
      expect(await port.channelTarget(a.id, mail.rows[0]!.id)).toMatchObject({
        kind: 'email',
        target: {
          password: 'SMTP-PASSWORD-SECRET',
          host: '203.0.113.5',
          allowPrivateNetwork: false,
        },
      });
    });

    it('refuses invalid input, viewers, editors and ingest keys', async () => {
      expect(
        codeOf(await sut.graphql(a.adminKey, CREATE_CHANNEL, { input: { name: 'none' } })),
      ).toBe('BAD_USER_INPUT');
      expect(
        codeOf(
          await sut.graphql(a.adminKey, CREATE_CHANNEL, {
            input: { name: 'two', pagerduty: { routingKey: 'x' }, webhook: { url: receiverUrl } },
          }),
        ),
      ).toBe('BAD_USER_INPUT');
      for (const token of [viewer, editor, a.ingestKey]) {
        const res = await sut.graphql(token, CREATE_CHANNEL, {
          input: { name: 'nope', pagerduty: { routingKey: 'x' } },
        });
        expect(codeOf(res)).toBe('FORBIDDEN');
      }
    });

    it('isolates tenants and audits every write', async () => {
      const created = await webhookChannel('private to a');
      expect((await sut.graphql(b.adminKey, GET_CHANNEL, { id: created.channel.id })).data).toEqual(
        { alertChannel: null },
      );
      expect(JSON.stringify(await sut.graphql(b.adminKey, CHANNELS))).not.toContain(
        created.channel.id,
      );
      expect(
        (await sut.graphql(b.adminKey, DELETE_CHANNEL, { id: created.channel.id })).data,
      ).toEqual({ deleteAlertChannel: false });
      expect(codeOf(await sut.graphql(b.adminKey, TEST_CHANNEL, { id: created.channel.id }))).toBe(
        'NOT_FOUND',
      );
      expect(
        codeOf(
          await sut.graphql(b.adminKey, UPDATE_CHANNEL, {
            id: created.channel.id,
            input: { name: 'stolen' },
          }),
        ),
      ).toBe('NOT_FOUND');
      const port = sut.vigil.app.get(AlertConfigPort);
      expect(await port.channelTarget(b.id, created.channel.id)).toBeNull();
      expect(
        (await sut.graphql(a.adminKey, DELETE_CHANNEL, { id: created.channel.id })).data,
      ).toEqual({ deleteAlertChannel: true });
      const audit = await owner.query(
        `SELECT action, details::text FROM audit_log WHERE tenant_id = $1 AND target_id = $2 ORDER BY at`,
        [a.id, created.channel.id],
      );
      expect(audit.rows.map((r: { action: string }) => r.action)).toEqual([
        'alert_channel.created',
        'alert_channel.deleted',
      ]);
      expect(audit.rows.map((r: { details: string }) => r.details).join()).not.toContain(
        'tok-in-url',
      );
    });
  });

  describe('rules and escalation policies', () => {
    let channelId: string;
    beforeAll(async () => {
      channelId = (await webhookChannel('rules hook')).channel.id;
    });

    it('creates, reads, updates and deletes a log-query rule (editor)', async () => {
      const created = await sut.graphql<{ createAlertRule: { id: string } }>(editor, CREATE_RULE, {
        input: {
          name: 'api errors',
          severity: 'HIGH',
          labels: { team: 'api' },
          annotations: { summary: 'too many errors' },
          forSeconds: 120,
          condition: {
            kind: 'LOG_QUERY',
            query: 'level:error service:api',
            windowSeconds: 300,
            op: 'GT',
            threshold: 10,
          },
          route: { channelIds: [channelId], groupBy: ['service'] },
        },
      });
      expect(created.errors).toBeUndefined();
      expect(created.data?.createAlertRule).toMatchObject({
        severity: 'HIGH',
        enabled: true,
        labels: { team: 'api' },
        forSeconds: 120,
        weight: 1,
        condition: { kind: 'LOG_QUERY', op: 'GT', threshold: 10, windowSeconds: 300 },
        route: {
          channelIds: [channelId],
          policyId: null,
          groupBy: ['service'],
          groupWaitSeconds: 30,
          groupIntervalSeconds: 300,
          repeatIntervalSeconds: 14400,
        },
      });
      const id = created.data!.createAlertRule.id;
      const updated = await sut.graphql(editor, UPDATE_RULE, {
        id,
        input: { enabled: false, severity: 'CRITICAL' },
      });
      expect(updated.data?.updateAlertRule).toMatchObject({
        enabled: false,
        severity: 'CRITICAL',
        condition: { query: 'level:error service:api' },
      });
      const port = sut.vigil.app.get(AlertConfigPort);
      expect(await port.enabledRules(a.id)).toEqual([]);
      expect((await sut.graphql(viewer, RULES)).data?.alertRules).toHaveLength(1);
      expect((await sut.graphql(b.adminKey, DELETE_RULE, { id })).data).toEqual({
        deleteAlertRule: false,
      });
      expect(codeOf(await sut.graphql(b.adminKey, UPDATE_RULE, { id, input: { name: 'x' } }))).toBe(
        'NOT_FOUND',
      );
      expect(codeOf(await sut.graphql(a.ingestKey, DELETE_RULE, { id }))).toBe('FORBIDDEN');
      expect((await sut.graphql(b.adminKey, RULES)).data?.alertRules).toEqual([]);
      // The channel is in use: it cannot be deleted under the rule.
      expect(codeOf(await sut.graphql(a.adminKey, DELETE_CHANNEL, { id: channelId }))).toBe(
        'BAD_USER_INPUT',
      );
      expect((await sut.graphql(editor, DELETE_RULE, { id })).data).toEqual({
        deleteAlertRule: true,
      });
      const audit = await owner.query<{ action: string }>(
        `SELECT action FROM audit_log WHERE tenant_id = $1 AND target_id = $2 ORDER BY at`,
        [a.id, id],
      );
      expect(audit.rows.map((r) => r.action)).toEqual([
        'alert_rule.created',
        'alert_rule.updated',
        'alert_rule.deleted',
      ]);
    });

    it('refuses invalid rules with BAD_USER_INPUT, and viewers', async () => {
      const base = {
        name: 'bad',
        severity: 'INFO',
        condition: { kind: 'ANOMALY', minScore: 0.5 },
        route: { channelIds: [channelId] },
      };
      const bad = [
        {
          ...base,
          condition: {
            kind: 'LOG_QUERY',
            query: 'level:(error',
            windowSeconds: 60,
            op: 'GT',
            threshold: 1,
          },
        },
        { ...base, condition: { kind: 'LOG_QUERY', query: 'x', op: 'GT', threshold: 1 } },
        { ...base, condition: { kind: 'ANOMALY', minScore: 3 } },
        { ...base, route: { channelIds: ['00000000-0000-4000-8000-000000000000'] } },
        { ...base, labels: { 'bad-label': 'x' } },
        { ...base, forSeconds: -1 },
      ];
      for (const input of bad) {
        expect(codeOf(await sut.graphql(editor, CREATE_RULE, { input }))).toBe('BAD_USER_INPUT');
      }
      expect(codeOf(await sut.graphql(viewer, CREATE_RULE, { input: base }))).toBe('FORBIDDEN');
      const ok = await sut.graphql(editor, CREATE_RULE, { input: { ...base, name: 'anomalies' } });
      expect(codeOf(ok)).toBe('OK');
      expect(
        codeOf(await sut.graphql(editor, CREATE_RULE, { input: { ...base, name: 'anomalies' } })),
      ).toBe('BAD_USER_INPUT');
    });

    it('manages escalation policies (admin) with validation', async () => {
      const created = await sut.graphql<{ createEscalationPolicy: { id: string } }>(
        a.adminKey,
        CREATE_POLICY,
        {
          input: {
            name: 'on-call',
            levels: [
              { channelIds: [channelId], timeoutSeconds: 300 },
              { channelIds: [channelId], timeoutSeconds: 900 },
            ],
            repeat: 1,
          },
        },
      );
      expect(created.errors).toBeUndefined();
      const id = created.data!.createEscalationPolicy.id;
      const port = sut.vigil.app.get(AlertConfigPort);
      expect(await port.escalationPolicy(a.id, id)).toMatchObject({
        levels: [{ timeoutMs: 300_000 }, { timeoutMs: 900_000 }],
        repeat: 1,
      });
      expect(await port.escalationPolicy(b.id, id)).toBeNull();
      for (const input of [
        { name: 'x', levels: [] },
        { name: 'x', levels: [{ channelIds: [channelId], timeoutSeconds: 30 }] },
        { name: 'x', levels: [{ channelIds: [channelId], timeoutSeconds: 90_000 }] },
        { name: 'x', levels: Array(11).fill({ channelIds: [channelId], timeoutSeconds: 60 }) },
        { name: 'x', levels: [{ channelIds: [b.id], timeoutSeconds: 60 }] },
      ]) {
        expect(codeOf(await sut.graphql(a.adminKey, CREATE_POLICY, { input }))).toBe(
          'BAD_USER_INPUT',
        );
      }
      expect(
        codeOf(await sut.graphql(editor, CREATE_POLICY, { input: { name: 'e', levels: [] } })),
      ).toBe('FORBIDDEN');
      const updated = await sut.graphql(a.adminKey, UPDATE_POLICY, {
        id,
        input: { repeat: 0 },
      });
      expect(updated.data?.updateEscalationPolicy).toMatchObject({ repeat: 0, name: 'on-call' });
      expect((await sut.graphql(a.adminKey, DELETE_POLICY, { id })).data).toEqual({
        deleteEscalationPolicy: true,
      });
    });
  });

  describe('silences and inhibition rules', () => {
    it('creates, lists and expires a silence; a maintenance window; createdBy is the caller', async () => {
      const endsAt = new Date(Date.now() + 3_600_000).toISOString();
      const created = await sut.graphql<{ createAlertSilence: { id: string } }>(
        editor,
        CREATE_SILENCE,
        { input: { matchers: 'service="api",env!="dev"', endsAt, comment: 'deploy' } },
      );
      expect(created.errors).toBeUndefined();
      expect(created.data?.createAlertSilence).toMatchObject({
        matchers: 'service="api", env!="dev"',
        createdBy: 'editor@alerts.example',
        weekly: null,
      });
      const window = await sut.graphql(editor, CREATE_SILENCE, {
        input: {
          matchers: '{team="db"}',
          comment: 'weekly maintenance',
          weekly: { days: [0, 6], start: '22:00', end: '02:00' },
        },
      });
      expect(codeOf(window)).toBe('OK');
      const port = sut.vigil.app.get(AlertConfigPort);
      expect(await port.activeSilences(a.id, Date.now())).toMatchObject([
        { matchers: [{ name: 'service' }, { name: 'env' }], comment: 'deploy' },
      ]);
      expect(await port.maintenanceWindows(a.id, Date.now())).toMatchObject([
        { weekly: { days: [0, 6], start: '22:00', end: '02:00', timeZone: 'UTC' } },
      ]);
      const id = created.data!.createAlertSilence.id;
      expect(codeOf(await sut.graphql(b.adminKey, EXPIRE_SILENCE, { id }))).toBe('NOT_FOUND');
      expect(codeOf(await sut.graphql(editor, EXPIRE_SILENCE, { id }))).toBe('OK');
      expect(await port.activeSilences(a.id, Date.now() + 1)).toEqual([]);
      const all = await sut.graphql<{ alertSilences: unknown[] }>(viewer, SILENCES, { all: true });
      expect(all.data?.alertSilences).toHaveLength(2);
      const current = await sut.graphql<{ alertSilences: unknown[] }>(viewer, SILENCES, {});
      expect(current.data?.alertSilences).toHaveLength(1);
    });

    it('refuses bad silences and viewers', async () => {
      const endsAt = new Date(Date.now() + 3_600_000).toISOString();
      for (const input of [
        { matchers: 'service', endsAt, comment: '' },
        { matchers: 'service="api"', comment: 'no end' },
        {
          matchers: 'service="api"',
          endsAt: new Date(Date.now() - 1000).toISOString(),
          comment: '',
        },
        { matchers: 'a="b"', comment: '', weekly: { days: [7], start: '22:00', end: '02:00' } },
      ]) {
        expect(codeOf(await sut.graphql(editor, CREATE_SILENCE, { input }))).toBe('BAD_USER_INPUT');
      }
      expect(
        codeOf(
          await sut.graphql(viewer, CREATE_SILENCE, {
            input: { matchers: 'a="b"', endsAt, comment: '' },
          }),
        ),
      ).toBe('FORBIDDEN');
    });

    it('creates and deletes inhibition rules, audited', async () => {
      const created = await sut.graphql<{ createAlertInhibitRule: { id: string } }>(
        editor,
        CREATE_INHIBIT,
        {
          input: {
            sourceMatchers: 'severity="critical"',
            targetMatchers: 'severity=~"warning|info"',
            equal: ['service'],
          },
        },
      );
      expect(created.errors).toBeUndefined();
      const port = sut.vigil.app.get(AlertConfigPort);
      expect(await port.inhibitRules(a.id)).toMatchObject([{ equal: ['service'] }]);
      expect(await port.inhibitRules(b.id)).toEqual([]);
      const id = created.data!.createAlertInhibitRule.id;
      expect((await sut.graphql(b.adminKey, DELETE_INHIBIT, { id })).data).toEqual({
        deleteAlertInhibitRule: false,
      });
      expect((await sut.graphql(editor, DELETE_INHIBIT, { id })).data).toEqual({
        deleteAlertInhibitRule: true,
      });
      const audit = await owner.query(
        `SELECT action FROM audit_log WHERE tenant_id = $1 AND target_id = $2 ORDER BY at`,
        [a.id, id],
      );
      expect(audit.rows.map((r: { action: string }) => r.action)).toEqual([
        'alert_inhibit_rule.created',
        'alert_inhibit_rule.deleted',
      ]);
      expect(
        codeOf(
          await sut.graphql(editor, CREATE_INHIBIT, {
            input: { sourceMatchers: '', targetMatchers: 'a="b"' },
          }),
        ),
      ).toBe('BAD_USER_INPUT');
    });
  });
});
