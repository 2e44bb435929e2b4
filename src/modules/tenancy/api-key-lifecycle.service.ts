import { Injectable, Logger } from '@nestjs/common';

import { isUuid } from '../../common/ids/uuid';
import { systemActor } from '../audit/audit-actor';
import { AuditService } from '../audit/audit.service';

import { displayPrefix, generateApiKey, hashApiKey } from './api-key.codec';
import type { ApiKeyEntity } from './api-key.entity';
import { ApiKeyRepository } from './api-key.repository';
import { type Principal, SCOPE_PERMISSIONS, SCOPES, type Scope } from './principal';
import { RevocationBus } from './revocation-bus';
import { TenancyError } from './tenancy.errors';

/** A key as it may be shown after creation: never its secret nor its hash. */
export interface ApiKeyView {
  id: string;
  name: string;
  prefix: string;
  scopes: Scope[];
  createdAt: Date;
  lastUsedAt: Date | null;
  expiresAt: Date | null;
  revokedAt: Date | null;
}

export interface IssuedApiKey {
  key: ApiKeyView;
  /** The secret itself: returned here once, never stored. */
  secret: string;
  /** After a rotation, the replaced key (valid until its new `expiresAt`). */
  previous: ApiKeyView | null;
}

/**
 * Who asks: an authenticated principal (who cannot grant scopes it lacks), or null for the
 * operator at the `vigil` command line.
 */
export type KeyGrantor = Principal | null;

export type KeyAction = 'api_key.created' | 'api_key.rotated' | 'api_key.revoked';

const MAX_NAME_LENGTH = 100;
/** The longest overlap a rotation may leave both keys valid: 30 days. */
export const MAX_OVERLAP_MINUTES = 30 * 24 * 60;

/** Creating, listing, rotating and revoking a tenant's API keys. */
@Injectable()
export class ApiKeyLifecycleService {
  readonly #logger = new Logger(ApiKeyLifecycleService.name);

  constructor(
    private readonly keys: ApiKeyRepository,
    private readonly bus: RevocationBus,
    private readonly auditLog: AuditService,
  ) {}

  async list(tenantId: string): Promise<ApiKeyView[]> {
    return (await this.keys.list(tenantId)).map(toView);
  }

  async create(
    grantor: KeyGrantor,
    tenantId: string,
    request: { name: string; scopes: readonly Scope[]; expiresAt?: Date | null },
  ): Promise<IssuedApiKey> {
    const name = validName(request.name);
    const scopes = validScopes(request.scopes);
    assertMayGrant(grantor, scopes);
    const expiresAt = validExpiry(request.expiresAt ?? null, new Date());
    const secret = generateApiKey();
    const row = await this.keys.insert({
      tenantId,
      name,
      keyPrefix: displayPrefix(secret),
      keyHash: hashApiKey(secret),
      scopes,
      expiresAt,
    });
    this.audit('api_key.created', grantor, row);
    return { key: toView(row), secret, previous: null };
  }

  /**
   * Issues a new key with the same name and scopes and lets the old one live `overlapMinutes`
   * more (never longer than it would have), so shippers can be switched over without a gap.
   */
  async rotate(
    grantor: KeyGrantor,
    tenantId: string,
    id: string,
    overlapMinutes: number,
    newExpiresAt: Date | null = null,
  ): Promise<IssuedApiKey> {
    if (!(Number.isFinite(overlapMinutes) && overlapMinutes >= 0)) {
      throw invalid(`overlapMinutes must be a number of minutes >= 0, got ${overlapMinutes}`);
    }
    if (overlapMinutes > MAX_OVERLAP_MINUTES) {
      throw invalid(`overlapMinutes must be at most ${MAX_OVERLAP_MINUTES} (30 days)`);
    }
    const now = new Date();
    const expiresAt = validExpiry(newExpiresAt, now);
    const secret = generateApiKey();
    const { issued, previous } = await this.keys.inTransaction(tenantId, async (tx) => {
      const old = await tx.findForUpdate(tenantId, validId(id));
      if (!old) throw notFound(id);
      if (old.revokedAt) throw invalid(`API key ${id} is revoked; create a new key instead`);
      if (old.expiresAt && old.expiresAt <= now) {
        throw invalid(`API key ${id} has expired; create a new key instead`);
      }
      assertMayGrant(grantor, old.scopes);
      const fresh = await tx.insert({
        tenantId,
        name: old.name,
        keyPrefix: displayPrefix(secret),
        keyHash: hashApiKey(secret),
        scopes: old.scopes,
        expiresAt,
      });
      const overlapEnd = new Date(now.getTime() + Math.round(overlapMinutes * 60_000));
      if (!old.expiresAt || old.expiresAt > overlapEnd) old.expiresAt = overlapEnd;
      old.replacedBy = fresh.id;
      return { issued: fresh, previous: await tx.save(old) };
    });
    // Replicas cached the old key without this expiry: make them read it again.
    await this.bus.publish({ kind: 'api_key', id: previous.id, tenantId });
    this.audit('api_key.rotated', grantor, previous, issued);
    return { key: toView(issued), secret, previous: toView(previous) };
  }

  /** Revokes a key on every replica at once; revoking a revoked key changes nothing. */
  async revoke(grantor: KeyGrantor, tenantId: string, id: string): Promise<ApiKeyView> {
    const { key, changed } = await this.keys.inTransaction(tenantId, async (tx) => {
      const found = await tx.findForUpdate(tenantId, validId(id));
      if (!found) throw notFound(id);
      if (found.revokedAt) return { key: found, changed: false };
      found.revokedAt = new Date();
      return { key: await tx.save(found), changed: true };
    });
    if (changed) {
      await this.bus.publish({ kind: 'api_key', id: key.id, tenantId });
      this.audit('api_key.revoked', grantor, key);
    }
    return toView(key);
  }

  /** The one place key changes reach the audit log. Never pass the secret or its hash here. */
  private audit(
    action: KeyAction,
    grantor: KeyGrantor,
    key: ApiKeyEntity,
    replacement?: ApiKeyEntity,
  ): void {
    this.auditLog
      .record(grantor ?? systemActor(key.tenantId, 'cli'), action, {
        target: { kind: 'api_key', id: key.id },
        details: {
          name: key.name,
          scopes: key.scopes,
          expiresAt: key.expiresAt?.toISOString() ?? null,
          ...(replacement ? { replacedBy: replacement.id } : {}),
        },
      })
      .catch((err: unknown) => {
        this.#logger.error(`could not record ${action} in the audit log: ${String(err)}`);
      });
  }
}

/** A caller cannot hand out more than it holds: each scope's permissions must all be its own. */
function assertMayGrant(grantor: KeyGrantor, scopes: readonly Scope[]): void {
  if (!grantor) return;
  const lacking = scopes.filter((s) =>
    SCOPE_PERMISSIONS[s].some((p) => !grantor.permissions.has(p)),
  );
  if (lacking.length > 0) {
    throw new TenancyError(
      'FORBIDDEN',
      `this ${grantor.kind === 'user' ? 'user' : 'API key'} cannot grant the ${lacking.join(', ')} scope it does not have`,
    );
  }
}

function validName(raw: string): string {
  const name = raw.trim();
  if (name.length === 0 || name.length > MAX_NAME_LENGTH) {
    throw invalid(`name must be 1-${MAX_NAME_LENGTH} characters`);
  }
  if (/[\u0000-\u001f\u007f]/.test(name)) throw invalid('name must not contain control characters');
  return name;
}

function validScopes(scopes: readonly Scope[]): Scope[] {
  const unique = [...new Set(scopes)];
  if (unique.length === 0) throw invalid(`give at least one scope (${SCOPES.join(', ')})`);
  const unknown = unique.filter((s) => !SCOPES.includes(s));
  if (unknown.length > 0) {
    throw invalid(`unknown scope ${unknown.join(', ')} (known: ${SCOPES.join(', ')})`);
  }
  return SCOPES.filter((s) => unique.includes(s));
}

function validExpiry(expiresAt: Date | null, now: Date): Date | null {
  if (expiresAt === null) return null;
  if (Number.isNaN(expiresAt.getTime())) throw invalid('expiresAt is not a valid date');
  if (expiresAt <= now) throw invalid('expiresAt must be in the future');
  return expiresAt;
}

function validId(id: string): string {
  if (!isUuid(id)) throw notFound(id);
  return id;
}

function notFound(id: string): TenancyError {
  return new TenancyError('API_KEY_NOT_FOUND', `no API key ${id} in this tenant`);
}

function invalid(message: string): TenancyError {
  return new TenancyError('INVALID_API_KEY_REQUEST', message);
}

function toView(row: ApiKeyEntity): ApiKeyView {
  return {
    id: row.id,
    name: row.name,
    prefix: row.keyPrefix,
    scopes: [...row.scopes],
    createdAt: row.createdAt,
    lastUsedAt: row.lastUsedAt,
    expiresAt: row.expiresAt,
    revokedAt: row.revokedAt,
  };
}
