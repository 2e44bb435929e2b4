import { Injectable, Logger } from '@nestjs/common';

import type { RequestOrigin } from '../../common/auth/request-context';
import { SecretBoxError } from '../../common/crypto/secret-box';
import { AppConfig } from '../../config/app-config';
import { actorOf, type AuditActor } from '../audit/audit-actor';
import { AuditService } from '../audit/audit.service';
import type { Principal } from '../tenancy/principal';
import { SecretValue } from './secret-value';
import { SecretsError } from './secrets.errors';
import { type SecretRow, SecretsRepository } from './secrets.repository';

/** Names are namespaced by their owner, e.g. `smtp.password`, `channel:<id>:token`. */
const NAME = /^[A-Za-z0-9][A-Za-z0-9._:/-]{0,199}$/;
export const MAX_SECRET_BYTES = 64 * 1024;

/** A secret as it may be shown: never its value. */
export interface SecretInfo {
  name: string;
  createdAt: Date;
  updatedAt: Date;
  createdBy: string;
  updatedBy: string;
  /** Id of the key that sealed the stored value (rotation progress). */
  sealedWith: string;
}

/**
 * The secrets store: per-tenant values sealed with `AppConfig.secretBox` (AES-256-GCM) under the
 * context `tenant:<id>:secret:<name>`, so a value copied to another tenant or name never opens.
 *
 * - `set` / `delete` change a secret and append `secret.set` / `secret.deleted` to the audit log in
 *   the same transaction; `who` is the caller (a Principal) or a system actor.
 * - `get` is for Vigil's own use (sending through a channel, logging in to SMTP); no API returns a
 *   value. A value sealed under an older key is re-sealed under the current one as it is read.
 * - `list` returns names, timestamps and authors.
 *
 * Values are never logged; do not put them in error messages or audit details either.
 */
@Injectable()
export class SecretsService {
  readonly #logger = new Logger(SecretsService.name);

  constructor(
    private readonly repository: SecretsRepository,
    private readonly audit: AuditService,
    private readonly config: AppConfig,
  ) {}

  async set(
    who: Principal | AuditActor,
    name: string,
    value: string | SecretValue,
    origin: RequestOrigin = { ip: null, userAgent: null },
  ): Promise<SecretInfo> {
    const actor = tenantActor(who);
    checkName(name);
    const plaintext = checkValue(value);
    const ciphertext = this.config.secretBox.seal(plaintext, context(actor.tenantId, name));
    return this.repository.transaction(actor.tenantId, async (tx) => {
      const { row, created } = await this.repository.upsert(tx, name, ciphertext, authorOf(actor));
      await this.audit.record(actor, 'secret.set', {
        target: { kind: 'secret', id: name },
        details: { name, created, sealedWith: this.config.secretBox.primaryKeyId },
        ...origin,
        tx,
      });
      return infoOf(row);
    });
  }

  /** The value, or null when there is no such secret. */
  async get(tenantId: string, name: string): Promise<string | null> {
    return this.repository.transaction(tenantId, async (tx) => {
      const row = await this.repository.find(tx, name);
      if (!row) return null;
      const ctx = context(tenantId, name);
      let opened;
      try {
        opened = this.config.secretBox.open(row.ciphertext, ctx);
      } catch (err) {
        if (!(err instanceof SecretBoxError)) throw err;
        throw new SecretsError('SECRET_UNREADABLE', `secret "${name}": ${err.message}`, {
          cause: err,
        });
      }
      if (opened.stale) {
        await this.repository.reseal(
          tx,
          name,
          row.ciphertext,
          this.config.secretBox.seal(opened.plaintext, ctx),
        );
        this.#logger.log(
          `re-sealed secret "${name}" of tenant ${tenantId} under key ${this.config.secretBox.primaryKeyId}`,
        );
      }
      return opened.plaintext;
    });
  }

  /** True when the secret existed (and is now gone). */
  async delete(
    who: Principal | AuditActor,
    name: string,
    origin: RequestOrigin = { ip: null, userAgent: null },
  ): Promise<boolean> {
    const actor = tenantActor(who);
    checkName(name);
    return this.repository.transaction(actor.tenantId, async (tx) => {
      const deleted = await this.repository.delete(tx, name);
      if (deleted) {
        await this.audit.record(actor, 'secret.deleted', {
          target: { kind: 'secret', id: name },
          details: { name },
          ...origin,
          tx,
        });
      }
      return deleted;
    });
  }

  async list(tenantId: string): Promise<SecretInfo[]> {
    return (await this.repository.list(tenantId)).map(infoOf);
  }
}

function tenantActor(who: Principal | AuditActor): AuditActor & { tenantId: string } {
  const actor = actorOf(who);
  if (actor.tenantId === null) throw new TypeError('secrets belong to a tenant: actor has none');
  return { ...actor, tenantId: actor.tenantId };
}

function context(tenantId: string, name: string): string {
  return `tenant:${tenantId}:secret:${name}`;
}

function checkName(name: string): void {
  if (!NAME.test(name)) {
    throw new SecretsError(
      'INVALID_SECRET_NAME',
      `secret name "${name.slice(0, 100)}" must be 1-200 letters, digits or . _ : / -, starting with a letter or digit`,
    );
  }
}

/** Never quotes the value in its errors. */
function checkValue(value: string | SecretValue): string {
  const text = value instanceof SecretValue ? value.reveal() : value;
  if (typeof text !== 'string') {
    throw new SecretsError('INVALID_SECRET_VALUE', 'the secret value must be a string');
  }
  if (text === '') throw new SecretsError('INVALID_SECRET_VALUE', 'the secret value is empty');
  if (Buffer.byteLength(text, 'utf8') > MAX_SECRET_BYTES) {
    throw new SecretsError(
      'INVALID_SECRET_VALUE',
      `the secret value is longer than ${MAX_SECRET_BYTES} bytes`,
    );
  }
  return text;
}

function authorOf(actor: AuditActor): string {
  return `${actor.kind}:${actor.label ?? actor.id ?? 'unknown'}`;
}

function infoOf(row: SecretRow): SecretInfo {
  return {
    name: row.name,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
    createdBy: row.createdBy,
    updatedBy: row.updatedBy,
    sealedWith: row.ciphertext.split('.')[1] ?? '',
  };
}
