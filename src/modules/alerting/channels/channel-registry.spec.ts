import { AlertingError } from '../alerting.errors';

import {
  type AlertChannel,
  type AlertNotice,
  type ChannelKind,
  type ChannelTarget,
  type DeliveryReceipt,
} from './alert-channel';
import { ChannelRegistry } from './channel-registry';

class RecordingChannel implements AlertChannel {
  readonly sent: Array<{ notice: AlertNotice; target: ChannelTarget }> = [];
  constructor(readonly kind: ChannelKind) {}
  async send(notice: AlertNotice, target: ChannelTarget): Promise<DeliveryReceipt> {
    this.sent.push({ notice, target });
    return { ok: true, providerId: `${this.kind}-1` };
  }
}

const notice: AlertNotice = {
  id: 'ntf_1',
  tenantId: 't',
  groupKey: 'g',
  dedupKey: 'd',
  status: 'firing',
  severity: 'info',
  title: 'x',
  summary: 'y',
  alerts: [],
  links: {},
  createdAt: new Date('2026-11-26T00:00:00Z'),
};

describe(ChannelRegistry.name, () => {
  it('sends through the channel of the kind', async () => {
    const slack = new RecordingChannel('slack');
    const webhook = new RecordingChannel('webhook');
    const sut = new ChannelRegistry([slack, webhook]);
    const target: ChannelTarget = { kind: 'webhook', url: 'https://x.example', secret: 's' };

    await expect(sut.send('webhook', notice, target)).resolves.toEqual({
      ok: true,
      providerId: 'webhook-1',
    });
    expect(webhook.sent).toEqual([{ notice, target }]);
    expect(slack.sent).toEqual([]);
    expect(sut.kinds).toEqual(['slack', 'webhook']);
  });

  it('throws CHANNEL_NOT_REGISTERED for a kind nobody wired', async () => {
    const sut = new ChannelRegistry([new RecordingChannel('slack')]);
    const target: ChannelTarget = { kind: 'pagerduty', routingKey: 'k' };
    await expect(sut.send('pagerduty', notice, target)).rejects.toMatchObject({
      constructor: AlertingError,
      code: 'CHANNEL_NOT_REGISTERED',
    });
  });

  it('answers a target of another kind with a permanent receipt, sending nothing', async () => {
    const slack = new RecordingChannel('slack');
    const sut = new ChannelRegistry([slack]);
    const target: ChannelTarget = { kind: 'webhook', url: 'https://x.example', secret: 's' };
    await expect(sut.send('slack', notice, target)).resolves.toMatchObject({
      ok: false,
      permanent: true,
      code: 'INVALID_TARGET',
    });
    expect(slack.sent).toEqual([]);
  });

  it('refuses two channels of one kind', () => {
    expect(
      () => new ChannelRegistry([new RecordingChannel('email'), new RecordingChannel('email')]),
    ).toThrow(TypeError);
  });
});
