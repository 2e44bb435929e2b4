import { AlertingError } from '../alerting.errors';
import type { ChannelKind } from '../channels/alert-channel';
import {
  type ChannelFields,
  kindOf,
  outboundOf,
  toChannelConfig,
  toTarget,
} from './channel-settings';

function codeOf(work: () => unknown): string {
  try {
    work();
    return 'OK';
  } catch (err) {
    if (err instanceof AlertingError) return err.code;
    throw err;
  }
}

describe('channel settings', () => {
  it('takes exactly one kind', () => {
    expect(kindOf({ webhook: { url: 'https://x.example' } })).toBe('webhook');
    expect(codeOf(() => kindOf({}))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => kindOf({ webhook: {}, email: {} }))).toBe('INVALID_ARGUMENT');
  });

  it('seals the secret fields and keeps the others as settings', () => {
    expect(
      toChannelConfig('slack', { slack: { token: 'xoxb-1', channel: '#ops' } }).config,
    ).toEqual({ kind: 'slack', settings: { channel: '#ops' }, secrets: { token: 'xoxb-1' } });
    expect(toChannelConfig('pagerduty', { pagerduty: { routingKey: 'rk' } }).config).toEqual({
      kind: 'pagerduty',
      settings: {},
      secrets: { routingKey: 'rk' },
    });
    const email = toChannelConfig('email', {
      email: {
        host: 'smtp.example.com',
        port: 465,
        secure: true,
        user: 'u',
        password: 'pw',
        from: 'a@example.com',
        to: ['b@example.com'],
      },
    }).config;
    expect(email.secrets).toEqual({ password: 'pw' });
    expect(email.settings).toEqual({
      host: 'smtp.example.com',
      port: 465,
      secure: true,
      user: 'u',
      from: 'a@example.com',
      to: ['b@example.com'],
    });
    expect(outboundOf(email)).toEqual({ urls: [], hosts: ['smtp.example.com'] });
  });

  it('generates a webhook secret when none is given, keeps it on update', () => {
    const created = toChannelConfig('webhook', { webhook: { url: 'https://h.example/x' } });
    expect(created.generatedSecret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(created.config.secrets).toEqual({
      url: 'https://h.example/x',
      secret: created.generatedSecret,
    });
    const updated = toChannelConfig(
      'webhook',
      { webhook: { url: 'https://h.example/y' } },
      created.config,
    );
    expect(updated.generatedSecret).toBeUndefined();
    expect(updated.config.secrets.secret).toBe(created.generatedSecret);
    expect(toTarget(updated.config, true)).toEqual({
      kind: 'webhook',
      url: 'https://h.example/y',
      secret: created.generatedSecret,
      allowPrivateNetwork: true,
    });
  });

  it('switches a Slack channel between webhook and token modes on update', () => {
    const token = toChannelConfig('slack', { slack: { token: 't', channel: '#a' } }).config;
    const hook = toChannelConfig(
      'slack',
      { slack: { webhookUrl: 'https://hooks.example/1' } },
      token,
    );
    expect(hook.config).toEqual({
      kind: 'slack',
      settings: {},
      secrets: { webhookUrl: 'https://hooks.example/1' },
    });
    expect(toTarget(hook.config, false)).toEqual({
      kind: 'slack',
      webhookUrl: 'https://hooks.example/1',
      allowPrivateNetwork: false,
    });
  });

  it.each([
    ['webhook', { webhook: { url: 'ftp://x.example' } }],
    ['webhook', { webhook: { url: 'https://x.example', secret: 'short' } }],
    ['slack', { slack: { token: 't' } }],
    ['pagerduty', { pagerduty: {} }],
    ['email', { email: { host: 'h', port: 0, secure: false, from: 'a@b', to: ['c@d'] } }],
    ['email', { email: { host: 'h', port: 25, secure: false, from: 'nope', to: ['c@d'] } }],
    ['email', { email: { host: 'h', port: 25, secure: false, from: 'a@b', to: [] } }],
  ] as Array<[ChannelKind, ChannelFields]>)('refuses a bad %s configuration', (kind, input) => {
    expect(codeOf(() => toChannelConfig(kind, input))).toBe('INVALID_ARGUMENT');
  });
});
