import { createHmac } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import { TestSmtp } from '../support/test-smtp';
import { createMember } from '../support/test-users';
import { type TestTenant, TestVigil } from '../support/test-vigil';
import { until } from '../support/until';

jest.setTimeout(120_000);

const SLACK_SECRET = 'slack-signing-secret-for-approvals';
const CHANNEL = `mutation ($input: CreateAlertChannelInput!) {
  createAlertChannel(input: $input) { channel { id } }
}`;
const RUN_FIELDS = `id status reason steps { stepId status decidedBy output }`;
const START = `mutation ($id: String!) { startRunbook(id: $id) { run { ${RUN_FIELDS} } } }`;
const RUN = `query ($id: ID!) { runbookRun(id: $id) { ${RUN_FIELDS} } }`;

interface Run {
  id: string;
  status: string;
  reason: string | null;
  steps: Array<{
    stepId: string;
    status: string;
    decidedBy: string | null;
    output: Record<string, unknown> | null;
  }>;
}

interface Block {
  type: string;
  elements?: Array<{ action_id?: string; value?: string }>;
}

/** A loopback HTTP server recording every request; `respond` picks the JSON answer. */
class Loopback {
  private constructor(
    private readonly server: Server,
    readonly calls: Array<{ path: string; auth: string | undefined; body: string }>,
  ) {}

  static async start(respond: (path: string, body: string) => unknown): Promise<Loopback> {
    const calls: Loopback['calls'] = [];
    const server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        const path = req.url ?? '';
        calls.push({ path, auth: req.headers.authorization, body });
        res
          .writeHead(200, { 'content-type': 'application/json' })
          .end(JSON.stringify(respond(path, body)));
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    return new Loopback(server, calls);
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  close(): Promise<void> {
    return new Promise((r) => this.server.close(() => r()));
  }
}

/** Slack's Web API: posts get a ts, `users.info` answers from this directory. */
const SLACK_USERS: Record<string, { name: string; email: string }> = {
  UADA: { name: 'ada', email: 'admin@example.com' },
  UVIC: { name: 'vic', email: 'viewer@example.com' },
};

function slackAnswer(path: string, body: string): unknown {
  if (path.endsWith('/users.info')) {
    const id = new URLSearchParams(body).get('user') ?? '';
    const user = SLACK_USERS[id];
    return user
      ? { ok: true, user: { id, name: user.name, profile: { email: user.email } } }
      : { ok: false, error: 'user_not_found' };
  }
  return { ok: true, channel: 'C0OPS', ts: `${Date.now() / 1000}` };
}

describe('runbook approvals from e-mail links and Slack buttons', () => {
  let sut: TestVigil;
  let tenant: TestTenant;
  let smtp: TestSmtp;
  let slack: Loopback;
  let api: Loopback;
  let slackChannelId: string;

  beforeAll(async () => {
    sut = await TestVigil.start();
    tenant = await sut.createTenant('approvals-a');
    smtp = await TestSmtp.start();
    slack = await Loopback.start(slackAnswer);
    api = await Loopback.start(() => ({ ok: true }));
    await createMember(sut, tenant, 'admin@example.com', 'admin');
    await createMember(sut, tenant, 'viewer@example.com', 'viewer');
    await gql(
      `mutation ($i: RemediationSettingsInput!) { updateRemediationSettings(input: $i) { enabled } }`,
      { i: { allowPrivateNetwork: true } },
    );
    await gql(CHANNEL, {
      input: {
        name: 'approvers-mail',
        allowPrivateNetwork: true,
        email: {
          host: '127.0.0.1',
          port: Number(new URL(smtp.url).port),
          secure: false,
          from: 'vigil@example.com',
          to: ['team@example.com'],
        },
      },
    });
    const created = await gql<{ createAlertChannel: { channel: { id: string } } }>(CHANNEL, {
      input: {
        name: 'approvers-slack',
        allowPrivateNetwork: true,
        slack: {
          token: 'xoxb-approvals',
          channel: '#ops',
          apiUrl: `${slack.url}/api`,
          signingSecret: SLACK_SECRET,
        },
      },
    });
    slackChannelId = created.createAlertChannel.channel.id;
    await gql(`mutation ($d: JSON!) { saveRunbook(definition: $d) { id } }`, {
      d: {
        id: 'gated-deploy',
        name: 'Gated deploy',
        version: 1,
        trigger: { kind: 'manual' },
        steps: [
          {
            id: 'gate',
            kind: 'approval',
            roles: ['admin'],
            channels: ['approvers-mail', 'approvers-slack'],
            message: 'Deploy checkout to production?',
            timeoutSeconds: 600,
          },
          { id: 'deploy', kind: 'http', method: 'POST', url: `${api.url}/deploy`, body: '{}' },
        ],
      },
    });
  });

  afterAll(async () => {
    await smtp?.close();
    await slack?.close();
    await api?.close();
    await sut?.close();
  });

  async function gql<T>(query: string, variables: Record<string, unknown> = {}): Promise<T> {
    const res = await sut.graphql<T>(tenant.adminKey, query, variables);
    expect(res.errors).toBeUndefined();
    return res.data as T;
  }
  const start = async () =>
    (await gql<{ startRunbook: { run: Run } }>(START, { id: 'gated-deploy' })).startRunbook.run;
  const run = async (id: string) => (await gql<{ runbookRun: Run }>(RUN, { id })).runbookRun;
  const waiting = (id: string) =>
    until(
      () => run(id),
      (r) => r.steps[0]?.status === 'waiting' && Array.isArray(r.steps[0].output?.asked),
      30_000,
      100,
    );
  const settled = (id: string) =>
    until(
      () => run(id),
      (r) => ['succeeded', 'failed', 'cancelled'].includes(r.status),
      30_000,
      100,
    );

  /** The Slack message of an approval request: its Approve and Refuse button values. */
  function buttonsOf(call: { body: string }): Record<string, string> {
    const blocks = (JSON.parse(call.body) as { blocks: Block[] }).blocks;
    const out: Record<string, string> = {};
    for (const e of blocks.flatMap((b) => b.elements ?? [])) {
      if (e.action_id && e.value) out[e.action_id] = e.value;
    }
    return out;
  }

  function click(slackUser: string, actionId: string, value: string): Promise<Response> {
    const payload = {
      type: 'block_actions',
      user: { id: slackUser, username: SLACK_USERS[slackUser]?.name ?? 'someone' },
      channel: { id: 'C0OPS' },
      actions: [{ action_id: actionId, value, type: 'button' }],
    };
    const body = `payload=${encodeURIComponent(JSON.stringify(payload))}`;
    const ts = String(Math.floor(Date.now() / 1000));
    const signature = `v0=${createHmac('sha256', SLACK_SECRET).update(`v0:${ts}:${body}`).digest('hex')}`;
    return fetch(`${sut.url}/api/v1/integrations/slack/interactivity/${slackChannelId}`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        'x-slack-request-timestamp': ts,
        'x-slack-signature': signature,
      },
      body,
    });
  }

  it('approves from the link in the admin’s e-mail: GET only shows, POST approves, the run goes on', async () => {
    const started = await start();
    await waiting(started.id);
    const mail = await smtp.mailTo('admin@example.com');
    // Only members who may approve are written to (not the viewer, not the channel's list).
    expect(smtp.received.some((m) => m.to.includes('viewer@example.com'))).toBe(false);
    expect(smtp.received.some((m) => m.to.includes('team@example.com'))).toBe(false);
    const text = mail.raw.replace(/=\r?\n/g, '').replace(/=3D/g, '=');
    const found = /Approve: (\S+\/api\/v1\/alert-actions\/[A-Za-z0-9_.-]+)/.exec(text)?.[1];
    expect(found).toBeDefined();
    expect(text).toMatch(/Refuse: \S+\/api\/v1\/alert-actions\//);
    // Links are built on PUBLIC_URL; this test server listens on a port of its own.
    const link = found!.replace(/^https?:\/\/[^/]+/, sut.url);

    const page = await fetch(link);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain(`Approve step gate of runbook run ${started.id}?`);
    await new Promise((r) => setTimeout(r, 300));
    const still = await run(started.id);
    expect(still.steps[0]).toMatchObject({ status: 'waiting', decidedBy: null });
    expect(api.calls).toEqual([]);

    const approved = await fetch(link, { method: 'POST' });
    expect(approved.status).toBe(200);
    expect(await approved.text()).toContain('approved');
    const done = await settled(started.id);
    expect(done.status).toBe('succeeded');
    expect(done.steps[0]).toMatchObject({ status: 'succeeded', decidedBy: 'admin@example.com' });
    expect(done.steps[0]!.output).toMatchObject({ decision: 'approved', via: 'email' });
    expect(api.calls.map((c) => c.path)).toEqual(['/deploy']);

    // The link cannot answer twice.
    const again = await fetch(link, { method: 'POST' });
    expect(again.status).toBe(409);
  });

  it('refuses from a Slack button as the member users.info names; a viewer’s click is refused', async () => {
    const before = slack.calls.filter((c) => c.path.endsWith('/chat.postMessage')).length;
    const started = await start();
    await waiting(started.id);
    const posts = await until(
      async () => slack.calls.filter((c) => c.path.endsWith('/chat.postMessage')),
      (cs) => cs.length > before,
      15_000,
    );
    const message = posts.at(-1)!;
    expect(message.auth).toBe('Bearer xoxb-approvals');
    const buttons = buttonsOf(message);
    expect(Object.keys(buttons).sort()).toEqual(['vigil_approve', 'vigil_refuse']);

    // A viewer may not approve: told so, and the step keeps waiting.
    const byViewer = await click('UVIC', 'vigil_approve', buttons.vigil_approve!);
    expect(byViewer.status).toBe(200);
    const told = await until(
      async () => slack.calls.filter((c) => c.path.endsWith('/chat.postEphemeral')),
      (cs) => cs.length >= 1,
      10_000,
    );
    const said = new URLSearchParams(told[0]!.body);
    expect(said.get('user')).toBe('UVIC');
    expect(said.get('text')).toContain('You may not answer this approval');
    expect(said.get('text')).toContain('admin');
    const afterViewer = await run(started.id);
    expect(afterViewer.status).toBe('waiting');
    expect(afterViewer.steps[0]).toMatchObject({ status: 'waiting', decidedBy: null });

    // An unknown Slack user (no member with that e-mail) is refused too.
    await click('UNOBODY', 'vigil_approve', buttons.vigil_approve!);
    expect((await run(started.id)).steps[0]).toMatchObject({ status: 'waiting' });

    // The admin refuses: the run fails with the refusal and the deploy never happens.
    const byAdmin = await click('UADA', 'vigil_refuse', buttons.vigil_refuse!);
    expect(byAdmin.status).toBe(200);
    const done = await settled(started.id);
    expect(done.status).toBe('failed');
    expect(done.reason).toContain('refused by slack:ada (admin@example.com)');
    expect(done.steps[0]!.output).toMatchObject({ decision: 'refused', via: 'slack' });
    expect(done.steps[1]!.status).not.toBe('succeeded');
    expect(api.calls.map((c) => c.path)).toEqual(['/deploy']);
    const lookups = slack.calls.filter((c) => c.path.endsWith('/users.info'));
    expect(lookups.map((c) => new URLSearchParams(c.body).get('user'))).toEqual([
      'UVIC',
      'UNOBODY',
      'UADA',
    ]);
  });
});
