import { createHmac } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import { InMemoryRunbookApprovals } from '../../../../test/fakes/in-memory-runbook-approvals';
import { AlertActionsPort, AlertConfigPort } from '../alerting.types';
import type { ChannelTarget } from '../channels/alert-channel';
import { ActionLinkSigner, type ApprovalActionLink } from './action-links';
import type { RunbookApprovals } from './runbook-approvals.port';
import { SLACK_APPROVE_ACTION, SLACK_REFUSE_ACTION, SlackApprovalButtons } from './slack-approvals';
import { NoticeTargets, SlackInteractionHandler, SlackSigningSecrets } from './slack-interactivity';
import { SlackChannelWebApi } from './slack-web-api';

/** Slack's Web API on loopback: `users.info` from a directory, records every call. */
class FakeSlackApi {
  readonly calls: Array<{
    method: string;
    auth: string | undefined;
    form: Record<string, string>;
  }> = [];
  readonly users = new Map<string, { name: string; email?: string }>();
  readonly #server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      const method = (req.url ?? '').split('/').pop() ?? '';
      const form = Object.fromEntries(new URLSearchParams(body));
      this.calls.push({ method, auth: req.headers.authorization, form });
      const user = this.users.get(form.user ?? '');
      const answer =
        method === 'users.info'
          ? user
            ? {
                ok: true,
                user: { id: form.user, name: user.name, profile: { email: user.email } },
              }
            : { ok: false, error: 'user_not_found' }
          : { ok: true };
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(answer));
    });
  });

  async start(): Promise<string> {
    await new Promise<void>((r) => this.#server.listen(0, '127.0.0.1', r));
    return `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}/api`;
  }

  close(): Promise<void> {
    return new Promise((r) => this.#server.close(() => r()));
  }
}

/** Only what the Web API client reads: the opened target of a channel. */
class ChannelTargets extends AlertConfigPort {
  readonly targets = new Map<string, ChannelTarget>();

  channelTarget(tenantId: string, channelId: string) {
    const target = this.targets.get(`${tenantId}/${channelId}`);
    return Promise.resolve(target ? { kind: target.kind, name: channelId, target } : null);
  }

  enabledRules(): never {
    throw new Error('not read by the Slack Web API client');
  }
  activeSilences(): never {
    throw new Error('not read by the Slack Web API client');
  }
  maintenanceWindows(): never {
    throw new Error('not read by the Slack Web API client');
  }
  inhibitRules(): never {
    throw new Error('not read by the Slack Web API client');
  }
  escalationPolicy(): never {
    throw new Error('not read by the Slack Web API client');
  }
  memberEmails(): never {
    throw new Error('not read by the Slack Web API client');
  }
}

class UnusedAlertActions extends AlertActionsPort {
  acknowledge(): Promise<number> {
    return Promise.reject(new Error('an approval button must not acknowledge'));
  }
  feedback(): Promise<void> {
    return Promise.reject(new Error('an approval button must not record feedback'));
  }
}

class Secrets extends SlackSigningSecrets {
  secretFor(channelId: string) {
    return Promise.resolve(
      channelId === 'chan-bot' || channelId === 'chan-hook'
        ? { tenantId: 'tenant-a', secret: SECRET }
        : null,
    );
  }
}

class NoNotices extends NoticeTargets {
  find() {
    return Promise.resolve(null);
  }
}

const SECRET = 'slack-signing-secret-for-approvals';
const RUN = '0b6a4f2e-1111-4000-8000-000000000002';
const now = new Date('2026-11-26T12:00:00Z');
const signer = new ActionLinkSigner(Buffer.alloc(32, 5), 'https://vigil.example.com');

function token(overrides: Partial<ApprovalActionLink> = {}): string {
  return signer.token({
    tenantId: 'tenant-a',
    kind: 'approve',
    runId: RUN,
    stepIndex: 0,
    userId: null,
    expiresAt: new Date('2026-11-26T13:00:00Z'),
    ...overrides,
  });
}

function signed(channelId: string, actionId: string, value: string, user = 'U1', secret = SECRET) {
  const payload = {
    type: 'block_actions',
    user: { id: user, username: 'ignored-handle' },
    channel: { id: 'C0OPS' },
    actions: [{ action_id: actionId, value, type: 'button' }],
  };
  const body = new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
  const ts = String(now.getTime() / 1000);
  const signature = `v0=${createHmac('sha256', secret).update(`v0:${ts}:${body}`).digest('hex')}`;
  return { channelId, timestamp: ts, signature, rawBody: body, now };
}

describe(SlackApprovalButtons.name, () => {
  const slack = new FakeSlackApi();
  const config = new ChannelTargets();
  let approvals: InMemoryRunbookApprovals;
  let registered: RunbookApprovals | null;
  let sut: SlackInteractionHandler;

  beforeAll(async () => {
    const apiUrl = await slack.start();
    config.targets.set('tenant-a/chan-bot', {
      kind: 'slack',
      token: 'xoxb-approvals',
      channel: '#ops',
      apiUrl,
      signingSecret: SECRET,
      allowPrivateNetwork: true,
    });
    config.targets.set('tenant-a/chan-hook', {
      kind: 'slack',
      webhookUrl: `${apiUrl}/hook`,
      signingSecret: SECRET,
      allowPrivateNetwork: true,
    });
    slack.users.set('U1', { name: 'ada', email: 'Ada@Example.com' });
    slack.users.set('U2', { name: 'vic', email: 'viewer@example.com' });
    slack.users.set('U3', { name: 'eve', email: 'eve@elsewhere.example' });
    slack.users.set('U4', { name: 'nomail' });
  });

  afterAll(() => slack.close());

  beforeEach(() => {
    slack.calls.length = 0;
    approvals = new InMemoryRunbookApprovals();
    approvals.addStep('tenant-a', RUN, 0, {
      runbookName: 'Restart checkout',
      stepId: 'gate',
      roles: ['admin'],
    });
    approvals.addMember('user-admin', 'ada@example.com', 'admin');
    approvals.addMember('user-viewer', 'viewer@example.com', 'viewer');
    registered = approvals;
    const buttons = new SlackApprovalButtons(
      signer,
      () => registered,
      new SlackChannelWebApi(config),
    );
    sut = new SlackInteractionHandler(new UnusedAlertActions(), new Secrets(), new NoNotices(), {
      approvals: buttons,
    });
  });

  const ephemerals = () => slack.calls.filter((c) => c.method === 'chat.postEphemeral');

  it('approves as the member whose e-mail users.info gives for the clicker', async () => {
    const result = await sut.handle(signed('chan-bot', SLACK_APPROVE_ACTION, token()));
    expect(result).toEqual({
      status: 200,
      text: 'Approved step gate of runbook Restart checkout.',
    });
    expect(slack.calls[0]).toEqual({
      method: 'users.info',
      auth: 'Bearer xoxb-approvals',
      form: { user: 'U1' },
    });
    expect(approvals.answers).toEqual([
      {
        tenantId: 'tenant-a',
        runId: RUN,
        stepIndex: 0,
        approve: true,
        answerer: { email: 'Ada@Example.com', label: 'slack:ada (Ada@Example.com)' },
        via: 'slack',
      },
    ]);
    expect(ephemerals()).toEqual([
      {
        method: 'chat.postEphemeral',
        auth: 'Bearer xoxb-approvals',
        form: {
          channel: 'C0OPS',
          user: 'U1',
          text: 'Approved step gate of runbook Restart checkout.',
        },
      },
    ]);
  });

  it('refuses through the Refuse button', async () => {
    const result = await sut.handle(
      signed('chan-bot', SLACK_REFUSE_ACTION, token({ kind: 'refuse' })),
    );
    expect(result.text).toBe('Refused step gate of runbook Restart checkout.');
    expect(approvals.answers[0]).toMatchObject({ approve: false });
  });

  it('tells a clicker who is not a member, or lacks the role, that they may not answer', async () => {
    const outsider = await sut.handle(signed('chan-bot', SLACK_APPROVE_ACTION, token(), 'U3'));
    const viewer = await sut.handle(signed('chan-bot', SLACK_APPROVE_ACTION, token(), 'U2'));
    expect(outsider.text).toBe('You may not answer this approval: not a member');
    expect(viewer.text).toBe('You may not answer this approval: needs the role admin');
    expect(ephemerals().map((c) => c.form.user)).toEqual(['U3', 'U2']);
    // The step still waits for someone allowed.
    await expect(approvals.describe('tenant-a', RUN, 0)).resolves.toMatchObject({ pending: true });
  });

  it('acts on nothing and calls Slack for nothing when the signature is wrong', async () => {
    const forged = signed('chan-bot', SLACK_APPROVE_ACTION, token(), 'U1', 'guessed');
    await expect(sut.handle(forged)).resolves.toEqual({
      status: 401,
      text: 'invalid or stale Slack signature',
    });
    expect(slack.calls).toEqual([]);
    expect(approvals.answers).toEqual([]);
  });

  it.each([
    ['a refuse token on the Approve button', SLACK_APPROVE_ACTION, { kind: 'refuse' as const }],
    ['a token of another tenant', SLACK_APPROVE_ACTION, { tenantId: 'tenant-b' }],
  ])('does not act on %s', async (_name, actionId, overrides) => {
    const result = await sut.handle(signed('chan-bot', actionId, token(overrides)));
    expect(result.text).toBe('This button is not a valid approval request; nothing was done.');
    expect(approvals.answers).toEqual([]);
  });

  it('does not act on an expired request or a value that is not a token', async () => {
    const expired = token({ expiresAt: new Date('2026-11-26T11:59:59Z') });
    const late = await sut.handle(signed('chan-bot', SLACK_APPROVE_ACTION, expired));
    const junk = await sut.handle(signed('chan-bot', SLACK_APPROVE_ACTION, `${RUN}:0`));
    expect(late.text).toBe('This approval request has expired; nothing was done.');
    expect(junk.text).toBe('This button is not a valid approval request; nothing was done.');
    expect(approvals.answers).toEqual([]);
  });

  it('cannot identify a clicker through a webhook-mode channel', async () => {
    const result = await sut.handle(signed('chan-hook', SLACK_APPROVE_ACTION, token()));
    expect(result.text).toContain('Vigil could not tell who you are');
    expect(slack.calls).toEqual([]);
    expect(approvals.answers).toEqual([]);
  });

  it('asks to approve in Vigil when Slack shows no e-mail or does not know the user', async () => {
    const noMail = await sut.handle(signed('chan-bot', SLACK_APPROVE_ACTION, token(), 'U4'));
    const unknown = await sut.handle(signed('chan-bot', SLACK_APPROVE_ACTION, token(), 'U9'));
    expect(noMail.text).toContain('users:read.email');
    expect(unknown.text).toBe(
      'Vigil could not tell who you are (Slack: user_not_found); approve in Vigil.',
    );
    expect(approvals.answers).toEqual([]);
  });

  it('says so while the remediation module has not registered the approvals', async () => {
    registered = null;
    const result = await sut.handle(signed('chan-bot', SLACK_APPROVE_ACTION, token()));
    expect(result.text).toBe('Runbook approvals are not available on this Vigil.');
    expect(slack.calls.map((c) => c.method)).toEqual(['chat.postEphemeral']);
  });
});
