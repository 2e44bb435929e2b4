import { randomUUID } from 'node:crypto';

import { Injectable } from '@nestjs/common';

import { isUuid } from '../../../common/ids/uuid';
import type { RequestOrigin } from '../../../common/auth/request-context';
import { AuditService } from '../../audit/audit.service';
import type { Principal } from '../../tenancy/principal';
import { AlertingError } from '../alerting.errors';
import { formatMatchers } from '../engine/labels';
import {
  AlertConfigRepository,
  type InhibitRuleRow,
  type SilenceRow,
} from './alert-config.repository';
import {
  checkEqual,
  checkMatchers,
  invalid,
  toWeekly,
  type WeeklyFields,
} from './alert-config.validation';

/** A silence without an end (mute-until-resolved, maintenance window) lasts this long. */
const FAR_FUTURE_MS = 10 * 365 * 86_400_000;
const MAX_SILENCE_MS = 366 * 86_400_000;

export interface CreateSilence {
  matchers: string;
  startsAt?: Date | null;
  endsAt?: Date | null;
  comment: string;
  muteUntilResolvedFingerprint?: string | null;
  weekly?: WeeklyFields | null;
}

export interface CreateInhibitRule {
  sourceMatchers: string;
  targetMatchers: string;
  equal?: string[] | null;
}

/**
 * Silences, maintenance windows (a silence with `weekly`) and inhibition rules. Editors
 * (`write`) create and expire them; each change is audited (`alert_silence.*`,
 * `alert_inhibit_rule.*`). Matchers are stored in their canonical Alertmanager form.
 */
@Injectable()
export class AlertSilencesService {
  constructor(
    private readonly repository: AlertConfigRepository,
    private readonly audit: AuditService,
  ) {}

  listSilences(tenantId: string, includeExpired: boolean, now = new Date()): Promise<SilenceRow[]> {
    return this.repository.transaction(tenantId, (tx) =>
      this.repository.listSilences(tx, includeExpired ? null : now),
    );
  }

  async createSilence(
    principal: Principal,
    input: CreateSilence,
    origin: RequestOrigin,
    now = Date.now(),
  ): Promise<SilenceRow> {
    const values = silenceValues(input, principal.label, now);
    return this.repository.transaction(principal.tenantId, async (tx) => {
      const row = await this.repository.insertSilence(tx, values);
      await this.audit.record(principal, 'alert_silence.created', {
        target: { kind: 'alert_silence', id: row.id },
        details: { after: auditSilence(row) },
        ...origin,
        tx,
      });
      return row;
    });
  }

  async expireSilence(
    principal: Principal,
    id: string,
    origin: RequestOrigin,
  ): Promise<SilenceRow> {
    if (!isUuid(id)) throw silenceNotFound(id);
    return this.repository.transaction(principal.tenantId, async (tx) => {
      const row = await this.repository.expireSilence(tx, id);
      if (row === null) throw silenceNotFound(id);
      await this.audit.record(principal, 'alert_silence.expired', {
        target: { kind: 'alert_silence', id },
        details: { after: auditSilence(row) },
        ...origin,
        tx,
      });
      return row;
    });
  }

  listInhibitRules(tenantId: string): Promise<InhibitRuleRow[]> {
    return this.repository.transaction(tenantId, (tx) => this.repository.listInhibitRules(tx));
  }

  async createInhibitRule(
    principal: Principal,
    input: CreateInhibitRule,
    origin: RequestOrigin,
  ): Promise<InhibitRuleRow> {
    const values = {
      id: randomUUID(),
      sourceMatchers: formatMatchers(checkMatchers('sourceMatchers', input.sourceMatchers)),
      targetMatchers: formatMatchers(checkMatchers('targetMatchers', input.targetMatchers)),
      equal: checkEqual(input.equal),
    };
    return this.repository.transaction(principal.tenantId, async (tx) => {
      const row = await this.repository.insertInhibitRule(tx, values);
      await this.audit.record(principal, 'alert_inhibit_rule.created', {
        target: { kind: 'alert_inhibit_rule', id: row.id },
        details: { after: { ...values, id: undefined } },
        ...origin,
        tx,
      });
      return row;
    });
  }

  async deleteInhibitRule(
    principal: Principal,
    id: string,
    origin: RequestOrigin,
  ): Promise<boolean> {
    if (!isUuid(id)) return false;
    return this.repository.transaction(principal.tenantId, async (tx) => {
      const row = await this.repository.deleteInhibitRule(tx, id);
      if (row === null) return false;
      await this.audit.record(principal, 'alert_inhibit_rule.deleted', {
        target: { kind: 'alert_inhibit_rule', id },
        details: {
          before: {
            sourceMatchers: row.sourceMatchers,
            targetMatchers: row.targetMatchers,
            equal: row.equal,
          },
        },
        ...origin,
        tx,
      });
      return true;
    });
  }
}

/** Validates a silence: a plain one needs an end within a year; others default far ahead. */
export function silenceValues(
  input: CreateSilence,
  createdBy: string,
  now: number,
): Omit<SilenceRow, 'createdAt'> {
  const matchers = formatMatchers(checkMatchers('matchers', input.matchers));
  const comment = input.comment.trim();
  if (comment.length > 1000) throw invalid('comment is longer than 1000 characters');
  const fingerprint = input.muteUntilResolvedFingerprint?.trim() || null;
  if (fingerprint !== null && fingerprint.length > 200) throw invalid('fingerprint is too long');
  const weekly = input.weekly == null ? null : toWeekly(input.weekly);
  if (weekly !== null && fingerprint !== null) {
    throw invalid('a silence is either a maintenance window or mute-until-resolved, not both');
  }
  const startsAt = input.startsAt?.getTime() ?? now;
  let endsAt = input.endsAt?.getTime();
  if (endsAt === undefined) {
    if (weekly === null && fingerprint === null) throw invalid('endsAt is required');
    endsAt = startsAt + FAR_FUTURE_MS;
  } else if (weekly === null && fingerprint === null && endsAt - startsAt > MAX_SILENCE_MS) {
    throw invalid('a silence lasts at most 366 days');
  }
  if (!Number.isFinite(startsAt) || !Number.isFinite(endsAt) || endsAt <= startsAt) {
    throw invalid('endsAt must be after startsAt');
  }
  if (endsAt <= now) throw invalid('endsAt is in the past');
  return {
    id: randomUUID(),
    matchers,
    startsAt: new Date(startsAt),
    endsAt: new Date(endsAt),
    muteUntilResolved: fingerprint,
    weekly,
    createdBy,
    comment,
  };
}

function auditSilence(row: SilenceRow): Record<string, unknown> {
  return {
    matchers: row.matchers,
    startsAt: row.startsAt,
    endsAt: row.endsAt,
    muteUntilResolved: row.muteUntilResolved,
    weekly: row.weekly,
    comment: row.comment,
  };
}

function silenceNotFound(id: string): AlertingError {
  return new AlertingError('SILENCE_NOT_FOUND', `no silence with id "${id.slice(0, 80)}"`);
}
