/**
 * What the alert action routes need of runbook approvals (implemented by the remediation module,
 * which imports alerting: alerting never imports remediation). The approver is named as the
 * channel knows them — a member's user id (an e-mail link) or an e-mail address (the Slack user
 * behind a click) — and the implementation looks the member and their role up at decision time.
 */

/** Who answers: the member a link was minted for, or the member with this e-mail address. */
export type ApprovalAnswerer =
  | { readonly userId: string }
  | {
      readonly email: string;
      /** How the decision is recorded, e.g. `slack:ada (ada@example.com)`. */
      readonly label: string;
    };

export interface ApprovalAnswer {
  readonly tenantId: string;
  readonly runId: string;
  readonly stepIndex: number;
  readonly approve: boolean;
  readonly answerer: ApprovalAnswerer;
  readonly via: 'email' | 'slack';
}

/** What the confirmation page shows of the step a link is about. */
export interface ApprovalSubject {
  readonly runbookName: string;
  readonly stepId: string;
  readonly stepName?: string;
  /** The request's message as the run recorded it. */
  readonly message?: string;
  /** False once the step is decided, timed out, or the run ended. */
  readonly pending: boolean;
}

/** How an answer went; failures carry a sentence for people. */
export type ApprovalOutcome =
  | { readonly ok: true; readonly runbookName: string; readonly stepId: string }
  | {
      readonly ok: false;
      /** `forbidden`: not a member, disabled, or lacking the role; `conflict`: not pending. */
      readonly reason: 'forbidden' | 'conflict' | 'not_found';
      readonly message: string;
    };

export abstract class RunbookApprovals {
  /** The step, or null when the tenant has no such run or step. Never acts. */
  abstract describe(
    tenantId: string,
    runId: string,
    stepIndex: number,
  ): Promise<ApprovalSubject | null>;
  /** Records the decision if the answerer is a member whose current role the step accepts. */
  abstract decide(answer: ApprovalAnswer): Promise<ApprovalOutcome>;
}
