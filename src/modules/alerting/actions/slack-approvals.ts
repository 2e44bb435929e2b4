import { type ActionLinkSigner, isApprovalLink } from './action-links';
import type { ApprovalOutcome, RunbookApprovals } from './runbook-approvals.port';
import type { SlackWebApi } from './slack-web-api';

/** The `action_id`s of the Approve / Refuse buttons of an approval request. */
export const SLACK_APPROVE_ACTION = 'vigil_approve';
export const SLACK_REFUSE_ACTION = 'vigil_refuse';

/** One click on an Approve or Refuse button, from a verified Slack request. */
export interface SlackApprovalClick {
  /** The tenant of the Vigil channel the request came through (never from the payload). */
  readonly tenantId: string;
  /** The Vigil channel id (its bot token asks Slack who clicked). */
  readonly channelId: string;
  readonly approve: boolean;
  /** The button's value: a signed approval token (see `buildSlackMessage`). */
  readonly value: string;
  /** `payload.user.id`, and the Slack conversation the message is in (for the ephemeral reply). */
  readonly slackUserId: string | null;
  readonly slackChannel: string | null;
  readonly now: Date;
}

const MAX_NAME_LENGTH = 80;

/**
 * Turns Approve / Refuse clicks into runbook decisions. The button carries a signed approval
 * token (minted with no user), so the run and step come from Vigil and cannot be edited on the
 * way; the person comes from Slack: `users.info` with the channel's bot token gives the clicker's
 * e-mail, the member with that e-mail answers, and the approvals port checks their current role.
 * The clicker is told the outcome in an ephemeral message.
 */
export class SlackApprovalButtons {
  constructor(
    private readonly signer: ActionLinkSigner,
    private readonly approvals: () => RunbookApprovals | null,
    private readonly slack: SlackWebApi,
  ) {}

  /** The outcome as one sentence (also what the clicker is shown). */
  async click(click: SlackApprovalClick): Promise<string> {
    const text = await this.#decide(click);
    if (click.slackUserId !== null && click.slackChannel !== null) {
      await this.slack.postEphemeral(click.tenantId, click.channelId, {
        channel: click.slackChannel,
        user: click.slackUserId,
        text,
      });
    }
    return text;
  }

  async #decide(click: SlackApprovalClick): Promise<string> {
    const verified = this.signer.verify(click.value, click.now);
    if (!verified.ok) {
      return verified.reason === 'expired'
        ? 'This approval request has expired; nothing was done.'
        : 'This button is not a valid approval request; nothing was done.';
    }
    const link = verified.action;
    const wanted = click.approve ? 'approve' : 'refuse';
    // A token of another tenant (or kind) in a button of this channel is not ours to act on.
    if (!isApprovalLink(link) || link.kind !== wanted || link.tenantId !== click.tenantId) {
      return 'This button is not a valid approval request; nothing was done.';
    }
    const approvals = this.approvals();
    if (!approvals) return 'Runbook approvals are not available on this Vigil.';
    if (click.slackUserId === null) return 'Slack did not say who clicked; nothing was done.';
    const found = await this.slack.userInfo(click.tenantId, click.channelId, click.slackUserId);
    if (!found.ok) return `Vigil could not tell who you are (${found.error}); approve in Vigil.`;
    const { email } = found.user;
    if (email === null) {
      return 'Your Slack profile shows Vigil no e-mail address (the app needs users:read.email); approve in Vigil.';
    }
    const outcome = await approvals.decide({
      tenantId: link.tenantId,
      runId: link.runId,
      stepIndex: link.stepIndex,
      approve: click.approve,
      answerer: { email, label: `slack:${clip(found.user.name)} (${email})` },
      via: 'slack',
    });
    return describe(outcome, click.approve);
  }
}

function describe(outcome: ApprovalOutcome, approve: boolean): string {
  if (outcome.ok) {
    return `${approve ? 'Approved' : 'Refused'} step ${outcome.stepId} of runbook ${outcome.runbookName}.`;
  }
  switch (outcome.reason) {
    case 'forbidden':
      return `You may not answer this approval: ${outcome.message}`;
    case 'conflict':
      return `Nothing done: ${outcome.message}`;
    case 'not_found':
      return `Nothing done: ${outcome.message}`;
  }
}

function clip(text: string): string {
  return text.length <= MAX_NAME_LENGTH ? text : text.slice(0, MAX_NAME_LENGTH);
}
