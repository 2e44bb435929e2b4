import { AlertingError } from '../alerting.errors';

import {
  type AlertChannel,
  type AlertNotice,
  type ChannelKind,
  type ChannelTarget,
  type DeliveryReceipt,
} from './alert-channel';

/**
 * Kind → channel. The delivery job asks it for the channel of a stored target; the channels stay
 * unaware of each other.
 *
 * @example
 *   const registry = new ChannelRegistry([new SlackChannel(), new WebhookChannel()]);
 *   await registry.send('slack', notice, target);
 */
export class ChannelRegistry {
  readonly #channels = new Map<ChannelKind, AlertChannel>();

  constructor(channels: readonly AlertChannel[]) {
    for (const channel of channels) {
      if (this.#channels.has(channel.kind)) {
        throw new TypeError(`two channels registered for ${channel.kind}`);
      }
      this.#channels.set(channel.kind, channel);
    }
  }

  get kinds(): ChannelKind[] {
    return [...this.#channels.keys()];
  }

  /** The channel for `kind`; throws `CHANNEL_NOT_REGISTERED` when the module did not wire one. */
  get(kind: ChannelKind): AlertChannel {
    const channel = this.#channels.get(kind);
    if (!channel)
      throw new AlertingError('CHANNEL_NOT_REGISTERED', `no ${kind} channel registered`);
    return channel;
  }

  /**
   * Delivers through the channel of `kind`. A target of another kind is a permanent failure
   * receipt (stored configuration that does not match), never a throw.
   */
  async send(
    kind: ChannelKind,
    notice: AlertNotice,
    target: ChannelTarget,
    thread?: string,
  ): Promise<DeliveryReceipt> {
    const channel = this.get(kind);
    if (target.kind !== kind) {
      return {
        ok: false,
        permanent: true,
        code: 'INVALID_TARGET',
        error: `target of kind ${target.kind} given for channel ${kind}`,
      };
    }
    return channel.send(notice, target, thread);
  }
}
