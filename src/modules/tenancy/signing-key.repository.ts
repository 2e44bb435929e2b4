import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

export interface SigningKeyRow {
  kid: string;
  algorithm: string;
  publicJwk: Record<string, unknown>;
  privateJwkSealed: string;
  createdAt: Date;
  retiredAt: Date | null;
}

interface RawRow {
  kid: string;
  algorithm: string;
  public_jwk: Record<string, unknown>;
  private_jwk_sealed: string;
  created_at: Date;
  retired_at: Date | null;
}

const COLUMNS = 'kid, algorithm, public_jwk, private_jwk_sealed, created_at, retired_at';

/** JWT signing keys, shared by every replica through Postgres. */
@Injectable()
export class SigningKeyRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** Keys not retired, or retired after `retiredSince` (their tokens may still be valid). */
  async usable(retiredSince: Date): Promise<SigningKeyRow[]> {
    const rows: RawRow[] = await this.db.query(
      `SELECT ${COLUMNS} FROM signing_keys
        WHERE retired_at IS NULL OR retired_at > $1 ORDER BY created_at DESC`,
      [retiredSince],
    );
    return rows.map(toRow);
  }

  async reseal(kid: string, privateJwkSealed: string): Promise<void> {
    await this.db.query('UPDATE signing_keys SET private_jwk_sealed = $2 WHERE kid = $1', [
      kid,
      privateJwkSealed,
    ]);
  }

  /**
   * Under a cluster-wide lock: when the newest active key was created before `staleBefore` (or
   * none exists), retires the active ones and stores the key `make` builds. Returns the active key.
   */
  async rotateIfStale(
    staleBefore: Date,
    make: () => Promise<Omit<SigningKeyRow, 'createdAt' | 'retiredAt'>>,
  ): Promise<SigningKeyRow> {
    return this.db.transaction(async (m) => {
      await m.query(`SELECT pg_advisory_xact_lock(hashtext('vigil:signing-keys'))`);
      const [current] = await m.query<RawRow[]>(
        `SELECT ${COLUMNS} FROM signing_keys WHERE retired_at IS NULL
          ORDER BY created_at DESC LIMIT 1`,
      );
      if (current && current.created_at > staleBefore) return toRow(current);
      const key = await make();
      await m.query(`UPDATE signing_keys SET retired_at = now() WHERE retired_at IS NULL`);
      const [inserted] = await m.query<RawRow[]>(
        `INSERT INTO signing_keys (kid, algorithm, public_jwk, private_jwk_sealed)
         VALUES ($1, $2, $3, $4) RETURNING ${COLUMNS}`,
        [key.kid, key.algorithm, JSON.stringify(key.publicJwk), key.privateJwkSealed],
      );
      return toRow(inserted as RawRow);
    });
  }
}

function toRow(r: RawRow): SigningKeyRow {
  return {
    kid: r.kid,
    algorithm: r.algorithm,
    publicJwk: r.public_jwk,
    privateJwkSealed: r.private_jwk_sealed,
    createdAt: r.created_at,
    retiredAt: r.retired_at,
  };
}
