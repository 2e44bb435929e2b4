import { actionLinkToken } from '../actions/action-links';
import { SLACK_APPROVE_ACTION, SLACK_REFUSE_ACTION } from '../actions/slack-approvals';
import {
  type AlertChannel,
  type AlertNotice,
  type ChannelTarget,
  type DeliveryReceipt,
  type SlackTarget,
  commonLabels,
  severityLabel,
  wrongTargetReceipt,
} from './alert-channel';
import { postOutbound } from './outbound-url';

/** Clock and sleep, injected so tests can see the waits instead of waiting. */
export interface LimiterClock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

const realClock: LimiterClock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

/**
 * A per-key token bucket that makes callers wait for their turn rather than dropping them,
 * written as GCRA (the "virtual scheduling" form of a token bucket, ITU-T I.371): each key keeps
 * the theoretical arrival time `tat` of its next free slot; a caller takes the slot at
 * `max(now, tat - (burst - 1) * interval)` and moves `tat` one interval on. Idle keys (whose `tat`
 * lies in the past) are forgotten once more than `maxKeys` are tracked.
 *
 * @example
 *   const limiter = new WaitingRateLimiter({ intervalMs: 1000 });
 *   await limiter.acquire(webhookUrl); // resolves at most once per second per URL
 */
export class WaitingRateLimiter {
  readonly #tat = new Map<string, number>();
  readonly #intervalMs: number;
  readonly #burst: number;
  readonly #maxKeys: number;
  readonly #clock: LimiterClock;

  constructor(
    options: { intervalMs?: number; burst?: number; maxKeys?: number; clock?: LimiterClock } = {},
  ) {
    this.#intervalMs = options.intervalMs ?? 1000;
    this.#burst = options.burst ?? 1;
    this.#maxKeys = options.maxKeys ?? 10_000;
    this.#clock = options.clock ?? realClock;
    if (!(this.#intervalMs > 0)) throw new RangeError('intervalMs must be positive');
    if (!(Number.isInteger(this.#burst) && this.#burst >= 1)) {
      throw new RangeError('burst must be an integer >= 1');
    }
  }

  /** Reserves the key's next slot and waits until it comes. */
  async acquire(key: string): Promise<void> {
    const now = this.#clock.now();
    const tat = Math.max(this.#tat.get(key) ?? now, now);
    const slot = Math.max(now, tat - (this.#burst - 1) * this.#intervalMs);
    this.#tat.set(key, tat + this.#intervalMs);
    this.#forgetIdle(now);
    if (slot > now) await this.#clock.sleep(slot - now);
  }

  /** Pushes the key's next slot to at least `ms` from now (the provider said "slow down"). */
  pause(key: string, ms: number): void {
    const now = this.#clock.now();
    this.#tat.set(key, Math.max(this.#tat.get(key) ?? now, now + ms));
  }

  get trackedKeys(): number {
    return this.#tat.size;
  }

  #forgetIdle(now: number): void {
    if (this.#tat.size <= this.#maxKeys) return;
    for (const [key, tat] of this.#tat) if (tat <= now) this.#tat.delete(key);
  }
}

/** Slack Web API errors worth a retry; every other `ok: false` error is a configuration problem. */
const RETRYABLE_API_ERRORS = new Set([
  'ratelimited',
  'internal_error',
  'fatal_error',
  'service_unavailable',
  'request_timeout',
]);

const SEVERITY_EMOJI = {
  critical: ':red_circle:',
  high: ':large_orange_circle:',
  warning: ':large_yellow_circle:',
  info: ':large_blue_circle:',
} as const;

export interface SlackChannelOptions {
  /** Shared across sends; default one message per second per webhook URL / channel. */
  readonly limiter?: WaitingRateLimiter;
  readonly timeoutMs?: number;
}

/**
 * Posts a notice to Slack, through an incoming webhook or `chat.postMessage` (bot token), as a
 * Block Kit message with a plain `text` fallback. Messages to one destination are paced to about
 * one per second (Slack's documented limit); a 429 is reported with `retryAfterMs` and also
 * pauses the destination for the following messages.
 */
export class SlackChannel implements AlertChannel {
  readonly kind = 'slack' as const;
  readonly #limiter: WaitingRateLimiter;
  readonly #timeoutMs: number;

  constructor(options: SlackChannelOptions = {}) {
    this.#limiter = options.limiter ?? new WaitingRateLimiter();
    this.#timeoutMs = options.timeoutMs ?? 10_000;
  }

  async send(
    notice: AlertNotice,
    target: ChannelTarget,
    thread?: string,
  ): Promise<DeliveryReceipt> {
    if (target.kind !== 'slack') return wrongTargetReceipt('slack', target);
    const message = buildSlackMessage(notice, { identifiesClickers: 'token' in target });
    if (!('token' in target)) {
      return this.#post(target.webhookUrl, target.webhookUrl, target, message, null);
    }
    const api = slackApiBase(target);
    const key = `${api}#${target.channel}`;
    const earlier = thread === undefined ? null : parseThread(thread);
    if (earlier !== null) {
      // The group's message is edited in place; a state change also gets a reply in its
      // thread, since an edit notifies nobody.
      const updated = await this.#post(
        `${api}/chat.update`,
        key,
        target,
        {
          channel: earlier.channel,
          ts: earlier.ts,
          ...message,
        },
        earlier,
      );
      if (updated.ok && notice.status !== 'firing') {
        const reply = await this.#post(
          `${api}/chat.postMessage`,
          key,
          target,
          {
            channel: earlier.channel,
            thread_ts: earlier.ts,
            text: message.text,
          },
          earlier,
        );
        return reply.ok ? updated : reply;
      }
      if (updated.ok || !GONE_MESSAGE_ERRORS.has(updated.error?.replace(/^Slack: /, '') ?? '')) {
        return updated;
      }
      // The message was deleted or can no longer be edited: post a new one.
    }
    return this.#post(
      `${api}/chat.postMessage`,
      key,
      target,
      { channel: target.channel, ...message },
      null,
    );
  }

  async #post(
    url: string,
    key: string,
    target: SlackTarget,
    payload: object,
    thread: { channel: string; ts: string } | null,
  ): Promise<DeliveryReceipt> {
    const viaApi = 'token' in target;
    const headers: Record<string, string> = { 'content-type': 'application/json; charset=utf-8' };
    if (viaApi) headers.authorization = `Bearer ${target.token}`;
    await this.#limiter.acquire(key);
    const result = await postOutbound({
      url,
      headers,
      body: JSON.stringify(payload),
      allowPrivate: target.allowPrivateNetwork === true,
      timeoutMs: this.#timeoutMs,
    });
    if (!result.ok) {
      if (result.receipt.retryAfterMs !== undefined) {
        this.#limiter.pause(key, result.receipt.retryAfterMs);
      }
      return result.receipt;
    }
    return viaApi
      ? apiReceipt(result.status, result.body, thread)
      : { ok: true, status: result.status };
  }
}

/** The Web API base of a token-mode target (`apiUrl` lets tests point it at a loopback fake). */
export function slackApiBase(target: { readonly apiUrl?: string }): string {
  return (target.apiUrl ?? 'https://slack.com/api').replace(/\/+$/, '');
}

/** `chat.update` errors meaning the message cannot be edited any more (a new one is posted). */
const GONE_MESSAGE_ERRORS = new Set([
  'message_not_found',
  'cant_update_message',
  'edit_window_closed',
  'channel_not_found',
]);

/** A Slack message's provider id: `<channel id>/<ts>` (chat.update needs the channel's id). */
function parseThread(id: string): { channel: string; ts: string } | null {
  const slash = id.indexOf('/');
  return slash > 0 && slash < id.length - 1
    ? { channel: id.slice(0, slash), ts: id.slice(slash + 1) }
    : null;
}

export interface SlackMessageOptions {
  /**
   * Whether Vigil can tell who clicks a button (a token-mode channel: `users.info` with its bot
   * token). Only then does an approval request get Approve / Refuse buttons.
   */
  readonly identifiesClickers?: boolean;
}

/** The Slack message for a notice: `text` (notifications, old clients) and `blocks`. */
export function buildSlackMessage(
  notice: AlertNotice,
  options: SlackMessageOptions = {},
): { text: string; blocks: unknown[] } {
  const state = notice.status === 'firing' ? '' : ` (${notice.status})`;
  const headline = `[${severityLabel(notice.severity)}] ${notice.title}${state}`;
  const blocks: unknown[] = [
    {
      type: 'header',
      text: {
        type: 'plain_text',
        text: clip(`${SEVERITY_EMOJI[notice.severity]} ${headline}`, 150),
        emoji: true,
      },
    },
    { type: 'section', text: { type: 'mrkdwn', text: clip(escapeMrkdwn(notice.summary), 3000) } },
  ];

  const fields = ['service', 'host']
    .map((name) => ({ name, values: distinctLabel(notice, name) }))
    .filter((field) => field.values.length > 0)
    .map(({ name, values }) => ({
      type: 'mrkdwn',
      text: clip(`*${name}*\n${escapeMrkdwn(values.join(', '))}`, 2000),
    }));
  if (fields.length > 0) blocks.push({ type: 'section', fields });

  const evidence = notice.alerts.flatMap((alert) => alert.evidence ?? []).slice(0, 3);
  if (evidence.length > 0) {
    blocks.push({
      type: 'context',
      elements: evidence.map((line) => ({ type: 'mrkdwn', text: clip(escapeMrkdwn(line), 300) })),
    });
  }

  const approval = approvalActions(notice, options.identifiesClickers === true);
  if (approval !== null) {
    blocks.push(...approval);
    const text = clip(escapeMrkdwn(`${headline}: ${notice.summary}`), 3000);
    return { text, blocks };
  }

  const actions: unknown[] = [];
  if (notice.status === 'firing') {
    actions.push(button('vigil_ack', 'Acknowledge', { value: notice.id, style: 'primary' }));
  }
  actions.push(button('vigil_not_useful', 'Not useful', { value: notice.id }));
  if (notice.links.alert)
    actions.push(button('vigil_open', 'Open in Vigil', { url: notice.links.alert }));
  if (notice.links.ack && notice.status === 'firing') {
    actions.push(button('vigil_ack_link', 'Acknowledge in Vigil', { url: notice.links.ack }));
  }
  blocks.push({ type: 'actions', elements: actions });

  const text = clip(escapeMrkdwn(`${headline}: ${notice.summary}`), 3000);
  return { text, blocks };
}

/**
 * The blocks answering an approval request (a notice with approve/refuse links): Approve / Refuse
 * buttons whose values are the signed tokens of the links (the handler learns run and step from
 * them, and who clicked from Slack), or, where clickers cannot be identified, a pointer to Vigil.
 * Null for any other notice.
 */
function approvalActions(notice: AlertNotice, identifiesClickers: boolean): unknown[] | null {
  const { approve, refuse, alert } = notice.links;
  if (approve === undefined && refuse === undefined) return null;
  const open = alert ? [button('vigil_open', 'Open in Vigil', { url: alert })] : [];
  const approveToken = approve === undefined ? null : actionLinkToken(approve);
  const refuseToken = refuse === undefined ? null : actionLinkToken(refuse);
  if (!identifiesClickers || (approveToken === null && refuseToken === null)) {
    return [
      { type: 'section', text: { type: 'mrkdwn', text: 'Approve or refuse this step in Vigil.' } },
      ...(open.length > 0 ? [{ type: 'actions', elements: open }] : []),
    ];
  }
  const elements: unknown[] = [];
  if (approveToken !== null) {
    elements.push(
      button(SLACK_APPROVE_ACTION, 'Approve', { value: approveToken, style: 'primary' }),
    );
  }
  if (refuseToken !== null) {
    elements.push(button(SLACK_REFUSE_ACTION, 'Refuse', { value: refuseToken, style: 'danger' }));
  }
  return [{ type: 'actions', elements: [...elements, ...open] }];
}

/** Slack's three control characters; everything else in mrkdwn is safe to leave. */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function button(
  actionId: string,
  label: string,
  extra: { value?: string; url?: string; style?: 'primary' | 'danger' },
): unknown {
  return {
    type: 'button',
    action_id: actionId,
    text: { type: 'plain_text', text: label },
    ...extra,
  };
}

function distinctLabel(notice: AlertNotice, name: string): string[] {
  const common = commonLabels(notice.alerts)[name];
  if (common !== undefined) return [common];
  const values = new Set<string>();
  for (const alert of notice.alerts) {
    const value = alert.labels[name];
    if (value !== undefined) values.add(value);
  }
  return [...values].slice(0, 10);
}

function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/**
 * The receipt of a Web API call: `ok` with the message's provider id (`<channel>/<ts>`, the
 * thread's own when a reply or edit went to one), or Slack's error, retryable when Slack-side.
 */
function apiReceipt(
  status: number,
  body: string,
  thread: { channel: string; ts: string } | null,
): DeliveryReceipt {
  let parsed: { ok?: unknown; error?: unknown; ts?: unknown; channel?: unknown };
  try {
    parsed = JSON.parse(body) as typeof parsed;
  } catch {
    return { ok: false, status, permanent: false, error: 'Slack answered with a non-JSON body' };
  }
  if (parsed.ok === true) {
    const providerId =
      thread !== null
        ? `${thread.channel}/${thread.ts}`
        : typeof parsed.ts === 'string' && typeof parsed.channel === 'string'
          ? `${parsed.channel}/${parsed.ts}`
          : undefined;
    return { ok: true, status, ...(providerId === undefined ? {} : { providerId }) };
  }
  const error = typeof parsed.error === 'string' ? parsed.error : 'unknown_error';
  return {
    ok: false,
    status,
    permanent: !RETRYABLE_API_ERRORS.has(error),
    error: `Slack: ${error}`,
  };
}
