import { Injectable } from '@nestjs/common';

import { isUuid } from '../../common/ids/uuid';
import type { Principal } from '../tenancy/principal';
import { AlertActionsService } from './alert-actions.service';
import { AlertEngineService } from './alert-engine.service';
import { AlertEvents } from './alert-events.service';
import { AlertRepository, type AlertRow } from './alert.repository';
import { AlertingError } from './alerting.errors';
import { AlertObject, type AlertRuleWeightObject, type AlertStatsObject } from './dto/alert.object';
import { feedbackWeight } from './engine/rule-weights';

const MAX_PAGE = 1000;

/** Reads alerts, incidents and notifications, and turns people's actions into engine calls. */
@Injectable()
export class AlertQueryService {
  constructor(
    private readonly repo: AlertRepository,
    private readonly engine: AlertEngineService,
    private readonly actions: AlertActionsService,
    private readonly events: AlertEvents,
  ) {}

  list(
    tenantId: string,
    filter: { status?: string | null; ruleId?: string | null; incidentId?: string | null },
    first: number,
  ): Promise<AlertRow[]> {
    return this.repo.alerts(tenantId, validFilter(filter), page(first));
  }

  get(tenantId: string, fingerprint: string) {
    return this.repo.alert(tenantId, fingerprint);
  }

  timeline(tenantId: string, fingerprint: string) {
    return this.repo.timeline(tenantId, fingerprint);
  }

  incidents(tenantId: string, status: string | null, first: number) {
    return this.repo.incidents(tenantId, status, page(first));
  }

  notifications(
    tenantId: string,
    status: 'queued' | 'sent' | 'failed' | 'dead' | null,
    first: number,
  ) {
    return this.repo.notifications(tenantId, status, page(first));
  }

  /** The pattern weights feedback gave a rule, lowest first. */
  async ruleWeights(tenantId: string, ruleId: string): Promise<AlertRuleWeightObject[]> {
    if (!isUuid(ruleId)) throw new AlertingError('INVALID_ARGUMENT', 'ruleId must be a UUID');
    const counts = await this.repo.feedbackCounts(tenantId, ruleId);
    return counts
      .map((c) => ({
        patternId: c.patternId,
        weight: feedbackWeight(c.notUseful, c.useful),
        notUseful: c.notUseful,
        useful: c.useful,
      }))
      .sort((a, b) => a.weight - b.weight);
  }

  async stats(tenantId: string, from: Date | null): Promise<AlertStatsObject> {
    const since = from ?? new Date(Date.now() - 7 * 86_400_000);
    const s = await this.repo.stats(tenantId, since);
    return {
      alerts: s.alerts,
      incidents: s.incidents,
      alertsPerIncident: s.incidents === 0 ? 0 : s.alerts / s.incidents,
      notificationsSent: s.sent,
      suppressed: s.unnotified,
      noiseRatio: s.alerts === 0 ? 0 : s.unnotified / s.alerts,
    };
  }

  acknowledge(
    principal: Principal,
    target: { fingerprint: string } | { groupKey: string } | { incidentId: string },
  ): Promise<number> {
    return this.actions.acknowledge(principal.tenantId, target, principal.label, 'graphql');
  }

  async resolve(principal: Principal, fingerprint: string): Promise<boolean> {
    return this.engine.resolve(principal.tenantId, fingerprint, principal.label);
  }

  async feedback(principal: Principal, fingerprint: string, useful: boolean): Promise<void> {
    if ((await this.repo.alert(principal.tenantId, fingerprint)) === null) {
      throw new AlertingError('ALERT_NOT_FOUND', `no alert "${fingerprint}"`);
    }
    await this.actions.feedback(
      principal.tenantId,
      fingerprint,
      useful ? 'useful' : 'not_useful',
      principal.label,
      'graphql',
    );
  }

  /** The tenant's alert changes that match, as they happen on any replica. */
  async follow(
    tenantId: string,
    filter: { status?: string | null; ruleId?: string | null; incidentId?: string | null },
  ): Promise<AsyncIterableIterator<AlertObject>> {
    const f = validFilter(filter);
    const sub = await this.events.subscribe(tenantId);
    const repo = this.repo;
    async function* changes(): AsyncGenerator<AlertObject> {
      try {
        for await (const event of sub) {
          const row = await repo.alert(tenantId, event.fingerprint);
          if (row === null) continue;
          if (f.status && row.status !== f.status) continue;
          if (f.ruleId && row.ruleId !== f.ruleId) continue;
          if (f.incidentId && row.incidentId !== f.incidentId) continue;
          yield AlertObject.from(row);
        }
      } finally {
        sub.close();
      }
    }
    return changes();
  }
}

function page(first: number): number {
  if (!Number.isInteger(first) || first < 0 || first > MAX_PAGE) {
    throw new AlertingError('INVALID_ARGUMENT', `first must be an integer from 0 to ${MAX_PAGE}`);
  }
  return first;
}

function validFilter(f: {
  status?: string | null;
  ruleId?: string | null;
  incidentId?: string | null;
}) {
  if (f.ruleId && !isUuid(f.ruleId)) {
    throw new AlertingError('INVALID_ARGUMENT', 'ruleId is not a rule id');
  }
  return f;
}
