import Fastify, { type FastifyInstance } from 'fastify';

import { InMemoryRunbookApprovals } from '../../../../test/fakes/in-memory-runbook-approvals';
import { AlertActionsPort } from '../alerting.types';
import { ActionLinkSigner, type ApprovalActionLink } from './action-links';
import { registerAlertActionRoutes } from './alert-actions.routes';
import type { RunbookApprovals } from './runbook-approvals.port';
import { NoticeTargets, SlackInteractionHandler, SlackSigningSecrets } from './slack-interactivity';

class UnusedAlertActions extends AlertActionsPort {
  acknowledge(): Promise<number> {
    return Promise.reject(new Error('an approval link must not acknowledge alerts'));
  }

  feedback(): Promise<void> {
    return Promise.reject(new Error('an approval link must not record feedback'));
  }
}

class NoSigningSecrets extends SlackSigningSecrets {
  secretFor() {
    return Promise.resolve(null);
  }
}

class NoNotices extends NoticeTargets {
  find() {
    return Promise.resolve(null);
  }
}

const RUN = '0b6a4f2e-1111-4000-8000-000000000002';
const ADMIN = '5c1d7a11-2222-4000-8000-000000000003';
const VIEWER = '5c1d7a11-2222-4000-8000-000000000004';

describe('alert action routes: runbook approval links', () => {
  let app: FastifyInstance;
  let base: string;
  let approvals: InMemoryRunbookApprovals;
  let registered: RunbookApprovals | null;
  let clock: Date;
  const signer = new ActionLinkSigner(Buffer.alloc(32, 9), 'https://vigil.example.com');

  beforeAll(async () => {
    app = Fastify({ logger: false });
    const actions = new UnusedAlertActions();
    await registerAlertActionRoutes(app, {
      actions,
      signer,
      slack: new SlackInteractionHandler(actions, new NoSigningSecrets(), new NoNotices()),
      approvals: () => registered,
      now: () => clock,
    });
    await app.listen({ port: 0, host: '127.0.0.1' });
    base = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
  });

  afterAll(() => app.close());

  beforeEach(() => {
    clock = new Date('2026-11-26T12:00:00Z');
    approvals = new InMemoryRunbookApprovals();
    approvals.addStep('tenant-a', RUN, 1, {
      runbookName: 'Restart checkout',
      stepId: 'gate',
      roles: ['admin'],
    });
    approvals.addMember(ADMIN, 'admin@example.com', 'admin');
    approvals.addMember(VIEWER, 'viewer@example.com', 'viewer');
    registered = approvals;
  });

  function link(overrides: Partial<ApprovalActionLink> = {}): string {
    const token = signer.token({
      tenantId: 'tenant-a',
      kind: 'approve',
      runId: RUN,
      stepIndex: 1,
      userId: ADMIN,
      expiresAt: new Date('2026-11-26T13:00:00Z'),
      ...overrides,
    });
    return `${base}/api/v1/alert-actions/${token}`;
  }

  const post = (url: string) => fetch(url, { method: 'POST' });

  it('GET shows "Approve step X of runbook run Y?" with a POST form, and decides nothing', async () => {
    const url = link();
    const res = await fetch(url);
    const html = await res.text();
    expect(res.status).toBe(200);
    expect(res.headers.get('x-frame-options')).toBe('DENY');
    expect(html).toContain(`Approve step gate of runbook run ${RUN}?`);
    expect(html).toContain('Runbook: Restart checkout');
    expect(html).toContain(`<form method="post" action="./${url.split('/').pop()}">`);
    expect(html).toContain('>Approve</button>');
    expect(approvals.answers).toEqual([]);
  });

  it('POST approves as the member the link names, via email', async () => {
    const res = await post(link());
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('Step gate of runbook Restart checkout is approved');
    expect(approvals.answers).toEqual([
      {
        tenantId: 'tenant-a',
        runId: RUN,
        stepIndex: 1,
        approve: true,
        answerer: { userId: ADMIN },
        via: 'email',
      },
    ]);
  });

  it('POST of a refuse link refuses; a second answer is a conflict', async () => {
    const res = await post(link({ kind: 'refuse' }));
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('is refused');
    expect(approvals.answers[0]).toMatchObject({ approve: false });
    const again = await post(link());
    expect(again.status).toBe(409);
    const page = await fetch(link());
    expect(page.status).toBe(409);
    expect(await page.text()).not.toContain('<form');
  });

  it('POST answers 403 when the member named lacks the role (checked at click time)', async () => {
    const res = await post(link({ userId: VIEWER }));
    expect(res.status).toBe(403);
    expect(await res.text()).toContain('You may not answer this approval');
    expect((await fetch(link())).status).toBe(200); // still waiting
  });

  it('refuses a link that names nobody (a Slack button value) on GET and POST', async () => {
    const url = link({ userId: null });
    for (const res of [await fetch(url), await post(url)]) {
      expect(res.status).toBe(403);
      expect(await res.text()).toContain('does not name the person answering');
    }
    expect(approvals.answers).toEqual([]);
  });

  it('gives expired and tampered links the same pages as alert links', async () => {
    const url = link();
    const [, signature] = url.split('/').pop()!.split('.');
    const body = Buffer.from(
      JSON.stringify({ v: 1, t: 'tenant-a', k: 'approve', r: RUN, s: 1, u: VIEWER, e: 2e12 }),
    ).toString('base64url');
    const tampered = await post(`${base}/api/v1/alert-actions/${body}.${signature}`);
    expect(tampered.status).toBe(400);
    expect(await tampered.text()).toContain('This link is not valid');
    clock = new Date('2026-11-26T13:00:00Z');
    for (const res of [await fetch(url), await post(url)]) {
      expect(res.status).toBe(410);
      expect(await res.text()).toContain('This link has expired');
    }
    expect(approvals.answers).toEqual([]);
  });

  it('answers 404 for a step the tenant does not have', async () => {
    const res = await fetch(link({ stepIndex: 7 }));
    expect(res.status).toBe(404);
    expect(await res.text()).toContain('This approval no longer exists');
  });

  it('answers 503 until the remediation module has registered the approvals', async () => {
    registered = null;
    const res = await post(link());
    expect(res.status).toBe(503);
    expect(approvals.answers).toEqual([]);
  });
});
