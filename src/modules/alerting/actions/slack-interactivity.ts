import { type AlertActionsPort } from '../alerting.types';
import { verifySlackSignature } from '../channels/slack-signature';
import {
  SLACK_APPROVE_ACTION,
  SLACK_REFUSE_ACTION,
  type SlackApprovalButtons,
} from './slack-approvals';

/**
 * The signing secret of a Slack channel and the tenant that owns it (implemented from the channel
 * configuration). The tenant of an interaction comes from here, never from Slack's payload.
 */
export abstract class SlackSigningSecrets {
  /** Null when no Slack channel with this id exists (or it has no signing secret). */
  abstract secretFor(channelId: string): Promise<{ tenantId: string; secret: string } | null>;
}

/**
 * What a notification was about. The Slack buttons carry the notice id (`AlertNotice.id`, the
 * `notifications` row), so the handler asks for its group and alerts (implemented from that row).
 */
export abstract class NoticeTargets {
  /** Null when the tenant has no such notification. */
  abstract find(
    tenantId: string,
    noticeId: string,
  ): Promise<{ groupKey: string; fingerprints: readonly string[] } | null>;
}

/** The `action_id`s of the buttons `buildSlackMessage` renders that Vigil acts on. */
export const SLACK_ACK_ACTION = 'vigil_ack';
export const SLACK_NOT_USEFUL_ACTION = 'vigil_not_useful';

/** What the route answers. `text` is a plain sentence for logs and tests; Slack ignores it. */
export interface SlackInteractionResult {
  readonly status: 200 | 400 | 401 | 404;
  readonly text: string;
}

export interface SlackInteractionRequest {
  readonly channelId: string;
  readonly timestamp: string | undefined;
  readonly signature: string | undefined;
  /** The body exactly as received (url-encoded, before any parsing). */
  readonly rawBody: Buffer | string;
  readonly now: Date;
}

export interface SlackInteractionOptions {
  /** Answer Slack after this long even if the actions have not finished (default 2500 ms). */
  readonly respondWithinMs?: number;
  /** Receives the failure of actions that finished after the answer. */
  readonly onLateError?: (err: unknown) => void;
  /** Handles the Approve / Refuse buttons of runbook approval requests; ignored without it. */
  readonly approvals?: SlackApprovalButtons;
}

interface SlackAction {
  action_id?: unknown;
  value?: unknown;
}

interface SlackPayload {
  type?: unknown;
  user?: { id?: unknown; username?: unknown; name?: unknown };
  /** The conversation of the message whose button was clicked. */
  channel?: { id?: unknown };
  actions?: unknown;
}

/** What every action of one request shares. */
interface ClickContext {
  readonly tenantId: string;
  readonly channelId: string;
  readonly by: string;
  readonly slackUserId: string | null;
  readonly slackChannel: string | null;
  readonly now: Date;
}

const MAX_ACTIONS = 5;
const MAX_BY_LENGTH = 100;

/**
 * Handles Slack interactivity requests for one Slack channel of Vigil: checks the request
 * signature with that channel's signing secret (Slack's "Verifying requests from Slack"), then
 * turns `block_actions` from Vigil's buttons into acknowledgements (of the notice's group) and
 * "not useful" feedback (on each alert of the notice), attributed to `slack:<username>`, and
 * passes the Approve / Refuse buttons of runbook approval requests to `options.approvals`.
 * Other interactions and buttons (the URL buttons also report their clicks) are answered 200 and
 * ignored, as Slack expects.
 *
 * @example
 *   const result = await sut.handle({ channelId, timestamp, signature, rawBody, now: new Date() });
 *   reply.code(result.status).send();
 */
export class SlackInteractionHandler {
  readonly #respondWithinMs: number;
  readonly #onLateError: (err: unknown) => void;
  readonly #approvals: SlackApprovalButtons | null;

  constructor(
    private readonly actions: AlertActionsPort,
    private readonly secrets: SlackSigningSecrets,
    private readonly notices: NoticeTargets,
    options: SlackInteractionOptions = {},
  ) {
    this.#respondWithinMs = options.respondWithinMs ?? 2500;
    this.#onLateError = options.onLateError ?? (() => undefined);
    this.#approvals = options.approvals ?? null;
  }

  async handle(request: SlackInteractionRequest): Promise<SlackInteractionResult> {
    const channel = await this.secrets.secretFor(request.channelId);
    if (!channel) return { status: 404, text: 'unknown Slack channel' };
    const { secret, tenantId } = channel;
    if (
      !verifySlackSignature(
        secret,
        request.timestamp,
        request.rawBody,
        request.signature,
        request.now,
      )
    ) {
      return { status: 401, text: 'invalid or stale Slack signature' };
    }
    const payload = parsePayload(request.rawBody.toString());
    if (!payload) return { status: 400, text: 'the body has no valid payload field' };
    if (payload.type !== 'block_actions' || !Array.isArray(payload.actions)) {
      return { status: 200, text: 'ignored' };
    }
    const context: ClickContext = {
      tenantId,
      channelId: request.channelId,
      by: `slack:${clip(userName(payload), MAX_BY_LENGTH)}`,
      slackUserId: nonEmpty(payload.user?.id),
      slackChannel: nonEmpty(payload.channel?.id),
      now: request.now,
    };
    const work = this.#dispatchAll(context, payload.actions as SlackAction[]);
    // Slack gives up after 3 s: past the deadline the work goes on and the click is answered.
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<SlackInteractionResult>((resolve) => {
      timer = setTimeout(() => {
        work.catch(this.#onLateError);
        resolve({ status: 200, text: 'accepted' });
      }, this.#respondWithinMs);
    });
    try {
      return await Promise.race([work, late]);
    } finally {
      clearTimeout(timer);
    }
  }

  async #dispatchAll(
    context: ClickContext,
    actions: readonly SlackAction[],
  ): Promise<SlackInteractionResult> {
    const done: string[] = [];
    for (const action of actions.slice(0, MAX_ACTIONS)) {
      const outcome = await this.#dispatch(context, action);
      if (outcome) done.push(outcome);
    }
    return { status: 200, text: done.length > 0 ? done.join('; ') : 'ignored' };
  }

  async #dispatch(context: ClickContext, action: SlackAction): Promise<string | null> {
    if (typeof action !== 'object' || action === null) return null;
    const id = action.action_id;
    if (typeof action.value !== 'string' || action.value === '') return null;
    if (id === SLACK_APPROVE_ACTION || id === SLACK_REFUSE_ACTION) {
      if (!this.#approvals) return null;
      return this.#approvals.click({
        tenantId: context.tenantId,
        channelId: context.channelId,
        approve: id === SLACK_APPROVE_ACTION,
        value: action.value,
        slackUserId: context.slackUserId,
        slackChannel: context.slackChannel,
        now: context.now,
      });
    }
    if (id !== SLACK_ACK_ACTION && id !== SLACK_NOT_USEFUL_ACTION) return null;
    const { tenantId, by } = context;
    const notice = await this.notices.find(tenantId, action.value);
    if (!notice) return 'notification not found';
    if (id === SLACK_ACK_ACTION) {
      const count = await this.actions.acknowledge(
        tenantId,
        { groupKey: notice.groupKey },
        by,
        'slack',
      );
      return `acknowledged ${count} alert(s)`;
    }
    for (const fingerprint of notice.fingerprints) {
      await this.actions.feedback(tenantId, fingerprint, 'not_useful', by, 'slack');
    }
    return `marked ${notice.fingerprints.length} alert(s) not useful`;
  }
}

/** The JSON of the `payload` form field; null when absent or not a JSON object. */
export function parsePayload(rawBody: string): SlackPayload | null {
  const field = new URLSearchParams(rawBody).get('payload');
  if (field === null) return null;
  try {
    const parsed: unknown = JSON.parse(field);
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? parsed : null;
  } catch {
    return null;
  }
}

function userName(payload: SlackPayload): string {
  const user = payload.user;
  for (const candidate of [user?.username, user?.name, user?.id]) {
    if (typeof candidate === 'string' && candidate !== '') return candidate;
  }
  return 'unknown';
}

function nonEmpty(value: unknown): string | null {
  return typeof value === 'string' && value !== '' ? value : null;
}

function clip(text: string, max: number): string {
  return text.length <= max ? text : text.slice(0, max);
}
