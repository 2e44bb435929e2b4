import { randomUUID } from 'node:crypto';

import { Injectable } from '@nestjs/common';

import { AlertEngineService } from './alert-engine.service';
import { AlertRepository } from './alert.repository';
import { AlertActionsPort } from './alerting.types';

/**
 * What people do to alerts, wherever they are (GraphQL, a Slack button, an e-mail link):
 * acknowledge an alert, a group or an incident, and say whether an alert was useful. Every
 * action lands in the alert's timeline; "not useful" lowers the weight of the rule and of the
 * alert's patterns for it (engine/rule-weights.ts), "useful" wins it back.
 */
@Injectable()
export class AlertActionsService extends AlertActionsPort {
  constructor(
    private readonly engine: AlertEngineService,
    private readonly repo: AlertRepository,
  ) {
    super();
  }

  acknowledge(
    tenantId: string,
    target: { fingerprint: string } | { groupKey: string } | { incidentId: string },
    by: string,
    via: 'graphql' | 'slack' | 'email',
  ): Promise<number> {
    return this.engine.acknowledge(tenantId, target, `${by} (${via})`);
  }

  async feedback(
    tenantId: string,
    fingerprint: string,
    verdict: 'useful' | 'not_useful',
    by: string,
    via: 'graphql' | 'slack' | 'email',
  ): Promise<void> {
    const alert = await this.repo.alert(tenantId, fingerprint);
    await this.repo.transaction(tenantId, async (tx) => {
      await this.repo.addFeedback(tx, {
        id: randomUUID(),
        fingerprint,
        ruleId: alert?.ruleId ?? null,
        patternIds: alert?.patternIds ?? [],
        verdict,
        by,
        via,
      });
      await this.repo.addEvent(tx, fingerprint, 'feedback', { verdict, by, via });
    });
  }
}
