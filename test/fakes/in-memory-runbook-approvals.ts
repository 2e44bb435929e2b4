import {
  type ApprovalAnswer,
  type ApprovalOutcome,
  type ApprovalSubject,
  RunbookApprovals,
} from 'src/modules/alerting/actions/runbook-approvals.port';

type Role = 'owner' | 'admin' | 'editor' | 'viewer';
const RANK: readonly Role[] = ['owner', 'admin', 'editor', 'viewer'];

interface FakeStep {
  runbookName: string;
  stepId: string;
  roles: Role[];
  pending: boolean;
}

/**
 * Runbook approvals in memory, for unit tests of the routes and the Slack handler: a few waiting
 * steps and members, the same rules as the executor (a role the step lists, or a more powerful
 * one; a step is answered once), and every answer recorded.
 */
export class InMemoryRunbookApprovals extends RunbookApprovals {
  readonly answers: ApprovalAnswer[] = [];
  readonly #steps = new Map<string, FakeStep>();
  readonly #members: Array<{ userId: string; email: string; role: Role }> = [];

  addStep(
    tenantId: string,
    runId: string,
    stepIndex: number,
    step: Omit<FakeStep, 'pending'>,
  ): void {
    this.#steps.set(`${tenantId}/${runId}/${stepIndex}`, { ...step, pending: true });
  }

  addMember(userId: string, email: string, role: Role): void {
    this.#members.push({ userId, email, role });
  }

  describe(tenantId: string, runId: string, stepIndex: number): Promise<ApprovalSubject | null> {
    const step = this.#steps.get(`${tenantId}/${runId}/${stepIndex}`);
    return Promise.resolve(
      step ? { runbookName: step.runbookName, stepId: step.stepId, pending: step.pending } : null,
    );
  }

  decide(answer: ApprovalAnswer): Promise<ApprovalOutcome> {
    this.answers.push(answer);
    return Promise.resolve(this.#decide(answer));
  }

  #decide(answer: ApprovalAnswer): ApprovalOutcome {
    const step = this.#steps.get(`${answer.tenantId}/${answer.runId}/${answer.stepIndex}`);
    if (!step) return { ok: false, reason: 'not_found', message: 'no such approval step' };
    const who = answer.answerer;
    const member = this.#members.find((m) =>
      'userId' in who ? m.userId === who.userId : m.email === who.email.toLowerCase(),
    );
    if (!member) return { ok: false, reason: 'forbidden', message: 'not a member' };
    const rank = RANK.indexOf(member.role);
    if (!step.roles.some((r) => rank <= RANK.indexOf(r))) {
      return {
        ok: false,
        reason: 'forbidden',
        message: `needs the role ${step.roles.join(' or ')}`,
      };
    }
    if (!step.pending) return { ok: false, reason: 'conflict', message: 'already answered' };
    step.pending = false;
    return { ok: true, runbookName: step.runbookName, stepId: step.stepId };
  }
}
