import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

import type { Scope } from './principal';

@Entity('api_keys')
export class ApiKeyEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column('uuid', { name: 'tenant_id' })
  tenantId!: string;

  @Column('text')
  name!: string;

  /** The first characters of the key, safe to show (`vgl_AbC1…`). */
  @Column('text', { name: 'key_prefix' })
  keyPrefix!: string;

  /** SHA-256 of the whole key: keys are 190-bit random, so a slow hash adds nothing. */
  @Column('bytea', { name: 'key_hash' })
  keyHash!: Buffer;

  @Column('text', { array: true })
  scopes!: Scope[];

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column('timestamptz', { name: 'last_used_at', nullable: true })
  lastUsedAt!: Date | null;

  @Column('timestamptz', { name: 'revoked_at', nullable: true })
  revokedAt!: Date | null;

  /** After this instant the key is refused; null for keys that do not expire. */
  @Column('timestamptz', { name: 'expires_at', nullable: true })
  expiresAt!: Date | null;

  /** The key a rotation issued in place of this one. */
  @Column('uuid', { name: 'replaced_by', nullable: true })
  replacedBy!: string | null;
}
