import type { ApprovalActionLink } from './action-links';
import type { ActionPage } from './action-page';
import type { ApprovalOutcome, RunbookApprovals } from './runbook-approvals.port';

/** A page and its HTTP status. */
export interface PageReply {
  readonly status: number;
  readonly page: ActionPage;
}

const UNAVAILABLE: PageReply = {
  status: 503,
  page: {
    heading: 'Approvals are not available',
    paragraphs: [
      'This Vigil does not take runbook approvals from links just now. Answer in Vigil.',
    ],
  },
};

/** A link minted for a Slack button names nobody: it can never approve on the web. */
const NOBODY: PageReply = {
  status: 403,
  page: {
    heading: 'This link cannot answer the approval',
    paragraphs: ['It does not name the person answering. Approve or refuse the step in Vigil.'],
  },
};

const GONE: PageReply = {
  status: 404,
  page: {
    heading: 'This approval no longer exists',
    paragraphs: ['The runbook run or its step was not found. Nothing was done.'],
  },
};

/**
 * What a GET of an approval link shows: the step and a button that POSTs back. Never acts (mail
 * scanners fetch links); the member's role is checked when the button is pressed.
 */
export async function approvalConfirmation(
  approvals: RunbookApprovals | null,
  link: ApprovalActionLink,
  token: string,
): Promise<PageReply> {
  if (!approvals) return UNAVAILABLE;
  if (link.userId === null) return NOBODY;
  const subject = await approvals.describe(link.tenantId, link.runId, link.stepIndex);
  if (!subject) return GONE;
  const about = [
    `Runbook: ${subject.runbookName}`,
    ...(subject.stepName ? [`Step: ${subject.stepName}`] : []),
    ...(subject.message ? [subject.message] : []),
  ];
  const verb = link.kind === 'approve' ? 'Approve' : 'Refuse';
  if (!subject.pending) {
    return {
      status: 409,
      page: {
        heading: 'This step is no longer waiting',
        paragraphs: [...about, 'It was already answered, timed out, or the run ended.'],
      },
    };
  }
  return {
    status: 200,
    page: {
      heading: `${verb} step ${subject.stepId} of runbook run ${link.runId}?`,
      paragraphs: [
        ...about,
        link.kind === 'approve'
          ? 'Approving lets the run go on past this step.'
          : 'Refusing stops the run here (or takes its refusal branch).',
        'You answer as the member this e-mail was sent to; Vigil checks your role when you press the button.',
        `This link works until ${link.expiresAt.toISOString()}.`,
      ],
      // Relative, so the form posts back to this very URL whatever prefix a proxy adds.
      form: { action: `./${token}`, button: verb },
    },
  };
}

/** What a POST of an approval link does: the decision, as the member the link names. */
export async function answerApproval(
  approvals: RunbookApprovals | null,
  link: ApprovalActionLink,
): Promise<PageReply> {
  if (!approvals) return UNAVAILABLE;
  if (link.userId === null) return NOBODY;
  const outcome = await approvals.decide({
    tenantId: link.tenantId,
    runId: link.runId,
    stepIndex: link.stepIndex,
    approve: link.kind === 'approve',
    answerer: { userId: link.userId },
    via: 'email',
  });
  return outcomePage(outcome, link.kind === 'approve');
}

function outcomePage(outcome: ApprovalOutcome, approve: boolean): PageReply {
  if (outcome.ok) {
    return {
      status: 200,
      page: {
        heading: approve ? 'Approved' : 'Refused',
        paragraphs: [
          `Step ${outcome.stepId} of runbook ${outcome.runbookName} is ${approve ? 'approved: the run goes on' : 'refused'}.`,
        ],
      },
    };
  }
  switch (outcome.reason) {
    case 'forbidden':
      return {
        status: 403,
        page: { heading: 'You may not answer this approval', paragraphs: [outcome.message] },
      };
    case 'conflict':
      return {
        status: 409,
        page: { heading: 'This step is no longer waiting', paragraphs: [outcome.message] },
      };
    case 'not_found':
      return { status: 404, page: { ...GONE.page, paragraphs: [outcome.message] } };
  }
}
