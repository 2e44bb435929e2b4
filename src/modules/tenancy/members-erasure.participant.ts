import { Injectable, type OnModuleInit } from '@nestjs/common';

import type {
  ErasureCounts,
  ErasureParticipant,
  ExportSink,
  SubjectIdentifiers,
} from '../../common/privacy/erasure-participant';
import { ErasureRegistry } from '../../common/privacy/erasure-registry';
import { SessionService } from './session.service';
import { UserRepository } from './user.repository';

/**
 * A tenant's members in GDPR jobs. `memberships`, `refresh_tokens` and `user_tokens` rows go
 * with the tenant through the generic tenant-tables participant; what only this module knows is
 * the people behind them:
 * - export adds each member's e-mail and role (the `users` table has no tenant column);
 * - tenant erasure deletes the accounts that belonged to this tenant alone, once their
 *   memberships are gone (a person who is also a member elsewhere keeps the account);
 * - a data subject's erasure removes the subject's membership (ending their sessions here) and
 *   their account if no other tenant holds it. The last owner is kept, and reported, so that no
 *   tenant is left without an owner by a request that named one.
 */
@Injectable()
export class MembersErasureParticipant implements ErasureParticipant, OnModuleInit {
  readonly name = 'members';
  // Erased before the tenant-tables participant (order 0) deletes the memberships.
  readonly order = 50;

  constructor(
    private readonly registry: ErasureRegistry,
    private readonly users: UserRepository,
    private readonly sessions: SessionService,
  ) {}

  onModuleInit(): void {
    this.registry.register(this);
  }

  async exportTenant(tenantId: string, sink: ExportSink): Promise<ErasureCounts> {
    const members = await this.users.members(tenantId);
    for (const m of members) {
      await sink.write('members', {
        userId: m.user.id,
        email: m.user.email,
        role: m.role,
        since: m.since,
        disabledAt: m.user.disabledAt,
      });
    }
    return { members: members.length };
  }

  async eraseTenant(tenantId: string): Promise<ErasureCounts> {
    const members = await this.users.members(tenantId);
    const ids = members.map((m) => m.user.id);
    for (const id of ids) {
      await this.users.removeMembership(tenantId, id);
      await this.sessions.revokeCache(id);
    }
    return {
      memberships: ids.length,
      users: await this.users.deleteUsersWithoutTenant(ids),
    };
  }

  async eraseSubject(tenantId: string, identifiers: SubjectIdentifiers): Promise<ErasureCounts> {
    const matching = await this.users.membersMatching(
      tenantId,
      identifiers.userIds,
      identifiers.emails,
    );
    let removed = 0;
    let keptLastOwner = 0;
    for (const member of matching) {
      const kept = await this.users.inMembersTransaction(tenantId, async (tx) => {
        if (member.role === 'owner' && (await tx.countOwners(tenantId)) <= 1) return true;
        await tx.removeMembership(tenantId, member.id);
        await tx.revokeSessionsOf(member.id, tenantId);
        return false;
      });
      if (kept) {
        keptLastOwner++;
        continue;
      }
      removed++;
      await this.sessions.revokeCache(member.id);
    }
    const deleted = await this.users.deleteUsersWithoutTenant(matching.map((m) => m.id));
    const counts: ErasureCounts = { memberships: removed, users: deleted };
    if (keptLastOwner > 0) counts['memberships.kept_last_owner'] = keptLastOwner;
    return counts;
  }
}
