import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';

import { enterTenant } from '../../common/database/tenant-db';
import type { Role } from './principal';

export interface UserRow {
  id: string;
  email: string;
  passwordHash: string | null;
  createdAt: Date;
  disabledAt: Date | null;
}

export interface MemberRow {
  user: UserRow;
  role: Role;
  since: Date;
}

export interface TenantRef {
  id: string;
  slug: string;
}

export interface SessionState {
  email: string;
  tenantSlug: string;
  /** The user's current role, null when the membership was removed. */
  role: Role | null;
  disabled: boolean;
  /** False once the session (refresh-token family) was logged out or revoked. */
  active: boolean;
}

export type UserTokenPurpose = 'invitation' | 'password_reset';

export interface UserTokenRow {
  id: string;
  purpose: UserTokenPurpose;
  email: string;
  userId: string | null;
  tenantId: string | null;
  role: Role | null;
}

export interface RefreshTokenRow {
  id: string;
  familyId: string;
  tenantId: string;
  userId: string;
}

type Raw = Record<string, unknown>;
const USER_COLUMNS = 'u.id, u.email, u.password_hash, u.created_at, u.disabled_at';
// What `vigil_app` may read of a user (migrations/1764205000000-member-directory.ts).
const MEMBER_COLUMNS = 'u.id, u.email, NULL AS password_hash, u.created_at, u.disabled_at';

/**
 * Users, memberships, sessions and one-time tokens. Credential lookups (login, refresh, one-time
 * tokens) are cross-tenant by nature and run as the owner role; managing a tenant's members
 * (listing, adding, role changes, removal) runs as `vigil_app` inside that tenant, so
 * row-level security bounds it whatever the WHERE clause says.
 */
@Injectable()
export class UserRepository {
  /** Set on the repository handed to `inMembersTransaction` work: already inside the tenant. */
  #tenantScoped = false;

  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /**
   * Runs `work` in a transaction inside the tenant, holding a lock on its member list; `work`'s
   * repository runs every query in that transaction.
   */
  inMembersTransaction<T>(tenantId: string, work: (tx: UserRepository) => Promise<T>): Promise<T> {
    return this.db.transaction(async (m) => {
      await m.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`vigil:members:${tenantId}`]);
      await enterTenant(m, tenantId);
      const tx = new UserRepository(m as unknown as DataSource);
      tx.#tenantScoped = true;
      return work(tx);
    });
  }

  /** Runs tenant-scoped `work` inside the tenant: in this transaction, or a new one. */
  private inTenant<T>(
    tenantId: string,
    work: (q: Pick<EntityManager, 'query'>) => Promise<T>,
  ): Promise<T> {
    if (this.#tenantScoped) return work(this.q);
    return this.db.transaction(async (m) => {
      await enterTenant(m, tenantId);
      return work(m);
    });
  }

  private get q(): Pick<EntityManager, 'query'> {
    return this.db;
  }

  async tenantBySlug(slug: string): Promise<TenantRef | null> {
    const [row] = await this.q.query<Raw[]>('SELECT id, slug FROM tenants WHERE slug = $1', [slug]);
    return row ? { id: row.id as string, slug: row.slug as string } : null;
  }

  async tenantById(id: string): Promise<TenantRef | null> {
    const [row] = await this.q.query<Raw[]>('SELECT id, slug FROM tenants WHERE id = $1', [id]);
    return row ? { id: row.id as string, slug: row.slug as string } : null;
  }

  async userByEmail(email: string): Promise<UserRow | null> {
    const [row] = await this.q.query<Raw[]>(
      `SELECT ${USER_COLUMNS} FROM users u WHERE u.email = $1`,
      [email],
    );
    return row ? toUser(row) : null;
  }

  async userById(id: string): Promise<UserRow | null> {
    const [row] = await this.q.query<Raw[]>(`SELECT ${USER_COLUMNS} FROM users u WHERE u.id = $1`, [
      id,
    ]);
    return row ? toUser(row) : null;
  }

  /** Inserts the user, or returns the existing one with that e-mail. */
  async ensureUser(email: string, passwordHash: string | null): Promise<UserRow> {
    await this.q.query(
      `INSERT INTO users (email, password_hash) VALUES ($1, $2) ON CONFLICT (email) DO NOTHING`,
      [email, passwordHash],
    );
    return (await this.userByEmail(email)) as UserRow;
  }

  async setPassword(userId: string, passwordHash: string): Promise<void> {
    await this.q.query('UPDATE users SET password_hash = $2 WHERE id = $1', [userId, passwordHash]);
  }

  async roleIn(tenantId: string, userId: string): Promise<Role | null> {
    const [row] = await this.q.query<Raw[]>(
      'SELECT role FROM memberships WHERE tenant_id = $1 AND user_id = $2',
      [tenantId, userId],
    );
    return row ? (row.role as Role) : null;
  }

  async tenantsOf(userId: string): Promise<Array<TenantRef & { role: Role }>> {
    const rows = await this.q.query<Raw[]>(
      `SELECT t.id, t.slug, m.role FROM memberships m JOIN tenants t ON t.id = m.tenant_id
        WHERE m.user_id = $1 ORDER BY t.slug`,
      [userId],
    );
    return rows.map((r) => ({ id: r.id as string, slug: r.slug as string, role: r.role as Role }));
  }

  async members(tenantId: string): Promise<MemberRow[]> {
    const rows = await this.inTenant(tenantId, (q) =>
      q.query<Raw[]>(
        `SELECT ${MEMBER_COLUMNS}, m.role, m.created_at AS since
           FROM memberships m JOIN users u ON u.id = m.user_id
          WHERE m.tenant_id = $1 ORDER BY u.email`,
        [tenantId],
      ),
    );
    return rows.map((r) => ({ user: toUser(r), role: r.role as Role, since: r.since as Date }));
  }

  async countOwners(tenantId: string): Promise<number> {
    const [row] = await this.q.query<Raw[]>(
      `SELECT count(*)::int AS n FROM memberships WHERE tenant_id = $1 AND role = 'owner'`,
      [tenantId],
    );
    return (row?.n as number | undefined) ?? 0;
  }

  /** Adds the membership; an existing one keeps its role. Returns the role in effect. */
  async addMembership(tenantId: string, userId: string, role: Role): Promise<Role> {
    const [row] = await this.inTenant(tenantId, async (q) => {
      await q.query(
        `INSERT INTO memberships (tenant_id, user_id, role) VALUES ($1, $2, $3)
         ON CONFLICT (tenant_id, user_id) DO NOTHING`,
        [tenantId, userId, role],
      );
      return q.query<Raw[]>('SELECT role FROM memberships WHERE tenant_id = $1 AND user_id = $2', [
        tenantId,
        userId,
      ]);
    });
    return row?.role as Role;
  }

  async setRole(tenantId: string, userId: string, role: Role): Promise<void> {
    await this.q.query('UPDATE memberships SET role = $3 WHERE tenant_id = $1 AND user_id = $2', [
      tenantId,
      userId,
      role,
    ]);
  }

  async removeMembership(tenantId: string, userId: string): Promise<void> {
    await this.q.query('DELETE FROM memberships WHERE tenant_id = $1 AND user_id = $2', [
      tenantId,
      userId,
    ]);
  }

  /** What a request with an access token of session `sid` needs to know, in one query. */
  async sessionState(sid: string, userId: string, tenantId: string): Promise<SessionState | null> {
    const [row] = await this.q.query<Raw[]>(
      `SELECT u.email, u.disabled_at, t.slug, m.role,
              EXISTS (SELECT 1 FROM refresh_tokens r WHERE r.family_id = $1 AND r.user_id = $2
                         AND r.tenant_id = $3 AND r.revoked_at IS NULL) AS active
         FROM users u JOIN tenants t ON t.id = $3
         LEFT JOIN memberships m ON m.user_id = u.id AND m.tenant_id = t.id
        WHERE u.id = $2`,
      [sid, userId, tenantId],
    );
    if (!row) return null;
    return {
      email: row.email as string,
      tenantSlug: row.slug as string,
      role: (row.role as Role | null) ?? null,
      disabled: row.disabled_at !== null,
      active: row.active as boolean,
    };
  }

  async insertRefreshToken(
    familyId: string,
    tenantId: string,
    userId: string,
    tokenHash: Buffer,
    expiresAt: Date,
  ): Promise<void> {
    await this.q.query(
      `INSERT INTO refresh_tokens (family_id, tenant_id, user_id, token_hash, expires_at)
       VALUES ($1, $2, $3, $4, $5)`,
      [familyId, tenantId, userId, tokenHash, expiresAt],
    );
  }

  /**
   * Marks a live refresh token used (once: concurrent refreshes race on the UPDATE) and returns
   * it; else returns what is known about it, so the caller can tell reuse from garbage.
   */
  async useRefreshToken(
    tokenHash: Buffer,
  ): Promise<{ used: RefreshTokenRow } | { reused: RefreshTokenRow } | null> {
    const [used] = await this.q.query<[Raw[], number]>(
      `UPDATE refresh_tokens SET used_at = now()
        WHERE token_hash = $1 AND used_at IS NULL AND revoked_at IS NULL AND expires_at > now()
        RETURNING id, family_id, tenant_id, user_id`,
      [tokenHash],
    );
    const usedRow = used?.[0];
    if (usedRow) return { used: toRefresh(usedRow) };
    const [known] = await this.q.query<Raw[]>(
      `SELECT id, family_id, tenant_id, user_id, used_at FROM refresh_tokens WHERE token_hash = $1`,
      [tokenHash],
    );
    return known && known.used_at !== null ? { reused: toRefresh(known) } : null;
  }

  async findRefreshToken(tokenHash: Buffer): Promise<RefreshTokenRow | null> {
    const [row] = await this.q.query<Raw[]>(
      'SELECT id, family_id, tenant_id, user_id FROM refresh_tokens WHERE token_hash = $1',
      [tokenHash],
    );
    return row ? toRefresh(row) : null;
  }

  async revokeFamily(familyId: string): Promise<void> {
    await this.q.query(
      'UPDATE refresh_tokens SET revoked_at = now() WHERE family_id = $1 AND revoked_at IS NULL',
      [familyId],
    );
  }

  /** Every session of the user, in one tenant or (tenantId null) everywhere. */
  async revokeSessionsOf(userId: string, tenantId: string | null): Promise<void> {
    await this.q.query(
      `UPDATE refresh_tokens SET revoked_at = now()
        WHERE user_id = $1 AND ($2::uuid IS NULL OR tenant_id = $2) AND revoked_at IS NULL`,
      [userId, tenantId],
    );
  }

  /**
   * The tenant's members matching any of these ids or e-mails (owner role: the e-mail lookup
   * crosses into `users`).
   */
  async membersMatching(
    tenantId: string,
    userIds: readonly string[],
    emails: readonly string[],
  ): Promise<Array<{ id: string; role: Role }>> {
    const rows = await this.q.query<Raw[]>(
      `SELECT u.id, m.role FROM memberships m JOIN users u ON u.id = m.user_id
        WHERE m.tenant_id = $1 AND (u.id::text = ANY($2) OR u.email = ANY($3))`,
      [tenantId, userIds, emails],
    );
    return rows.map((r) => ({ id: r.id as string, role: r.role as Role }));
  }

  /** Deletes those of these users who no longer belong to any tenant; returns how many went. */
  async deleteUsersWithoutTenant(userIds: readonly string[]): Promise<number> {
    if (userIds.length === 0) return 0;
    const [row] = await this.q.query<Raw[]>(
      `WITH gone AS (
         DELETE FROM users u WHERE u.id = ANY($1::uuid[])
            AND NOT EXISTS (SELECT 1 FROM memberships m WHERE m.user_id = u.id)
          RETURNING 1)
       SELECT count(*)::int AS n FROM gone`,
      [userIds],
    );
    return (row?.n as number | undefined) ?? 0;
  }

  async insertUserToken(
    token: Omit<UserTokenRow, 'id'>,
    tokenHash: Buffer,
    expiresAt: Date,
    createdBy: string | null,
  ): Promise<void> {
    await this.q.query(
      `INSERT INTO user_tokens (purpose, token_hash, email, user_id, tenant_id, role, created_by, expires_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [
        token.purpose,
        tokenHash,
        token.email,
        token.userId,
        token.tenantId,
        token.role,
        createdBy,
        expiresAt,
      ],
    );
  }

  /** Uses a one-time token: only once, only before it expires. */
  async consumeUserToken(
    tokenHash: Buffer,
    purpose: UserTokenPurpose,
  ): Promise<UserTokenRow | null> {
    const [rows] = await this.q.query<[Raw[], number]>(
      `UPDATE user_tokens SET used_at = now()
        WHERE token_hash = $1 AND purpose = $2 AND used_at IS NULL AND expires_at > now()
        RETURNING id, purpose, email, user_id, tenant_id, role`,
      [tokenHash, purpose],
    );
    const row = rows?.[0];
    if (!row) return null;
    return {
      id: row.id as string,
      purpose: row.purpose as UserTokenPurpose,
      email: row.email as string,
      userId: (row.user_id as string | null) ?? null,
      tenantId: (row.tenant_id as string | null) ?? null,
      role: (row.role as Role | null) ?? null,
    };
  }
}

function toUser(r: Raw): UserRow {
  return {
    id: r.id as string,
    email: r.email as string,
    passwordHash: (r.password_hash as string | null) ?? null,
    createdAt: r.created_at as Date,
    disabledAt: (r.disabled_at as Date | null) ?? null,
  };
}

function toRefresh(r: Raw): RefreshTokenRow {
  return {
    id: r.id as string,
    familyId: r.family_id as string,
    tenantId: r.tenant_id as string,
    userId: r.user_id as string,
  };
}
