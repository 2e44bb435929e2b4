import { Injectable } from '@nestjs/common';

import { UserRepository } from '../../tenancy/user.repository';
import { AlertConfigPort, type AlertRuleRow, type EscalationPolicyRow } from '../alerting.types';
import type { ChannelKind, ChannelTarget } from '../channels/alert-channel';
import type { InhibitRule } from '../engine/inhibition';
import { parseMatchers } from '../engine/labels';
import type { MaintenanceWindow, Silence } from '../engine/silences';
import { AlertChannelsService } from './alert-channels.service';
import { AlertRulesService } from './alert-rules.service';
import { AlertSilencesService } from './alert-silences.service';

/**
 * What the engine reads of a tenant's alerting configuration (`AlertConfigPort`). Stored
 * matchers were validated and canonicalised on save, so parsing them here does not fail.
 */
@Injectable()
export class AlertConfigService extends AlertConfigPort {
  constructor(
    private readonly channels: AlertChannelsService,
    private readonly rules: AlertRulesService,
    private readonly silences: AlertSilencesService,
    private readonly users: UserRepository,
  ) {
    super();
  }

  async memberEmails(tenantId: string, userIds: readonly string[]): Promise<string[]> {
    if (userIds.length === 0) return [];
    const wanted = new Set(userIds);
    const members = await this.users.members(tenantId);
    return members
      .filter((m) => wanted.has(m.user.id) && m.user.disabledAt === null)
      .map((m) => m.user.email);
  }

  enabledRules(tenantId: string): Promise<AlertRuleRow[]> {
    return this.rules.enabledRules(tenantId);
  }

  channelTarget(
    tenantId: string,
    channelId: string,
  ): Promise<{ kind: ChannelKind; name: string; target: ChannelTarget } | null> {
    return this.channels.target(tenantId, channelId);
  }

  async activeSilences(tenantId: string, now: number): Promise<Silence[]> {
    const rows = await this.silences.listSilences(tenantId, false, new Date(now));
    return rows
      .filter((s) => s.weekly === null)
      .map((s) => ({
        id: s.id,
        matchers: parseMatchers(s.matchers),
        startsAt: s.startsAt.getTime(),
        endsAt: s.endsAt.getTime(),
        createdBy: s.createdBy,
        comment: s.comment,
        ...(s.muteUntilResolved !== null
          ? { muteUntilResolved: { fingerprint: s.muteUntilResolved } }
          : {}),
      }));
  }

  async maintenanceWindows(tenantId: string, now: number): Promise<MaintenanceWindow[]> {
    const rows = await this.silences.listSilences(tenantId, false, new Date(now));
    return rows.flatMap((s) =>
      s.weekly === null || s.startsAt.getTime() > now
        ? []
        : [
            {
              id: s.id,
              matchers: parseMatchers(s.matchers),
              weekly: { ...s.weekly, timeZone: 'UTC' as const },
              createdBy: s.createdBy,
              comment: s.comment,
            },
          ],
    );
  }

  async inhibitRules(tenantId: string): Promise<InhibitRule[]> {
    return (await this.silences.listInhibitRules(tenantId)).map((r) => ({
      sourceMatchers: parseMatchers(r.sourceMatchers),
      targetMatchers: parseMatchers(r.targetMatchers),
      equal: r.equal,
    }));
  }

  escalationPolicy(tenantId: string, id: string): Promise<EscalationPolicyRow | null> {
    return this.rules.getPolicy(tenantId, id);
  }
}
