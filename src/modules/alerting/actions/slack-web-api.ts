import { Injectable } from '@nestjs/common';

import { AlertConfigPort } from '../alerting.types';
import type { SlackTarget } from '../channels/alert-channel';
import { postOutbound } from '../channels/outbound-url';
import { slackApiBase } from '../channels/slack.channel';

/** A Slack user as the Web API describes them. */
export interface SlackUser {
  readonly id: string;
  /** The handle (`user.name`). */
  readonly name: string;
  /** `user.profile.email`; null when Slack shows none (the app lacks `users:read.email`). */
  readonly email: string | null;
}

export type SlackUserLookup =
  | { readonly ok: true; readonly user: SlackUser }
  | {
      /** `no_token`: the channel posts through a webhook and has no bot token to ask with. */
      readonly ok: false;
      readonly reason: 'no_token' | 'failed';
      readonly error: string;
    };

/**
 * The few Web API calls the interactivity endpoint makes, with the bot token of the Vigil Slack
 * channel that received the click (only token-mode channels have one).
 */
export abstract class SlackWebApi {
  /** `users.info` for the user who clicked. */
  abstract userInfo(
    tenantId: string,
    channelId: string,
    slackUserId: string,
  ): Promise<SlackUserLookup>;
  /** `chat.postEphemeral`: a message only `slackUserId` sees; false when it could not be posted. */
  abstract postEphemeral(
    tenantId: string,
    channelId: string,
    message: { channel: string; user: string; text: string },
  ): Promise<boolean>;
}

type TokenTarget = Extract<SlackTarget, { token: string }>;

/** Whatever a Web API method answered, parsed; `ok: false` with Slack's error otherwise. */
export async function callSlackApi(
  target: TokenTarget,
  method: string,
  params: Readonly<Record<string, string>>,
  timeoutMs = 5_000,
): Promise<{ ok: true; body: Record<string, unknown> } | { ok: false; error: string }> {
  // Form-encoded: every method takes it, while read methods such as users.info refuse JSON.
  const result = await postOutbound({
    url: `${slackApiBase(target)}/${method}`,
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      authorization: `Bearer ${target.token}`,
    },
    body: new URLSearchParams(params).toString(),
    allowPrivate: target.allowPrivateNetwork === true,
    timeoutMs,
  });
  if (!result.ok) return { ok: false, error: result.receipt.error ?? 'Slack did not answer' };
  let parsed: unknown;
  try {
    parsed = JSON.parse(result.body);
  } catch {
    return { ok: false, error: 'Slack answered with a non-JSON body' };
  }
  if (typeof parsed !== 'object' || parsed === null) {
    return { ok: false, error: 'Slack answered with an unexpected body' };
  }
  const body = parsed as Record<string, unknown>;
  if (body.ok !== true) {
    return { ok: false, error: `Slack: ${typeof body.error === 'string' ? body.error : 'error'}` };
  }
  return { ok: true, body };
}

/** {@link SlackWebApi} with the channel's opened configuration (its bot token and `apiUrl`). */
@Injectable()
export class SlackChannelWebApi extends SlackWebApi {
  constructor(private readonly config: AlertConfigPort) {
    super();
  }

  async userInfo(tenantId: string, channelId: string, slackUserId: string) {
    const target = await this.#tokenTarget(tenantId, channelId);
    if (!target) {
      return {
        ok: false,
        reason: 'no_token',
        error: 'this Slack channel posts through a webhook and cannot look people up',
      } as const;
    }
    const answer = await callSlackApi(target, 'users.info', { user: slackUserId });
    if (!answer.ok) return { ok: false, reason: 'failed', error: answer.error } as const;
    const user = parseUser(answer.body.user);
    return user
      ? ({ ok: true, user } as const)
      : ({ ok: false, reason: 'failed', error: 'Slack answered without a user' } as const);
  }

  async postEphemeral(
    tenantId: string,
    channelId: string,
    message: { channel: string; user: string; text: string },
  ): Promise<boolean> {
    const target = await this.#tokenTarget(tenantId, channelId);
    if (!target) return false;
    const answer = await callSlackApi(target, 'chat.postEphemeral', message);
    return answer.ok;
  }

  async #tokenTarget(tenantId: string, channelId: string): Promise<TokenTarget | null> {
    const channel = await this.config.channelTarget(tenantId, channelId);
    const target = channel?.target;
    return target?.kind === 'slack' && 'token' in target ? target : null;
  }
}

/** The `user` object of `users.info`; null when it lacks an id. */
export function parseUser(value: unknown): SlackUser | null {
  if (typeof value !== 'object' || value === null) return null;
  const user = value as { id?: unknown; name?: unknown; profile?: { email?: unknown } };
  if (typeof user.id !== 'string' || user.id === '') return null;
  const email = user.profile?.email;
  return {
    id: user.id,
    name: typeof user.name === 'string' && user.name !== '' ? user.name : user.id,
    email: typeof email === 'string' && email !== '' ? email : null,
  };
}
