import { createHmac } from 'node:crypto';

import Fastify, { type FastifyInstance } from 'fastify';

import { AlertActionsPort } from '../alerting.types';
import { ActionLinkSigner, type AlertActionLink } from './action-links';
import { alertActionRoutes, registerAlertActionRoutes } from './alert-actions.routes';
import { NoticeTargets, SlackInteractionHandler, SlackSigningSecrets } from './slack-interactivity';

type Via = 'graphql' | 'slack' | 'email';
type Target = { fingerprint: string } | { groupKey: string } | { incidentId: string };

/** Records every call, as the real engine would receive it. */
class RecordingAlertActions extends AlertActionsPort {
  readonly calls: unknown[][] = [];
  failNext = false;

  acknowledge(tenantId: string, target: Target, by: string, via: Via): Promise<number> {
    if (this.failNext) {
      this.failNext = false;
      return Promise.reject(new Error('database down'));
    }
    this.calls.push(['acknowledge', tenantId, target, by, via]);
    return Promise.resolve(1);
  }

  feedback(
    tenantId: string,
    fingerprint: string,
    verdict: 'useful' | 'not_useful',
    by: string,
    via: Via,
  ): Promise<void> {
    this.calls.push(['feedback', tenantId, fingerprint, verdict, by, via]);
    return Promise.resolve();
  }
}

class InMemorySigningSecrets extends SlackSigningSecrets {
  readonly #channels = new Map([['chan-a', { tenantId: 'tenant-a', secret: 'slack-secret-a' }]]);

  secretFor(channelId: string) {
    return Promise.resolve(this.#channels.get(channelId) ?? null);
  }
}

class InMemoryNotices extends NoticeTargets {
  find(tenantId: string, noticeId: string) {
    return Promise.resolve(
      tenantId === 'tenant-a' && noticeId === 'notice-1'
        ? { groupKey: '{}:{service="api"}', fingerprints: ['fp-1'] }
        : null,
    );
  }
}

const KEY = Buffer.alloc(32, 42);

describe(alertActionRoutes.name, () => {
  let app: FastifyInstance;
  let base: string;
  let actions: RecordingAlertActions;
  let clock: Date;
  const signer = new ActionLinkSigner(KEY, 'https://vigil.example.com');

  beforeAll(async () => {
    app = Fastify({ logger: false });
    // What Nest's adapter does at the root: a parsed url-encoded body. Our plugin must still see raw.
    app.addContentTypeParser(
      'application/x-www-form-urlencoded',
      { parseAs: 'string' },
      (_req, body, done) => done(null, Object.fromEntries(new URLSearchParams(body as string))),
    );
    actions = new RecordingAlertActions();
    await registerAlertActionRoutes(app, {
      actions,
      signer,
      slack: new SlackInteractionHandler(
        actions,
        new InMemorySigningSecrets(),
        new InMemoryNotices(),
      ),
      now: () => clock,
    });
    await app.listen({ port: 0, host: '127.0.0.1' });
    base = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
  });

  afterAll(() => app.close());

  beforeEach(() => {
    actions.calls.length = 0;
    clock = new Date('2026-11-26T12:00:00Z');
  });

  function tokenFor(overrides: Partial<AlertActionLink> = {}): string {
    return signer.token({
      tenantId: 'tenant-a',
      kind: 'ack',
      fingerprint: 'fp-1',
      title: '<script>alert(1)</script> errors & "timeouts"',
      expiresAt: new Date('2026-11-27T12:00:00Z'),
      ...overrides,
    });
  }

  function postForm(url: string): Promise<Response> {
    return fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: '',
    });
  }

  describe('e-mail links', () => {
    it('GET shows an escaped confirmation page with a POST form and does not act', async () => {
      const token = tokenFor();
      // Longer than Fastify's default maxParamLength (100), which would answer 414 to a `:token`.
      expect(token.length).toBeGreaterThan(100);
      const res = await fetch(`${base}/api/v1/alert-actions/${token}`);
      const html = await res.text();
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(res.headers.get('referrer-policy')).toBe('no-referrer');
      expect(res.headers.get('cache-control')).toBe('no-store');
      expect(html).toContain('Acknowledge this alert?');
      expect(html).toContain(
        '&lt;script&gt;alert(1)&lt;/script&gt; errors &amp; &quot;timeouts&quot;',
      );
      expect(html).not.toContain('<script>');
      expect(html).toContain(`<form method="post" action="./${token}">`);
      expect(actions.calls).toEqual([]);
    });

    it('POST acknowledges the alert as "email link" via email, again on a second click', async () => {
      const url = `${base}/api/v1/alert-actions/${tokenFor()}`;
      for (let i = 0; i < 2; i++) {
        const res = await postForm(url);
        expect(res.status).toBe(200);
        expect(await res.text()).toContain('1 alert acknowledged.');
      }
      const call = ['acknowledge', 'tenant-a', { fingerprint: 'fp-1' }, 'email link', 'email'];
      expect(actions.calls).toEqual([call, call]);
    });

    it('POST acknowledges the group when the link carries a group key', async () => {
      await postForm(`${base}/api/v1/alert-actions/${tokenFor({ groupKey: 'g-api' })}`);
      expect(actions.calls).toEqual([
        ['acknowledge', 'tenant-a', { groupKey: 'g-api' }, 'email link', 'email'],
      ]);
    });

    it('POST records "not useful" feedback', async () => {
      const token = tokenFor({ kind: 'not_useful', groupKey: 'g-api' });
      const res = await fetch(`${base}/api/v1/alert-actions/${token}`, { method: 'POST' });
      expect(res.status).toBe(200);
      expect(actions.calls).toEqual([
        ['feedback', 'tenant-a', 'fp-1', 'not_useful', 'email link', 'email'],
      ]);
    });

    it('refuses a tampered token with 400 on GET and POST, and acts on nothing', async () => {
      const [, signature] = tokenFor().split('.');
      const body = Buffer.from(
        JSON.stringify({ v: 1, t: 'tenant-b', k: 'ack', f: 'fp-1', e: Date.UTC(2027, 0, 1) }),
      ).toString('base64url');
      const url = `${base}/api/v1/alert-actions/${body}.${signature}`;
      for (const res of [await fetch(url), await postForm(url)]) {
        expect(res.status).toBe(400);
        expect(await res.text()).toContain('This link is not valid');
      }
      expect((await fetch(`${base}/api/v1/alert-actions/garbage`)).status).toBe(400);
      expect((await fetch(`${base}/api/v1/alert-actions/${tokenFor()}/x`)).status).toBe(400);
      expect(actions.calls).toEqual([]);
    });

    it('refuses an expired token with 410', async () => {
      const url = `${base}/api/v1/alert-actions/${tokenFor()}`;
      clock = new Date('2026-11-27T12:00:00Z');
      const res = await postForm(url);
      expect(res.status).toBe(410);
      expect(await res.text()).toContain('This link has expired');
      expect(actions.calls).toEqual([]);
    });

    it('answers a 500 page when the action fails', async () => {
      actions.failNext = true;
      const res = await postForm(`${base}/api/v1/alert-actions/${tokenFor()}`);
      expect(res.status).toBe(500);
      expect(await res.text()).toContain('Something went wrong');
    });
  });

  describe('Slack interactivity', () => {
    const url = () => `${base}/api/v1/integrations/slack/interactivity/chan-a`;

    function slackRequest(body: string, options: { secret?: string; ageSeconds?: number } = {}) {
      const ts = String(Math.floor(clock.getTime() / 1000) - (options.ageSeconds ?? 0));
      const signature = `v0=${createHmac('sha256', options.secret ?? 'slack-secret-a')
        .update(`v0:${ts}:${body}`)
        .digest('hex')}`;
      return {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          'x-slack-request-timestamp': ts,
          'x-slack-signature': signature,
        },
        body,
      };
    }

    /** A form body as Slack sends it: spaces as `+`, and a literal `+` and `%` escaped. */
    function ackBody(): string {
      const payload = {
        type: 'block_actions',
        user: { id: 'U1', username: 'ana+ops 100%' },
        message: { text: 'errors rose 250% (5xx + timeouts)' },
        actions: [{ action_id: 'vigil_ack', value: 'notice-1', type: 'button' }],
      };
      const body = `payload=${encodeURIComponent(JSON.stringify(payload)).replace(/%20/g, '+')}`;
      for (const part of ['+', '%2B', '%25']) expect(body).toContain(part);
      return body;
    }

    it('acknowledges with the tenant of the channel when the raw body is signed', async () => {
      const res = await fetch(url(), slackRequest(ackBody()));
      expect(res.status).toBe(200);
      expect(await res.text()).toBe('');
      expect(actions.calls).toEqual([
        [
          'acknowledge',
          'tenant-a',
          { groupKey: '{}:{service="api"}' },
          'slack:ana+ops 100%',
          'slack',
        ],
      ]);
    });

    it('answers 401 to a wrong signature and to an old timestamp', async () => {
      const wrong = await fetch(url(), slackRequest(ackBody(), { secret: 'guess' }));
      const old = await fetch(url(), slackRequest(ackBody(), { ageSeconds: 301 }));
      expect([wrong.status, old.status]).toEqual([401, 401]);
      expect(actions.calls).toEqual([]);
    });

    it('answers 401 when the body was re-encoded after signing', async () => {
      const signed = slackRequest(ackBody());
      const res = await fetch(url(), { ...signed, body: signed.body.replace(/\+/g, '%20') });
      expect(res.status).toBe(401);
    });

    it('answers 404 for an unknown channel', async () => {
      const res = await fetch(
        `${base}/api/v1/integrations/slack/interactivity/other`,
        slackRequest(ackBody()),
      );
      expect(res.status).toBe(404);
    });

    it('answers 413 to an oversized body', async () => {
      const res = await fetch(url(), slackRequest(`payload=${'x'.repeat(1024 * 1024 + 1)}`));
      expect(res.status).toBe(413);
    });
  });
});
