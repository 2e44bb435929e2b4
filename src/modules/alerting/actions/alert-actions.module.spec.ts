import 'reflect-metadata';

import { createHmac } from 'node:crypto';

import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';

import { SecretBox } from '../../../common/crypto/secret-box';
import { AppConfig } from '../../../config/app-config';
import { AlertActionsPort } from '../alerting.types';
import { ACTION_LINK_KEY_PURPOSE, ActionLinkSigner } from './action-links';
import { AlertActionRoutes, AlertActionsModule } from './alert-actions.module';
import { NoticeTargets, SlackSigningSecrets } from './slack-interactivity';
import { SlackWebApi } from './slack-web-api';

const calls: unknown[][] = [];

class RecordingAlertActions extends AlertActionsPort {
  acknowledge(...args: unknown[]): Promise<number> {
    calls.push(['acknowledge', ...args]);
    return Promise.resolve(1);
  }

  feedback(...args: unknown[]): Promise<void> {
    calls.push(['feedback', ...args]);
    return Promise.resolve();
  }
}

const SLACK_SECRET = 'slack-signing-secret';
const secretBox = SecretBox.forDevelopment('alert-actions-module');

/** Stands in for the configuration and the modules that will implement the ports. */
@Module({
  providers: [
    { provide: AppConfig, useValue: { secretBox, publicUrl: 'https://vigil.example.com/' } },
    { provide: AlertActionsPort, useClass: RecordingAlertActions },
    {
      provide: SlackSigningSecrets,
      useValue: {
        secretFor: (id: string) =>
          Promise.resolve(id === 'chan-a' ? { tenantId: 'tenant-a', secret: SLACK_SECRET } : null),
      },
    },
    {
      provide: NoticeTargets,
      useValue: { find: () => Promise.resolve({ groupKey: 'g-1', fingerprints: ['fp-1'] }) },
    },
    {
      provide: SlackWebApi,
      useValue: {
        userInfo: () => Promise.resolve({ ok: false, reason: 'no_token', error: 'webhook' }),
        postEphemeral: () => Promise.resolve(false),
      },
    },
  ],
  exports: [AppConfig, AlertActionsPort, SlackSigningSecrets, NoticeTargets, SlackWebApi],
})
class PortsModule {}

describe(AlertActionsModule.name, () => {
  let app: NestFastifyApplication;
  let base: string;

  beforeAll(async () => {
    app = await NestFactory.create<NestFastifyApplication>(
      AlertActionsModule.register({ imports: [PortsModule] }),
      new FastifyAdapter(),
      { logger: false },
    );
    // As the app factory would: mount the plugin on Nest's Fastify instance before listening.
    await app.get(AlertActionRoutes).register(app.getHttpAdapter().getInstance());
    await app.listen({ port: 0, host: '127.0.0.1' });
    base = `http://127.0.0.1:${(app.getHttpServer().address() as { port: number }).port}`;
  });

  afterAll(() => app.close());

  function postForm(path: string, body: string): Promise<Response> {
    return fetch(`${base}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body,
    });
  }

  it('signs links with the derived key under the public URL, and its routes act on them', async () => {
    const sut = app.get(ActionLinkSigner);
    const url = sut.link({
      tenantId: 'tenant-a',
      kind: 'not_useful',
      fingerprint: 'fp-1',
      expiresAt: new Date(Date.now() + 60_000),
    });
    expect(url.startsWith('https://vigil.example.com/api/v1/alert-actions/')).toBe(true);
    const token = url.slice(url.lastIndexOf('/') + 1);
    const byHand = new ActionLinkSigner(secretBox.deriveKey(ACTION_LINK_KEY_PURPOSE), 'x');
    expect(byHand.verify(token, new Date()).ok).toBe(true);

    const res = await postForm(`/api/v1/alert-actions/${token}`, '');
    expect(res.status).toBe(200);
    expect(calls).toEqual([['feedback', 'tenant-a', 'fp-1', 'not_useful', 'email link', 'email']]);
  });

  it("keeps Slack's raw body under Nest's own url-encoded parser", async () => {
    calls.length = 0;
    const payload = {
      type: 'block_actions',
      user: { id: 'U1', username: 'a+b 5%' },
      actions: [{ action_id: 'vigil_ack', value: 'notice-1' }],
    };
    const body = `payload=${encodeURIComponent(JSON.stringify(payload)).replace(/%20/g, '+')}`;
    const ts = String(Math.floor(Date.now() / 1000));
    const signature = `v0=${createHmac('sha256', SLACK_SECRET).update(`v0:${ts}:${body}`).digest('hex')}`;
    const res = await fetch(`${base}/api/v1/integrations/slack/interactivity/chan-a`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        'x-slack-request-timestamp': ts,
        'x-slack-signature': signature,
      },
      body,
    });
    expect(res.status).toBe(200);
    expect(calls).toEqual([
      ['acknowledge', 'tenant-a', { groupKey: 'g-1' }, 'slack:a+b 5%', 'slack'],
    ]);
  });

  it('answers 404 to Slack for a channel the port does not know', async () => {
    const res = await postForm('/api/v1/integrations/slack/interactivity/none', 'payload=%7B%7D');
    expect(res.status).toBe(404);
  });
});
