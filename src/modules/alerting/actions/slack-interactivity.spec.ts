import { createHmac } from 'node:crypto';

import { AlertActionsPort } from '../alerting.types';
import {
  NoticeTargets,
  SlackInteractionHandler,
  type SlackInteractionRequest,
  SlackSigningSecrets,
  parsePayload,
} from './slack-interactivity';

type Via = 'graphql' | 'slack' | 'email';
type Target = { fingerprint: string } | { groupKey: string } | { incidentId: string };

class RecordingAlertActions extends AlertActionsPort {
  readonly acks: { tenantId: string; target: Target; by: string; via: Via }[] = [];
  readonly verdicts: {
    tenantId: string;
    fingerprint: string;
    verdict: string;
    by: string;
    via: Via;
  }[] = [];
  ackResult = 2;
  delay: Promise<void> = Promise.resolve();

  async acknowledge(tenantId: string, target: Target, by: string, via: Via): Promise<number> {
    await this.delay;
    this.acks.push({ tenantId, target, by, via });
    return this.ackResult;
  }

  async feedback(
    tenantId: string,
    fingerprint: string,
    verdict: 'useful' | 'not_useful',
    by: string,
    via: Via,
  ): Promise<void> {
    await this.delay;
    this.verdicts.push({ tenantId, fingerprint, verdict, by, via });
  }
}

class InMemorySigningSecrets extends SlackSigningSecrets {
  constructor(private readonly byChannel: Record<string, { tenantId: string; secret: string }>) {
    super();
  }

  secretFor(channelId: string): Promise<{ tenantId: string; secret: string } | null> {
    return Promise.resolve(this.byChannel[channelId] ?? null);
  }
}

class InMemoryNotices extends NoticeTargets {
  constructor(
    private readonly byKey: Record<string, { groupKey: string; fingerprints: string[] }>,
  ) {
    super();
  }

  find(tenantId: string, noticeId: string) {
    return Promise.resolve(this.byKey[`${tenantId}/${noticeId}`] ?? null);
  }
}

const SECRET = '8f14e45fceea167a5a36dedd4bea2543';
const now = new Date('2026-11-26T12:00:00Z');
const ts = String(now.getTime() / 1000);

function sign(body: string, timestamp = ts, secret = SECRET): string {
  return `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex')}`;
}

function formBody(payload: unknown): string {
  return new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
}

function click(actionId: string, value: string, user: object = { id: 'U1', username: 'ana' }) {
  return {
    type: 'block_actions',
    user,
    team: { id: 'T-ATTACKER' },
    actions: [{ action_id: actionId, value, type: 'button' }],
  };
}

describe(SlackInteractionHandler.name, () => {
  let actions: RecordingAlertActions;
  let sut: SlackInteractionHandler;

  beforeEach(() => {
    actions = new RecordingAlertActions();
    sut = new SlackInteractionHandler(
      actions,
      new InMemorySigningSecrets({ 'chan-a': { tenantId: 'tenant-a', secret: SECRET } }),
      new InMemoryNotices({
        'tenant-a/notice-1': { groupKey: 'g-api', fingerprints: ['fp-1', 'fp-2'] },
        'tenant-b/notice-9': { groupKey: 'g-b', fingerprints: ['fp-b'] },
      }),
    );
  });

  function request(body: string, overrides: Partial<SlackInteractionRequest> = {}) {
    return {
      channelId: 'chan-a',
      timestamp: ts,
      signature: sign(body),
      rawBody: body,
      now,
      ...overrides,
    };
  }

  it('acknowledges the group of the notice named by the Acknowledge button', async () => {
    const body = formBody(click('vigil_ack', 'notice-1'));
    await expect(sut.handle(request(body))).resolves.toEqual({
      status: 200,
      text: 'acknowledged 2 alert(s)',
    });
    expect(actions.acks).toEqual([
      { tenantId: 'tenant-a', target: { groupKey: 'g-api' }, by: 'slack:ana', via: 'slack' },
    ]);
  });

  it('records "not useful" on every alert of the notice', async () => {
    const body = formBody(click('vigil_not_useful', 'notice-1', { id: 'U42' }));
    await expect(sut.handle(request(body))).resolves.toMatchObject({ status: 200 });
    expect(actions.verdicts).toEqual([
      {
        tenantId: 'tenant-a',
        fingerprint: 'fp-1',
        verdict: 'not_useful',
        by: 'slack:U42',
        via: 'slack',
      },
      {
        tenantId: 'tenant-a',
        fingerprint: 'fp-2',
        verdict: 'not_useful',
        by: 'slack:U42',
        via: 'slack',
      },
    ]);
  });

  it("takes the tenant from the channel: another tenant's notice id is not found", async () => {
    const body = formBody(click('vigil_ack', 'notice-9'));
    await expect(sut.handle(request(body))).resolves.toEqual({
      status: 200,
      text: 'notification not found',
    });
    expect(actions.acks).toEqual([]);
  });

  it('ignores URL buttons, unknown actions and other interaction types', async () => {
    for (const payload of [
      click('vigil_open', 'https://vigil.example.com/alerts/1'),
      click('vigil_ack_link', ''),
      click('something_else', 'notice-1'),
      { type: 'view_submission', user: { id: 'U1' } },
      { type: 'block_actions', actions: [null, 'vigil_ack', { action_id: 'vigil_ack', value: 7 }] },
    ]) {
      const body = formBody(payload);
      await expect(sut.handle(request(body))).resolves.toEqual({ status: 200, text: 'ignored' });
    }
    expect(actions.acks).toEqual([]);
    expect(actions.verdicts).toEqual([]);
  });

  it('answers 404 for an unknown channel before looking at the signature', async () => {
    const body = formBody(click('vigil_ack', 'notice-1'));
    await expect(sut.handle(request(body, { channelId: 'nope' }))).resolves.toMatchObject({
      status: 404,
    });
  });

  it.each([
    ['a signature made with another secret', { signature: sign('x', ts, 'other') }],
    ['no signature', { signature: undefined }],
    ['a timestamp six minutes old', { timestamp: String(now.getTime() / 1000 - 360) }],
  ])('answers 401 to %s', async (_name, overrides) => {
    const body = formBody(click('vigil_ack', 'notice-1'));
    const stale = { ...request(body), ...overrides };
    if ('timestamp' in overrides) stale.signature = sign(body, overrides.timestamp);
    await expect(sut.handle(stale)).resolves.toMatchObject({ status: 401 });
    expect(actions.acks).toEqual([]);
  });

  it('answers 400 to a signed body without a JSON payload', async () => {
    await expect(sut.handle(request('payload=%7Bnot-json'))).resolves.toMatchObject({
      status: 400,
    });
  });

  it('answers after respondWithinMs and lets slow actions finish', async () => {
    let release = () => undefined as void;
    actions.delay = new Promise<void>((resolve) => (release = resolve));
    const late: unknown[] = [];
    sut = new SlackInteractionHandler(
      actions,
      new InMemorySigningSecrets({ 'chan-a': { tenantId: 'tenant-a', secret: SECRET } }),
      new InMemoryNotices({ 'tenant-a/notice-1': { groupKey: 'g-api', fingerprints: ['fp-1'] } }),
      { respondWithinMs: 5, onLateError: (err) => late.push(err) },
    );
    const body = formBody(click('vigil_ack', 'notice-1'));
    await expect(sut.handle(request(body))).resolves.toEqual({ status: 200, text: 'accepted' });
    expect(actions.acks).toEqual([]);
    release();
    await actions.delay;
    await new Promise((resolve) => setImmediate(resolve));
    expect(actions.acks).toHaveLength(1);
    expect(late).toEqual([]);
  });
});

describe(parsePayload.name, () => {
  it('decodes + as space and percent escapes, as form bodies do', () => {
    const raw = `payload=${encodeURIComponent(JSON.stringify({ type: 'block_actions', note: 'a+b 100%' })).replace(/%20/g, '+')}`;
    expect(raw).toContain('+');
    expect(parsePayload(raw)).toEqual({ type: 'block_actions', note: 'a+b 100%' });
  });

  it('returns null without a payload field or with a non-object payload', () => {
    expect(parsePayload('token=abc')).toBeNull();
    expect(parsePayload('payload=%5B1%5D')).toBeNull();
  });
});
