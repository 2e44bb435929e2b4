import { Injectable, type OnModuleInit } from '@nestjs/common';

import { isUuid } from '../../../common/ids/uuid';
import { ActionLinkSigner } from '../../alerting/actions/action-links';
import { AlertActionRoutes } from '../../alerting/actions/alert-actions.module';
import {
  type ApprovalAnswer,
  type ApprovalOutcome,
  type ApprovalSubject,
  RunbookApprovals,
} from '../../alerting/actions/runbook-approvals.port';
import { type MemberRow, UserRepository } from '../../tenancy/user.repository';
import { RemediationError } from '../remediation.errors';
import { RunbookRepository } from '../runbook.repository';
import type { ApprovalStep } from '../runbook/runbook.types';
import { RunExecutorService } from './run-executor.service';
import { FINISHED_RUN, RunRepository } from './run.repository';

/**
 * Runbook approvals answered outside GraphQL (e-mail links, Slack buttons), for the alert action
 * routes. At init it hands the routes this port and gives the executor its link maker, so
 * approval requests carry signed Approve / Refuse links that expire with the step's deadline.
 *
 * The answerer's membership and role are read when they answer, never taken from the link: a
 * member removed, disabled or demoted since the request was sent is refused.
 */
@Injectable()
export class RunbookApprovalsAdapter extends RunbookApprovals implements OnModuleInit {
  constructor(
    private readonly executor: RunExecutorService,
    private readonly runs: RunRepository,
    private readonly runbooks: RunbookRepository,
    private readonly users: UserRepository,
    private readonly signer: ActionLinkSigner,
    private readonly routes: AlertActionRoutes,
  ) {
    super();
  }

  onModuleInit(): void {
    this.executor.approvalLinks = (tenantId, runId, stepIndex, userId, expiresAt) => {
      const link = { tenantId, runId, stepIndex, userId, expiresAt };
      return {
        approve: this.signer.link({ ...link, kind: 'approve' }),
        refuse: this.signer.link({ ...link, kind: 'refuse' }),
      };
    };
    this.routes.runbookApprovals = this;
  }

  async describe(
    tenantId: string,
    runId: string,
    stepIndex: number,
  ): Promise<ApprovalSubject | null> {
    return (await this.#find(tenantId, runId, stepIndex))?.subject ?? null;
  }

  async decide(answer: ApprovalAnswer): Promise<ApprovalOutcome> {
    const { tenantId, runId, stepIndex } = answer;
    const found = await this.#find(tenantId, runId, stepIndex);
    if (!found) {
      return { ok: false, reason: 'not_found', message: 'the run or its approval step is gone' };
    }
    const { step, subject } = found;
    const member = await this.#member(tenantId, answer);
    if (!member) {
      return {
        ok: false,
        reason: 'forbidden',
        message:
          'userId' in answer.answerer
            ? 'you are no longer an active member of this tenant'
            : `no active member of this tenant has the e-mail address ${answer.answerer.email}`,
      };
    }
    const label = 'label' in answer.answerer ? answer.answerer.label : member.user.email;
    try {
      await this.executor.decide(
        tenantId,
        runId,
        step.id,
        answer.approve,
        { userId: member.user.id, label, role: member.role, via: answer.via },
        null,
      );
    } catch (err) {
      if (!(err instanceof RemediationError)) throw err;
      switch (err.code) {
        case 'FORBIDDEN':
          return { ok: false, reason: 'forbidden', message: err.message };
        case 'CONFLICT':
          return { ok: false, reason: 'conflict', message: err.message };
        case 'NOT_FOUND':
          return { ok: false, reason: 'not_found', message: err.message };
        default:
          throw err;
      }
    }
    return { ok: true, runbookName: subject.runbookName, stepId: step.id };
  }

  async #find(
    tenantId: string,
    runId: string,
    stepIndex: number,
  ): Promise<{ step: ApprovalStep; subject: ApprovalSubject } | null> {
    // Run ids are UUIDs; anything else would only make Postgres complain.
    if (!isUuid(runId)) return null;
    return this.runs.transaction(tenantId, async (tx) => {
      const run = await this.runs.find(tx, runId);
      if (!run) return null;
      const def = await this.runbooks.definition(tx, run.runbookId, run.version);
      const step = def?.steps[stepIndex];
      if (!def || step?.kind !== 'approval') return null;
      const row = (await this.runs.steps(tx, runId))[stepIndex];
      const message = row?.output?.message;
      const subject: ApprovalSubject = {
        runbookName: def.name,
        stepId: step.id,
        ...(step.name ? { stepName: step.name } : {}),
        ...(typeof message === 'string' ? { message } : {}),
        pending:
          !FINISHED_RUN.has(run.status) && row?.status === 'waiting' && !row.output?.decision,
      };
      return { step, subject };
    });
  }

  /** The active member who answers, looked up now (by user id, or by e-mail for Slack). */
  async #member(tenantId: string, answer: ApprovalAnswer): Promise<MemberRow | null> {
    const who = answer.answerer;
    const members = (await this.users.members(tenantId)).filter((m) => m.user.disabledAt === null);
    if ('userId' in who) return members.find((m) => m.user.id === who.userId) ?? null;
    const email = who.email.trim().toLowerCase();
    return members.find((m) => m.user.email.toLowerCase() === email) ?? null;
  }
}
