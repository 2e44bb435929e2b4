import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import { Client } from 'pg';

import { AlertConfigPort } from 'src/modules/alerting/alerting.types';

import { codeOf } from '../support/test-users';
import { type TestTenant, TestVigil } from '../support/test-vigil';
import { until } from '../support/until';

jest.setTimeout(90_000);

const CHANNEL = 'id name kind settings secretFields allowPrivateNetwork';
const CREATE_CHANNEL = `mutation ($input: CreateAlertChannelInput!) { createAlertChannel(input: $input) { channel { ${CHANNEL} } signingSecret } }`;
const UPDATE_CHANNEL = `mutation ($id: ID!, $input: UpdateAlertChannelInput!) { updateAlertChannel(id: $id, input: $input) { ${CHANNEL} } }`;
const TEST_CHANNEL = `mutation ($id: ID!) { testAlertChannel(id: $id) { ok status error code } }`;
const CHANNELS = `{ alertChannels { ${CHANNEL} } }`;
const GET_CHANNEL = `query ($id: ID!) { alertChannel(id: $id) { ${CHANNEL} } }`;
const SETTINGS = `mutation { updateDetectionSettings(input: { learningHours: 0, detectors: [NEW_PATTERN] }) { learningHours } }`;
const RULE = `mutation ($input: CreateAlertRuleInput!) { createAlertRule(input: $input) { id } }`;
const ALERTS = `query ($f: AlertFilter) { alerts(filter: $f) { fingerprint labels status } }`;

const TEAMS_SECRET = 'teams-url-token-SECRET';
const OPSGENIE_KEY = 'eb243592-faa2-4ba2-a551-OPSGENIE-SECRET';

interface Received {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/** A loopback provider: records every request and answers as the real one does. */
class Receiver {
  readonly requests: Received[] = [];
  readonly #server: Server;

  constructor(answer: { status: number; body: string }) {
    this.#server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        this.requests.push({
          method: req.method ?? '',
          url: req.url ?? '',
          headers: req.headers,
          body: Buffer.concat(chunks).toString('utf8'),
        });
        res.writeHead(answer.status, { 'content-type': 'application/json' }).end(answer.body);
      });
    });
  }

  async start(): Promise<string> {
    await new Promise<void>((r) => this.#server.listen(0, '127.0.0.1', r));
    return `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
  }

  close(): Promise<void> {
    this.#server.closeAllConnections();
    return new Promise((r) => this.#server.close(() => r()));
  }
}

type Channel = {
  id: string;
  kind: string;
  settings: Record<string, unknown>;
  secretFields: string[];
  allowPrivateNetwork: boolean;
};

interface TeamsCard {
  body: Array<{
    type: string;
    inlines?: Array<{ text: string }>;
    facts?: Array<{ title: string; value: string }>;
  }>;
  actions?: Array<{ type: string; title: string; url: string }>;
}

const cardOf = (r: Received): TeamsCard =>
  (JSON.parse(r.body) as { attachments: Array<{ content: TeamsCard }> }).attachments[0]!.content;
const headlineOf = (r: Received): string => cardOf(r).body[0]!.inlines![0]!.text;

describe('Teams and Opsgenie alert channels', () => {
  let sut: TestVigil;
  let tenant: TestTenant;
  let owner: Client;
  const teams = new Receiver({ status: 200, body: '1' });
  const opsgenie = new Receiver({
    status: 202,
    body: JSON.stringify({ result: 'Request will be processed', took: 0.01, requestId: 'req-1' }),
  });
  let teamsUrl: string;
  let opsgenieUrl: string;
  let teamsChannel: Channel;
  let opsgenieChannel: Channel;

  beforeAll(async () => {
    teamsUrl = `${await teams.start()}/webhookb2/x@y/IncomingWebhook/${TEAMS_SECRET}/z`;
    opsgenieUrl = await opsgenie.start();
    sut = await TestVigil.start({ RATE_LIMIT_ENABLED: 'false' });
    tenant = await sut.createTenant('teams-opsgenie');
    owner = new Client({ connectionString: sut.databaseUrl });
    await owner.connect();
  });
  afterAll(async () => {
    await owner?.end();
    await sut?.close();
    await teams.close();
    await opsgenie.close();
  });

  async function gql<T>(query: string, variables: Record<string, unknown> = {}): Promise<T> {
    const res = await sut.graphql<T>(tenant.adminKey, query, variables);
    expect(res.errors).toBeUndefined();
    return res.data as T;
  }
  async function refused(query: string, variables: Record<string, unknown>) {
    const res = await sut.graphql(tenant.adminKey, query, variables);
    return { code: codeOf(res), message: res.errors?.[0]?.message ?? '' };
  }

  it('widens the kind check of alert_channels', async () => {
    const check = await owner.query<{ def: string }>(
      `SELECT pg_get_constraintdef(oid) AS def FROM pg_constraint
        WHERE conname = 'alert_channels_kind_check'`,
    );
    expect(check.rows).toHaveLength(1);
    expect(check.rows[0]!.def).toContain("'teams'");
    expect(check.rows[0]!.def).toContain("'opsgenie'");
  });

  it('creates both kinds with their secrets sealed and never shown', async () => {
    teamsChannel = (
      await gql<{ createAlertChannel: { channel: Channel; signingSecret: string | null } }>(
        CREATE_CHANNEL,
        {
          input: { name: 'ops teams', allowPrivateNetwork: true, teams: { webhookUrl: teamsUrl } },
        },
      )
    ).createAlertChannel.channel;
    opsgenieChannel = (
      await gql<{ createAlertChannel: { channel: Channel } }>(CREATE_CHANNEL, {
        input: {
          name: 'ops genie',
          allowPrivateNetwork: true,
          opsgenie: { apiKey: OPSGENIE_KEY, apiUrl: `${opsgenieUrl}/` },
        },
      })
    ).createAlertChannel.channel;

    expect(teamsChannel).toMatchObject({
      kind: 'TEAMS',
      settings: {},
      secretFields: ['webhookUrl'],
      allowPrivateNetwork: true,
    });
    expect(opsgenieChannel).toMatchObject({
      kind: 'OPSGENIE',
      settings: { apiUrl: opsgenieUrl },
      secretFields: ['apiKey'],
    });
    const responses = [
      JSON.stringify(await sut.graphql(tenant.adminKey, CHANNELS)),
      JSON.stringify(await sut.graphql(tenant.adminKey, GET_CHANNEL, { id: teamsChannel.id })),
      JSON.stringify(await sut.graphql(tenant.adminKey, GET_CHANNEL, { id: opsgenieChannel.id })),
    ];
    for (const text of responses) {
      expect(text).not.toContain(TEAMS_SECRET);
      expect(text).not.toContain(OPSGENIE_KEY);
    }
    const stored = await owner.query<{ kind: string; settings: string; secret_sealed: string }>(
      `SELECT kind, settings::text, secret_sealed FROM alert_channels ORDER BY kind`,
    );
    expect(stored.rows.map((r) => r.kind)).toEqual(['opsgenie', 'teams']);
    for (const row of stored.rows) {
      expect(`${row.settings} ${row.secret_sealed}`).not.toContain(TEAMS_SECRET);
      expect(`${row.settings} ${row.secret_sealed}`).not.toContain(OPSGENIE_KEY);
    }
    const port = sut.vigil.app.get(AlertConfigPort);
    await expect(port.channelTarget(tenant.id, teamsChannel.id)).resolves.toMatchObject({
      kind: 'teams',
      target: { kind: 'teams', webhookUrl: teamsUrl, allowPrivateNetwork: true },
    });
    await expect(port.channelTarget(tenant.id, opsgenieChannel.id)).resolves.toMatchObject({
      kind: 'opsgenie',
      target: { kind: 'opsgenie', apiKey: OPSGENIE_KEY, apiUrl: opsgenieUrl },
    });
  });

  it('delivers a test notice to each loopback receiver', async () => {
    teams.requests.length = 0;
    opsgenie.requests.length = 0;
    const teamsTest = await gql<{ testAlertChannel: unknown }>(TEST_CHANNEL, {
      id: teamsChannel.id,
    });
    const opsgenieTest = await gql<{ testAlertChannel: unknown }>(TEST_CHANNEL, {
      id: opsgenieChannel.id,
    });

    expect(teamsTest.testAlertChannel).toEqual({ ok: true, status: 200, error: null, code: null });
    expect(opsgenieTest.testAlertChannel).toEqual({
      ok: true,
      status: 202,
      error: null,
      code: null,
    });
    expect(teams.requests).toHaveLength(1);
    expect(teams.requests[0]!.url).toBe(`/webhookb2/x@y/IncomingWebhook/${TEAMS_SECRET}/z`);
    expect(JSON.parse(teams.requests[0]!.body)).toMatchObject({
      type: 'message',
      attachments: [
        {
          contentType: 'application/vnd.microsoft.card.adaptive',
          contentUrl: null,
          content: { type: 'AdaptiveCard', version: '1.4' },
        },
      ],
    });
    expect(headlineOf(teams.requests[0]!)).toBe('[INFO] Vigil test notification');

    expect(opsgenie.requests).toHaveLength(1);
    const created = opsgenie.requests[0]!;
    expect([created.method, created.url]).toEqual(['POST', '/v2/alerts']);
    expect(created.headers.authorization).toBe(`GenieKey ${OPSGENIE_KEY}`);
    expect(JSON.parse(created.body)).toMatchObject({
      message: 'Vigil test notification',
      alias: `vigil-test-${opsgenieChannel.id}`,
      priority: 'P5',
      source: 'vigil',
      tags: ['vigil', 'severity:info', 'alertname:VigilTest'],
    });
  });

  it('reports a provider refusal in the test result', async () => {
    const down = new Receiver({ status: 401, body: '{"message":"Key format is not valid!"}' });
    const url = await down.start();
    try {
      const channel = (
        await gql<{ createAlertChannel: { channel: Channel } }>(CREATE_CHANNEL, {
          input: {
            name: 'wrong key',
            allowPrivateNetwork: true,
            opsgenie: { apiKey: 'not-the-key', apiUrl: url },
          },
        })
      ).createAlertChannel.channel;
      const res = await gql<{ testAlertChannel: unknown }>(TEST_CHANNEL, { id: channel.id });
      expect(res.testAlertChannel).toEqual({
        ok: false,
        status: 401,
        error: 'HTTP 401: {"message":"Key format is not valid!"}',
        code: null,
      });
    } finally {
      await down.close();
    }
  });

  it('keeps the stored secret when other fields change, and sends with the new ones', async () => {
    const other = new Receiver({ status: 202, body: '{"requestId":"req-2"}' });
    const otherUrl = await other.start();
    try {
      const updated = await gql<{ updateAlertChannel: Channel }>(UPDATE_CHANNEL, {
        id: opsgenieChannel.id,
        input: { opsgenie: { apiUrl: otherUrl } },
      });
      expect(updated.updateAlertChannel).toMatchObject({
        settings: { apiUrl: otherUrl },
        secretFields: ['apiKey'],
      });
      await gql(TEST_CHANNEL, { id: opsgenieChannel.id });
      expect(other.requests).toHaveLength(1);
      expect(other.requests[0]!.headers.authorization).toBe(`GenieKey ${OPSGENIE_KEY}`);
    } finally {
      await gql(UPDATE_CHANNEL, {
        id: opsgenieChannel.id,
        input: { opsgenie: { apiUrl: opsgenieUrl } },
      });
      await other.close();
    }
  });

  it('refuses invalid input with a reason in words', async () => {
    const create = (input: Record<string, unknown>) =>
      refused(CREATE_CHANNEL, { input: { name: 'bad', allowPrivateNetwork: true, ...input } });
    await expect(create({ teams: {} })).resolves.toEqual({
      code: 'BAD_USER_INPUT',
      message: 'webhookUrl is required',
    });
    await expect(create({ teams: { webhookUrl: 'ftp://teams.example/x' } })).resolves.toEqual({
      code: 'BAD_USER_INPUT',
      message: 'webhookUrl must be an http(s) URL',
    });
    await expect(create({ opsgenie: { apiUrl: opsgenieUrl } })).resolves.toEqual({
      code: 'BAD_USER_INPUT',
      message: 'apiKey is required',
    });
    await expect(create({ opsgenie: { apiKey: 'two words' } })).resolves.toEqual({
      code: 'BAD_USER_INPUT',
      message: 'apiKey must be printable ASCII without spaces',
    });
    await expect(
      create({ opsgenie: { apiKey: 'k', apiUrl: 'https://api.opsgenie.com?x=1' } }),
    ).resolves.toEqual({
      code: 'BAD_USER_INPUT',
      message: 'apiUrl must be a base URL without a query or fragment',
    });
    await expect(
      create({ teams: { webhookUrl: teamsUrl }, opsgenie: { apiKey: 'k' } }),
    ).resolves.toEqual({
      code: 'BAD_USER_INPUT',
      message: 'give exactly one of slack, pagerduty, email, webhook, teams, opsgenie',
    });
    await expect(
      refused(UPDATE_CHANNEL, { id: teamsChannel.id, input: { opsgenie: { apiKey: 'k' } } }),
    ).resolves.toEqual({
      code: 'BAD_USER_INPUT',
      message: 'this is a teams channel; its kind cannot change to opsgenie',
    });
  });

  it('applies the SSRF guard to both kinds', async () => {
    const teamsLoopback = await refused(CREATE_CHANNEL, {
      input: { name: 'ssrf teams', teams: { webhookUrl: teamsUrl } },
    });
    expect(teamsLoopback.code).toBe('BAD_USER_INPUT');
    expect(teamsLoopback.message).not.toContain(TEAMS_SECRET);
    const metadata = await refused(CREATE_CHANNEL, {
      input: {
        name: 'ssrf genie',
        opsgenie: { apiKey: 'k', apiUrl: 'http://169.254.169.254/latest' },
      },
    });
    expect(metadata.code).toBe('BAD_USER_INPUT');
    const off = await refused(UPDATE_CHANNEL, {
      id: teamsChannel.id,
      input: { allowPrivateNetwork: false },
    });
    expect(off.code).toBe('BAD_USER_INPUT');
  });

  it('routes a real alert to both, then tells both of its acknowledgement', async () => {
    await gql(SETTINGS);
    await gql(RULE, {
      input: {
        name: 'Fresh errors',
        severity: 'CRITICAL',
        condition: { kind: 'ANOMALY', detectorKinds: ['new_pattern'], services: ['ledger'] },
        route: {
          channelIds: [teamsChannel.id, opsgenieChannel.id],
          groupBy: ['service'],
          groupWaitSeconds: 1,
        },
      },
    });
    teams.requests.length = 0;
    opsgenie.requests.length = 0;
    const shipped = await fetch(`${sut.url}/api/v1/logs`, {
      method: 'POST',
      headers: { authorization: `Bearer ${tenant.ingestKey}`, 'content-type': 'application/json' },
      body: JSON.stringify([
        {
          '@timestamp': new Date().toISOString(),
          level: 'error',
          service: 'ledger',
          message: 'Ledger write rejected: balance table locked by a long migration',
        },
      ]),
    });
    expect(shipped.status).toBe(200);

    await until(
      async () => [teams.requests.length, opsgenie.requests.length],
      ([toTeams, toOpsgenie]) => toTeams! >= 1 && toOpsgenie! >= 1,
      20_000,
    );
    const card = cardOf(teams.requests[0]!);
    expect(headlineOf(teams.requests[0]!)).toMatch(/^\[CRITICAL\] /);
    expect(card.body.find((b) => b.type === 'FactSet')!.facts).toContainEqual({
      title: 'Service',
      value: 'ledger',
    });
    expect(card.actions?.map((a) => a.title)).toEqual(
      expect.arrayContaining(['Acknowledge', 'Not useful']),
    );
    const created = opsgenie.requests[0]!;
    expect(created.url).toBe('/v2/alerts');
    const alert = JSON.parse(created.body) as { alias: string; priority: string; entity: string };
    expect(alert).toMatchObject({ priority: 'P1', entity: 'ledger', source: 'vigil' });

    const [fired] = (
      await gql<{ alerts: Array<{ fingerprint: string; labels: Record<string, string> }> }>(
        ALERTS,
        { f: {} },
      )
    ).alerts.filter((a) => a.labels.service === 'ledger');
    await gql('mutation ($fp: ID!) { acknowledgeAlert(fingerprint: $fp) }', {
      fp: fired!.fingerprint,
    });
    const acknowledged = await until(
      async () => opsgenie.requests.filter((r) => r.url.includes('/acknowledge')),
      (rs) => rs.length > 0,
      20_000,
    );
    expect(acknowledged[0]!.url).toBe(
      `/v2/alerts/${encodeURIComponent(alert.alias)}/acknowledge?identifierType=alias`,
    );
    expect(acknowledged[0]!.headers.authorization).toBe(`GenieKey ${OPSGENIE_KEY}`);
    const ackCard = await until(
      async () => teams.requests.filter((r) => headlineOf(r).endsWith('(acknowledged)')),
      (rs) => rs.length > 0,
      20_000,
    );
    expect(cardOf(ackCard[0]!).actions?.map((a) => a.title)).not.toContain('Acknowledge');
  });
});
